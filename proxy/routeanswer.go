package proxy

import (
	"context"
	"crypto/rand"
	"encoding/binary"
	"fmt"
	"io"
	mrand "math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/ingresskit/ingresskit/simulate"
)

// routeChoice is what the proxy does with an answer of a Gateway API or
// Istio data plane, worked out from the decision alone: the backend
// picked by weight, its upstream, and the request as that backend gets
// it. The data plane matched the request and applied the filters
// (simulate/gateway filters.go, simulate/istio); the proxy never matches
// again, it carries the decision out.
type routeChoice struct {
	// picked indexes Decision.Backends; -1 when the answer sends the
	// request to no backend (a redirect, a status of the data plane's
	// own).
	picked int
	// missing is NS/SERVICE:PORT of a picked backend without upstream.
	missing string
	// upstream is the picked backend's, nil when it has none.
	upstream *Upstream
	// ref is the picked backend.
	ref backendRef
	// protocol is the picked backend's (WeightedBackend.Protocol).
	protocol string
}

// weighted picks backends by weight with one generator shared by the
// requests: seeded from Options.Seed for tests, else at random.
type weighted struct {
	mu  sync.Mutex
	rng *mrand.Rand
}

func newWeighted(seed uint64) *weighted {
	if seed == 0 {
		var b [8]byte
		_, _ = rand.Read(b[:])
		seed = binary.LittleEndian.Uint64(b[:])
	}
	return &weighted{rng: mrand.New(mrand.NewPCG(seed, seed^0x9e3779b97f4a7c15))}
}

// pick returns the index of a backend chosen with a probability of its
// weight over the sum of the weights (HTTPBackendRef.Weight in apis/v1
// httproute_types.go: "the proportion of requests forwarded to the
// referenced backend ... weight/(sum of all weights)"; Istio's
// RouteDestination.weight reads the same), or -1 when every weight is 0.
// A backend that does not resolve keeps its share: those requests get
// 500 (HTTPRouteRule.BackendRefs).
func (w *weighted) pick(bs []simulate.WeightedBackend) int {
	var total uint64
	for _, b := range bs {
		if b.Weight > 0 {
			total += uint64(b.Weight)
		}
	}
	if total == 0 {
		return -1
	}
	w.mu.Lock()
	n := w.rng.Uint64N(total)
	w.mu.Unlock()
	for i, b := range bs {
		if b.Weight <= 0 {
			continue
		}
		if n < uint64(b.Weight) {
			return i
		}
		n -= uint64(b.Weight)
	}
	return -1
}

