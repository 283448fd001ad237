// Package proxy serves Ingress rules for real: an http.Handler that asks
// the simulate engine where each request goes and forwards it to a local
// upstream (a `kubectl port-forward` or any address), or describes the
// decision in JSON. It also serves HTTPS with per-host certificates and
// reloads its table when the manifests change.
package proxy

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	networkingv1 "k8s.io/api/networking/v1"

	"github.com/ingresskit/ingresskit/manifest"
	"github.com/ingresskit/ingresskit/simulate"

	// Every Ingress profile and data plane registers itself with simulate.
	_ "github.com/ingresskit/ingresskit/simulate/profiles"
)

// Defaults for Options, taken from ingress-nginx's configuration defaults
// (docs/user-guide/nginx-configuration/configmap.md: proxy-connect-timeout
// 5s, proxy-read-timeout 60s, keep-alive 75s).
const (
	DefaultDialTimeout           = 5 * time.Second
	DefaultResponseHeaderTimeout = 60 * time.Second
	DefaultIdleTimeout           = 75 * time.Second
	// DefaultReadTimeout bounds each wait for the next bytes of an
	// upstream's response body (nginx proxy_read_timeout 60s),
	// DefaultClientBodyTimeout each wait for the next bytes of a
	// client's request body (nginx client_body_timeout 60s), and
	// DefaultSendTimeout each wait for the client to take the next bytes
	// of a response (nginx send_timeout 60s). nginx docs,
	// ngx_http_proxy_module and ngx_http_core_module.
	DefaultReadTimeout       = 60 * time.Second
	DefaultClientBodyTimeout = 60 * time.Second
	DefaultSendTimeout       = 60 * time.Second
)

// Options configures a Proxy.
type Options struct {
	// IngressClass selects the Ingresses to serve, as
	// simulate.Options.IngressClass does; empty serves every Ingress.
	IngressClass string
	// Profile is the controller whose routing the engine reproduces for
	// the Ingresses, as simulate.IngressPlanes reads it: nil gives each
	// class the profile of its controller (simulate.InferProfileName);
	// else the classes of that controller are served, or, when none is,
	// every Ingress under it.
	Profile simulate.Profile
	// Gateway, namespace/name, serves that Gateway API or Istio Gateway
	// only; empty serves every data plane of the input.
	Gateway string
	// Seed seeds the choice among weighted backends (Gateway API
	// backendRefs, Istio destinations); 0 seeds it at random.
	Seed uint64
	// Echo answers every request with a JSON description of the routing
	// decision instead of forwarding it.
	Echo bool
	// DialTimeout bounds connecting to an upstream; 0 means
	// DefaultDialTimeout.
	DialTimeout time.Duration
	// ResponseHeaderTimeout bounds the wait for an upstream's response
	// headers; 0 means DefaultResponseHeaderTimeout.
	ResponseHeaderTimeout time.Duration
	// ReadTimeout bounds each wait for more of an upstream's response
	// body; 0 means DefaultReadTimeout.
	ReadTimeout time.Duration
	// ClientBodyTimeout bounds each wait for more of a client's request
	// body; 0 means DefaultClientBodyTimeout. The request is answered
	// 408 when it runs out.
	ClientBodyTimeout time.Duration
	// SendTimeout bounds each wait for a client to take more of a
	// response; 0 means DefaultSendTimeout. The connection is closed
	// when it runs out.
	SendTimeout time.Duration
	// Transport sends requests upstream; nil means a transport tuned for
	// many short requests to a few local upstreams.
	Transport http.RoundTripper
	// Certificate issues a certificate for a host whose TLS entry has no
	// usable Secret in the manifests (or no TLS entry at all); nil
	// makes such TLS handshakes fail.
	Certificate func(host string) (*tls.Certificate, error)
	// AccessLog receives one entry per request, when the response is
	// done; it must not keep the entry after it returns. nil logs nothing.
	AccessLog func(*Entry)
	// ErrorLog receives server errors (failed TLS handshakes, broken
	// upstream connections); nil discards them.
	ErrorLog *log.Logger
}

