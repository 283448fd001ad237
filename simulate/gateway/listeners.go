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
	exact    map[string]*group
	wildcard map[string]*group // by the suffix after "*."
	any      *group
	routes   []attached
}

// entry is one match under one effective hostname.
type entry struct {
	m    *match
	host string
}

// group holds the matches of one effective hostname in precedence order
// (before), indexed so a lookup tries only the matches whose path can
// match: Exact matches by path, PathPrefix matches by prefix, and the
// others (regular expressions, gRPC) always.
type group struct {
	all    []*entry
	exact  map[string][]int // indexes into all, ascending
	prefix map[string][]int // by prefix without its trailing "/"
	other  []int
}

func (g *group) add(e *entry) { g.all = append(g.all, e) }

func (g *group) finish() {
	sort.SliceStable(g.all, func(i, j int) bool { return before(g.all[i].m, g.all[j].m) })
	g.exact, g.prefix = map[string][]int{}, map[string][]int{}
	for i, e := range g.all {
		switch {
		case e.m.grpc || e.m.pathType == gwv1.PathMatchRegularExpression || e.m.invalid != "":
			g.other = append(g.other, i)
		case e.m.pathType == gwv1.PathMatchExact:
			g.exact[e.m.path] = append(g.exact[e.m.path], i)
		default:
			g.prefix[e.m.prefix] = append(g.prefix[e.m.prefix], i)
		}
	}
}

// match returns the first entry in precedence order that accepts req,
// or nil.
func (g *group) match(req *request) *entry {
	best := len(g.all)
	try := func(idx []int) {
		for _, i := range idx {
			if i >= best {
				return
			}
			if g.all[i].m.accepts(req) {
				best = i
				return
			}
		}
	}
	try(g.exact[req.path])
	// The prefixes that can match a path are the path itself and each
	// part of it that ends before a "/" ("" for the prefix "/").
	p := req.path
	try(g.prefix[p])
	for i := len(p) - 1; i >= 0; i-- {
		if p[i] == '/' {
			try(g.prefix[p[:i]])
		}
	}
	try(g.other)
	if best == len(g.all) {
		return nil
	}
	return g.all[best]
}

func newListener(l *gwv1.Listener, routes []attached) *listener {
	li := &listener{name: string(l.Name), port: int32(l.Port), protocol: l.Protocol,
		exact: map[string]*group{}, wildcard: map[string]*group{}, routes: routes}
	if l.Hostname != nil {
		li.hostname = strings.ToLower(string(*l.Hostname))
	}
	groupOf := func(m map[string]*group, key string) *group {
		g := m[key]
		if g == nil {
			g = &group{}
			m[key] = g
		}
		return g
	}
	for _, a := range routes {
		for _, h := range a.hostnames {
			var g *group
			switch {
			case h == "":
				if li.any == nil {
					li.any = &group{}
				}
				g = li.any
			case isWildcard(h):
				g = groupOf(li.wildcard, h[2:])
			default:
				g = groupOf(li.exact, h)
			}
			for _, ru := range a.route.rules {
				for _, m := range ru.matches {
					g.add(&entry{m: m, host: h})
				}
			}
		}
	}
	if li.any != nil {
		li.any.finish()
	}
	for _, g := range li.exact {
		g.finish()
	}
	for _, g := range li.wildcard {
		g.finish()
	}
	return li
}

// lookup returns the match that answers req, trying the groups of the
// request's host in hostname precedence order: the exact hostname, then
// the wildcards from the longest to the shortest, then routes without
// hostnames (HTTPRouteSpec.Hostnames: most characters in a matching
// non-wildcard hostname, then in a matching hostname).
func (l *listener) lookup(req *request) *entry {
	host := req.host
	if g := l.exact[host]; g != nil {
		if e := g.match(req); e != nil {
			return e
		}
	}
	for i := 0; i < len(host); i++ {
		if host[i] != '.' {
			continue
		}
		if g := l.wildcard[host[i+1:]]; g != nil {
			if e := g.match(req); e != nil {
				return e
			}
		}
	}
	if l.any != nil {
		return l.any.match(req)
	}
	return nil
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
	// An exact hostname outranks every wildcard and the empty hostname
	// (listenerRank), and among equals the first in spec order wins.
	if l := p.exactListeners[listenerKey{req.port, protocolFor(req.scheme), req.host}]; l != nil {
		return l
	}
	var best *listener
	for _, l := range p.otherListeners {
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
