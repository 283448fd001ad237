// Package istio models an Istio ingress gateway: a networking.istio.io
// Gateway's servers and the VirtualServices bound to it. It registers a
// data plane builder with the simulate core, one data plane per Gateway.
//
// Routing follows istio.io's VirtualService reference
// (istio.io/latest/docs/reference/config/networking/virtual-service/):
// the http routes of a VirtualService are evaluated in order and the first
// whose match holds wins; a match holds when all its conditions do, and a
// route with several matches when any does; a route without match matches
// everything.
package istio

import (
	"encoding/base64"
	"fmt"
	"net"
	"net/http"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/ingresskit/ingresskit/manifest"
	"github.com/ingresskit/ingresskit/simulate"
	"github.com/ingresskit/ingresskit/simulate/internal/envoypath"
)

// Kind is the kind of data plane this package builds.
const Kind = "istio"

func init() {
	simulate.RegisterBuilder(Kind, func(set *manifest.Set, _ simulate.Options) ([]simulate.DataPlane, error) {
		var out []simulate.DataPlane
		for _, p := range Build(set) {
			out = append(out, p)
		}
		return out, nil
	})
}

// Plane is the data plane of one Istio Gateway.
type Plane struct {
	gw  *manifest.IstioGateway
	set *manifest.Set
	// vss are the VirtualServices bound to the Gateway, in input order.
	vss []*manifest.VirtualService
	// byName holds the VirtualServices of set by namespace/name, for
	// delegates; shared by the planes of one Build.
	byName map[string][]*manifest.VirtualService
}

// Build returns the data plane of every Istio Gateway of set. Each
// VirtualService is read once and indexed by the Gateways it names, so
// the cost grows with Gateways plus VirtualServices, not their product.
func Build(set *manifest.Set) []*Plane {
	set = set.Applied()
	bound := map[string][]*manifest.VirtualService{}
	byName := make(map[string][]*manifest.VirtualService, len(set.VirtualServices))
	for _, vs := range set.VirtualServices {
		byName[vs.Key()] = append(byName[vs.Key()], vs)
		for _, g := range vs.Spec.Gateways {
			ns, name, mesh := readGatewayRef(vs, g)
			if mesh {
				continue
			}
			k := ns + "/" + name
			// A VirtualService that names a Gateway twice is bound once.
			if l := bound[k]; len(l) == 0 || l[len(l)-1] != vs {
				bound[k] = append(l, vs)
			}
		}
	}
	out := make([]*Plane, 0, len(set.IstioGateways))
	for _, gw := range set.IstioGateways {
		out = append(out, &Plane{gw: gw, set: set, vss: bound[gw.Namespace+"/"+gw.Name], byName: byName})
	}
	return out
}

// readGatewayRef is GatewayRef; a test counts the references Build reads.
var readGatewayRef = GatewayRef

// Bound reports whether vs names gw in spec.gateways: "<namespace>/<name>",
// or "<name>" for a Gateway of the VirtualService's namespace; "mesh" is the
// sidecars, not a gateway (VirtualService.gateways).
func Bound(vs *manifest.VirtualService, gw *manifest.IstioGateway) bool {
	for _, g := range vs.Spec.Gateways {
		ns, name, mesh := GatewayRef(vs, g)
		if !mesh && ns == gw.Namespace && name == gw.Name {
			return true
		}
	}
	return false
}

// Gateway returns the Gateway of the data plane.
func (p *Plane) Gateway() *manifest.IstioGateway { return p.gw }

// PluralName names the Istio Gateways of the input together, in an
// answer that none of them takes.
const PluralName = "istio gateways"

// Name identifies the data plane in answers.
func (p *Plane) Name() string { return "istio gateway " + p.gw.Key() }

// Kind is Kind.
func (p *Plane) Kind() string { return Kind }

// request is a request as the gateway reads it.
type request struct {
	scheme, host, path, rawQuery, method string
	port                                 uint32
	header                               http.Header
	// valid is false for a path Envoy rejects with a 400.
	valid bool
}

func parse(req simulate.Request) request {
	r := request{scheme: req.Scheme, header: req.Header, method: req.Method}
	if r.method == "" {
		r.method = http.MethodGet
	}
	if r.scheme == "" {
		r.scheme = "http"
	}
	host := req.Host
	r.port = 80
	if r.scheme == "https" {
		r.port = 443
	}
	if h, port, err := net.SplitHostPort(host); err == nil {
		host = h
		if n, err := strconv.Atoi(port); err == nil {
			r.port = uint32(n)
		}
	}
	r.host = simulate.CanonicalHost(host)
	r.path, r.rawQuery, _ = strings.Cut(req.Path, "?")
	if i := strings.IndexByte(r.path, '#'); i >= 0 {
		r.path = r.path[:i]
	}
	// The gateway's Envoy normalizes the path before any route sees it,
	// and forwards the normalized path (envoypath).
	r.path, r.valid = envoypath.Normalize(r.path)
	return r
}

