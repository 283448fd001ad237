package lint

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/ingresskit/ingresskit/simulate/gateway"
)

var routeMatchShadowed = &Rule{
	ID:       "route-match-shadowed",
	Severity: Warning,
	Default:  true,
	Summary:  "A route match repeats another match on the same Gateway listener and hostnames, so it never serves.",
	Doc: `When matches of the routes attached to one listener are identical (the
same path and type, method, headers and query parameters, on the same
hostnames), the Gateway API gives the traffic to one of them: the oldest
route by creation timestamp, then the first by namespace/name, then the first
rule in order (HTTPRouteRule in sigs.k8s.io/gateway-api apis/v1
httproute_types.go). The others never serve; across routes this is a
conflict that depends on which route was created first.

**What to do:** remove the duplicate match, or make the matches differ.`,
	Check: checkRouteMatchShadowed,
}

func checkRouteMatchShadowed(p *Pass) {
	m := p.gatewayModel()
	type entry struct {
		row gateway.Rule
		st  *gateway.RouteStatus
	}
	groups := map[string][]entry{}
	var keys []string
	for _, row := range m.Rules() {
		if !row.Accepted.Status || row.DataPlane == "" {
			continue
		}
		ls := append([]string(nil), row.Listeners...)
		hs := append([]string(nil), row.Hostnames...)
		cs := append([]string(nil), row.Conditions...)
		sort.Strings(ls)
		sort.Strings(hs)
		sort.Strings(cs)
		k := strings.Join([]string{row.DataPlane, strings.Join(ls, ","), strings.Join(hs, ","), row.PathType, row.Path, strings.Join(cs, "\x00")}, "\x01")
		if _, ok := groups[k]; !ok {
			keys = append(keys, k)
		}
		groups[k] = append(groups[k], entry{row, m.Route(row.Kind, row.Namespace, row.Name)})
	}
	for _, k := range keys {
		g := groups[k]
		if len(g) < 2 {
			continue
		}
		// The spec's order for ties: oldest route, then namespace/name,
		// then rule and match order.
		sort.SliceStable(g, func(i, j int) bool {
			a, b := g[i], g[j]
			ta, tb := created(a.st), created(b.st)
			if !ta.Equal(tb) {
				return ta.Before(tb)
			}
			if ka, kb := a.row.Namespace+"/"+a.row.Name, b.row.Namespace+"/"+b.row.Name; ka != kb {
				return ka < kb
			}
			if a.row.Rule != b.row.Rule {
				return a.row.Rule < b.row.Rule
			}
			return a.row.Match < b.row.Match
		})
		win := g[0]
		for _, e := range g[1:] {
			if e.st == nil || e.row.Match < 0 {
				continue
			}
			field := "spec.rules[" + strconv.Itoa(e.row.Rule) + "].matches[" + strconv.Itoa(e.row.Match) + "]"
			p.ReportObject(routeObject(e.st), field,
				fmt.Sprintf("this match is the same as %s %s/%s rule %d on %s, which takes its traffic; remove it or make it differ", win.row.Kind, win.row.Namespace, win.row.Name, win.row.Rule, win.row.DataPlane),
				Related{Pos: win.row.Pos, Message: "the match that serves"})
		}
	}
}
