package lint

import (
	"fmt"

	"github.com/ingresskit/ingresskit/manifest"
)

var istioUnreachableRoute = &Rule{
	ID:       "istio-unreachable-route",
	Severity: Warning,
	Default:  true,
	Summary:  "A VirtualService http route follows a route that matches every request, so it is never used.",
	Doc: `Istio evaluates a VirtualService's ` + "`http`" + ` routes in order and uses the
first that matches ("the first rule matching an incoming request is used",
HTTPRoute in
https://istio.io/latest/docs/reference/config/networking/virtual-service/).
A route without ` + "`match`" + `, or with a match whose only condition is
` + "`uri: {prefix: /}`" + ` or ` + "`uri: {regex: .*}`" + `, takes every request, and the routes
after it are never reached: istiod does not even translate them
(BuildHTTPRoutesForVirtualService and IsCatchAllRoute in istio/istio
pilot/pkg/networking/core/route/route.go).

**What to do:** move the catch-all route to the end of ` + "`http`" + `, or give it a
narrower match.`,
	Check: checkIstioUnreachableRoute,
}

func checkIstioUnreachableRoute(p *Pass) {
	for _, vs := range p.Set.VirtualServices {
		catchAll := -1
		for i, route := range vs.Spec.HTTP {
			if catchAll >= 0 {
				p.ReportObject(VirtualServiceObject(vs), fmt.Sprintf("spec.http[%d]", i),
					fmt.Sprintf("http[%d] is never used: http[%d] before it matches every request; move the catch-all route to the end, or narrow its match", i, catchAll))
				continue
			}
			if matchesAll(route) {
				catchAll = i
			}
		}
	}
}

// matchesAll reports whether a route takes every request: it has no
// match, or a match with no condition but uri prefix "/".
func matchesAll(route manifest.IstioHTTPRoute) bool {
	if len(route.Match) == 0 {
		return true
	}
	for _, m := range route.Match {
		// The uri prefix "/" and the regex ".*" take every path
		// (istio/istio pilot/pkg/networking/core/route/route.go,
		// IsCatchAllRoute).
		uri := m.URI == nil || (m.URI.Prefix == "/" && m.URI.Exact == "" && m.URI.Regex == "") ||
			(m.URI.Regex == ".*" && m.URI.Prefix == "" && m.URI.Exact == "")
		if uri &&
			m.Method == nil && m.Authority == nil && m.Scheme == nil && m.Port == 0 &&
			len(m.Headers) == 0 && len(m.WithoutHeaders) == 0 && len(m.QueryParams) == 0 && len(m.Gateways) == 0 {
			return true
		}
	}
	return false
}
