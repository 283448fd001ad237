// Package gateway is the Gateway API data plane of the routing engine:
// one data plane per Gateway, answering for the HTTPRoutes and GRPCRoutes
// attached to its listeners, with the semantics of the Gateway API
// specification (sigs.k8s.io/gateway-api v1.6.0, apis/v1 type comments).
//
// One file per concern: listeners.go (listener selection), attach.go
// (parentRefs and allowedRoutes), hostnames.go (wildcards and
// intersection), precedence.go (rule order), match.go (path, header,
// query, method and gRPC matches), filters.go (redirects, rewrites,
// header modifiers, mirrors, CORS), backends.go (backendRefs and
// ReferenceGrants), status.go (the computed route status).
package gateway

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	networkingv1 "k8s.io/api/networking/v1"
	gwv1 "sigs.k8s.io/gateway-api/apis/v1"

	"github.com/ingresskit/ingresskit/manifest"
	"github.com/ingresskit/ingresskit/simulate"
)

// Kind is the kind of data plane this package registers.
const Kind = "gateway"

func init() {
	simulate.RegisterBuilder(Kind, func(set *manifest.Set, _ simulate.Options) ([]simulate.DataPlane, error) {
		planes := Build(set)
		out := make([]simulate.DataPlane, len(planes))
		for i, p := range planes {
			out[i] = p
		}
		return out, nil
	})
}

// Plane is the data plane of one Gateway.
type Plane struct {
	gw        *manifest.Gateway
	model     *Model
	listeners []*listener
	name      string // "gateway <namespace>/<name>", made once
	// exactListeners holds the listeners with a hostname that is not a
	// wildcard by port, protocol and hostname, first in spec order;
	// otherListeners the rest (wildcard and empty hostnames), in spec
	// order. A Gateway per Ingress class has a listener per TLS host, so
	// selectListener must not scan them all for every request.
	exactListeners map[listenerKey]*listener
	otherListeners []*listener
	// controller is the implementation the Gateway's class names, when
	// it is registered (simulate.GatewayControllerFor), and normalize how
	// it reads request paths: NormalizePath for any other.
	controller string
	normalize  func(string) (string, bool)
}

// listenerKey identifies the listeners that can take a request for one
// hostname.
type listenerKey struct {
	port     int32
	protocol gwv1.ProtocolType
	hostname string
}

var _ simulate.DataPlane = (*Plane)(nil)

// Build returns one data plane per Gateway of set, in input order, sharing
// one Model.
func Build(set *manifest.Set) []*Plane {
	m := Analyze(set)
	planes := make([]*Plane, 0, len(set.Gateways))
	for _, gw := range set.Gateways {
		planes = append(planes, m.Plane(gw))
	}
	return planes
}

// Plane returns the data plane of gw, a Gateway of the model's set.
func (m *Model) Plane(gw *manifest.Gateway) *Plane {
	p := &Plane{gw: gw, model: m, name: "gateway " + gw.Key(), normalize: specNormalize}
	className := string(gw.Spec.GatewayClassName)
	controllerName := ""
	if gc := m.set.GatewayClass(className); gc != nil {
		controllerName = string(gc.Spec.ControllerName)
	}
	if c, ok := simulate.GatewayControllerFor(className, controllerName); ok && c.NormalizePath != nil {
		p.controller, p.normalize = c.ControllerName, c.NormalizePath
	}
	for i := range gw.Spec.Listeners {
		l := &gw.Spec.Listeners[i]
		p.listeners = append(p.listeners, newListener(l, m.attached[gw][string(l.Name)]))
	}
	p.exactListeners = map[listenerKey]*listener{}
	for _, l := range p.listeners {
		if l.hostname == "" || isWildcard(l.hostname) {
			p.otherListeners = append(p.otherListeners, l)
			continue
		}
		k := listenerKey{l.port, l.protocol, l.hostname}
		if _, dup := p.exactListeners[k]; !dup {
			p.exactListeners[k] = l
		}
	}
	return p
}

// Gateway returns the plane's Gateway.
func (p *Plane) Gateway() *manifest.Gateway { return p.gw }

