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
	"slices"
	"sort"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// Server defaults. Header limits follow ingress-nginx's
// large-client-header-buffers "4 8k" (docs/user-guide/nginx-configuration/
// configmap.md): 32 KiB of request line and headers.
const (
	DefaultReadHeaderTimeout = 10 * time.Second
	DefaultMaxHeaderBytes    = 32 << 10
	DefaultShutdownTimeout   = 10 * time.Second
)

// ServeOptions configures the listeners of Serve.
type ServeOptions struct {
	// Address is the IP address to listen on; empty means 127.0.0.1.
	Address string
	// HTTPPort is the plain HTTP port; 0 picks a free port and a
	// negative value serves no plain HTTP.
	HTTPPort int
	// HTTPSPort is the HTTPS port (HTTP/1.1 and h2); 0 picks a free port
	// and a negative value serves no HTTPS.
	HTTPSPort int
	// ReadHeaderTimeout bounds reading a request's headers; 0 means
	// DefaultReadHeaderTimeout.
	ReadHeaderTimeout time.Duration
	// IdleTimeout closes idle client connections; 0 means
	// DefaultIdleTimeout.
	IdleTimeout time.Duration
	// MaxHeaderBytes bounds a request's line and headers; 0 means
	// DefaultMaxHeaderBytes.
	MaxHeaderBytes int
	// MaxConns caps the client connections held at once across the
	// listeners (connLimiter); 0 means DefaultMaxConns, lowered to half
	// the file descriptor limit.
	MaxConns int
	// ShutdownTimeout bounds the wait for requests in flight once ctx is
	// done; 0 means DefaultShutdownTimeout.
	ShutdownTimeout time.Duration
	// Ports are more ports to serve: the listener ports of Gateway API
	// and Istio Gateways other than 80 (HTTPPort) and 443 (HTTPSPort).
	Ports []ServePort
	// Ready is called once every listener is bound, with the addresses
	// ("" for a listener not served).
	Ready func(http, https string)
	// Bound, when set, is called with Ready, with the address of every
	// port served, HTTPPort and HTTPSPort first.
	Bound func([]BoundPort)
	// Replan, when set, is called after each change of the routing
	// table (Update, Load, Watch) with the listener ports of the new
	// table, and returns the ports to serve besides HTTPPort and
	// HTTPSPort, as PlanPorts's Ports: Serve opens the ones it does not
	// serve and closes those no longer returned. Nil serves Ports alone
	// until Serve returns.
	Replan func([]ListenerPort) []ServePort
	// Rebound, when set, is called after a replan that opened or
	// closed a port or failed to bind one, with the ports opened, the
	// ports closed and the ListenErrors of the ports left out.
	Rebound func(opened, closed []BoundPort, err error)
}

// ServePort is a local port serving one listener port of the data
// planes.
type ServePort struct {
	// Listener is the listener port as the manifests write it
	// (ListenerPort.Port).
	Listener int32
	// Port is the local port; 0 picks a free port.
	Port int
	// TLS serves HTTPS (HTTP/1.1 and h2) on the port.
	TLS bool
}

// BoundPort is a port Serve listens on.
type BoundPort struct {
	// Listener and TLS are those of the ServePort (80 and 443 for
	// HTTPPort and HTTPSPort).
	Listener int32
	TLS      bool
	// Addr is the local address.
	Addr string
}