// chance reports true with a probability of percent/100.
func (w *weighted) chance(percent float64) bool {
	if percent >= 100 {
		return true
	}
	if percent <= 0 {
		return false
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.rng.Float64()*100 < percent
}

// choose picks the backend of d and its upstream.
func (p *Proxy) choose(t *table, d *simulate.Decision) routeChoice {
	c := routeChoice{picked: -1}
	if d.Redirect != "" || d.Status != 0 || !d.Matched {
		return c
	}
	c.picked = p.weights.pick(d.Backends)
	if c.picked < 0 {
		return c
	}
	b := d.Backends[c.picked]
	if b.Problem != "" {
		return c
	}
	c.ref = backendRef{ns: b.Namespace, svc: b.Name, port: strconv.Itoa(int(b.Port))}
	c.protocol = b.Protocol
	if u, ok := t.upstreams.resolve(t.set, c.ref); ok {
		c.upstream = &u
	} else {
		c.missing = c.ref.String()
	}
	return c
}

// serveRoute carries out the answer of a Gateway API or Istio data
// plane: a redirect, the data plane's own status (404 when nothing
// matches, 500 for a backend that does not resolve, an Istio
// directResponse), or a forward to the backend picked by weight with the
// rewritten path and host and the changed request and response headers.
func (p *Proxy) serveRoute(x *exchange, r *http.Request, t *table, d simulate.Decision, path string) {
	w, e := http.ResponseWriter(&x.lw), &x.e
	if d.Object != "" {
		// KIND/namespace/name and host+path, with no space: the text
		// access log separates its fields with spaces.
		e.Ingress = d.Kind + "/" + d.Object
		path := d.Path
		if _, p, ok := strings.Cut(path, " "); ok && !strings.HasPrefix(path, "/") {
			// An Istio match reads "prefix /api".
			path = p
		}
		e.Rule = d.Host + path
	}
	c := p.choose(t, &d)
	var f *forward
	if c.upstream != nil {
		f = &x.f
		*f = forward{target: c.upstream.URL, path: routePath(d, path), backend: c.ref, entry: e, status: c.upstream.Status, lw: &x.lw}
		f.host = d.RewriteHost
		f.header = requestHeaderEdits(&d, c.picked, r.Header)
		f.response = d.ResponseHeaders
		if r.Body == &x.body {
			f.body = &x.body
		}
		e.Upstream = c.upstream.URL.Host
	}
	if p.opts.Echo {
		writeRouteEcho(w, r, t, d, c, f, e)
		return
	}
	if l := misdirected(t, r, d); l != "" {
		e.Error = "misdirected request"
		textPage(w, http.StatusMisdirectedRequest, fmt.Sprintf("421 Misdirected Request: the TLS connection is for listener %s (SNI %s), the Host header %s is for listener %s\n",
			l, r.TLS.ServerName, hostOnly(r.Host), d.Listener))
		return
	}
	if d.ResponseHeaders != nil {
		editHeader(w.Header(), d.ResponseHeaders)
	}
	p.mirror(t, r, d)
	switch {
	case d.Redirect != "":
		e.Error = "redirect"
		http.Redirect(w, r, d.Redirect, d.RedirectCode)
	case d.Status != 0 && d.Body != "":
		// An Istio directResponse with a body: sent as written.
		e.Error = "answered by the data plane"
		textPage(w, d.Status, d.Body)
	case d.Status != 0:
		e.Error = "answered by the data plane"
		textPage(w, d.Status, statusText(d))
	case !d.Matched:
		e.Error = "no route"
		textPage(w, http.StatusNotFound, statusText(d))
	case c.picked < 0:
		e.Error = "no backend"
		textPage(w, http.StatusInternalServerError, "500 Internal Server Error: the rule has no backend with a weight above 0\n")
	case d.Backends[c.picked].Problem != "":
		// The share of an invalid backendRef is answered 500
		// (HTTPBackendRef in apis/v1 httproute_types.go).
		b := d.Backends[c.picked]
		e.Error = b.Problem
		textPage(w, http.StatusInternalServerError, fmt.Sprintf("500 Internal Server Error: backend %s/%s:%d does not resolve: %s\n", b.Namespace, b.Name, b.Port, b.Problem))
	case encodedSeparator(d, path):
		e.Error = "encoded slash in path"
		textPage(w, http.StatusBadRequest, encodedSeparatorText)
	case f == nil:
		e.Error = "no upstream for " + c.missing
		textPage(w, http.StatusServiceUnavailable, noUpstreamText(c.missing, d))
	case f.status != nil && f.status() != nil:
		p.upstreamError(w, r.WithContext(context.WithValue(r.Context(), ctxKey{}, f)), f.status())
	case c.protocol == simulate.ProtocolH2C:
		p.h2.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), ctxKey{}, f)))
	default:
		p.rp.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), ctxKey{}, f)))
	}
}