// server returns the server that takes the request: its port, its
// protocol (HTTPS for https, HTTP otherwise) and a host it lists.
func (p *Plane) server(r request) (*manifest.IstioServer, bool) {
	s, _, ok := p.serverAt(r)
	return s, ok
}

// serverAt is server with the server's index and the host that took the
// request.
func (p *Plane) serverAt(r request) (*manifest.IstioServer, int, bool) {
	for i := range p.gw.Spec.Servers {
		s := &p.gw.Spec.Servers[i]
		if s.Port.Number != r.port {
			continue
		}
		proto := strings.ToUpper(s.Port.Protocol)
		https := proto == "HTTPS" || (proto == "TLS" && s.TLS != nil)
		if (r.scheme == "https") != https {
			continue
		}
		for _, h := range s.Hosts {
			if HostMatch(ServerHost(h), r.host) {
				return s, i, true
			}
		}
	}
	return nil, -1, false
}

// ServerHost drops the "namespace/" a server host may carry
// (Server.hosts: "dnsName" or "namespace/dnsName").
func ServerHost(h string) string {
	if _, host, ok := strings.Cut(h, "/"); ok {
		return host
	}
	return h
}

// HostMatch reports whether a host pattern accepts host: "*" any host,
// "*.example.com" any name ending in ".example.com" (at any depth, as
// Istio's wildcard hosts do), otherwise the same name, case-insensitively.
func HostMatch(pattern, host string) bool {
	pattern = strings.ToLower(pattern)
	switch {
	case pattern == "*":
		return true
	case strings.HasPrefix(pattern, "*"):
		return strings.HasSuffix(host, pattern[1:]) && len(host) > len(pattern)-1
	}
	return pattern == host
}

// GatewayRef reads one entry of a VirtualService's spec.gateways:
// "<namespace>/<name>", or "<name>" for a Gateway of the VirtualService's
// namespace. mesh is false for the reserved name "mesh", the sidecars
// rather than a gateway (VirtualService.gateways).
func GatewayRef(vs *manifest.VirtualService, ref string) (ns, name string, mesh bool) {
	if ref == "mesh" {
		return "", "", true
	}
	ns, name, ok := strings.Cut(ref, "/")
	if !ok {
		ns, name = vs.Namespace, ref
	}
	return ns, name, false
}

// Intersects reports whether two host patterns share a host: one accepts
// the other as HostMatch reads them, case-insensitively.
func Intersects(a, b string) bool {
	a, b = strings.ToLower(a), strings.ToLower(b)
	return HostMatch(a, b) || HostMatch(b, a)
}

// ServerAdmits reports whether a Gateway server host (of a Gateway of
// namespace gwNS) admits host of a VirtualService of namespace vsNS: the
// optional "namespace/" part is "*" for any namespace, "." for the
// Gateway's own, or a namespace name, and the hosts intersect
// (Server.hosts in istio.io's Gateway reference).
func ServerAdmits(gwNS, serverHost, vsNS, host string) bool {
	if ns, _, ok := strings.Cut(serverHost, "/"); ok {
		switch {
		case ns == "*":
		case ns == ".":
			if vsNS != gwNS {
				return false
			}
		case ns != vsNS:
			return false
		}
	}
	return Intersects(ServerHost(serverHost), host)
}

// Serves reports whether a server of the Gateway takes the request.
func (p *Plane) Serves(req simulate.Request) bool {
	_, ok := p.server(parse(req))
	return ok
}

// Lookup answers one request.
func (p *Plane) Lookup(req simulate.Request) simulate.Decision { return p.answer(req, false) }

// Explain answers one request and lists every route considered.
func (p *Plane) Explain(req simulate.Request) simulate.Decision { return p.answer(req, true) }

