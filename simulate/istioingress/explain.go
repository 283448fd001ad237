package istioingress

import (
	"fmt"
	"strings"

	"github.com/ingresskit/ingresskit/simulate"
)

var _ simulate.CandidateExplainer = Profile{}

// virtualHost returns the generated VirtualService host that answers a
// request for host, as Decorate picks it: the virtual host Envoy chooses
// (choose), or over https the one bound to the Gateway of the server
// that takes the host (serveHTTPS). noServer is true when no port-443
// server takes the host; have is the host Envoy would choose without the
// https binding.
func (p Profile) virtualHost(host string, https bool) (vh, have string, s *server, noServer bool) {
	have = p.b.choose(host, nil)
	if !https {
		return have, have, nil, false
	}
	s = p.b.serverFor(host)
	if s == nil {
		return "", have, nil, true
	}
	vh = p.b.choose(host, func(h string) bool { return p.b.owner[h] == s.ing && s.admits(h) })
	return vh, have, s, false
}

// ExplainCandidates gives each candidate the reason of the decision
// Decorate made, rather than the Ingress specification's: the virtual
// host Envoy picks (wildcards at any depth, the https server's Gateway),
// the first route of its generated VirtualService that matches, and the
// spec.defaultBackend istiod ignores. The candidate that answers d keeps
// ReasonWon; a reason the profile cannot improve on is left as the
// engine gave it.
func (p Profile) ExplainCandidates(d *simulate.Decision, req simulate.Request) {
	if p.b == nil {
		return
	}
	host := d.RequestHost
	vh, have, s, noServer := p.virtualHost(host, strings.EqualFold(req.Scheme, "https"))
	first := -1 // the index in p.b.hosts[vh] of the first route that matches
	for i, r := range p.b.hosts[vh] {
		if r.uri.matches(d.NormalizedPath) {
			first = i
			break
		}
	}
	for i := range d.Candidates {
		c := &d.Candidates[i]
		winner := d.Matched && !d.DefaultBackend && c.Ingress == d.Ingress && !c.DefaultBackend &&
			c.Rule == d.Rule && c.PathIndex == d.PathIndex
		switch {
		case winner:
			c.Reason = simulate.ReasonWon
			if c.Detail == "" || !strings.HasPrefix(c.Detail, "matches") {
				c.Detail = "matches: the first route of the virtual host " + vh + " that does"
			}
			continue
		case c.Reason == simulate.ReasonInvalid || c.Reason == simulate.ReasonOtherClass:
			continue
		case c.DefaultBackend:
			// ingress.go RuleCollection: istiod converts rules only.
			c.Reason, c.Detail = simulate.ReasonDefaultBackend, "istiod ignores spec.defaultBackend: only rules become routes"
			continue
		case noServer:
			c.Reason, c.Detail = simulate.ReasonHostMismatch, fmt.Sprintf("no generated Gateway has a port-443 server for %s: the TLS handshake fails", host)
			continue
		}
		rk := hostKey(c.Host)
		if rk != vh {
			c.Reason, c.Detail = p.otherHost(rk, vh, have, host, s)
			continue
		}
		idx := -1
		for j, r := range p.b.hosts[vh] {
			if r.ing == c.Ingress && r.rule == c.Rule && r.index == c.PathIndex {
				idx = j
				break
			}
		}
		if idx < 0 {
			// Not among the generated routes: the engine's reason
			// (a dropped path is invalid) stands.
			if c.Reason == simulate.ReasonWon {
				c.Reason, c.Detail = simulate.ReasonInvalid, "istiod writes no route for this path"
			}
			continue
		}
		r := p.b.hosts[vh][idx]
		switch {
		case !r.uri.matches(d.NormalizedPath):
			c.Reason, c.Detail = simulate.ReasonPathMismatch, fmt.Sprintf("the route's uri %s does not match %q", r.uri, d.NormalizedPath)
		case first >= 0 && first < idx:
			w := p.b.hosts[vh][first]
			reason := simulate.ReasonConflict
			switch {
			case w.uri.length() > r.uri.length():
				reason = simulate.ReasonShorterPath
			case w.uri.kind == uriExact && r.uri.kind != uriExact:
				reason = simulate.ReasonPrefixVsExact
			}
			c.Reason, c.Detail = reason, fmt.Sprintf("the route %s of %s comes first in the generated VirtualService (longer uri first, then oldest Ingress) and matches", w.uri, w.ing.Key())
		default:
			// The route would win by istiod's order, yet d does
			// not answer from it: keep the engine's reason, never
			// a second winner.
			if c.Reason == simulate.ReasonWon {
				c.Reason, c.Detail = simulate.ReasonPathMismatch, "not selected"
			}
		}
	}
}

// otherHost says why a route of the virtual host rk does not answer a
// request for host that the virtual host vh answers (or none, for "").
func (p Profile) otherHost(rk, vh, have, host string, s *server) (simulate.Reason, string) {
	if p.b.choose(host, func(h string) bool { return h == rk }) == "" {
		return simulate.ReasonHostMismatch, fmt.Sprintf("the virtual host %s does not take %s", rk, host)
	}
	if s != nil && rk == have {
		return simulate.ReasonHostMismatch, fmt.Sprintf("the VirtualService for %s is bound to the Gateway of %s, not to that of the https server's Ingress %s", rk, p.b.owner[rk].Key(), s.ing.Key())
	}
	if vh == "" {
		return simulate.ReasonHostMismatch, fmt.Sprintf("the VirtualService for %s is bound to no Gateway with a server for %s", rk, host)
	}
	return simulate.ReasonHostPrecedence, fmt.Sprintf("Envoy picks the virtual host %s for %s (the exact name, then the longest wildcard at any depth, then *)", vh, host)
}
