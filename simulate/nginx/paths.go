package nginx

import (
	"fmt"
	"strings"

	networkingv1 "k8s.io/api/networking/v1"

	"github.com/ingresskit/ingresskit/manifest"
	"github.com/ingresskit/ingresskit/simulate"
)

// NormalizePath normalizes as nginx does before it picks a location:
// every %XX escape is decoded, "." and ".." segments are resolved and
// runs of "/" merged (nginx docs, ngx_http_core_module "location": "the
// matching is performed against a normalized URI").
func (Profile) NormalizePath(path string) string { return nginxNormalizePath(path) }

// nginxNormalizePath decodes every escape, then resolves dot segments and
// slashes with NormalizePath (a decoded "%" is protected as "%25" on the
// way through).
func nginxNormalizePath(path string) string {
	if !strings.Contains(path, "%") {
		return simulate.NormalizePath(path)
	}
	protected := strings.ReplaceAll(nginxDecode(path), "%", "%25")
	return strings.ReplaceAll(simulate.NormalizePath(protected), "%25", "%")
}

// nginxDecode decodes every %XX escape.
func nginxDecode(path string) string {
	if !strings.Contains(path, "%") {
		return path
	}
	var b strings.Builder
	for i := 0; i < len(path); i++ {
		c := path[i]
		if c == '%' && i+2 < len(path) && simulate.IsHex(path[i+1]) && simulate.IsHex(path[i+2]) {
			c = simulate.Unhex(path[i+1])<<4 | simulate.Unhex(path[i+2])
			i += 2
		}
		b.WriteByte(c)
	}
	return b.String()
}

// PathMatch compiles a path into the location(s) ingress-nginx renders
// for it.
func (n Profile) PathMatch(ing *manifest.Ingress, rule int, p networkingv1.HTTPIngressPath) (simulate.PathMatch, bool, string) {
	st := n.state(ing)
	if why := st.rejected[ing]; why != "" {
		return simulate.PathMatch{}, false, why
	}
	if st.anns[ing] != nil && st.anns[ing].canary.enabled {
		return simulate.PathMatch{}, false, "canary Ingress (nginx.ingress.kubernetes.io/canary): its backends are alternatives of the main Ingress's backends for the same host and path, chosen per request"
	}
	if p.Backend.Service == nil {
		return simulate.PathMatch{}, false, "ingress-nginx serves only Service backends; the path falls to the default backend"
	}
	pi := simulate.PathIndexOf(ing, rule, p)
	r := st.routeFor(ing, rule, pi)
	if r == nil {
		return simulate.PathMatch{}, false, "ingress-nginx renders no location for this path"
	}
	if r.refused != "" {
		return simulate.PathMatch{}, false, r.refused
	}
	pt := nginxPathType(p)
	path := p.Path
	if path == "" {
		path = "/"
	}
	if r.server.regex {
		return n.regexMatch(r, path)
	}
	if d := r.droppedFor; d != nil && d.ing != nil && simulate.PathTypeOf(p) != d.writtenType() {
		// The engine resolves paths of the same written pathType itself;
		// ImplementationSpecific and Prefix are one to nginx.
		return simulate.PathMatch{}, false, fmt.Sprintf("ingress-nginx reads ImplementationSpecific as Prefix, and keeps the location of %s for the same host and path (Ingresses ordered oldest first, then namespace/name descending)", d.source())
	}
	switch pt {
	case networkingv1.PathTypeExact:
		return simulate.PathMatch{Kind: simulate.MatchExact, Path: path, Note: fmt.Sprintf("nginx location = %s", path)}, true, ""
	case networkingv1.PathTypePrefix:
		note := "nginx location /"
		if path != "/" {
			trimmed := strings.TrimSuffix(path, "/")
			note = fmt.Sprintf("nginx locations %s/ and = %s", trimmed, path)
		}
		return simulate.PathMatch{Kind: simulate.MatchPrefix, Path: path, Note: note}, true, ""
	}
	return simulate.PathMatch{}, false, "ingress-nginx renders no location for this path"
}