// virtualServices returns the VirtualServices whose hosts take the host
// most specifically (an exact host before a wildcard, the longer wildcard
// first) and the host they name. Several of them for one host on an
// ingress gateway are merged, the oldest VirtualService's routes first
// (istio.io analysis message IST0109 and the traffic management "split
// virtual services" guideline; lint's istio-duplicate-host reports the
// pair): ordered by creationTimestamp, then name and namespace; those
// without a creationTimestamp last, in input order.
func (p *Plane) virtualServices(host string) ([]*manifest.VirtualService, string) {
	var best []*manifest.VirtualService
	var bestHost string
	bestScore := -1
	for _, vs := range p.vss {
		score, name := -1, ""
		for _, h := range vs.Spec.Hosts {
			if !HostMatch(ServerHost(h), host) {
				continue
			}
			sc := len(h)
			if !strings.HasPrefix(h, "*") {
				sc += 1 << 20
			}
			if sc > score {
				score, name = sc, h
			}
		}
		switch {
		case score < 0:
		case score > bestScore:
			best, bestScore, bestHost = []*manifest.VirtualService{vs}, score, name
		case score == bestScore:
			best = append(best, vs)
		}
	}
	sort.SliceStable(best, func(i, j int) bool {
		// pilot/pkg/model/config.go configCompareByCreationTime: the
		// creationTimestamp, then name, then namespace.
		// A VirtualService without one is not created yet: it comes
		// after those that are, in input order, as lint's
		// istio-duplicate-host reads it.
		a, b := best[i], best[j]
		switch za, zb := a.CreationTimestamp.IsZero(), b.CreationTimestamp.IsZero(); {
		case za || zb:
			return !za && zb
		case !a.CreationTimestamp.Equal(&b.CreationTimestamp):
			return a.CreationTimestamp.Before(&b.CreationTimestamp)
		}
		if a.Name != b.Name {
			return a.Name < b.Name
		}
		return a.Namespace < b.Namespace
	})
	return best, bestHost
}

func (p *Plane) answer(req simulate.Request, explain bool) simulate.Decision {
	r := parse(req)
	d := simulate.Decision{URL: req.String(), Rule: -1, PathIndex: -1, MatchIndex: -1, DataPlane: p.Name(),
		Profile: Kind, RequestHost: r.host, NormalizedPath: r.path}
	srv, si, ok := p.serverAt(r)
	if !ok {
		d.Status = http.StatusNotFound
		d.Notes = append(d.Notes, fmt.Sprintf("no server of Gateway %s takes port %d for host %s", p.gw.Key(), r.port, r.host))
		return d
	}
	d.Listener = srv.Port.Name
	if d.Listener == "" {
		d.Listener = fmt.Sprintf("servers[%d]", si)
	}
	if r.scheme == "https" && srv.TLS != nil {
		// The server terminates TLS with the Secret its
		// Server.tls.credentialName names (istio.io Gateway reference,
		// ServerTLSSettings.credentialName).
		d.Credential = srv.TLS.CredentialName
	}
	if !r.valid {
		// Envoy answers a path it cannot normalize itself
		// (conn_manager_utility.cc maybeNormalizePath; envoypath).
		d.Status = http.StatusBadRequest
		d.Notes = append(d.Notes, "the gateway's Envoy cannot normalize the path (a NUL byte): 400 before any route")
		return d
	}
	if srv.TLS != nil && srv.TLS.HTTPSRedirect && r.scheme == "http" {
		// Server.tls.httpsRedirect: "send a 301 redirect for all http
		// connections, asking the clients to use HTTPS".
		d.Matched, d.Redirect, d.RedirectCode, d.Status = true, "https://"+r.host+r.path+query(r), 301, 301
		d.Kind, d.Object, d.Rule, d.MatchIndex = "Gateway", p.gw.Key(), si, -1
		d.Host = r.host
		d.Pos = p.gw.Source.FieldPos(fmt.Sprintf("spec.servers[%d].tls.httpsRedirect", si))
		d.Notes = append(d.Notes, "server "+srv.Port.Name+" has tls.httpsRedirect: 301 to https")
		return d
	}
	vss, vsHost := p.virtualServices(r.host)
	if len(vss) == 0 {
		d.Status = http.StatusNotFound
		d.Notes = append(d.Notes, fmt.Sprintf("no VirtualService bound to Gateway %s names host %s: 404", p.gw.Key(), r.host))
		return d
	}
	entries := p.vhostRoutes(vss, r)
	vs := vss[0]
	for _, e := range entries {
		rt, route := e.ownedRoute, e.route
		mi, why := 0, "the route has no match: every request"
		if e.match >= 0 {
			mi = e.match
			if ok, reason := matchOne(route.Match[mi], r, srv); !ok {
				mi, why = -1, reason
			} else {
				why = reason
			}
		}
		if explain {
			reason := simulate.ReasonWon
			if mi < 0 {
				reason = simulate.ReasonPathMismatch
			}
			d.Candidates = append(d.Candidates, simulate.Candidate{Rule: rt.index, PathIndex: -1, Kind: "VirtualService", Object: rt.vs.Key(),
				MatchIndex: mi, Pos: rt.pos, Reason: reason, Detail: why, Host: vsHost, Path: uriOf(route, e.match)})
		}
		if mi < 0 {
			continue
		}
		if e.moved {
			d.Notes = append(d.Notes, "a catch-all route is tried after every other route for the host: istiod moves it to the end when VirtualServices are merged (SortVHostRoutes)")
		}
		vsi := rt.vs
		d.Matched = true
		d.Kind, d.Object, d.Rule, d.MatchIndex = "VirtualService", vsi.Key(), rt.index, mi
		d.Host = vsHost
		if len(route.Match) > 0 && route.Match[mi].URI != nil {
			d.Path = describe(*route.Match[mi].URI)
		}
		d.Pos = rt.pos
		d.Notes = append(d.Notes, fmt.Sprintf("VirtualService %s http[%d] is the first route that matches (%s)", vsi.Key(), rt.index, why))
		p.act(&d, route, r, vsi, mi)
		if explain {
			// Routes after the winner are not evaluated.
			break
		}
		return d
	}
	if d.Matched {
		return d
	}
	d.Status = http.StatusNotFound
	d.Notes = append(d.Notes, fmt.Sprintf("no http route of VirtualService %s matches: 404", vs.Key()))
	return d
}

