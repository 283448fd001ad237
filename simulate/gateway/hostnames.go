package gateway

import "strings"

// Hostnames in the Gateway API are RFC 1123 names, optionally prefixed by
// a wildcard label "*." that stands for one or more labels: "*.example.com"
// matches "test.example.com" and "foo.test.example.com" but not
// "example.com" (Listener.Hostname in apis/v1 gateway_types.go and
// HTTPRouteSpec.Hostnames in apis/v1 httproute_types.go). This differs
// from Ingress, where "*.example.com" matches exactly one label.

// isWildcard reports whether h starts with the wildcard label.
func isWildcard(h string) bool { return strings.HasPrefix(h, "*.") }

// hostMatches reports whether the request host matches pattern; "" matches
// every host.
func hostMatches(pattern, host string) bool {
	switch {
	case pattern == "":
		return true
	case isWildcard(pattern):
		suffix := pattern[1:] // ".example.com"
		return len(host) > len(suffix) && strings.HasSuffix(host, suffix)
	default:
		return pattern == host
	}
}

// intersect returns the hostname a listener hostname and a route hostname
// have in common, and whether they have one. An empty side stands for
// every host. Two wildcards intersect in the more specific of them; a
// wildcard and a name intersect in the name when the wildcard matches it
// (HTTPRouteSpec.Hostnames: a Listener with "*.example.com" matches routes
// with "*.example.com", "test.example.com" and "foo.test.example.com").
func intersect(listener, route string) (string, bool) {
	switch {
	case listener == "":
		return route, true
	case route == "":
		return listener, true
	case listener == route:
		return route, true
	case isWildcard(listener) && isWildcard(route):
		if hostMatches(listener, route[2:]) {
			return route, true
		}
		if hostMatches(route, listener[2:]) {
			return listener, true
		}
		return "", false
	case isWildcard(listener):
		return route, hostMatches(listener, route)
	case isWildcard(route):
		return listener, hostMatches(route, listener)
	}
	return "", false
}

// hostRank orders effective hostnames for one request: the HTTPRoute with
// the most characters in a matching non-wildcard hostname wins, then the
// one with the most characters in a matching hostname
// (HTTPRouteSpec.Hostnames, "precedence must be given to rules from the
// HTTPRoute with the largest number of"). Larger ranks win.
func hostRank(h string) (exact, chars int) {
	if h == "" {
		return 0, 0
	}
	if isWildcard(h) {
		return 0, len(h)
	}
	return len(h), len(h)
}

// listenerRank orders the hostnames of listeners that could take one
// request: exact before wildcard before none, and among wildcards the one
// with more dots to the right of the wildcard first (GatewaySpec.Listeners
// in apis/v1 gateway_types.go, "Listeners that are distinct only by
// Hostname"). Larger ranks win.
func listenerRank(h string) int {
	switch {
	case h == "":
		return 0
	case isWildcard(h):
		return 1 + strings.Count(h, ".")
	default:
		return 1 << 20
	}
}

// canonicalHost lower-cases host and drops a port and a trailing dot; the
// port is ignored when matching hostnames (HTTPRouteSpec.Hostnames:
// "Implementations MUST ignore any port value specified in the HTTP Host
// header").
func canonicalHost(host string) (string, string) {
	port := ""
	if strings.HasPrefix(host, "[") {
		if i := strings.LastIndex(host, "]"); i >= 0 {
			if rest := host[i+1:]; strings.HasPrefix(rest, ":") {
				port = rest[1:]
			}
			host = host[:i+1]
		}
	} else if i := strings.LastIndexByte(host, ':'); i >= 0 {
		port = host[i+1:]
		host = host[:i]
	}
	return strings.TrimSuffix(strings.ToLower(host), "."), port
}