// Serve listens and serves until ctx is done, then shuts down
// gracefully: listeners close at once and requests in flight get
// ShutdownTimeout to finish. It returns nil after a clean shutdown.
func (p *Proxy) Serve(ctx context.Context, o ServeOptions) error {
	if o.Address == "" {
		o.Address = "127.0.0.1"
	}
	if net.ParseIP(o.Address) == nil && o.Address != "localhost" {
		return fmt.Errorf("address %q is not an IP address", o.Address)
	}
	if o.ReadHeaderTimeout == 0 {
		o.ReadHeaderTimeout = DefaultReadHeaderTimeout
	}
	if o.IdleTimeout == 0 {
		o.IdleTimeout = DefaultIdleTimeout
	}
	if o.MaxHeaderBytes == 0 {
		o.MaxHeaderBytes = DefaultMaxHeaderBytes
	}
	if o.ShutdownTimeout == 0 {
		o.ShutdownTimeout = DefaultShutdownTimeout
	}
	if o.MaxConns == 0 {
		o.MaxConns = DefaultMaxConns
		if n := fdLimit() / 2; n > 0 && n < o.MaxConns {
			o.MaxConns = n
		}
	}
	errLog := p.opts.ErrorLog
	if errLog == nil {
		errLog = log.New(io.Discard, "", 0)
	}
	ls := &listeners{p: p, o: o, limiter: newConnLimiter(o.MaxConns), errLog: errLog,
		errc: make(chan error), done: make(chan struct{}), extra: map[ServePort]*served{}}
	p.limiter = ls.limiter
	var all []*served
	closeAll := func() {
		for _, s := range all {
			_ = s.ln.Close()
		}
	}
	var httpAddr, httpsAddr string
	if o.HTTPPort >= 0 {
		s, err := ls.listen(ServePort{Listener: 80, Port: o.HTTPPort})
		if err != nil {
			return err
		}
		all = append(all, s)
		httpAddr = s.addr
	}
	if o.HTTPSPort >= 0 {
		s, err := ls.listen(ServePort{Listener: 443, Port: o.HTTPSPort, TLS: true})
		if err != nil {
			closeAll()
			return err
		}
		all = append(all, s)
		httpsAddr = s.addr
	}
	ls.fixed = all[:len(all):len(all)]
	for _, sp := range o.Ports {
		if _, dup := ls.extra[sp]; dup {
			continue
		}
		s, err := ls.listen(sp)
		if err != nil {
			closeAll()
			return err
		}
		all = append(all, s)
		ls.extra[sp] = s
	}
	if len(all) == 0 {
		return errors.New("no listener: both the http and the https port are disabled")
	}
	if o.Ready != nil {
		o.Ready(httpAddr, httpsAddr)
	}
	if o.Bound != nil {
		bound := make([]BoundPort, len(all))
		for i, s := range all {
			bound[i] = s.bound()
		}
		o.Bound(bound)
	}
	for _, s := range all {
		ls.start(s)
	}
	var replans sync.WaitGroup
	if o.Replan != nil {
		replans.Go(func() {
			for {
				select {
				case <-ls.done:
					return
				case <-p.swapped:
				}
				ls.replan(o.Replan(p.ListenerPorts()))
			}
		})
	}
	var first error
	select {
	case <-ctx.Done():
	case first = <-ls.errc:
	}
	close(ls.done)
	replans.Wait()
	sctx, cancel := context.WithTimeout(context.Background(), o.ShutdownTimeout)
	defer cancel()
	// The servers shut down together: every listener closes at once,
	// then each waits for its requests in flight within
	// ShutdownTimeout.
	all = append(ls.fixed, ls.sortedExtra()...)
	errs := make([]error, len(all))
	var wg sync.WaitGroup
	for i, s := range all {
		wg.Go(func() { errs[i] = s.stop(sctx) })
	}
	wg.Wait()
	// Ports closed by a reload finish their requests too.
	ls.closing.Wait()
	for _, err := range errs {
		if err != nil && first == nil {
			first = fmt.Errorf("shutdown: %w", err)
		}
	}
	return first
}

// listeners are the ports one Serve listens on.
type listeners struct {
	p       *Proxy
	o       ServeOptions
	limiter *connLimiter
	errLog  *log.Logger
	// errc receives the first error of a server, done is closed when
	// Serve stops listening to errc.
	errc chan error
	done chan struct{}
	// fixed are the ports of HTTPPort and HTTPSPort, extra those of
	// Ports and Replan by what they serve; only the replanning
	// goroutine changes extra once serving started.
	fixed []*served
	extra map[ServePort]*served
	// closing counts the ports a replan closed whose requests are
	// still finishing.
	closing sync.WaitGroup
}

// served is one bound port and the servers on it.
type served struct {
	sp  ServePort
	srv *http.Server
	ln  net.Listener
	// addr is the bound local address.
	addr string
	// tlsa, on an HTTPS listener, does the handshakes and hands
	// net/http the connections.
	tlsa *tlsAcceptor
	// fast, when set, reads the connections of ln first and hands
	// net/http the ones it does not serve.
	fast *fastServer
	// dropped is set when a replan closes the port while Serve goes on:
	// what its servers return then is no error of Serve's.
	dropped atomic.Bool
}

