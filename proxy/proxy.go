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
	"log"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	networkingv1 "k8s.io/api/networking/v1"

	"github.com/ingresskit/ingresskit/manifest"
	"github.com/ingresskit/ingresskit/simulate"
)

// Defaults for Options, taken from ingress-nginx's configuration defaults
// (docs/user-guide/nginx-configuration/configmap.md: proxy-connect-timeout
// 5s, proxy-read-timeout 60s, keep-alive 75s).
const (
	DefaultDialTimeout           = 5 * time.Second
	DefaultResponseHeaderTimeout = 60 * time.Second
	DefaultIdleTimeout           = 75 * time.Second
)

// Options configures a Proxy.
type Options struct {
	// IngressClass selects the Ingresses to serve, as
	// simulate.Options.IngressClass does; empty serves every Ingress.
	IngressClass string
	// Profile is the controller whose routing the engine reproduces;
	// nil means the one the input's IngressClasses infer
	// (simulate.InferProfile), else the Kubernetes specification.
	Profile simulate.Profile
	// Echo answers every request with a JSON description of the routing
	// decision instead of forwarding it.
	Echo bool
	// DialTimeout bounds connecting to an upstream; 0 means
	// DefaultDialTimeout.
	DialTimeout time.Duration
	// ResponseHeaderTimeout bounds the wait for an upstream's response
	// headers; 0 means DefaultResponseHeaderTimeout.
	ResponseHeaderTimeout time.Duration
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
	opts   Options
	tab    atomic.Pointer[table]
	rp     *httputil.ReverseProxy
	issued sync.Map // host -> *tls.Certificate made by opts.Certificate
	// h1 is the default transport, nil when Options.Transport was given;
	// the fast path (fast.go) shares its connection pool.
	h1 *h1Transport
	// noFast serves every connection with net/http alone.
	noFast bool
	// fastServed counts the requests the fast path answered, handedOff
	// the connections it gave to net/http.
	fastServed, handedOff atomic.Int64
}

// table is one immutable routing snapshot.
type table struct {
	set       *manifest.Set
	index     *simulate.Index
	upstreams upstreamMap
	routes    map[routeKey]*routeInfo
	certs     sync.Map // host -> *tls.Certificate
	// headerRouting is true when the profile may route on request
	// headers (ingress-nginx canary-by-header, ALB conditions), so the
	// fast path must hand the engine the headers.
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
	var h1 *h1Transport
	if opts.Transport == nil {
		h1 = newTransport(opts)
		opts.Transport = h1
	}
	p := &Proxy{opts: opts, h1: h1}
	p.rp = &httputil.ReverseProxy{
		Rewrite:      p.rewrite,
		Transport:    opts.Transport,
		BufferPool:   bufferPool{},
		ErrorHandler: p.upstreamError,
		ErrorLog:     opts.ErrorLog,
		// Responses of unknown length (chunked streams) and event
		// streams are flushed to the client as each read arrives, as with
		// ingress-nginx's proxy-buffering "off" default; ReverseProxy
		// does that whatever FlushInterval says. Zero spares responses of
		// known length a flush timer each.
		FlushInterval: 0,
	}
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
	return nil
}

// build compiles set with the upstreams into a table, without serving it.
func (p *Proxy) build(set *manifest.Set, upstreams ...[]Upstream) (*table, error) {
	prof := p.opts.Profile
	if prof == nil {
		// The input's IngressClasses decide, as simulate does without
		// --controller; inferred again on every reload.
		prof = simulate.InferProfile(set, nil)
	}
	ix, err := simulate.Compile(set, simulate.Options{IngressClass: p.opts.IngressClass, Profile: prof})
	if err != nil {
		return nil, err
	}
	t := &table{set: set, index: ix, upstreams: newUpstreamMap(upstreams...), routes: map[routeKey]*routeInfo{}}
	switch prof.Name() {
	case "spec", "gce":
		// Neither reads request headers (simulate: only nginx_canary.go
		// and alb.go use Request.Header).
	default:
		t.headerRouting = true
	}
	for _, r := range ix.Routes() {
		k := routeKey{r.Ingress, r.Rule, r.PathIndex}
		t.routes[k] = t.describe(k, r.Host, r.Path, r.DefaultBackend, r.Backend)
	}
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
}

// exchange holds the per-request state in one allocation.
type exchange struct {
	lw logWriter
	e  Entry
	f  forward
}

// ServeHTTP routes r through the engine and answers, forwards or
// describes it.
func (p *Proxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
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
	p.serve(x, r)
	if lw.status == 0 {
		lw.status = http.StatusOK
	}
	e.Status = lw.status
	e.Bytes = lw.bytes
	e.Duration = time.Since(start)
	if p.opts.AccessLog != nil {
		p.opts.AccessLog(e)
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
	d := t.index.Lookup(simulate.Request{Scheme: e.Scheme, Host: r.Host, Path: r.URL.EscapedPath(), Header: r.Header, URL: e.Path})
	var f *forward
	var missing string
	svc := d.Backend.Service
	if ri := t.route(&d); ri != nil {
		e.Ingress, e.Rule = ri.ingress, ri.rule
		switch {
		case ri.upstream != nil:
			f = &x.f
			*f = forward{target: ri.upstream.URL, path: forwardPath(d, r.URL.EscapedPath()), backend: ri.backend, entry: e, status: ri.upstream.Status}
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
// has one, else the engine's normalized path, so the upstream sees the
// path that was matched and never a "/users/../admin" that a rule for
// "/users" let through. escaped is the request's path as received.
func forwardPath(d simulate.Decision, escaped string) string {
	p := d.RewritePath
	if p == "" {
		p = d.NormalizedPath
	}
	if p == "" {
		p = escaped
	}
	return p
}

// rewrite builds the upstream request the way ingress-nginx's location
// block does (rootfs/etc/nginx/template/nginx.tmpl): Host kept, HTTP/1.1,
// X-Forwarded-* and X-Real-IP set from the connection.
func (p *Proxy) rewrite(pr *httputil.ProxyRequest) {
	f := pr.In.Context().Value(ctxKey{}).(*forward)
	pr.Out.URL.Scheme = f.target.Scheme
	pr.Out.URL.Host = f.target.Host
	pr.Out.URL.Path, pr.Out.URL.RawPath = "", ""
	if u, err := url.ParseRequestURI(f.path); err == nil {
		pr.Out.URL.Path, pr.Out.URL.RawPath = u.Path, u.RawPath
	}
	pr.Out.URL.RawQuery = pr.In.URL.RawQuery
	pr.Out.Host = pr.In.Host
	setForwardHeaders(pr.Out.Header, pr.In)
}

// upstreamError answers a failed upstream exchange: 504 when it timed
// out, else 502, each with the reason, as nginx maps upstream errors
// (ngx_http_upstream_next: NGX_HTTP_UPSTREAM_FT_TIMEOUT gives 504).
func (p *Proxy) upstreamError(w http.ResponseWriter, r *http.Request, err error) {
	f, _ := r.Context().Value(ctxKey{}).(*forward)
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
