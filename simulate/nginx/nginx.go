// Package nginx is the engine's profile of ingress-nginx: the nginx
// configuration the controller renders from the Ingresses, one file per
// feature: the servers and locations (server.go), paths (paths.go),
// regex hosts (regex.go), annotations (annotations.go), canaries
// (canary.go), redirects and nginx's own answers (redirect.go), rewrites
// (rewrite.go) and the default backend (default.go); and what lint and
// migrate ask of it (lint.go, canary_lint.go). It registers itself with
// package simulate from init.
package nginx

import (
	"slices"

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
		Traits: simulate.ProfileTraits{
			// ingress-nginx's proxy_pass names no URI, so "the request
			// URI is passed to the server in the same form as sent by a
			// client" (nginx docs, ngx_http_proxy_module proxy_pass).
			ForwardsRawPath: true,
			// nginx decodes the URI before it picks a location
			// (src/http/ngx_http_parse.c ngx_http_parse_complex_uri);
			// NormalizePath does too (paths.go).
			DecodesSeparators: true,
		},
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

// Bind returns the profile for set. A profile already bound to set's
// Ingresses (Model.Profile) is returned as it is: the configuration
// depends on the Ingresses alone.
func (n Profile) Bind(set *manifest.Set) simulate.Profile {
	if n.st != nil && slices.Equal(n.st.ings, set.Ingresses) {
		return n
	}
	return Profile{st: newNginxState(set)}
}

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

// FallThrough is false: nginx picks one server block per request by host
// and serves unmatched paths from that server's root location.
func (Profile) FallThrough() bool { return false }

// Less orders Ingresses as the ingress-nginx store does (nginxLess).
func (Profile) Less(a, b *manifest.Ingress) bool { return nginxLess(a, b) }

// hasPath reports whether a location of the server has exactly this path.
func (s *nginxServer) hasPath(path string) bool {
	for _, l := range s.locs {
		if l.path == path {
			return true
		}
	}
	return false
}