func (s *served) bound() BoundPort {
	return BoundPort{Listener: s.sp.Listener, TLS: s.sp.TLS, Addr: s.addr}
}

// newServer returns the http.Server of one port.
func (ls *listeners) newServer(k portKey) *http.Server {
	o := ls.o
	var protos http.Protocols
	protos.SetHTTP1(true)
	if k.tls {
		// h2 through ALPN (TLSConfig.NextProtos).
		protos.SetHTTP2(true)
	} else {
		// HTTP/2 with prior knowledge on a cleartext port, as a gRPC
		// client speaks it: a Gateway's HTTP listener "MUST support
		// HTTP/2 over cleartext TCP (h2c ...) without an initial
		// upgrade from HTTP/1.1" for GRPCRoute (apis/v1
		// grpcroute_types.go). The fast loop hands such connections to
		// net/http unread (fastConn.h2cPreface).
		protos.SetUnencryptedHTTP2(true)
	}
	return &http.Server{
		Protocols: &protos,
		HTTP2: &http.HTTP2Config{
			// A client that takes nothing of a response for SendTimeout
			// loses its connection, as on HTTP/1.1 (sendWriter).
			WriteByteTimeout: ls.p.opts.SendTimeout,
		},
		Handler:           ls.p,
		ReadHeaderTimeout: o.ReadHeaderTimeout,
		IdleTimeout:       o.IdleTimeout,
		MaxHeaderBytes:    o.MaxHeaderBytes,
		ErrorLog:          ls.errLog,
		// Requests know the framingConn they came on (framing.go).
		ConnContext: framingContext,
		// Requests carry the listener port they came in for: the
		// Gateway data planes pick a listener by it.
		BaseContext: func(net.Listener) context.Context {
			return context.WithValue(context.Background(), portCtxKey{}, k)
		},
		ConnState: func(c net.Conn, st http.ConnState) {
			lc := limited(c)
			if lc == nil {
				return
			}
			switch st {
			case http.StateIdle:
				lc.setIdle(true)
			case http.StateActive, http.StateHijacked:
				lc.setIdle(false)
			}
		},
	}
}

// listen binds the local port of sp, without serving it yet.
func (ls *listeners) listen(sp ServePort) (*served, error) {
	k := portKey{sp.Listener, sp.TLS}
	raw, err := net.Listen("tcp", net.JoinHostPort(ls.o.Address, strconv.Itoa(sp.Port)))
	if err != nil {
		scheme := "http"
		if sp.TLS {
			scheme = "https"
		}
		if sp.Listener != 80 && sp.Listener != 443 {
			return nil, &ListenError{Listener: sp.Listener, Port: sp.Port, TLS: sp.TLS, Err: err}
		}
		return nil, fmt.Errorf("listen for %s: %w", scheme, err)
	}
	ln := limitListener{raw, ls.limiter}
	s := &served{sp: sp, srv: ls.newServer(k), ln: ln, addr: ln.Addr().String()}
	if sp.TLS {
		// Clients that offer h2 through ALPN speak HTTP/2, as with
		// net/http's ServeTLS; net/http serves h2 for Serve when
		// TLSConfig names it (server.go shouldConfigureHTTP2ForServe).
		s.srv.TLSConfig = &tls.Config{GetCertificate: ls.p.CertificateFor(sp.Listener), MinVersion: tls.VersionTLS12,
			NextProtos: []string{"h2", "http/1.1"}}
		// The acceptor has its own copy: net/http sets fields of
		// srv.TLSConfig when Serve starts (http2ConfigureServer).
		s.tlsa = newTLSAcceptor(ln, s.srv.TLSConfig.Clone(), ls.o, ls.errLog)
		return s, nil
	}
	// The fast loop reads every plain-HTTP connection: it serves the
	// common requests itself when it can and checks every request
	// head's framing before net/http reads it.
	s.fast = newFastServer(ls.p, ln, ls.o, ls.errLog)
	s.fast.forwards = !ls.p.opts.Echo && ls.p.h1 != nil && !ls.p.noFast
	s.fast.key = k
	return s, nil
}