// uriOf describes the uri match of match mi of route, or of every match
// when mi is -1: "(every request)" for a route without match, "any" for
// a match without uri.
func uriOf(route manifest.IstioHTTPRoute, mi int) string {
	if len(route.Match) == 0 {
		return "(every request)"
	}
	one := func(m manifest.IstioHTTPMatch) string {
		if m.URI == nil {
			return "any"
		}
		return describe(*m.URI)
	}
	if mi >= 0 {
		return one(route.Match[mi])
	}
	parts := make([]string, len(route.Match))
	for i, m := range route.Match {
		parts[i] = one(m)
	}
	return strings.Join(parts, " | ")
}

// vhostEntry is one Envoy route of the virtual host a request's host
// selects: one match of an http route (match is -1 for a route without
// match); moved is true for a catch-all moved behind other routes.
type vhostEntry struct {
	ownedRoute
	match int
	moved bool
}

// vhostRoutes returns the routes of the virtual host that vss make for a
// request, in the order the gateway's Envoy tries them, as istiod builds
// them (istio/istio pilot/pkg/networking/core/route/route.go,
// BuildHTTPRoutesForVirtualService and TranslateRoute;
// pilot/pkg/networking/core/gateway.go):
//
//   - each match of each http route is one route, in order; a match whose
//     port is not the server's, or whose gateways do not name this
//     Gateway, makes no route;
//   - after a catch-all (a route without match, or a match whose only
//     condition is the uri prefix "/" or regex ".*", IsCatchAllRoute) the
//     rest of that VirtualService makes no route;
//   - the routes of the VirtualServices for the host follow each other,
//     oldest VirtualService first, and then every catch-all is moved
//     behind the other routes, in its order (SortVHostRoutes), so that a
//     VirtualService merged after another with a catch-all is reached.
func (p *Plane) vhostRoutes(vss []*manifest.VirtualService, r request) []vhostEntry {
	var out, catchAll []vhostEntry
	for _, vs := range vss {
	routes:
		for _, rt := range p.resolve(vs, 0) {
			if len(rt.route.Match) == 0 {
				catchAll = append(catchAll, vhostEntry{ownedRoute: rt, match: -1})
				break
			}
			for i, m := range rt.route.Match {
				if m.Port != 0 && m.Port != r.port || !p.gatewayMatch(vs, m) {
					continue
				}
				e := vhostEntry{ownedRoute: rt, match: i}
				if isCatchAll(m) {
					catchAll = append(catchAll, e)
					break routes
				}
				out = append(out, e)
			}
		}
	}
	if len(out) > 0 {
		for i := range catchAll {
			catchAll[i].moved = len(vss) > 1
		}
	}
	return append(out, catchAll...)
}

