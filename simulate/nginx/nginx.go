// Package nginx is the engine's profile of ingress-nginx: the nginx
// configuration the controller renders from the Ingresses, one file per
// feature (paths and regular expressions in nginx.go and server.go,
// annotations.go, canary.go, redirect.go, rewrite.go, default.go), and
// what lint and migrate ask of it (lint.go, canary_lint.go). It registers
// itself with package simulate from init.
package nginx

import (
	"fmt"
	"strings"

	networkingv1 "k8s.io/api/networking/v1"

	"github.com/ingresskit/ingresskit/manifest"
	"github.com/ingresskit/ingresskit/simulate"
)

// Controller is ingress-nginx's IngressClass spec.controller
// (kubernetes/ingress-nginx docs/user-guide/k8s-122-migration.md,
// IngressClass example).
const Controller = "k8s.io/ingress-nginx"

// The profile answers for Controller, and for the class name
// "nginx" the controller's documentation uses when there is no
// IngressClass object.
func init() {
	simulate.RegisterProfile(simulate.ProfileRegistration{
		Profile:     Profile{},
		Controllers: []string{Controller},
		Classes:     []string{"nginx"},
	})
}

// Profile is the profile of ingress-nginx (kubernetes/ingress-nginx). It
// reproduces the nginx configuration the controller renders and how nginx
// then picks a location:
//
//   - the store rewrites ImplementationSpecific (and a missing
//     pathType) to Prefix (internal/k8s/main.go
//     SetDefaultNGINXPathType); Prefix "/foo" becomes the locations
//     "/foo/" and "= /foo" (internal/ingress/controller/location.go,
//     updateServerLocations); Exact is "= /foo".
//   - use-regex or rewrite-target on any Ingress of a host turns every
//     location of that host into a case-insensitive regex "~* ^path",
//     the first match wins, in the order of descending path length
//     (internal/ingress/controller/template/template.go,
//     enforceRegexModifier and buildLocation;
//     docs/user-guide/ingress-path-matching.md). Exact then means
//     "starts with" (ingress-nginx #8208), and an Exact path is not
//     preferred over a Prefix path of the same length (#9405).
//   - Ingresses are ordered oldest first, ties by namespace/name
//     descending; the first location of a path and pathType wins.
//   - a request matching no path of its host goes to the default
//     backend, never to rules of other hosts.
//   - redirects (app-root, permanent and temporal redirects,
//     ssl-redirect, nginx's trailing-slash redirect), the rewritten
//     upstream path of rewrite-target and the canary choice are added to
//     the Decision by Decorate.
//
// Decorate sets Backend to the canary's backend when the canary rules
// choose it: the location is the main Ingress's, the upstream the
// canary's, as nginx's balancer does (rootfs/etc/nginx/lua/balancer.lua).
//
// The zero value is unbound (each Ingress seen alone); Bind gives the
// profile the whole input.
type Profile struct {
	st *nginxState
}

var (
	_ simulate.Profile = Profile{}
	_ simulate.Binder  = Profile{}
)

// Name returns "nginx".
func (Profile) Name() string { return "nginx" }

// Bind returns the profile for set.
func (Profile) Bind(set *manifest.Set) simulate.Profile { return Profile{st: newNginxState(set)} }

// state returns the bound state, or the state of ing alone.
func (n Profile) state(ing *manifest.Ingress) *nginxState {
	if n.st != nil {
		return n.st
	}
	set := &manifest.Set{}
	if ing != nil {
		set.Ingresses = []*manifest.Ingress{ing}
	}
	return newNginxState(set)
}

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
	var b strings.Builder
	for i := 0; i < len(path); i++ {
		c := path[i]
		if c == '%' && i+2 < len(path) && simulate.IsHex(path[i+1]) && simulate.IsHex(path[i+2]) {
			c = simulate.Unhex(path[i+1])<<4 | simulate.Unhex(path[i+2])
			i += 2
		}
		if c == '%' {
			b.WriteString("%25")
			continue
		}
		b.WriteByte(c)
	}
	return strings.ReplaceAll(simulate.NormalizePath(b.String()), "%25", "%")
}

// FallThrough is false: nginx picks one server block per request by host
// and serves unmatched paths from that server's root location.
func (Profile) FallThrough() bool { return false }

// Less orders Ingresses as the ingress-nginx store does (nginxLess).
func (Profile) Less(a, b *manifest.Ingress) bool { return nginxLess(a, b) }

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

// regexMatch compiles a path of a regex host.
func (Profile) regexMatch(r *nginxRoute, path string) (simulate.PathMatch, bool, string) {
	srv := r.server
	by := "an Ingress of the host"
	if srv.regexBy != nil {
		by = srv.regexBy.Key()
	}
	if r.droppedFor != nil {
		kept := "the default backend"
		if r.droppedFor.ing != nil {
			kept = r.droppedFor.ing.Key()
		}
		return simulate.PathMatch{}, false, fmt.Sprintf("ingress-nginx keeps the location of %s for the same host, path and pathType (Ingresses ordered oldest first, then namespace/name descending)", kept)
	}
	if len(r.locs) == 0 {
		return simulate.PathMatch{}, false, "ingress-nginx renders no location for this path"
	}
	if r.shadowed {
		return simulate.PathMatch{}, false, fmt.Sprintf(`regex host (use-regex or rewrite-target on %s): the root location ~* "^/" of the default backend comes first and answers every path this one would`, by)
	}
	var locs []*nginxLoc
	var shown []string
	for _, i := range r.locs {
		l := srv.locs[i]
		if l.re == nil {
			return simulate.PathMatch{}, false, fmt.Sprintf("regex %q is not valid RE2, which ingresskit evaluates instead of nginx's PCRE: %s", l.path, l.reErr)
		}
		locs = append(locs, l)
		shown = append(shown, fmt.Sprintf(`~* "^%s"`, l.path))
	}
	return simulate.PathMatch{
		Kind: simulate.MatchCustom,
		Path: path,
		// First match in location order: an earlier location ranks
		// higher.
		Length: len(srv.locs) - r.locs[0],
		Match: func(req string) bool {
			for _, l := range locs {
				if l.re.MatchString(req) {
					return true
				}
			}
			return false
		},
		Note: fmt.Sprintf("regex host because of %s: nginx location %s, first match in order of path length", by, strings.Join(shown, " and ")),
	}, true, ""
}

// hasPath reports whether a location of the server has exactly this path.
func (s *nginxServer) hasPath(path string) bool {
	for _, l := range s.locs {
		if l.path == path {
			return true
		}
	}
	return false
}
