package alb

import (
	"regexp"
	"strings"

	networkingv1 "k8s.io/api/networking/v1"
	gwv1 "sigs.k8s.io/gateway-api/apis/v1"

	"github.com/ingresskit/ingresskit/migrate"
)

// PathMatch reads a path as the controller does: "*" and "?" are
// wildcards in ImplementationSpecific paths (AWS Load Balancer Controller
// docs/guide/ingress/spec.md); other ImplementationSpecific paths are
// exact.
func (r *reader) PathMatch(_ *migrate.HostRoute, p networkingv1.HTTPIngressPath, _ string) (gwv1.HTTPPathMatch, bool) {
	path := migrate.IngressPath(p)
	switch migrate.PathType(p) {
	case networkingv1.PathTypeImplementationSpecific:
		if strings.ContainsAny(path, "*?") {
			return migrate.Match(gwv1.PathMatchRegularExpression, globRegexp(path)), true
		}
		return migrate.Match(gwv1.PathMatchExact, path), true
	case networkingv1.PathTypeExact:
		return migrate.Match(gwv1.PathMatchExact, path), true
	}
	return migrate.Match(gwv1.PathMatchPathPrefix, path), true
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