// Proxy is the handler. Its routing table is replaced atomically by Load;
// requests in flight finish on the table they started with.
type Proxy struct {
	opts Options
	tab  atomic.Pointer[table]
	rp   *httputil.ReverseProxy
	// h2 forwards to backends spoken to over HTTP/2 (a GRPCRoute's):
	// rp's hooks with an HTTP/2 transport.
	h2 *httputil.ReverseProxy
	// issued holds certificates made by opts.Certificate, by host.
	issued *certCache
	// h1 is the default transport, nil when Options.Transport was given;
	// the fast path (fast.go) shares its connection pool.
	h1 *h1Transport
	// noFast serves every connection with net/http alone.
	noFast bool
	// limiter holds the client connections of the last Serve.
	limiter *connLimiter
	// weights picks among weighted backends.
	weights *weighted
	// swapped holds a signal after each table swap, for Serve to
	// replan its ports (ServeOptions.Replan).
	swapped chan struct{}
	// fastServed counts the requests the fast path answered, handedOff
	// the connections it gave to net/http.
	fastServed, handedOff atomic.Int64
}

// table is one immutable routing snapshot.
type table struct {
	set *manifest.Set
	// planes are the data planes served, in simulate's order; ingress
	// are those of them that serve Ingresses.
	planes  []simulate.DataPlane
	ingress []*simulate.IngressPlane
	// byPort holds the planes of each port, in the same order.
	byPort map[portKey][]simulate.DataPlane
	// http and https are byPort's planes of listener ports 80 and 443.
	http, https []simulate.DataPlane
	// notes are the remarks of Notes.
	notes     []string
	upstreams upstreamMap
	routes    map[routeKey]*routeInfo
	// certs holds the Secrets' certificates by SNI host.
	certs *certCache
	// hosts are the hosts the rules name, "*.x" wildcards included.
	hosts map[string]bool
	// headerRouting is true when a data plane may route on request
	// headers (ingress-nginx canary-by-header, ALB conditions, Gateway
	// API and Istio header matches), so the fast path must hand the
	// engine the headers.
	headerRouting bool
}

// New returns a Proxy with an empty table: until Load succeeds, every
// request is answered 503.
func New(opts Options) *Proxy {
	if opts.DialTimeout == 0 {
		opts.DialTimeout = DefaultDialTimeout
	}
	if opts.ResponseHeaderTimeout == 0 {
		opts.ResponseHeaderTimeout = DefaultResponseHeaderTimeout
	}
	if opts.ReadTimeout == 0 {
		opts.ReadTimeout = DefaultReadTimeout
	}
	if opts.ClientBodyTimeout == 0 {
		opts.ClientBodyTimeout = DefaultClientBodyTimeout
	}
	if opts.SendTimeout == 0 {
		opts.SendTimeout = DefaultSendTimeout
	}
	var h1 *h1Transport
	if opts.Transport == nil {
		h1 = newTransport(opts)
		opts.Transport = h1
	}
	p := &Proxy{opts: opts, h1: h1, issued: newCertCache(maxIssued), weights: newWeighted(opts.Seed),
		swapped: make(chan struct{}, 1)}
	p.rp = &httputil.ReverseProxy{
		Rewrite:      p.rewrite,
		Transport:    opts.Transport,
		BufferPool:   bufferPool{},
		ErrorHandler: p.upstreamError,
		ModifyResponse: func(resp *http.Response) error {
			if f, _ := resp.Request.Context().Value(ctxKey{}).(*forward); f != nil && f.response != nil {
				editHeader(resp.Header, f.response)
			}
			if resp.Body == nil || resp.Body == http.NoBody || resp.StatusCode == http.StatusSwitchingProtocols {
				// A 101's body is the upgraded connection, which
				// ReverseProxy needs writable.
				return nil
			}
			if _, ok := resp.Body.(*h1Body); !ok {
				// net/http.Transport has no timeout between reads of a
				// body; h1Transport's bodies have their own.
				resp.Body = newIdleBody(resp.Body, opts.ReadTimeout)
			}
			if f, _ := resp.Request.Context().Value(ctxKey{}).(*forward); f != nil && f.lw != nil {
				resp.Body = &flushOnError{rc: resp.Body, lw: f.lw}
			}
			return nil
		},
		ErrorLog: opts.ErrorLog,
		// Responses of unknown length (chunked streams) and event
		// streams are flushed to the client as each read arrives, as with
		// ingress-nginx's proxy-buffering "off" default; ReverseProxy
		// does that whatever FlushInterval says. Zero spares responses of
		// known length a flush timer each.
		FlushInterval: 0,
	}
	h2 := *p.rp
	h2.Transport = newH2Transport(opts)
	p.h2 = &h2
	return p
}

