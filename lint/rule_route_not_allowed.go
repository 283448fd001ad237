package lint

import "github.com/ingresskit/ingresskit/simulate/gateway"

var routeNotAllowed = &Rule{
	ID:       "route-not-allowed",
	Severity: Error,
	Default:  true,
	Summary:  "No listener a route's parentRef selects allows the route's namespace or kind.",
	Doc: `A listener admits only the routes its ` + "`allowedRoutes`" + ` allows: by default
routes in the Gateway's own namespace (` + "`namespaces.from: Same`" + `) and of the kinds
its protocol carries (HTTPRoute and GRPCRoute on HTTP and HTTPS)
(Listener.AllowedRoutes in sigs.k8s.io/gateway-api apis/v1 gateway_types.go).
A route no selected listener allows is not accepted for that parent (reason
NotAllowedByListeners) and takes no traffic from it.

**What to do:** widen the listener's ` + "`allowedRoutes`" + ` (` + "`from: All`" + `, or ` + "`Selector`" + `
with a label on the route's namespace), or move the route.`,
	Check: func(p *Pass) {
		p.reportParents(gateway.ReasonNotAllowedByListeners, "allow the route in the listener's allowedRoutes or move the route")
	},
}