// isCatchAll reports whether a match takes every request to its port: no
// header, query or pseudo-header condition, and a uri that is absent, the
// prefix "/" or the regex ".*" (route.go, IsCatchAllRoute).
func isCatchAll(m manifest.IstioHTTPMatch) bool {
	uri := m.URI == nil || m.URI.Prefix == "/" && m.URI.Exact == "" || m.URI.Regex == ".*" && m.URI.Exact == "" && m.URI.Prefix == ""
	return uri && m.Method == nil && m.Authority == nil && m.Scheme == nil &&
		len(m.Headers) == 0 && len(m.WithoutHeaders) == 0 && len(m.QueryParams) == 0
}

// gatewayMatch reports whether a match's gateways, when it names any,
// include this Gateway (route.go, sourceMatchHTTP).
func (p *Plane) gatewayMatch(vs *manifest.VirtualService, m manifest.IstioHTTPMatch) bool {
	if len(m.Gateways) == 0 {
		return true
	}
	for _, g := range m.Gateways {
		if ns, name, mesh := GatewayRef(vs, g); !mesh && ns == p.gw.Namespace && name == p.gw.Name {
			return true
		}
	}
	return false
}

// ownedRoute is one http route as the gateway evaluates it, after the
// VirtualServices of a host are merged and delegates expanded: the
// VirtualService that declares it (the delegate for a route reached
// through spec.http[].delegate), its index in that VirtualService's
// spec.http and its position there.
type ownedRoute struct {
	route manifest.IstioHTTPRoute
	vs    *manifest.VirtualService
	index int
	pos   manifest.Pos
}

// resolve returns the http routes of vs with delegates replaced by the
// routes of the VirtualService they name (HTTPRoute.delegate), each with
// the VirtualService, index and position it is declared at. A delegate
// route is merged into the route that delegates (mergeDelegate) and left
// out when their matches conflict; a delegate's own delegates are not
// followed ("only one level delegation is supported").
func (p *Plane) resolve(vs *manifest.VirtualService, depth int) []ownedRoute {
	var routes []ownedRoute
	for i, route := range vs.Spec.HTTP {
		if route.Delegate == nil || depth > 0 {
			routes = append(routes, ownedRoute{route: route, vs: vs, index: i, pos: vs.Source.FieldPos(fmt.Sprintf("spec.http[%d]", i))})
			continue
		}
		for _, dvs := range p.delegates(vs, route.Delegate) {
			for _, sub := range p.resolve(dvs, depth+1) {
				merged, ok := mergeDelegate(route, sub.route)
				if !ok {
					continue
				}
				sub.route = merged
				routes = append(routes, sub)
			}
		}
	}
	return routes
}

// delegates returns the VirtualServices a delegate names: its namespace,
// the root VirtualService's when left out (HTTPRoute.delegate).
func (p *Plane) delegates(vs *manifest.VirtualService, d *manifest.IstioDelegate) []*manifest.VirtualService {
	ns := d.Namespace
	if ns == "" {
		ns = vs.Namespace
	}
	return p.byName[ns+"/"+d.Name]
}

