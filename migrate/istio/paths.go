package istio

import (
	"strings"

	networkingv1 "k8s.io/api/networking/v1"
	gwv1 "sigs.k8s.io/gateway-api/apis/v1"

	"github.com/ingresskit/ingresskit/migrate"
)

// PathMatch reads a path as istiod converts it (istio/istio
// pilot/pkg/config/kube/ingress/virtualservices.go, convertIngressRule
// and createFallbackStringMatch):
//
//   - Exact is an exact match, Prefix a prefix match; istiod marks the
//     routes with ingress semantics, under which a prefix matches whole
//     path segments (route.go translateRouteMatch,
//     PathSeparatedPrefix), as PathPrefix does;
//   - ImplementationSpecific (or no pathType): "", "*", "/*" and ".*" are
//     every path; a path ending in "/*" or ".*" is a prefix match on what
//     comes before; any other path, regular-expression look-alikes
//     included, is an exact match on the string as written.
func (r *reader) PathMatch(_ *migrate.HostRoute, p networkingv1.HTTPIngressPath, _ string) (gwv1.HTTPPathMatch, bool) {
	switch migrate.PathType(p) {
	case networkingv1.PathTypeExact:
		return migrate.Match(gwv1.PathMatchExact, migrate.IngressPath(p)), true
	case networkingv1.PathTypePrefix:
		return migrate.Match(gwv1.PathMatchPathPrefix, migrate.IngressPath(p)), true
	}
	s := p.Path
	switch s {
	case "", "*", "/*", ".*":
		return migrate.Match(gwv1.PathMatchPathPrefix, "/"), true
	}
	for _, suffix := range []string{".*", "/*"} {
		if before, ok := strings.CutSuffix(s, suffix); ok {
			if before == "" {
				before = "/"
			}
			return migrate.Match(gwv1.PathMatchPathPrefix, before), true
		}
	}
	return migrate.Match(gwv1.PathMatchExact, s), true
}