// Update compiles set with the upstreams and swaps the table in. On error
// the previous table stays.
func (p *Proxy) Update(set *manifest.Set, upstreams ...[]Upstream) error {
	t, err := p.build(set, upstreams...)
	if err != nil {
		return err
	}
	p.tab.Store(t)
	select {
	case p.swapped <- struct{}{}:
	default:
		// A replan is pending already; it reads the newest table.
	}
	return nil
}

// build compiles set with the upstreams into a table, without serving it.
func (p *Proxy) build(set *manifest.Set, upstreams ...[]Upstream) (*table, error) {
	planes, ingress, err := buildPlanes(set, p.opts)
	if err != nil {
		return nil, err
	}
	t := &table{set: set, planes: planes, ingress: ingress, byPort: map[portKey][]simulate.DataPlane{},
		upstreams: newUpstreamMap(upstreams...), routes: map[routeKey]*routeInfo{},
		certs: newCertCache(maxIssued), hosts: map[string]bool{}}
	for _, dp := range planes {
		keys, skipped := planePorts(dp)
		for _, k := range keys {
			t.byPort[k] = append(t.byPort[k], dp)
		}
		t.notes = append(t.notes, skipped...)
		ip, ok := dp.(*simulate.IngressPlane)
		if !ok {
			// Gateway API and Istio routes match on headers.
			t.headerRouting = true
			for _, h := range t.planeHosts(dp) {
				if h != "" && h != "*" {
					t.hosts[h] = true
				}
			}
			continue
		}
		// The engine says whether the profile reads headers; the proxy
		// names no profile.
		if !simulate.TraitsOf(ip.Index().Profile().Name()).IgnoresHeaders {
			t.headerRouting = true
		}
		for _, r := range ip.Index().Routes() {
			if r.Host != "" {
				t.hosts[strings.ToLower(r.Host)] = true
			}
			k := routeKey{r.Ingress, r.Rule, r.PathIndex}
			t.routes[k] = t.describe(k, r.Host, r.Path, r.DefaultBackend, r.Backend)
		}
	}
	t.http, t.https = t.byPort[portKey{80, false}], t.byPort[portKey{443, true}]
	t.notes = append(t.claims(), t.notes...)
	return t, nil
}

// routeKey names one route: a path of a rule, or a defaultBackend (rule
// and path -1).
type routeKey struct {
	ing        *manifest.Ingress
	rule, path int
}

// routeInfo is what the proxy needs about a route on every request,
// worked out once per table so that serving a request builds no strings.
type routeInfo struct {
	ingress, rule string
	backend       backendRef
	// upstream is nil when the backend has none (or is not a Service).
	upstream *Upstream
}

func (t *table) describe(k routeKey, host, path string, defaultBackend bool, b networkingv1.IngressBackend) *routeInfo {
	ri := &routeInfo{ingress: k.ing.Key(), rule: host + path}
	if defaultBackend {
		ri.rule = "defaultBackend"
	}
	if s := b.Service; s != nil {
		port := s.Port.Name
		if port == "" {
			port = strconv.Itoa(int(s.Port.Number))
		}
		ri.backend = backendRef{ns: k.ing.Namespace, svc: s.Name, port: port}
		if u, ok := t.upstreams.resolve(t.set, ri.backend); ok {
			ri.upstream = &u
		}
	}
	return ri
}

// route returns the routeInfo of a decision, nil when nothing matched.
func (t *table) route(d *simulate.Decision) *routeInfo {
	if d.Ingress == nil {
		return nil
	}
	k := routeKey{d.Ingress, d.Rule, d.PathIndex}
	if ri := t.routes[k]; ri != nil {
		return ri
	}
	return t.describe(k, d.Host, d.Path, d.DefaultBackend, d.Backend)
}

// Ready reports whether a table has been loaded.
func (p *Proxy) Ready() bool { return p.tab.Load() != nil }

var (
	_ http.Handler        = (*Proxy)(nil)
	_ httputil.BufferPool = bufferPool{}
	_ http.ResponseWriter = (*logWriter)(nil)
	_ http.Hijacker       = (*logWriter)(nil)
	_ http.Flusher        = (*logWriter)(nil)
)