// matchOne applies one HTTPMatchRequest as istiod translates it for
// Envoy (pilot/pkg/networking/core/route/route.go, TranslateRouteMatch):
// the uri match with case_sensitive set from ignoreUriCase, which Envoy
// applies to exact and prefix but not to a regex (route_components.proto
// RouteMatch.case_sensitive: "ignored for safe_regex matching"); method,
// authority and scheme as pseudo-header matches; headers, withoutHeaders
// (inverted, a missing header read as empty) and queryParams, where a
// StringMatch with nothing set or the regex "*" asks only for presence
// (canBeConvertedToPresentMatch). On success the phrase lists the
// conditions that held.
func matchOne(m manifest.IstioHTTPMatch, r request, srv *manifest.IstioServer) (bool, string) {
	var held []string
	if m.URI != nil {
		if !uriMatch(*m.URI, r.path, m.IgnoreURICase) {
			return false, "uri " + describe(*m.URI) + " does not match " + r.path
		}
		what := "uri " + describe(*m.URI)
		if m.IgnoreURICase && m.URI.Regex == "" {
			what += " (ignoreUriCase)"
		}
		held = append(held, what)
	}
	if m.Method != nil {
		if !stringMatch(*m.Method, r.method) {
			return false, "method " + describe(*m.Method) + " does not match " + r.method
		}
		held = append(held, "method "+describe(*m.Method))
	}
	if m.Authority != nil {
		if !stringMatch(*m.Authority, r.host) {
			return false, "authority " + describe(*m.Authority) + " does not match " + r.host
		}
		held = append(held, "authority "+describe(*m.Authority))
	}
	if m.Scheme != nil {
		if !stringMatch(*m.Scheme, r.scheme) {
			return false, "scheme " + describe(*m.Scheme) + " does not match " + r.scheme
		}
		held = append(held, "scheme "+describe(*m.Scheme))
	}
	if m.Port != 0 {
		if m.Port != r.port {
			return false, fmt.Sprintf("port %d is not %d", m.Port, r.port)
		}
		held = append(held, fmt.Sprintf("port %d", m.Port))
	}
	for _, name := range sortedNames(m.Headers) {
		sm := m.Headers[name]
		v, present := r.header[http.CanonicalHeaderKey(name)]
		switch {
		case !present:
			return false, "header " + name + " is absent"
		case presenceOnly(sm):
			held = append(held, "header "+name+" present")
		case !stringMatch(sm, strings.Join(v, ",")):
			return false, "header " + name + " " + describe(sm) + " does not match"
		default:
			held = append(held, "header "+name+" "+describe(sm))
		}
	}
	for _, name := range sortedNames(m.WithoutHeaders) {
		sm := m.WithoutHeaders[name]
		v, present := r.header[http.CanonicalHeaderKey(name)]
		switch {
		case presenceOnly(sm) && present:
			return false, "header " + name + " is present"
		case !presenceOnly(sm) && stringMatch(sm, strings.Join(v, ",")):
			return false, "header " + name + " " + describe(sm) + " matches (withoutHeaders)"
		}
		held = append(held, "without header "+name)
	}
	if len(m.QueryParams) > 0 {
		q := parseQuery(r.rawQuery)
		for _, name := range sortedNames(m.QueryParams) {
			sm := m.QueryParams[name]
			v, present := q[name]
			switch {
			case !present:
				return false, "query parameter " + name + " is absent"
			case presenceOnly(sm):
				held = append(held, "query parameter "+name+" present")
			case !stringMatch(sm, v):
				return false, "query parameter " + name + " " + describe(sm) + " does not match"
			default:
				held = append(held, "query parameter "+name+" "+describe(sm))
			}
		}
	}
	if len(held) == 0 {
		return true, "the match has no condition: every request"
	}
	return true, strings.Join(held, ", ")
}

// uriMatch applies a uri StringMatch to the normalized path; ignoreCase
// applies to exact and prefix only.
func uriMatch(sm manifest.IstioStringMatch, path string, ignoreCase bool) bool {
	switch {
	case ignoreCase && sm.Exact != "":
		return strings.EqualFold(path, sm.Exact)
	case ignoreCase && sm.Prefix != "":
		return len(path) >= len(sm.Prefix) && strings.EqualFold(path[:len(sm.Prefix)], sm.Prefix)
	}
	return stringMatch(sm, path)
}

// presenceOnly reports whether a header or query parameter StringMatch
// asks only that the name be present: nothing set, or the regex "*",
// which Istio takes for presence rather than as RE2 (route.go,
// canBeConvertedToPresentMatch).
func presenceOnly(sm manifest.IstioStringMatch) bool {
	return sm.Exact == "" && sm.Prefix == "" && (sm.Regex == "" || sm.Regex == "*")
}

