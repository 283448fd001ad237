package nginx

import (
	"fmt"
	"regexp"
	"strconv"

	networkingv1 "k8s.io/api/networking/v1"
	gwv1 "sigs.k8s.io/gateway-api/apis/v1"

	"github.com/ingresskit/ingresskit/migrate"
	nginxsim "github.com/ingresskit/ingresskit/simulate/nginx"
)

// PathMatch reads a path as ingress-nginx does: ImplementationSpecific is
// Prefix (SetDefaultNGINXPathType); on a regex host (use-regex or
// rewrite-target on any Ingress of the host) every path is a
// case-insensitive regex anchored at the start, which RegularExpression
// "(?i)<path>.*" matches in full.
//
// Gateway API RegularExpression matches are implementation-specific
// (HTTPPathMatch in apis/v1 httproute_types.go); the ones written here are
// RE2 and match the whole path.
func (nx *features) PathMatch(hr *migrate.HostRoute, p networkingv1.HTTPIngressPath, field string) (gwv1.HTTPPathMatch, bool) {
	path := migrate.IngressPath(p)
	if nx.servedElsewhere(hr, path, field) {
		return gwv1.HTTPPathMatch{}, false
	}
	if nx.t.regexHost(hr.Host) {
		if _, err := regexp.Compile(path); err != nil {
			nx.t.tr.Report(hr.Ingress, field+".path", migrate.Warning, fmt.Sprintf("%q is not a regular expression RE2 accepts (%v); nginx's PCRE may; the path is left out", path, err))
			return gwv1.HTTPPathMatch{}, false
		}
		return migrate.Match(gwv1.PathMatchRegularExpression, "(?i)"+path+".*"), true
	}
	if migrate.PathType(p) == networkingv1.PathTypeExact {
		return migrate.Match(gwv1.PathMatchExact, path), true
	}
	return migrate.Match(gwv1.PathMatchPathPrefix, path), true
}

// DefaultMatch is the catch-all of spec.defaultBackend: "/" as a prefix,
// or as a regex on a regex host. ingress-nginx serves a defaultBackend
// for the requests no server matches, as the catch-all route does, so
// nothing is reported.
func (nx *features) DefaultMatch(hr *migrate.HostRoute) (gwv1.HTTPPathMatch, string, bool) {
	if nx.t.regexHost(hr.Host) {
		return migrate.Match(gwv1.PathMatchRegularExpression, "(?i)/.*"), "", true
	}
	return migrate.Match(gwv1.PathMatchPathPrefix, "/"), "", true
}

// regexHost reports whether ingress-nginx makes every location of host a
// regex: use-regex or rewrite-target on any nginx Ingress of the host
// (template.go enforceRegexModifier).
func (t *translation) regexHost(host string) bool {
	if t.regexHosts == nil {
		t.regexHosts = map[string]bool{}
		for _, ing := range t.tr.Set().Ingresses {
			if t.tr.ProfileName(ing) != "nginx" {
				continue
			}
			dropped := map[string]bool{}
			for _, d := range nginxsim.DroppedAnnotations(ing) {
				dropped[d.Name] = true
			}
			regex := false
			if v, err := strconv.ParseBool(ing.Annotations[nginxsim.AnnotationPrefix+"use-regex"]); err == nil && v && !dropped["use-regex"] {
				regex = true
			}
			if ing.Annotations[nginxsim.AnnotationPrefix+"rewrite-target"] != "" && !dropped["rewrite-target"] {
				regex = true
			}
			if !regex {
				continue
			}
			for _, r := range ing.Spec.Rules {
				t.regexHosts[r.Host] = true
			}
		}
	}
	return t.regexHosts[host]
}

// servedElsewhere reports, and leaves out, a path that ingress-nginx
// drops because an Ingress it orders first has a location with the same
// path and pathType in the host's server (model.ServedBy). A Gateway
// would not drop it: rules of two HTTPRoutes with the same match are
// ordered by the routes' creationTimestamp, then by namespace/name in
// ascending order (HTTPRouteRule precedence in apis/v1
// httproute_types.go), which is neither the Ingresses' creation time
// (the routes are new) nor ingress-nginx's order (namespace/name
// descending at equal timestamps). Leaving the path out keeps the one
// nginx serves. Duplicates within one Ingress are the core's.
func (nx *features) servedElsewhere(hr *migrate.HostRoute, path, field string) bool {
	var ri, pi int
	if n, err := fmt.Sscanf(field, "spec.rules[%d].http.paths[%d]", &ri, &pi); err != nil || n != 2 {
		return false
	}
	by, ok := nx.t.model(nx.ing).ServedBy(nx.ing, ri, pi)
	if !ok || by.Ingress == nx.ing {
		return false
	}
	nx.t.tr.Report(hr.Ingress, field, migrate.Info, fmt.Sprintf(
		"ingress-nginx serves %s of this host from %s spec.rules[%d].http.paths[%d], which it orders first (older creationTimestamp, else namespace/name in reverse order), and drops this path; it is left out so the Gateway routes it the same way (a Gateway would order the two routes by their own age and name)",
		path, by.Ingress.Key(), by.Rule, by.Path))
	return true
}
