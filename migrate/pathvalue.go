package migrate

import (
	"regexp"
	"strings"

	gwv1 "sigs.k8s.io/gateway-api/apis/v1"
)

// literalPathChars is the character set an Exact or PathPrefix value may
// hold (HTTPPathMatch's CEL rules in sigs.k8s.io/gateway-api v1.6.0
// apis/v1/httproute_types.go).
var literalPathChars = regexp.MustCompile(`^(?:[-A-Za-z0-9/._~!$&'()*+,;=:@]|[%][0-9a-fA-F]{2})+$`)

// pathMatchProblem says why the API server would reject a path match a
// provider made, or "" when it accepts it: the value's MaxLength of 1024
// for every type, and for Exact and PathPrefix the CEL rules of
// HTTPPathMatch (sigs.k8s.io/gateway-api v1.6.0 apis/v1/httproute_types.go),
// in their order. A path an Ingress controller accepts may break them
// (a backslash, a space, "//"), so it is reported instead of written.
func pathMatchProblem(m gwv1.HTTPPathMatch) string {
	if m.Value == nil {
		return ""
	}
	v := *m.Value
	if len(v) > 1024 {
		return "is longer than 1024 characters"
	}
	if m.Type != nil && *m.Type == gwv1.PathMatchRegularExpression {
		return ""
	}
	switch {
	case !strings.HasPrefix(v, "/"):
		return "does not start with a slash"
	case strings.Contains(v, "//"):
		return "contains '//'"
	case strings.Contains(v, "/./"), strings.HasSuffix(v, "/."):
		return "has a '.' segment"
	case strings.Contains(v, "/../"), strings.HasSuffix(v, "/.."):
		return "has a '..' segment"
	case strings.Contains(v, "%2f"), strings.Contains(v, "%2F"):
		return "contains an encoded slash"
	case strings.Contains(v, "#"):
		return "contains '#'"
	case !literalPathChars.MatchString(v):
		return "has characters outside those a URL path allows unencoded"
	}
	return ""
}

// preciseHostnamePattern is PreciseHostname's pattern (sigs.k8s.io/gateway-api
// v1.6.0 apis/v1/shared_types.go).
var preciseHostnamePattern = regexp.MustCompile(`^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$`)

// PreciseHostname reports whether the API server takes h as a
// PreciseHostname (redirect and rewrite hostnames, BackendTLSPolicy
// hostnames): the pattern, and 1 to 253 characters (shared_types.go).
func PreciseHostname(h string) bool {
	return len(h) <= 253 && preciseHostnamePattern.MatchString(h)
}