// Model returns the model the plane was built from.
func (p *Plane) Model() *Model { return p.model }

// Name returns "gateway namespace/name".
func (p *Plane) Name() string { return p.name }

// Kind returns Kind.
func (p *Plane) Kind() string { return Kind }

// specNormalize is how a Gateway of a class no registered controller
// implements reads paths: as for Ingress.
func specNormalize(path string) (string, bool) { return simulate.NormalizePath(path), true }

// Controller returns the controllerName of the registered implementation
// the Gateway's class names, "" when it names none.
func (p *Plane) Controller() string { return p.controller }

// Serves reports whether a listener of the Gateway takes req.
func (p *Plane) Serves(req simulate.Request) bool {
	var r request
	return p.parse(req, &r) == nil && p.selectListener(&r) != nil
}

// Lookup answers req.
func (p *Plane) Lookup(req simulate.Request) simulate.Decision {
	return p.answer(req, false)
}

// Explain answers req and lists every rule of every route that names the
// Gateway, with why it won or lost.
func (p *Plane) Explain(req simulate.Request) simulate.Decision {
	return p.answer(req, true)
}

// ruleAnswer is what a rule's backends answer, the same for every request.
type ruleAnswer struct {
	backends          []simulate.WeightedBackend // shared: callers must not modify
	first             networkingv1.IngressBackend
	ok, total         int32
	perBackendFilters bool
}

// ruleBackends computes a rule's answer once its references are resolved.
func ruleBackends(ru *rule) *ruleAnswer {
	a := &ruleAnswer{backends: make([]simulate.WeightedBackend, 0, len(ru.backends))}
	for _, b := range ru.backends {
		wb := weighted(b.ref, b.weight, ru.route)
		if !b.status.Resolved.Status {
			wb.Problem = b.status.Resolved.Message
		} else if b.weight > 0 {
			a.ok += b.weight
		}
		a.total += b.weight
		if len(b.filters) > 0 {
			a.perBackendFilters = true
		}
		a.backends = append(a.backends, wb)
	}
	for _, wb := range a.backends {
		if wb.Problem == "" && wb.Weight > 0 {
			a.first = networkingv1.IngressBackend{Service: &networkingv1.IngressServiceBackend{
				Name: wb.Name, Port: networkingv1.ServiceBackendPort{Number: wb.Port}}}
			break
		}
	}
	return a
}

// parse reads a request into r: the port comes from the Host header, else
// from the scheme; the query string is matched by query parameter
// matches; the path is normalized as the Gateway's implementation does
// (p.normalize). r is the caller's, so that a lookup allocates no request.
func (p *Plane) parse(req simulate.Request, r *request) error {
	scheme := req.Scheme
	if scheme == "" {
		scheme = "http"
	}
	host, port := canonicalHost(req.Host)
	*r = request{scheme: scheme, host: host, header: req.Header, method: http.MethodGet}
	if req.Method != "" {
		r.method = req.Method
	}
	switch {
	case port != "":
		n, err := strconv.Atoi(port)
		if err != nil || n <= 0 || n > 65535 {
			return fmt.Errorf("invalid port %q", port)
		}
		r.port = int32(n)
	case scheme == "https":
		r.port = 443
	default:
		r.port = 80
	}
	path := req.Path
	if i := strings.IndexByte(path, '#'); i >= 0 {
		path = path[:i]
	}
	if i := strings.IndexByte(path, '?'); i >= 0 {
		r.rawQuery = path[i+1:]
		q, err := url.ParseQuery(r.rawQuery)
		if err != nil {
			q = url.Values{}
		}
		r.query = q
		path = path[:i]
	}
	if path == "" {
		path = "/"
	}
	var ok bool
	r.path, ok = p.normalize(path)
	r.badPath = !ok
	// A gRPC request is an HTTP/2 POST with a Content-Type of
	// application/grpc, to the path /service/method (gRPC over HTTP/2,
	// "Requests": https://github.com/grpc/grpc/blob/master/doc/PROTOCOL-HTTP2.md).
	if ct := r.header.Get("Content-Type"); strings.HasPrefix(ct, "application/grpc") {
		r.grpc = true
		if s, m, ok := strings.Cut(strings.TrimPrefix(r.path, "/"), "/"); ok {
			r.service, r.gmethod = s, m
		}
	}
	return nil
}

