package gateway

import (
	"sort"
	"strings"

	gwv1 "sigs.k8s.io/gateway-api/apis/v1"
)

// listener is one listener of a Gateway with the matches of the routes
// attached to it, grouped by effective hostname so a lookup reads only
// the groups of the request's host.
type listener struct {
	name     string
	port     int32
	protocol gwv1.ProtocolType
	hostname string // lower case; "" for any
	exact    map[string][]*entry
	wildcard map[string][]*entry // by the suffix after "*."
	any      []*entry
	routes   []attached
}

// entry is one match under one effective hostname.
type entry struct {
	m    *match
	host string
}

func newListener(l *gwv1.Listener, routes []attached) *listener {
	li := &listener{name: string(l.Name), port: int32(l.Port), protocol: l.Protocol,
		exact: map[string][]*entry{}, wildcard: map[string][]*entry{}, routes: routes}
	if l.Hostname != nil {
		li.hostname = strings.ToLower(string(*l.Hostname))
	}
	for _, a := range routes {
		for _, h := range a.hostnames {
			for _, ru := range a.route.rules {
				for _, m := range ru.matches {
					e := &entry{m: m, host: h}
					switch {
					case h == "":
						li.any = append(li.any, e)
					case isWildcard(h):
						li.wildcard[h[2:]] = append(li.wildcard[h[2:]], e)
					default:
						li.exact[h] = append(li.exact[h], e)
					}
				}
			}
		}
	}
	sortEntries(li.any)
	for _, es := range li.exact {
		sortEntries(es)
	}
	for _, es := range li.wildcard {
		sortEntries(es)
	}
	return li
}

func sortEntries(es []*entry) {
	sort.SliceStable(es, func(i, j int) bool { return before(es[i].m, es[j].m) })
}

// groups calls f with the entries that can answer host, in hostname
// precedence order: the exact hostname, then the wildcards from the
// longest to the shortest, then routes without hostnames
// (HTTPRouteSpec.Hostnames: most characters in a matching non-wildcard
// hostname, then in a matching hostname). f returns true to stop.
func (l *listener) groups(host string, f func([]*entry) bool) {
	if es := l.exact[host]; len(es) > 0 && f(es) {
		return
	}
	for i := 0; i < len(host); i++ {
		if host[i] != '.' {
			continue
		}
		if es := l.wildcard[host[i+1:]]; len(es) > 0 && f(es) {
			return
		}
	}
	if len(l.any) > 0 {
		f(l.any)
	}
}

// protocolFor is the listener protocol that takes requests of scheme:
// HTTP for http, HTTPS (TLS terminated at the Gateway) for https.
func protocolFor(scheme string) gwv1.ProtocolType {
	if scheme == "https" {
		return gwv1.HTTPSProtocolType
	}
	return gwv1.HTTPProtocolType
}

// selectListener picks the listener that takes a request: same port and
// protocol, and among them the most specific hostname that matches the
// request's host (GatewaySpec.Listeners in apis/v1 gateway_types.go,
// "Listeners that are distinct only by Hostname").
func (p *Plane) selectListener(req *request) *listener {
	var best *listener
	for _, l := range p.listeners {
		if l.port != req.port || l.protocol != protocolFor(req.scheme) || !hostMatches(l.hostname, req.host) {
			continue
		}
		if best == nil || listenerRank(l.hostname) > listenerRank(best.hostname) ||
			(listenerRank(l.hostname) == listenerRank(best.hostname) && len(l.hostname) > len(best.hostname)) {
			best = l
		}
	}
	return best
}
