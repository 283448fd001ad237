package gateway

import (
	"sort"
	"strings"

	"github.com/ingresskit/ingresskit/manifest"
)

// MatchRef names one match of one route rule.
type MatchRef struct {
	// Route is the route's computed status (and its object).
	Route *RouteStatus
	// Rule and Match index spec.rules and its matches (Match is -1 for a
	// rule without matches, which matches every request).
	Rule, Match int
	// Field is spec.rules[i].matches[j], or spec.rules[i] for a rule
	// without matches.
	Field string
	// Pos is the position of Field.
	Pos manifest.Pos
}

// Shadow is a match that never serves: on every listener and effective
// hostname it is attached under, a match that comes first in the spec's
// precedence takes every request it would take.
type Shadow struct {
	MatchRef
	// By is the match that takes its traffic (on the first listener and
	// hostname, in spec order).
	By MatchRef
	// DataPlane is the Gateway's data plane.
	DataPlane string
	// Identical is true when the two matches are written the same way;
	// false when they only take the same requests (a PathPrefix with a
	// trailing slash, header names in another case, the route's other
	// hostnames).
	Identical bool
}

// Shadowed returns the matches of the routes attached to the Gateways of
// the model's set that never serve, sorted by route and position.
//
// Within one listener and effective hostname, the matches are tried in
// the spec's precedence order (before). A match B takes no request when
// an earlier match A takes every request B takes. With the spec's order
// (HTTPRouteRule.Matches in apis/v1 httproute_types.go: Exact path, then
// the longest PathPrefix, then a method, then the most header matches,
// then the most query matches) an earlier A can cover B only when both
// have the same path match (Exact on one path, or PathPrefix on the same
// path elements, "/a" and "/a/" both taking /a, /a/ and /a/b as
// HTTPPathMatch says), the same method and the same header and query
// matches (header names compared without case, HTTPHeaderMatch.Name);
// a match with fewer conditions or a shorter prefix comes after the more
// specific one, so it shadows nothing. Regular expression matches count
// only when written identically, since their precedence and overlap are
// implementation-specific; gRPC matches only when they name the same
// service, method and headers.
func (m *Model) Shadowed() []Shadow {
	type state struct {
		groups, shadowed int
		by               *match
		plane            string
	}
	seen := map[*match]*state{}
	var order []*match
	for _, gw := range m.set.Gateways {
		p := m.Plane(gw)
		for _, l := range p.listeners {
			var groups []*group
			for _, g := range l.exact {
				groups = append(groups, g)
			}
			for _, g := range l.wildcard {
				groups = append(groups, g)
			}
			if l.any != nil {
				groups = append(groups, l.any)
			}
			for _, g := range groups {
				first := map[string]*match{}
				for _, e := range g.all {
					st := seen[e.m]
					if st == nil {
						st = &state{plane: p.name}
						seen[e.m] = st
						order = append(order, e.m)
					}
					st.groups++
					k, ok := coverKey(e.m)
					if !ok {
						continue
					}
					if w := first[k]; w != nil && w != e.m {
						st.shadowed++
						if st.by == nil {
							st.by = w
						}
						continue
					}
					first[k] = e.m
				}
			}
		}
	}
	var out []Shadow
	for _, mt := range order {
		st := seen[mt]
		if st.shadowed == 0 || st.shadowed < st.groups {
			continue
		}
		out = append(out, Shadow{MatchRef: refOf(mt), By: refOf(st.by), DataPlane: st.plane, Identical: sameWriting(mt, st.by)})
	}
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i].Route, out[j].Route
		if a.Namespace+"/"+a.Name != b.Namespace+"/"+b.Name {
			return a.Namespace+"/"+a.Name < b.Namespace+"/"+b.Name
		}
		if out[i].Rule != out[j].Rule {
			return out[i].Rule < out[j].Rule
		}
		return out[i].Match < out[j].Match
	})
	return out
}

// coverKey is the same for two matches that take the same requests in the
// way Shadowed describes; ok is false for a match that never matches.
func coverKey(mt *match) (string, bool) {
	if mt.invalid != "" {
		return "", false
	}
	var b strings.Builder
	if mt.grpc {
		b.WriteString("grpc\x00" + mt.service + "\x00" + mt.gmethod + "\x00")
		if mt.methodRE != nil {
			b.WriteString("re")
		}
	} else {
		switch {
		case mt.pathType == "Exact":
			b.WriteString("exact\x00" + mt.path)
		case mt.pathRE != nil || mt.pathType == "RegularExpression":
			b.WriteString("regex\x00" + mt.path)
		default:
			// PathPrefix matches path elements: "/a" and "/a/" take
			// the same requests; prefix has the trailing "/" cut.
			b.WriteString("prefix\x00" + mt.prefix)
		}
		b.WriteString("\x00" + mt.method)
	}
	for _, vms := range [][]valueMatch{mt.headers, mt.query} {
		parts := make([]string, len(vms))
		for i, v := range vms {
			kind := "="
			if v.re != nil {
				kind = "~"
			}
			parts[i] = v.name + kind + v.value
		}
		sort.Strings(parts)
		b.WriteString("\x01" + strings.Join(parts, "\x00"))
	}
	return b.String(), true
}

// sameWriting reports whether two matches are written the same way.
func sameWriting(a, b *match) bool {
	if a.path != b.path || a.pathType != b.pathType || a.method != b.method ||
		a.service != b.service || a.gmethod != b.gmethod {
		return false
	}
	ra, rb := a.rule.route, b.rule.route
	ha, hb := append([]string(nil), ra.hostnames...), append([]string(nil), rb.hostnames...)
	sort.Strings(ha)
	sort.Strings(hb)
	if strings.Join(ha, ",") != strings.Join(hb, ",") {
		return false
	}
	written := func(m *match) string {
		if m.index < 0 || m.rule.route.http == nil {
			return ""
		}
		hm := m.rule.route.http.Spec.Rules[m.rule.index].Matches[m.index]
		var parts []string
		for _, h := range hm.Headers {
			parts = append(parts, "h:"+string(h.Name)+"="+h.Value)
		}
		for _, q := range hm.QueryParams {
			parts = append(parts, "q:"+string(q.Name)+"="+q.Value)
		}
		sort.Strings(parts)
		return strings.Join(parts, "\x00")
	}
	return written(a) == written(b)
}

func refOf(mt *match) MatchRef {
	return MatchRef{Route: mt.rule.route.status, Rule: mt.rule.index, Match: mt.index, Field: mt.field, Pos: mt.pos}
}