func (p *Plane) answer(sreq simulate.Request, explain bool) simulate.Decision {
	d := simulate.Decision{URL: sreq.String(), DataPlane: p.name, Rule: -1, PathIndex: -1, MatchIndex: -1, Status: http.StatusNotFound}
	var rq request
	req := &rq
	if err := p.parse(sreq, req); err != nil {
		d.Notes = append(d.Notes, err.Error())
		return d
	}
	d.RequestHost, d.NormalizedPath = req.host, req.path
	l := p.selectListener(req)
	if l == nil {
		d.Notes = append(d.Notes, fmt.Sprintf("no listener of Gateway %s takes %s requests for %s on port %d", p.gw.Key(), protocolFor(req.scheme), req.host, req.port))
		if explain {
			d.Candidates = p.candidates(req, nil, nil)
		}
		return d
	}
	d.Listener = l.name
	if req.badPath {
		d.Status = http.StatusBadRequest
		d.Notes = append(d.Notes, fmt.Sprintf("%s cannot normalize the path: 400 before any route", p.controller))
		return d
	}
	win := l.lookup(req)
	if explain {
		d.Candidates = p.candidates(req, l, win)
	}
	if win == nil {
		// "When no rules matching a request have been successfully
		// attached to the parent a request is coming from, a HTTP 404
		// status code MUST be returned" (HTTPRouteRule.Matches).
		d.Notes = append(d.Notes, "no rule of the routes attached to listener "+l.name+" matches: 404")
		return d
	}
	m := win.m
	r := m.rule.route
	d.Matched = true
	d.Kind, d.Object = r.kind, r.key()
	d.Rule, d.MatchIndex, d.Pos = m.rule.index, m.index, m.pos
	d.Host = win.host
	if !m.grpc {
		d.Path, d.PathType = m.path, networkingv1.PathType(m.pathType)
	} else {
		d.Path = "/" + m.service + "/" + m.gmethod
	}
	d.Status = 0
	p.backends(&d, req, m)
	p.applyFilters(&d, req, l, m)
	return d
}

// backends fills the weighted backends of the winning rule. A rule whose
// backendRefs all fail to resolve, or that has none and no redirect,
// answers 500 (HTTPBackendRef and HTTPRouteRule.BackendRefs in apis/v1
// httproute_types.go: "If all entries in BackendRefs are invalid, and
// there are also no filters specified in this route rule, all traffic
// which would have been sent to the rule or filter MUST receive a 500
// status code"; the share of an invalid backend gets 500 too).
func (p *Plane) backends(d *simulate.Decision, req *request, m *match) {
	ru := m.rule
	ok, total := ru.answer.ok, ru.answer.total
	d.Backends, d.Backend = ru.answer.backends, ru.answer.first
	if ru.answer.perBackendFilters {
		d.Backends = append([]simulate.WeightedBackend(nil), d.Backends...)
		for i, b := range ru.backends {
			for _, f := range b.filters {
				if f.Type == "RequestHeaderModifier" && f.RequestHeaderModifier != nil {
					d.Backends[i].RequestHeaders = headerEdits(f.RequestHeaderModifier).Apply(req.header)
				}
			}
		}
	}
	redirects := false
	for _, f := range m.rule.filters {
		if f.Type == "RequestRedirect" {
			redirects = true
		}
	}
	switch {
	case redirects:
	case len(m.rule.backends) == 0:
		d.Status = http.StatusInternalServerError
		d.Notes = append(d.Notes, "the rule has no backendRefs: 500")
	case ok == 0:
		d.Status = http.StatusInternalServerError
		d.Notes = append(d.Notes, "no backendRef of the rule resolves with a weight above 0: 500")
	case ok < total:
		d.Notes = append(d.Notes, fmt.Sprintf("%d of %d weight goes to backendRefs that do not resolve and is answered with 500", total-ok, total))
	}
}