type ctxKey struct{}

// forward is what one request carries from ServeHTTP to the rewrite and
// error hooks.
type forward struct {
	target  *url.URL
	path    string
	backend backendRef
	entry   *Entry
	status  func() error // Upstream.Status
	// body reads the client's request body, nil when it has none.
	body *bodyReader
	// lw is the client's response writer.
	lw *logWriter
	// host, when not empty, replaces the Host header (a Gateway API
	// URLRewrite hostname).
	host string
	// header and response change the request's and the response's
	// headers (RequestHeaderModifier and ResponseHeaderModifier filters);
	// nil changes nothing.
	header, response *simulate.HeaderEdits
}

// flushOnError sends what the client was written so far when the
// upstream body fails mid-way (ReadTimeout), before ReverseProxy aborts
// the connection: as nginx, whose proxy_buffering is off in
// ingress-nginx, the client gets the head and the bytes that came.
type flushOnError struct {
	rc io.ReadCloser
	lw *logWriter
}

func (b *flushOnError) Read(p []byte) (int, error) {
	n, err := b.rc.Read(p)
	if err != nil && err != io.EOF {
		b.lw.err = err
		if n == 0 {
			b.lw.Flush()
		}
	}
	return n, err
}

func (b *flushOnError) Close() error { return b.rc.Close() }

// clientBody returns the request body reader of f; nil-safe.
func (f *forward) clientBody() *bodyReader {
	if f == nil {
		return nil
	}
	return f.body
}

// exchange holds the per-request state in one allocation.
type exchange struct {
	lw   logWriter
	e    Entry
	f    forward
	body bodyReader
}

// bodyReader remembers whether reading the client's request body
// failed, so that a malformed body is answered 400, not as an upstream
// failure.
type bodyReader struct {
	rc  io.ReadCloser
	err error
	// ctl sets the connection's read deadline before each read, timeout
	// from then (ClientBodyTimeout); nil sets none.
	ctl     *http.ResponseController
	timeout time.Duration
}

func (b *bodyReader) Read(p []byte) (int, error) {
	if b.ctl != nil {
		_ = b.ctl.SetReadDeadline(time.Now().Add(b.timeout))
	}
	n, err := b.rc.Read(p)
	if err == io.EOF && b.ctl != nil {
		// The deadline was for the body: once it is read, net/http's
		// background read, which notices a client going away, must
		// not time out.
		_ = b.ctl.SetReadDeadline(time.Time{})
		b.ctl = nil
	}
	if err != nil && err != io.EOF && b.err == nil {
		b.err = err
	}
	return n, err
}

func (b *bodyReader) Close() error { return b.rc.Close() }

// refuse says why a request is answered without routing: a
// request-target that is neither origin-form nor absolute-form (RFC 9112
// section 3.2; the opaque "x:admin" would be routed as "/" and forwarded
// as "admin"), which nginx answers 400, or TRACE, which nginx answers
// 405 (src/http/ngx_http_request.c ngx_http_process_request_header).
// net/http's server answers "OPTIONS *" itself.
func refuse(r *http.Request) string {
	if r.Method == http.MethodTrace {
		return "TRACE is not allowed"
	}
	if r.URL.Opaque != "" || !strings.HasPrefix(r.RequestURI, "/") && !absoluteForm(r) {
		return fmt.Sprintf("request-target %q is neither an absolute path nor an absolute http(s) URI", r.RequestURI)
	}
	return ""
}

// absoluteForm reports whether the request-target is an http or https
// URI with an authority (RFC 9112 section 3.2.2).
func absoluteForm(r *http.Request) bool {
	return (r.URL.Scheme == "http" || r.URL.Scheme == "https") && r.URL.Host != "" &&
		strings.HasPrefix(r.RequestURI, r.URL.Scheme+"://")
}

// requestPath is the path of the request-target as the client sent it,
// byte for byte: the part before "?" of an origin-form target, the path
// of an absolute-form one ("/" when it has none).
func requestPath(r *http.Request) string {
	t := r.RequestURI
	if !strings.HasPrefix(t, "/") {
		if i := strings.Index(t, "://"); i >= 0 {
			t = t[i+3:]
			if j := strings.IndexAny(t, "/?"); j >= 0 && t[j] == '/' {
				t = t[j:]
			} else {
				t = "/"
			}
		} else {
			t = r.URL.EscapedPath()
		}
	}
	if i := strings.IndexByte(t, '?'); i >= 0 {
		t = t[:i]
	}
	if t == "" {
		t = "/"
	}
	return t
}

