package migrate

import (
	"fmt"
	"regexp"
	"strings"

	networkingv1 "k8s.io/api/networking/v1"
	gwv1 "sigs.k8s.io/gateway-api/apis/v1"
)

// pathMatch translates one Ingress path by what its controller does with
// it, not by the pathType's name:
//
//   - the spec profile: Exact and Prefix as written; ImplementationSpecific
//     is read as Prefix, with a finding, since the spec leaves it open.
//   - nginx: ImplementationSpecific is Prefix (SetDefaultNGINXPathType);
//     on a regex host (use-regex or rewrite-target on any Ingress of the
//     host) every path is a case-insensitive regex anchored at the start,
//     which RegularExpression "(?i)<path>.*" matches in full.
//   - gce: "/*" is every path and "/foo/*" everything below "/foo/"
//     (ingress-gce URL map path rules); other paths are exact.
//   - alb: "*" and "?" are wildcards in ImplementationSpecific paths
//     (AWS Load Balancer Controller docs/guide/ingress/spec.md); other
//     ImplementationSpecific paths are exact.
//
// Gateway API RegularExpression matches are implementation-specific
// (HTTPPathMatch in apis/v1 httproute_types.go); the ones written here are
// RE2 and match the whole path.
func (t *translator) pathMatch(hr *hostRoute, profile string, nx *nginxFeatures, p networkingv1.HTTPIngressPath, field string) (gwv1.HTTPPathMatch, bool) {
	ing := hr.ing
	path := p.Path
	if path == "" {
		path = "/"
	}
	pt := networkingv1.PathTypeImplementationSpecific
	if p.PathType != nil {
		pt = *p.PathType
	}
	exact, prefix, re := gwv1.PathMatchExact, gwv1.PathMatchPathPrefix, gwv1.PathMatchRegularExpression
	mk := func(typ gwv1.PathMatchType, v string) (gwv1.HTTPPathMatch, bool) {
		why := ""
		if typ != gwv1.PathMatchRegularExpression {
			why = literalPathProblem(v)
		}
		if why == "" && len(v) > 1024 {
			// The value's MaxLength, for every type.
			why = "is longer than 1024 characters"
		}
		{
			if why != "" {
				t.report(ing, field+".path", Warning, fmt.Sprintf("%q cannot be a Gateway API %s value: it %s; the path is left out: rewrite it, or match it with a RegularExpression your implementation supports", v, typ, why))
				return gwv1.HTTPPathMatch{}, false
			}
		}
		return gwv1.HTTPPathMatch{Type: &typ, Value: &v}, true
	}
	switch profile {
	case "nginx":
		if nx.regexHost(hr.host) {
			if _, err := regexp.Compile(path); err != nil {
				t.report(ing, field+".path", Warning, fmt.Sprintf("%q is not a regular expression RE2 accepts (%v); nginx's PCRE may; the path is left out", path, err))
				return gwv1.HTTPPathMatch{}, false
			}
			return mk(re, "(?i)"+path+".*")
		}
		if pt == networkingv1.PathTypeExact {
			return mk(exact, path)
		}
		return mk(prefix, path)
	case "gce":
		switch {
		case path == "/*":
			return mk(prefix, "/")
		case strings.HasSuffix(path, "/*"):
			return mk(re, regexp.QuoteMeta(strings.TrimSuffix(path, "*"))+".*")
		case pt == networkingv1.PathTypePrefix:
			return mk(prefix, path)
		}
		return mk(exact, path)
	case "alb":
		if pt == networkingv1.PathTypeImplementationSpecific {
			if strings.ContainsAny(path, "*?") {
				return mk(re, globRegexp(path))
			}
			return mk(exact, path)
		}
		if pt == networkingv1.PathTypeExact {
			return mk(exact, path)
		}
		return mk(prefix, path)
	}
	switch pt {
	case networkingv1.PathTypeExact:
		return mk(exact, path)
	case networkingv1.PathTypePrefix:
		return mk(prefix, path)
	}
	t.report(ing, field+".pathType", Info, fmt.Sprintf("pathType ImplementationSpecific is read as PathPrefix for %s; check that your controller matched it that way", path))
	return mk(prefix, path)
}

// globRegexp turns an ALB path pattern into an RE2 that matches the whole
// path: "*" is any run of characters, "?" one character.
func globRegexp(glob string) string {
	var b strings.Builder
	for _, part := range strings.SplitAfter(glob, "") {
		switch part {
		case "*":
			b.WriteString(".*")
		case "?":
			b.WriteString(".")
		default:
			b.WriteString(regexp.QuoteMeta(part))
		}
	}
	return b.String()
}

// literalPathChars is the character set an Exact or PathPrefix value may
// hold (HTTPPathMatch's CEL rules in sigs.k8s.io/gateway-api v1.6.0
// apis/v1/httproute_types.go).
var literalPathChars = regexp.MustCompile(`^(?:[-A-Za-z0-9/._~!$&'()*+,;=:@]|[%][0-9a-fA-F]{2})+$`)

// literalPathProblem says why the API server would reject v as an Exact
// or PathPrefix value, or "" when it accepts it. The checks are the CEL
// rules of HTTPPathMatch (sigs.k8s.io/gateway-api v1.6.0
// apis/v1/httproute_types.go), in their order.
func literalPathProblem(v string) string {
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
