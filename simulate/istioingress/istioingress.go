// Package istioingress is the "istio" Ingress profile: Ingresses answered
// as istiod converts them into an Istio Gateway and VirtualServices
// (istio/istio pilot/pkg/config/kube/ingress: gateways.go,
// virtualservices.go, ingress.go) and the ingress gateway's Envoy then
// routes them.
//
// One file per behaviour: class.go (which Ingresses istiod takes),
// paths.go (paths and pathTypes), order.go (the order of the generated
// routes), backend.go (Service backends and named ports), hosts.go
// (wildcard hosts), tls.go (the HTTPS servers) and defaults.go
// (spec.defaultBackend).
package istioingress

import (
	"strings"

	networkingv1 "k8s.io/api/networking/v1"

	"github.com/ingresskit/ingresskit/manifest"
	"github.com/ingresskit/ingresskit/simulate"
)

// Name is the profile's name, for --controller and expect lines.
const Name = "istio"

// Profile is the istio profile. The zero value is unbound; Bind gives
// the profile that sees the whole input, which Compile does.
type Profile struct {
	b *bound
}

var (
	_ simulate.Profile = Profile{}
	_ simulate.Binder  = Profile{}
)

// bound is what the profile knows of the compiled set.
type bound struct {
	set *manifest.Set
	// ings are the Ingresses in istiod's order (Less).
	ings []*manifest.Ingress
	rank map[*manifest.Ingress]int
	// hosts maps a lower-cased rule host ("*" for a rule without one)
	// to the routes of the VirtualService istiod generates for it, in
	// its order.
	hosts map[string][]hostRoute
	// owner is, per host of hosts, the Ingress whose Gateway the
	// generated VirtualService is bound to.
	owner map[string]*manifest.Ingress
	// servers are the HTTPS servers of the generated Gateways.
	servers []server
}

// Bind returns the profile for set.
func (Profile) Bind(set *manifest.Set) simulate.Profile {
	b := &bound{set: set, rank: map[*manifest.Ingress]int{}, hosts: map[string][]hostRoute{}}
	b.ings = append(b.ings, set.Ingresses...)
	sortIngresses(b.ings)
	for i, ing := range b.ings {
		b.rank[ing] = i
	}
	p := Profile{b: b}
	b.hosts = p.virtualServices()
	b.servers = httpsServers(b.ings)
	return p
}

// Name returns "istio".
func (Profile) Name() string { return Name }

// NormalizePath normalizes as the spec profile does: dot segments and
// escapes as RFC 3986 reads them, and slashes merged. The gateway's Envoy
// does not merge slashes by default (simulate/internal/envoypath, which
// the Istio Gateway data plane uses); this profile keeps merging them so
// that it reads paths as the Gateway API data plane does, which
// `convert --verify` compares it with.
func (Profile) NormalizePath(path string) string { return simulate.NormalizePath(path) }

// PathMatch compiles a path as istiod converts it (paths.go), leaving
// out the paths istiod drops (backend.go).
func (p Profile) PathMatch(ing *manifest.Ingress, _ int, hp networkingv1.HTTPIngressPath) (simulate.PathMatch, bool, string) {
	if why := p.dropped(ing, hp.Backend); why != "" {
		return simulate.PathMatch{}, false, why
	}
	return convertPath(hp).pathMatch(hp), true, ""
}

// FallThrough is false: Envoy picks the virtual host of the request's
// host first, and a path none of its routes match gets a 404; it never
// tries a less specific host.
func (Profile) FallThrough() bool { return false }

// Less is istiod's order of the rules of one host: creationTimestamp,
// oldest first, then name, then namespace (virtualservices.go,
// sortRulesByCreationTimestamp). An Ingress without a timestamp has not
// been created yet and counts as newest.
func (Profile) Less(a, b *manifest.Ingress) bool {
	at, bt := a.CreationTimestamp, b.CreationTimestamp
	switch {
	case at.IsZero() != bt.IsZero():
		return bt.IsZero()
	case !at.Equal(&bt):
		return at.Before(&bt)
	}
	if a.Name != b.Name {
		return a.Name < b.Name
	}
	return a.Namespace < b.Namespace
}

// Decorate answers what the engine's Ingress model does not: hosts
// below a wildcard by several labels (hosts.go), the HTTPS servers and
// the Gateway each generated VirtualService is bound to (tls.go), and
// the spec.defaultBackend istiod ignores (defaults.go).
func (p Profile) Decorate(d *simulate.Decision, req simulate.Request) {
	if p.b == nil {
		return
	}
	https := strings.EqualFold(req.Scheme, "https")
	p.classNote(d)
	p.ignoreDefaultBackend(d)
	p.wildcard(d)
	if https && !p.serveHTTPS(d) {
		return
	}
	if !d.Matched && d.Refused == "" && d.Redirect == "" && d.Status == 0 {
		d.Notes = append(d.Notes, "no route matches: the ingress gateway answers 404")
	}
}
