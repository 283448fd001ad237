package lint

import "github.com/ingresskit/ingresskit/simulate/gateway"

var routeHostnameMismatch = &Rule{
	ID:       "route-hostname-mismatch",
	Severity: Error,
	Default:  true,
	Summary:  "None of a route's hostnames intersects the hostname of a listener it could attach to.",
	Doc: `When both a listener and a route give hostnames, the route attaches
only where they intersect (an exact name, or a name under a wildcard
` + "`*.example.com`" + `, which does not match ` + "`example.com`" + ` itself); a route none of
whose hostnames intersects is not accepted (reason NoMatchingListenerHostname)
and takes no traffic (HTTPRouteSpec.Hostnames and Listener.Hostname in
sigs.k8s.io/gateway-api apis/v1).

**What to do:** add the listener's hostname (or one under its wildcard) to
the route's hostnames, or attach the route to another listener.`,
	Check: func(p *Pass) {
		p.reportParents(gateway.ReasonNoMatchingListenerHostname, "give the route a hostname the listener serves")
	},
}