// ServeHTTP routes r through the engine and answers, forwards or
// describes it.
func (p *Proxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	restoreTLS(r)
	x := &exchange{}
	e, lw := &x.e, &x.lw
	*e = Entry{
		Time:   start,
		Remote: r.RemoteAddr,
		Proto:  r.Proto,
		Method: r.Method,
		Scheme: scheme(r),
		Host:   hostOnly(r.Host),
		Path:   r.URL.RequestURI(),
	}
	lw.ResponseWriter = w
	defer func() {
		// Deferred, so that a response ReverseProxy aborts (a client
		// that stopped reading, an upstream that stalled mid-body:
		// panic(http.ErrAbortHandler)) is logged too.
		v := recover()
		if v != nil && e.Error == "" {
			e.Error = fmt.Sprint(v)
			if lw.err != nil {
				e.Error = lw.err.Error()
			}
		}
		if !lw.sendSet.IsZero() {
			// The deadline was for this response; net/http's own
			// writes on the kept-alive connection (100 Continue, its
			// error pages) set none.
			_ = http.NewResponseController(w).SetWriteDeadline(time.Time{})
		}
		if lw.status == 0 {
			lw.status = http.StatusOK
		}
		e.Status = lw.status
		e.Bytes = lw.bytes
		e.Duration = time.Since(start)
		if p.opts.AccessLog != nil {
			p.opts.AccessLog(e)
		}
		if v != nil {
			panic(v)
		}
	}()
	if r.ProtoMajor == 1 && (len(r.TransferEncoding) > 0 || r.ProtoMinor == 0 && r.ContentLength != 0) && !framingChecked(r) {
		// net/http drops Content-Length when Transfer-Encoding is
		// present and ignores Transfer-Encoding in HTTP/1.0
		// (net/http/transfer.go), so the handler cannot tell a request
		// framed two ways from a clean one. Serve checks every request
		// head before net/http reads it (fastConn.badFraming,
		// framingConn); on a server of someone else's, the connection
		// closes after the answer, as RFC 9112 section 6.3 requires of
		// a request with both.
		w.Header().Set("Connection", "close")
	}
	why := framingRefusal(r)
	if why == "" {
		why = refuse(r)
	}
	if why != "" {
		e.Error = why
		if r.Method == http.MethodTrace {
			textPage(&x.lw, http.StatusMethodNotAllowed, why+"\n")
		} else {
			textPage(&x.lw, http.StatusBadRequest, why+"\n")
		}
	} else {
		if r.Body != nil && r.Body != http.NoBody {
			x.body = bodyReader{rc: r.Body, ctl: http.NewResponseController(w), timeout: p.opts.ClientBodyTimeout}
			r.Body = &x.body
		}
		lw.send = p.opts.SendTimeout
		p.serve(x, r)
	}
}