// statusText is the page of a status the data plane answers itself,
// with its notes: why nothing matched, or why no backend resolves.
func statusText(d simulate.Decision) string {
	status := d.Status
	if status == 0 {
		status = http.StatusNotFound
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%d %s", status, http.StatusText(status))
	if d.DataPlane != "" {
		fmt.Fprintf(&b, " (%s)", d.DataPlane)
	}
	b.WriteString("\n")
	for _, n := range d.Notes {
		b.WriteString(n)
		b.WriteString("\n")
	}
	return b.String()
}

// routePath is the path sent upstream: the rewritten path of a URLRewrite
// filter or an Istio rewrite, without the query string the data plane
// appends (the client's query is forwarded as it came), else the path
// the data plane matched.
func routePath(d simulate.Decision, raw string) string {
	if d.RewritePath != "" {
		p, _, _ := strings.Cut(d.RewritePath, "?")
		return p
	}
	return forwardPath(d, raw)
}

// requestHeaderEdits returns the header changes for the picked backend:
// the request's headers as the data plane's RequestHeaderModifier filters
// leave them, a backendRef's own filters winning over the rule's (the
// decision carries each as a whole header set), as edits to in.
func requestHeaderEdits(d *simulate.Decision, picked int, in http.Header) *simulate.HeaderEdits {
	want := d.RequestHeaders
	if picked >= 0 && d.Backends[picked].RequestHeaders != nil {
		want = d.Backends[picked].RequestHeaders
	}
	if want == nil {
		return nil
	}
	e := &simulate.HeaderEdits{Set: http.Header{}}
	for k, vs := range want {
		if !equalValues(in[k], vs) {
			e.Set[k] = vs
		}
	}
	for k := range in {
		if _, ok := want[k]; !ok {
			e.Remove = append(e.Remove, k)
		}
	}
	if e.Empty() {
		return nil
	}
	return e
}

func equalValues(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// editHeader applies e to h in place, in the order of
// simulate.HeaderEdits.Apply: set, add, remove.
func editHeader(h http.Header, e *simulate.HeaderEdits) {
	if e == nil {
		return
	}
	for k, vs := range e.Set {
		h[http.CanonicalHeaderKey(k)] = append([]string(nil), vs...)
	}
	for k, vs := range e.Add {
		k = http.CanonicalHeaderKey(k)
		h[k] = append(h[k], vs...)
	}
	for _, k := range e.Remove {
		delete(h, http.CanonicalHeaderKey(k))
	}
}

// mirrorTimeout bounds a mirrored request; its answer is read and
// dropped.
const mirrorTimeout = 10 * time.Second

// mirror sends a copy of r to each mirror of d that resolves and has an
// upstream, for its share of the requests (HTTPRequestMirrorFilter:
// "responses from this backend MUST be ignored by the Gateway"). Only
// requests without a body are mirrored: copying a body would hold it in
// memory for both; the echo and the access log say so.
func (p *Proxy) mirror(t *table, r *http.Request, d simulate.Decision) {
	for _, m := range d.Mirrors {
		if m.Backend.Problem != "" || !p.weights.chance(m.Percent) {
			continue
		}
		if r.ContentLength != 0 || len(r.TransferEncoding) > 0 {
			continue
		}
		ref := backendRef{ns: m.Backend.Namespace, svc: m.Backend.Name, port: strconv.Itoa(int(m.Backend.Port))}
		u, ok := t.upstreams.resolve(t.set, ref)
		if !ok {
			continue
		}
		out := r.Clone(context.Background())
		out.RequestURI = ""
		out.Body = http.NoBody
		out.URL.Scheme, out.URL.Host = u.URL.Scheme, u.URL.Host
		for _, k := range hopHeaders {
			out.Header.Del(k)
		}
		// Envoy, which most Gateway API implementations run, adds
		// "-shadow" to the Host of a mirrored request
		// (config.route.v3.RouteAction.RequestMirrorPolicy).
		out.Host = r.Host + "-shadow"
		rt := p.opts.Transport
		go func() {
			ctx, cancel := context.WithTimeout(context.Background(), mirrorTimeout)
			defer cancel()
			resp, err := rt.RoundTrip(out.WithContext(ctx))
			if err != nil {
				return
			}
			_, _ = io.Copy(io.Discard, resp.Body)
			_ = resp.Body.Close()
		}()
	}
}

// misdirected returns the listener the TLS connection of r was made for
// (by its SNI) when the Gateway takes r's Host on another listener, ""
// otherwise. Listener.Hostname in apis/v1 gateway_types.go: when the
// listener selected by SNI does not match the Host and another listener
// does, "the Gateway SHOULD return a 421" (RFC 9110 section 15.5.20);
// when no listener matches the Host, the data plane's 404 answers. Both
// listeners are the data plane's own choice (Decision.Listener).
func misdirected(t *table, r *http.Request, d simulate.Decision) string {
	if r.TLS == nil || r.TLS.ServerName == "" || d.Listener == "" {
		return ""
	}
	sni := strings.ToLower(strings.TrimSuffix(r.TLS.ServerName, "."))
	if sni == hostOnly(r.Host) {
		return ""
	}
	ds, _ := t.decide(simulate.Request{Scheme: "https", Host: sni, Path: "/"}, requestPort(r))
	if ds.DataPlane != d.DataPlane || ds.Listener == "" || ds.Listener == d.Listener {
		return ""
	}
	return ds.Listener
}