// start serves s; the first error of its servers goes to errc.
func (ls *listeners) start(s *served) {
	report := func(err error) {
		if errors.Is(err, http.ErrServerClosed) || s.dropped.Load() {
			return
		}
		select {
		case ls.errc <- err:
		case <-ls.done:
		}
	}
	if s.fast != nil {
		go func() { report(s.fast.serve()) }()
	}
	if s.tlsa != nil {
		go func() { report(s.tlsa.serve()) }()
	}
	go func() {
		switch {
		case s.tlsa != nil:
			report(s.srv.Serve(s.tlsa.handoff))
		case s.fast != nil:
			report(s.srv.Serve(s.fast.handoff))
		default:
			report(s.srv.Serve(s.ln))
		}
	}()
}

// stop closes s's listener at once and waits, within ctx, for the
// requests in flight.
func (s *served) stop(ctx context.Context) error {
	var err error
	if s.fast != nil {
		// The fast loop may still hand connections over until its own
		// requests are done.
		err = s.fast.shutdown(ctx)
	}
	if s.tlsa != nil {
		s.tlsa.close()
	}
	if e := s.srv.Shutdown(ctx); err == nil {
		err = e
	}
	return err
}

// sortedExtra returns the served Ports, by listener port, plain first.
func (ls *listeners) sortedExtra() []*served {
	out := make([]*served, 0, len(ls.extra))
	for _, s := range ls.extra {
		out = append(out, s)
	}
	sort.Slice(out, func(i, j int) bool { return servePortLess(out[i].sp, out[j].sp) })
	return out
}

func servePortLess(a, b ServePort) bool {
	if a.Listener != b.Listener {
		return a.Listener < b.Listener
	}
	if a.TLS != b.TLS {
		return !a.TLS
	}
	return a.Port < b.Port
}

// replan serves the ports of want, besides HTTPPort and HTTPSPort: the
// ports served that want no longer lists close first (their requests
// in flight get ShutdownTimeout to finish), so that a local port one
// listener gave up can serve another, then the new ones open. A port
// that cannot be bound is reported to Rebound and left out; the next
// replan tries it again.
func (ls *listeners) replan(want []ServePort) {
	keep := map[ServePort]bool{}
	for _, sp := range want {
		keep[sp] = true
	}
	var opened, closed []BoundPort
	for _, s := range ls.sortedExtra() {
		if keep[s.sp] {
			continue
		}
		delete(ls.extra, s.sp)
		s.dropped.Store(true)
		closed = append(closed, s.bound())
		ls.closing.Go(func() {
			ctx, cancel := context.WithTimeout(context.Background(), ls.o.ShutdownTimeout)
			defer cancel()
			if err := s.stop(ctx); err != nil {
				ls.errLog.Printf("close listener port %d on %s: %v", s.sp.Listener, s.addr, err)
			}
		})
		// The listener is closed before the port is bound again.
		_ = s.ln.Close()
	}
	want = slices.Clone(want)
	sort.Slice(want, func(i, j int) bool { return servePortLess(want[i], want[j]) })
	var errs []error
	for _, sp := range want {
		if _, ok := ls.extra[sp]; ok {
			continue
		}
		s, err := ls.listen(sp)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		ls.extra[sp] = s
		ls.start(s)
		opened = append(opened, s.bound())
	}
	if ls.o.Rebound != nil && (len(opened) > 0 || len(closed) > 0 || len(errs) > 0) {
		ls.o.Rebound(opened, closed, errors.Join(errs...))
	}
}

// portCtxKey keys the port a request arrived on (a portKey) in its
// context.
type portCtxKey struct{}

// requestPort returns the port r arrived on as the data planes know it:
// the listener port Serve bound it for, else 80 for http and 443 for
// https.
func requestPort(r *http.Request) portKey {
	if k, ok := r.Context().Value(portCtxKey{}).(portKey); ok {
		return k
	}
	return defaultPortKey(r.TLS != nil)
}

// ListenError says that the local port of a listener port other than 80
// and 443 could not be bound.
type ListenError struct {
	// Listener is the listener port, Port the local port.
	Listener int32
	Port     int
	TLS      bool
	Err      error
}

func (e *ListenError) Error() string {
	scheme := "http"
	if e.TLS {
		scheme = "https"
	}
	return fmt.Sprintf("listen for %s listener port %d on local port %d: %v", scheme, e.Listener, e.Port, e.Err)
}

func (e *ListenError) Unwrap() error { return e.Err }