func (p *Proxy) serve(x *exchange, r *http.Request) {
	w, e := http.ResponseWriter(&x.lw), &x.e
	t := p.tab.Load()
	if t == nil {
		e.Error = "no routing table loaded"
		textPage(w, http.StatusServiceUnavailable, "no routing table is loaded yet\n")
		return
	}
	// Only the engine decides where a request goes, so the proxy and
	// `ingresskit simulate` cannot disagree.
	path := requestPath(r)
	k := requestPort(r)
	d, ingress := t.decide(simulate.Request{Scheme: e.Scheme, Host: r.Host, Path: path, Header: r.Header, URL: e.Path, Method: r.Method}, k)
	if !ingress {
		p.serveRoute(x, r, t, d, path)
		return
	}
	var f *forward
	var missing string
	svc := d.Backend.Service
	if ri := t.route(&d); ri != nil {
		e.Ingress, e.Rule = ri.ingress, ri.rule
		switch {
		case ri.upstream != nil:
			f = &x.f
			*f = forward{target: ri.upstream.URL, path: forwardPath(d, path), backend: ri.backend, entry: e, status: ri.upstream.Status}
			if r.Body == &x.body {
				f.body = &x.body
			}
			f.lw = &x.lw
			e.Upstream = ri.upstream.URL.Host
		case svc != nil:
			missing = ri.backend.String()
		}
	}
	if p.opts.Echo {
		writeEcho(w, r, d, f, missing, e)
		return
	}
	switch {
	case d.Refused != "":
		// The controller would keep serving its previous configuration,
		// which the input does not show.
		e.Error = "configuration refused"
		textPage(w, http.StatusServiceUnavailable, "the controller refuses this configuration: "+d.Refused+"\n")
	case d.Matched && encodedSeparator(d, path):
		e.Error = "encoded slash in path"
		textPage(w, http.StatusBadRequest, encodedSeparatorText)
	case d.Redirect != "":
		e.Error = "redirect"
		http.Redirect(w, r, d.Redirect, d.RedirectCode)
	case d.Status != 0:
		// The controller answers itself (nginx's 400 for a path above
		// the root, its built-in /healthz).
		e.Error = "answered by the controller"
		textPage(w, d.Status, http.StatusText(d.Status)+"\n")
	case !d.Matched || svc == nil && d.Backend.Resource == nil:
		// With no rule and no defaultBackend the controllers answer 404
		// from their default backend (ingress-nginx
		// docs/user-guide/default-backend.md).
		e.Error = "no route"
		textPage(w, http.StatusNotFound, notFoundText(e))
	case svc == nil:
		e.Error = "resource backend"
		textPage(w, http.StatusServiceUnavailable, resourceText(d))
	case f == nil:
		e.Error = "no upstream for " + missing
		textPage(w, http.StatusServiceUnavailable, noUpstreamText(missing, d))
	case f.status != nil && f.status() != nil:
		p.upstreamError(w, r.WithContext(context.WithValue(r.Context(), ctxKey{}, f)), f.status())
	default:
		p.rp.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), ctxKey{}, f)))
	}
}

// forwardPath is the path sent upstream: the profile's rewrite when it
// has one. Else, when the profile declares ForwardsRawPath (ingress-nginx,
// whose proxy_pass names no URI), the path exactly as the client sent
// it: such a controller decodes only to pick the location, so
// forwarding its decoded path would decode once more than the client
// did ("%252e" would reach the upstream as "%2e"). Every other profile
// forwards the engine's normalized path, which it matched, so the
// upstream never sees a "/users/../admin" that a rule for "/users" let
// through. raw is the request's path as received.
func forwardPath(d simulate.Decision, raw string) string {
	p := d.RewritePath
	if p == "" && !simulate.TraitsOf(d.Profile).ForwardsRawPath {
		p = d.NormalizedPath
	}
	if p == "" {
		p = raw
	}
	return p
}

// encodedSeparator reports whether a request the engine matched under a
// profile that does not declare DecodesSeparators has an encoded "/" or
// "\\" in its path. Such a profile matches rules against segments with
// %2F kept encoded, while an upstream that decodes it would see other
// segments: "/public/..%2Fadmin" is under /public for the rules and
// /admin for such an upstream. The proxy refuses those paths with 400,
// as nginx refuses paths it cannot resolve; nginx itself decodes before
// it matches, and its profile does too.
func encodedSeparator(d simulate.Decision, path string) bool {
	if !strings.Contains(path, "%") || simulate.TraitsOf(d.Profile).DecodesSeparators {
		return false
	}
	u := strings.ToUpper(path)
	return strings.Contains(u, "%2F") || strings.Contains(u, "%5C")
}

const encodedSeparatorText = "400 Bad Request: the path has an encoded slash (%2F) or backslash (%5C), which the routing rules and an upstream that decodes it would read differently\n"

// rewrite builds the upstream request the way ingress-nginx's location
// block does (rootfs/etc/nginx/template/nginx.tmpl): Host kept, HTTP/1.1,
// X-Forwarded-* and X-Real-IP set from the connection.
func (p *Proxy) rewrite(pr *httputil.ProxyRequest) {
	f := pr.In.Context().Value(ctxKey{}).(*forward)
	pr.Out.URL.Scheme = f.target.Scheme
	pr.Out.URL.Host = f.target.Host
	setOutboundPath(pr.Out.URL, f.path)
	pr.Out.URL.RawQuery = pr.In.URL.RawQuery
	pr.Out.Host = pr.In.Host
	setForwardHeaders(pr.Out.Header, pr.In)
	if f.host != "" {
		pr.Out.Host = f.host
	}
	editHeader(pr.Out.Header, f.header)
}