func sortedNames(m map[string]manifest.IstioStringMatch) []string {
	names := make([]string, 0, len(m))
	for n := range m {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

func parseQuery(raw string) map[string]string {
	out := map[string]string{}
	for _, kv := range strings.Split(raw, "&") {
		if kv == "" {
			continue
		}
		k, v, _ := strings.Cut(kv, "=")
		if _, seen := out[k]; !seen {
			out[k] = v
		}
	}
	return out
}

// stringMatch applies a StringMatch: exact, prefix, or an RE2 regex that
// must match the whole value (StringMatch.regex: "RE2 style regex-based
// match").
func stringMatch(sm manifest.IstioStringMatch, s string) bool {
	switch {
	case sm.Exact != "":
		return s == sm.Exact
	case sm.Prefix != "":
		return strings.HasPrefix(s, sm.Prefix)
	case sm.Regex != "":
		re, err := regexp.Compile("^(?:" + sm.Regex + ")$")
		return err == nil && re.MatchString(s)
	}
	return true
}

func describe(sm manifest.IstioStringMatch) string {
	switch {
	case sm.Exact != "":
		return "exact " + sm.Exact
	case sm.Prefix != "":
		return "prefix " + sm.Prefix
	case sm.Regex != "":
		return "regex " + sm.Regex
	}
	return "any"
}

func query(r request) string {
	if r.rawQuery == "" {
		return ""
	}
	return "?" + r.rawQuery
}

// act applies the winning route: a redirect, a direct response, or the
// weighted destinations with the rewritten path.
func (p *Plane) act(d *simulate.Decision, route manifest.IstioHTTPRoute, r request, vs *manifest.VirtualService, mi int) {
	switch {
	case route.Redirect != nil:
		rd := route.Redirect
		code := int(rd.RedirectCode)
		if code == 0 {
			code = 301 // HTTPRedirect.redirectCode: "default is 301"
		}
		scheme, host, path := r.scheme, r.host, r.path
		if rd.Scheme != "" {
			scheme = rd.Scheme
		}
		if rd.Authority != "" {
			host = rd.Authority
		}
		if rd.URI != "" {
			path = rd.URI
		}
		loc := scheme + "://" + host
		if rd.Port != 0 {
			loc += ":" + strconv.Itoa(int(rd.Port))
		}
		d.Redirect, d.RedirectCode, d.Status = loc+path+query(r), code, code
		return
	case route.DirectResponse != nil:
		d.Status = int(route.DirectResponse.Status)
		d.Body = directBody(route.DirectResponse.Body)
		d.Notes = append(d.Notes, fmt.Sprintf("directResponse %d", d.Status))
		return
	}
	if len(route.Route) == 0 {
		d.Status = http.StatusInternalServerError
		d.Notes = append(d.Notes, "the route has no destination")
		return
	}
	d.Backends = append(d.Backends, p.destinations(route, vs)...)
	d.Mirrors = append(d.Mirrors, p.mirrors(route, vs)...)
	if rw := route.Rewrite; rw != nil && rw.Authority != "" {
		// HTTPRewrite.authority: "rewrite the Authority/Host header
		// with this value".
		d.RewriteHost = rw.Authority
	}
	if h := route.Headers; h != nil {
		// HTTPRoute.headers: "header manipulation rules" for the
		// request sent to the destination and the response returned
		// (Headers.request, Headers.response: set, add, remove).
		if e := headerOps(h.Request); !e.Empty() {
			d.RequestHeaders = e.Apply(r.header)
		}
		if e := headerOps(h.Response); !e.Empty() {
			d.ResponseHeaders = e
		}
	}
	if rw := route.Rewrite; rw != nil && rw.URI != "" {
		// HTTPRewrite.uri: "rewrite the path (or the prefix) portion of
		// the URI with this value. If the original URI was matched based
		// on prefix, the value provided in this field will replace the
		// corresponding matched prefix."
		path := rw.URI
		if len(route.Match) > 0 && route.Match[mi].URI != nil && route.Match[mi].URI.Prefix != "" {
			path = rw.URI + strings.TrimPrefix(r.path, route.Match[mi].URI.Prefix)
		}
		d.RewritePath = path + query(r)
	} else if rw != nil && rw.URIRegexRewrite != nil {
		if re, err := regexp.Compile(rw.URIRegexRewrite.Match); err == nil {
			d.RewritePath = re.ReplaceAllString(r.path, strings.ReplaceAll(rw.URIRegexRewrite.Rewrite, `\`, "$")) + query(r)
		}
	}
}

// destination resolves one route destination: the Service its host
// names (DestinationService) with the port, else a host a ServiceEntry
// declares (DeclaredBy), else an external host no registry entry
// declares, for which the gateway has no cluster. A subset no
// DestinationRule defines, a missing Service, or a host that looks like
// an unexpanded Service name is a problem.
func (p *Plane) destination(dest manifest.IstioDestination, vs *manifest.VirtualService, weight int32) simulate.WeightedBackend {
	wb := simulate.WeightedBackend{Kind: "Service", Weight: weight}
	if dest.Port != nil {
		wb.Port = int32(dest.Port.Number)
	}
	ns, name, ok := DestinationService(dest.Host, vs.Namespace)
	var svc *manifest.Service
	if ok {
		svc = p.set.Service(ns, name)
	}
	se := DeclaredBy(p.set, dest.Host, vs.Namespace, p.gw.Namespace)
	switch {
	case svc != nil:
		wb.Namespace, wb.Name = ns, name
		if dest.Port == nil && len(svc.Spec.Ports) == 1 {
			// Destination.port may be left out when the Service has
			// one port.
			wb.Port = svc.Spec.Ports[0].Port
		}
	case se != nil:
		// A ServiceEntry adds its hosts to the registry the gateway
		// routes to, beside the Services.
		wb.Kind, wb.Name = "host", FQDN(dest.Host, vs.Namespace)
		if dest.Port == nil && len(se.Spec.Ports) == 1 {
			wb.Port = int32(se.Spec.Ports[0].Number)
		}
	case ok:
		wb.Namespace, wb.Name = ns, name
		wb.Problem = fmt.Sprintf("Service %s/%s is not in the input", ns, name)
	default:
		wb.Kind, wb.Name = "host", dest.Host
		if uns, uname, partial := UnexpandedService(dest.Host); partial && p.set.Service(uns, uname) != nil {
			wb.Problem = fmt.Sprintf("Istio takes %s as a fully qualified external host, not Service %s/%s: write %s.%s.svc.%s", dest.Host, uns, uname, uname, uns, DomainSuffix)
		} else {
			wb.Problem = fmt.Sprintf("no Service and no ServiceEntry declares host %s: the gateway has no cluster for it", dest.Host)
		}
	}
	if dest.Subset != "" {
		wb.Kind += " subset " + dest.Subset
		if !SubsetDefined(p.set, vs.Namespace, dest.Host, dest.Subset) && wb.Problem == "" {
			wb.Problem = fmt.Sprintf("no DestinationRule for host %s defines subset %s (IST0101)", dest.Host, dest.Subset)
		}
	}
	return wb
}

// destinations returns the weighted destinations of route, their hosts
// read in vs's namespace.
func (p *Plane) destinations(route manifest.IstioHTTPRoute, vs *manifest.VirtualService) []simulate.WeightedBackend {
	var out []simulate.WeightedBackend
	for _, dest := range route.Route {
		w := dest.Weight
		if len(route.Route) == 1 && w == 0 {
			w = 100
		}
		out = append(out, p.destination(dest.Destination, vs, w))
	}
	return out
}

// mirrors returns the mirrors of a forwarding route: mirror, "mirror HTTP
// traffic to another destination in addition to forwarding the requests
// to the intended destination", with the share mirrorPercentage says,
// then each entry of mirrors with its own percentage (HTTPRoute.mirror,
// HTTPRoute.mirrors).
func (p *Plane) mirrors(route manifest.IstioHTTPRoute, vs *manifest.VirtualService) []simulate.Mirror {
	var out []simulate.Mirror
	if route.Mirror != nil {
		if pct, ok := mirrorPercent(route.MirrorPercentage, route.MirrorPercent); ok {
			out = append(out, simulate.Mirror{Backend: p.destination(*route.Mirror, vs, 0), Percent: pct})
		}
	}
	for _, m := range route.Mirrors {
		if pct, ok := mirrorPercent(m.Percentage, nil); ok {
			out = append(out, simulate.Mirror{Backend: p.destination(m.Destination, vs, 0), Percent: pct})
		}
	}
	return out
}

// mirrorPercent is the share of requests a mirror copies, as istiod
// sets Envoy's request_mirror_policies (istio/istio
// pilot/pkg/networking/core/route/route.go, MirrorPercent and
// MirrorPercentByPolicy): mirrorPercentage when set, the deprecated
// integer mirrorPercent otherwise, 100 when neither is; an explicit 0
// mirrors nothing (ok=false).
func mirrorPercent(pct *manifest.IstioPercent, legacy *uint32) (float64, bool) {
	switch {
	case pct != nil:
		return pct.Value, pct.Value > 0
	case legacy != nil:
		return float64(*legacy), *legacy > 0
	}
	return 100, true
}

// directBody reads HTTPDirectResponse.body: a "string", or "bytes" in
// base64 (istio.io VirtualService reference, HTTPBody); "" when it has
// neither or the bytes do not decode.
func directBody(body map[string]any) string {
	if s, ok := body["string"].(string); ok {
		return s
	}
	if b, ok := body["bytes"].(string); ok {
		if raw, err := base64.StdEncoding.DecodeString(b); err == nil {
			return string(raw)
		}
	}
	return ""
}

// headerOps converts Headers.HeaderOperations; nil for none.
func headerOps(ops *manifest.IstioHeaderOps) *simulate.HeaderEdits {
	if ops == nil {
		return nil
	}
	e := &simulate.HeaderEdits{}
	for k, v := range ops.Set {
		if e.Set == nil {
			e.Set = http.Header{}
		}
		e.Set.Set(k, v)
	}
	for k, v := range ops.Add {
		if e.Add == nil {
			e.Add = http.Header{}
		}
		e.Add.Add(k, v)
	}
	for _, k := range ops.Remove {
		e.Remove = append(e.Remove, http.CanonicalHeaderKey(k))
	}
	return e
}
