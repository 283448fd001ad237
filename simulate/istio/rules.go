package istio

import (
	"fmt"
	"sort"
	"strings"

	"github.com/ingresskit/ingresskit/manifest"
	"github.com/ingresskit/ingresskit/simulate"
)

// Rule is one match of one http route of a VirtualService bound to an
// Istio Gateway, as `ingresskit routes` lists it.
type Rule struct {
	// DataPlane is the Gateway's data plane ("istio gateway ns/name").
	DataPlane string
	// Gateway is the Gateway as namespace/name.
	Gateway string
	// Namespace and Name name the VirtualService that declares the route:
	// the delegate's for a route reached through spec.http[].delegate.
	Namespace, Name string
	// Hosts are the hosts of the VirtualService bound to the Gateway.
	Hosts []string
	// Route and Match index spec.http and its match (Match is -1 for a
	// route without match).
	Route, Match int
	// Path and PathType are the uri match: its value and exact, prefix
	// or regex (prefix / when there is none: every path); Conditions
	// describe the other conditions of the match.
	Path, PathType string
	Conditions     []string
	// Backends are the route's destinations with their weights.
	Backends []simulate.WeightedBackend
	// Mirrors are the destinations requests are copied to, with the
	// share of requests copied.
	Mirrors []simulate.Mirror
	// Action is a redirect or a direct response ("" when the route
	// forwards to its destinations).
	Action string
	// Pos is the position of the route in its VirtualService.
	Pos manifest.Pos
	// APIVersion is the VirtualService's apiVersion as written.
	APIVersion string
}

// Rules lists the http routes of the VirtualServices bound to each
// Istio Gateway of set, one row per match, in evaluation order for each
// VirtualService (VirtualService.http: "rules are evaluated in order"),
// by Gateway and then VirtualService.
func Rules(set *manifest.Set) []Rule {
	var out []Rule
	for _, p := range Build(set) {
		vss := append([]*manifest.VirtualService(nil), p.vss...)
		sort.SliceStable(vss, func(i, j int) bool { return vss[i].Key() < vss[j].Key() })
		for _, vs := range vss {
			for i, route := range vs.Spec.HTTP {
				if route.Delegate == nil {
					out = append(out, p.rules(vs, vs, i, route)...)
					continue
				}
				for _, dvs := range p.delegates(vs, route.Delegate) {
					for j, sub := range dvs.Spec.HTTP {
						if merged, ok := mergeDelegate(route, sub); ok {
							out = append(out, p.rules(vs, dvs, j, merged)...)
						}
					}
				}
			}
		}
	}
	return out
}

// rules returns the rows of route, spec.http[i] of owner, bound through
// the VirtualService bound.
func (p *Plane) rules(bound, owner *manifest.VirtualService, i int, route manifest.IstioHTTPRoute) []Rule {
	base := Rule{DataPlane: p.Name(), Gateway: p.gw.Key(), Namespace: owner.Namespace, Name: owner.Name,
		Hosts: bound.Spec.Hosts, Route: i, Match: -1, Path: "/", PathType: "prefix", Action: action(route),
		Pos: owner.Source.FieldPos(fmt.Sprintf("spec.http[%d]", i)), APIVersion: owner.APIVersion}
	if route.Redirect == nil && route.DirectResponse == nil {
		base.Backends = p.destinations(route, owner)
		base.Mirrors = p.mirrors(route, owner)
	}
	if len(route.Match) == 0 {
		return []Rule{base}
	}
	out := make([]Rule, 0, len(route.Match))
	for mi, m := range route.Match {
		r := base
		r.Match = mi
		if u := m.URI; u != nil {
			switch {
			case u.Exact != "":
				r.Path, r.PathType = u.Exact, "exact"
			case u.Prefix != "":
				r.Path, r.PathType = u.Prefix, "prefix"
			case u.Regex != "":
				r.Path, r.PathType = u.Regex, "regex"
			}
		}
		r.Conditions = conditions(m)
		out = append(out, r)
	}
	return out
}

// conditions describes the conditions of m other than its uri.
func conditions(m manifest.IstioHTTPMatch) []string {
	var out []string
	if m.IgnoreURICase {
		out = append(out, "ignoreUriCase")
	}
	if m.Method != nil {
		out = append(out, "method "+describe(*m.Method))
	}
	if m.Scheme != nil {
		out = append(out, "scheme "+describe(*m.Scheme))
	}
	if m.Authority != nil {
		out = append(out, "authority "+describe(*m.Authority))
	}
	if m.Port != 0 {
		out = append(out, fmt.Sprintf("port %d", m.Port))
	}
	for _, kv := range []struct {
		what string
		m    map[string]manifest.IstioStringMatch
	}{{"header", m.Headers}, {"without header", m.WithoutHeaders}, {"query", m.QueryParams}} {
		names := make([]string, 0, len(kv.m))
		for n := range kv.m {
			names = append(names, n)
		}
		sort.Strings(names)
		for _, n := range names {
			out = append(out, kv.what+" "+n+" "+describe(kv.m[n]))
		}
	}
	return out
}

// action describes a route's redirect or direct response.
func action(route manifest.IstioHTTPRoute) string {
	switch {
	case route.Redirect != nil:
		rd := route.Redirect
		code := rd.RedirectCode
		if code == 0 {
			code = 301
		}
		var parts []string
		for _, kv := range [][2]string{{"scheme", rd.Scheme}, {"authority", rd.Authority}, {"uri", rd.URI}} {
			if kv[1] != "" {
				parts = append(parts, kv[0]+" "+kv[1])
			}
		}
		if rd.Port != 0 {
			parts = append(parts, fmt.Sprintf("port %d", rd.Port))
		}
		s := fmt.Sprintf("redirect %d", code)
		if len(parts) > 0 {
			s += " (" + strings.Join(parts, ", ") + ")"
		}
		return s
	case route.DirectResponse != nil:
		return fmt.Sprintf("directResponse %d", route.DirectResponse.Status)
	}
	return ""
}
