package gateway

import (
	"fmt"
	"sort"
	"strings"

	gwv1 "sigs.k8s.io/gateway-api/apis/v1"

	"github.com/ingresskit/ingresskit/manifest"
	"github.com/ingresskit/ingresskit/simulate"
)

// Rule is one match of one rule of an HTTPRoute or GRPCRoute on one of
// the Gateways it names, as `routes` lists it.
type Rule struct {
	// Kind, Namespace and Name name the route.
	Kind, Namespace, Name string
	// DataPlane is the Gateway's data plane name ("gateway ns/name"), or
	// "" when the parentRef names a Gateway the input lacks.
	DataPlane string
	// Gateway is the Gateway as namespace/name, as the parentRef names it.
	Gateway string
	// Listeners are the listeners the route attaches to.
	Listeners []string
	// Hostnames are the route's hostnames as written.
	Hostnames []string
	// Rule and Match index spec.rules and its matches (-1: no matches).
	Rule, Match int
	// Match describes the match: the path and its type, or the gRPC
	// service and method, and the method, header and query matches.
	Path, PathType string
	Conditions     []string
	// Backends are the rule's backends with their weights.
	Backends []simulate.WeightedBackend
	// Redirect describes a RequestRedirect filter ("" without one).
	Redirect string
	// Accepted and ResolvedRefs are the route's computed conditions for
	// this parent.
	Accepted, ResolvedRefs Condition
	// Pos is the position of the match (or of the rule).
	Pos manifest.Pos
	// APIVersion is the route's apiVersion as written.
	APIVersion string
}

// Rules lists every match of every rule of every route, once per Gateway
// parentRef, sorted by hostnames, path, kind, namespace/name and input
// position. The rows are computed once per model; the slice returned is
// the caller's, the slices in the rows are shared and must not be
// modified.
func (m *Model) Rules() []Rule {
	m.computeRules()
	return append([]Rule(nil), m.rules...)
}

// Rules lists the rows of Model.Rules whose data plane is p, in the same
// order. The slice is shared by every caller and must not be modified.
func (p *Plane) Rules() []Rule {
	p.model.computeRules()
	return p.model.byPlane[p.Name()]
}

// computeRules fills m.rules and m.byPlane, once.
func (m *Model) computeRules() {
	m.rulesOnce.Do(func() {
		m.rules = m.buildRules()
		m.byPlane = map[string][]Rule{}
		for _, r := range m.rules {
			if r.DataPlane != "" {
				m.byPlane[r.DataPlane] = append(m.byPlane[r.DataPlane], r)
			}
		}
	})
}

// buildRules computes every row of Rules, sorted.
func (m *Model) buildRules() []Rule {
	var out []Rule
	for _, r := range m.routes {
		parents := r.status.Parents
		if len(parents) == 0 {
			// A route naming no Gateway still shows, with no data plane.
			parents = []ParentStatus{{Accepted: Condition{Reason: ReasonNoMatchingParent, Message: "no parentRef names a Gateway"}, ResolvedRefs: r.status.ResolvedRefs}}
		}
		for _, ps := range parents {
			gwName := ""
			if ps.Ref.Name != "" {
				ns := r.namespace
				if ps.Ref.Namespace != nil {
					ns = string(*ps.Ref.Namespace)
				}
				gwName = ns + "/" + string(ps.Ref.Name)
			}
			plane := ""
			if ps.Gateway != nil {
				plane = "gateway " + ps.Gateway.Key()
			}
			var listeners []string
			for _, a := range ps.Listeners {
				listeners = append(listeners, a.Listener)
			}
			for _, ru := range r.rules {
				for _, mt := range ru.matches {
					row := Rule{Kind: r.kind, Namespace: r.namespace, Name: r.name, DataPlane: plane, Gateway: gwName,
						Listeners: listeners, Hostnames: r.hostnames, Rule: ru.index, Match: mt.index,
						Accepted: ps.Accepted, ResolvedRefs: ps.ResolvedRefs, Pos: mt.pos, APIVersion: r.src.APIVersion}
					if mt.grpc {
						row.Path, row.PathType = "/"+orStar(mt.service)+"/"+orStar(mt.gmethod), "gRPC"
					} else {
						row.Path, row.PathType = mt.path, string(mt.pathType)
						if mt.method != "" {
							row.Conditions = append(row.Conditions, "method "+mt.method)
						}
					}
					for _, h := range mt.headers {
						row.Conditions = append(row.Conditions, "header "+h.name+describeValue(h))
					}
					for _, q := range mt.query {
						row.Conditions = append(row.Conditions, "query "+q.name+describeValue(q))
					}
					for _, b := range ru.backends {
						wb := weighted(b.ref, b.weight, r)
						if !b.status.Resolved.Status {
							wb.Problem = b.status.Resolved.Message
						}
						row.Backends = append(row.Backends, wb)
					}
					for _, f := range ru.filters {
						if f.Type == gwv1.HTTPRouteFilterRequestRedirect && f.RequestRedirect != nil {
							row.Redirect = describeRedirect(f.RequestRedirect)
						}
					}
					out = append(out, row)
				}
			}
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if x, y := strings.Join(a.Hostnames, ","), strings.Join(b.Hostnames, ","); x != y {
			if x == "" || y == "" {
				return y == ""
			}
			return x < y
		}
		if a.Path != b.Path {
			return a.Path < b.Path
		}
		if a.Kind != b.Kind {
			return a.Kind < b.Kind
		}
		if a.Namespace+"/"+a.Name != b.Namespace+"/"+b.Name {
			return a.Namespace+"/"+a.Name < b.Namespace+"/"+b.Name
		}
		return false
	})
	return out
}

func orStar(s string) string {
	if s == "" {
		return "*"
	}
	return s
}

func describeValue(v valueMatch) string {
	if v.re != nil {
		return "~" + v.value
	}
	return "=" + v.value
}

func describeRedirect(f *gwv1.HTTPRequestRedirectFilter) string {
	code := 302
	if f.StatusCode != nil {
		code = *f.StatusCode
	}
	var parts []string
	if f.Scheme != nil {
		parts = append(parts, "scheme "+*f.Scheme)
	}
	if f.Hostname != nil {
		parts = append(parts, "host "+string(*f.Hostname))
	}
	if f.Port != nil {
		parts = append(parts, fmt.Sprintf("port %d", *f.Port))
	}
	if p := f.Path; p != nil {
		switch {
		case p.ReplaceFullPath != nil:
			parts = append(parts, "path "+*p.ReplaceFullPath)
		case p.ReplacePrefixMatch != nil:
			parts = append(parts, "prefix "+*p.ReplacePrefixMatch)
		}
	}
	return fmt.Sprintf("redirect %d %s", code, strings.Join(parts, " "))
}
