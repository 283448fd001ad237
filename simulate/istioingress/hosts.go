package istioingress

import (
	"fmt"
	"strings"

	networkingv1 "k8s.io/api/networking/v1"

	"github.com/ingresskit/ingresskit/simulate"
)

// choose returns the generated VirtualService host that takes a request
// for host among those allowed (nil allows all), as Envoy picks a
// virtual host: the exact name, else the longest wildcard suffix, at any
// depth ("*.example.com" takes "a.b.example.com"), else "*"; "" when none
// does (envoy route_components.proto, VirtualHost.domains).
func (b *bound) choose(host string, allowed func(string) bool) string {
	ok := func(h string) bool {
		_, exists := b.hosts[h]
		return exists && (allowed == nil || allowed(h))
	}
	if ok(host) {
		return host
	}
	for rest := host; ; {
		_, after, found := strings.Cut(rest, ".")
		if !found {
			break
		}
		if ok("*." + after) {
			return "*." + after
		}
		rest = after
	}
	if ok("*") {
		return "*"
	}
	return ""
}

// engineHost returns the host whose rules the engine tried: the exact
// host, a wildcard one label above it, else the rules without a host (the
// Ingress specification's reading, manifest.MatchHost).
func (b *bound) engineHost(host string) string {
	if _, ok := b.hosts[host]; ok {
		return host
	}
	if _, rest, ok := strings.Cut(host, "."); ok {
		if _, ok := b.hosts["*."+rest]; ok {
			return "*." + rest
		}
	}
	if _, ok := b.hosts["*"]; ok {
		return "*"
	}
	return ""
}

// wildcard answers a host that a wildcard rule covers by more than one
// label: Envoy's wildcard domains match any depth, where the Ingress
// specification's match one label.
func (p Profile) wildcard(d *simulate.Decision) {
	want := p.b.choose(d.RequestHost, nil)
	if want == p.b.engineHost(d.RequestHost) {
		return
	}
	p.reroute(d, want)
	d.Notes = append(d.Notes, fmt.Sprintf("istio: the virtual host %s takes %s: an Envoy wildcard domain spans several labels", want, d.RequestHost))
}

// reroute answers d from the routes of the VirtualService of host, the
// first that matches in istiod's order; none matches when host is "".
func (p Profile) reroute(d *simulate.Decision, host string) {
	for _, r := range p.b.hosts[host] {
		if !r.uri.matches(d.NormalizedPath) {
			continue
		}
		pt := networkingv1.PathTypeImplementationSpecific
		if r.path.PathType != nil {
			pt = *r.path.PathType
		}
		d.Matched, d.DefaultBackend, d.DefaultBackendIgnored = true, false, false
		d.Ingress, d.Rule, d.PathIndex = r.ing, r.rule, r.index
		d.Host, d.Path, d.PathType = r.ing.Spec.Rules[r.rule].Host, r.path.Path, pt
		d.Backend, d.Conflict, d.MoreConflicts = r.path.Backend, nil, 0
		simulate.SetMatch(d, r.uri.pathMatch(r.path))
		return
	}
	unmatch(d)
}

// unmatch clears the routing answer of d.
func unmatch(d *simulate.Decision) {
	d.Matched, d.DefaultBackend = false, false
	d.Ingress, d.Rule, d.PathIndex = nil, -1, -1
	d.Host, d.Path, d.PathType = "", "", ""
	d.Backend, d.Conflict, d.MoreConflicts = networkingv1.IngressBackend{}, nil, 0
	simulate.SetMatch(d, simulate.PathMatch{})
}

var _ simulate.HostServer = Profile{}

// ServesHost reports whether a generated VirtualService takes host, as
// choose picks it: the Ingress data plane then answers for it, wildcards
// across several labels included.
func (p Profile) ServesHost(host string) bool {
	return p.b != nil && p.b.choose(host, nil) != ""
}