// setOutboundPath makes u's request-target path p, byte for byte when
// p is one (forwardable), so that the path the upstream gets is the
// one the engine routed or the client sent: URL.Opaque is written as it
// is (net/url URL.RequestURI), where Path and RawPath would be escaped
// again. A path starting with "//" would read as an authority in
// Opaque, and others that are no valid request path are parsed and
// escaped as url.ParseRequestURI and URL.EscapedPath do, or become "/".
func setOutboundPath(u *url.URL, p string) {
	u.Opaque, u.Path, u.RawPath = "", "", ""
	if forwardable(p) && !strings.HasPrefix(p, "//") {
		u.Opaque = p
		return
	}
	if v, err := url.ParseRequestURI(p); err == nil && strings.HasPrefix(v.Path, "/") {
		u.Path, u.RawPath = v.Path, v.RawPath
	}
}

// forwardable reports whether p can be sent as the path of a
// request-target as it is: it starts with "/" and has no space, control,
// non-ASCII byte, "?" or "#", and every "%" starts an escape.
func forwardable(p string) bool {
	if len(p) == 0 || p[0] != '/' {
		return false
	}
	for i := 0; i < len(p); i++ {
		switch c := p[i]; {
		case c <= ' ' || c >= 0x7f || c == '?' || c == '#':
			return false
		case c == '%':
			if i+2 >= len(p) || !isHex(p[i+1]) || !isHex(p[i+2]) {
				return false
			}
		}
	}
	return true
}

// upstreamError answers a failed upstream exchange: 504 when it timed
// out, else 502, each with the reason, as nginx maps upstream errors
// (ngx_http_upstream_next: NGX_HTTP_UPSTREAM_FT_TIMEOUT gives 504).
func (p *Proxy) upstreamError(w http.ResponseWriter, r *http.Request, err error) {
	f, _ := r.Context().Value(ctxKey{}).(*forward)
	if b := f.clientBody(); b != nil && b.err != nil {
		// The client's body failed to read (a malformed chunk, a
		// stalled or cut upload): the client's fault, not the
		// upstream's, as nginx answers 400 for a bad chunked body
		// (ngx_http_request_body.c ngx_http_parse_chunked).
		reason := "request body: " + b.err.Error()
		if f != nil {
			f.entry.Error = reason
		}
		status := http.StatusBadRequest
		var ne net.Error
		if errors.As(b.err, &ne) && ne.Timeout() {
			status = http.StatusRequestTimeout
		}
		w.Header().Set("Connection", "close")
		textPage(w, status, fmt.Sprintf("%d %s: %s\n", status, http.StatusText(status), reason))
		return
	}
	if errors.Is(err, context.Canceled) && r.Context().Err() != nil {
		// The client went away; nginx logs these as 499.
		if f != nil {
			f.entry.Error = err.Error()
		}
		w.WriteHeader(499)
		return
	}
	upstreamErrorPage(w, f, err)
}

// upstreamErrorPage writes the 502 or 504 page for err; both the
// net/http path and the fast path answer with it.
func upstreamErrorPage(w http.ResponseWriter, f *forward, err error) {
	status := http.StatusBadGateway
	var ne net.Error
	if errors.Is(err, context.DeadlineExceeded) || (errors.As(err, &ne) && ne.Timeout()) {
		status = http.StatusGatewayTimeout
	}
	reason := err.Error()
	if f != nil {
		f.entry.Error = reason
		reason = fmt.Sprintf("upstream %s at %s: %s", f.backend, f.target.Host, reason)
	}
	textPage(w, status, fmt.Sprintf("%d %s: %s\n", status, http.StatusText(status), reason))
}

func scheme(r *http.Request) string {
	if r.TLS != nil {
		return "https"
	}
	return "http"
}

// hostOnly strips the port and a trailing dot from a Host header and
// lowercases it, as nginx does when it picks a server block
// (ngx_http_validate_host).
func hostOnly(h string) string {
	if host, _, err := net.SplitHostPort(h); err == nil {
		h = host
	} else if strings.HasPrefix(h, "[") && strings.HasSuffix(h, "]") {
		h = h[1 : len(h)-1]
	}
	return strings.ToLower(strings.TrimSuffix(h, "."))
}
