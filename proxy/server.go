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
	"strconv"
	"sync"
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
	limiter := newConnLimiter(o.MaxConns)
	p.limiter = limiter
	errLog := p.opts.ErrorLog
	if errLog == nil {
		errLog = log.New(io.Discard, "", 0)
	}
	newServer := func() *http.Server {
		return &http.Server{
			Handler:           p,
			ReadHeaderTimeout: o.ReadHeaderTimeout,
			IdleTimeout:       o.IdleTimeout,
			MaxHeaderBytes:    o.MaxHeaderBytes,
			ErrorLog:          errLog,
			// Requests know the framingConn they came on (framing.go).
			ConnContext: framingContext,
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
	type served struct {
		srv *http.Server
		ln  net.Listener
		tls bool
		// tlsa, on an HTTPS listener, does the handshakes and hands
		// net/http the connections.
		tlsa *tlsAcceptor
		// fast, when set, reads the connections of ln first and hands
		// net/http the ones it does not serve.
		fast *fastServer
	}
	var all []served
	closeAll := func() {
		for _, s := range all {
			_ = s.ln.Close()
		}
	}
	var httpAddr, httpsAddr string
	var bound []BoundPort
	listen := func(sp ServePort) error {
		k := portKey{sp.Listener, sp.TLS}
		raw, err := net.Listen("tcp", net.JoinHostPort(o.Address, strconv.Itoa(sp.Port)))
		if err != nil {
			scheme := "http"
			if sp.TLS {
				scheme = "https"
			}
			if sp.Listener != 80 && sp.Listener != 443 {
				return &ListenError{Listener: sp.Listener, Port: sp.Port, TLS: sp.TLS, Err: err}
			}
			return fmt.Errorf("listen for %s: %w", scheme, err)
		}
		ln := limitListener{raw, limiter}
		srv := newServer()
		// Requests carry the listener port they came in for: the
		// Gateway data planes pick a listener by it.
		srv.BaseContext = func(net.Listener) context.Context {
			return context.WithValue(context.Background(), portCtxKey{}, k)
		}
		bound = append(bound, BoundPort{Listener: sp.Listener, TLS: sp.TLS, Addr: ln.Addr().String()})
		if sp.TLS {
			// Clients that offer h2 through ALPN speak HTTP/2, as with
			// net/http's ServeTLS; net/http serves h2 for Serve when
			// TLSConfig names it (server.go shouldConfigureHTTP2ForServe).
			srv.TLSConfig = &tls.Config{GetCertificate: p.CertificateFor(sp.Listener), MinVersion: tls.VersionTLS12,
				NextProtos: []string{"h2", "http/1.1"}}
			// The acceptor has its own copy: net/http sets fields of
			// srv.TLSConfig when Serve starts (http2ConfigureServer).
			all = append(all, served{srv: srv, ln: ln, tls: true, tlsa: newTLSAcceptor(ln, srv.TLSConfig.Clone(), o, errLog)})
			return nil
		}
		s := served{srv: srv, ln: ln}
		// The fast loop reads every plain-HTTP connection: it serves
		// the common requests itself when it can and checks every
		// request head's framing before net/http reads it.
		s.fast = newFastServer(p, ln, o, errLog)
		s.fast.forwards = !p.opts.Echo && p.h1 != nil && !p.noFast
		s.fast.key = k
		all = append(all, s)
		return nil
	}
	if o.HTTPPort >= 0 {
		if err := listen(ServePort{Listener: 80, Port: o.HTTPPort}); err != nil {
			return err
		}
		httpAddr = bound[len(bound)-1].Addr
	}
	if o.HTTPSPort >= 0 {
		if err := listen(ServePort{Listener: 443, Port: o.HTTPSPort, TLS: true}); err != nil {
			closeAll()
			return err
		}
		httpsAddr = bound[len(bound)-1].Addr
	}
	for _, sp := range o.Ports {
		if err := listen(sp); err != nil {
			closeAll()
			return err
		}
	}
	if len(all) == 0 {
		return errors.New("no listener: both the http and the https port are disabled")
	}
	if o.Ready != nil {
		o.Ready(httpAddr, httpsAddr)
	}
	if o.Bound != nil {
		o.Bound(bound)
	}
	errc := make(chan error, 2*len(all))
	for _, s := range all {
		if s.fast != nil {
			go func() { errc <- s.fast.serve() }()
		}
		if s.tlsa != nil {
			go func() { errc <- s.tlsa.serve() }()
		}
		go func() {
			var err error
			switch {
			case s.tlsa != nil:
				err = s.srv.Serve(s.tlsa.handoff)
			case s.fast != nil:
				err = s.srv.Serve(s.fast.handoff)
			default:
				err = s.srv.Serve(s.ln)
			}
			if errors.Is(err, http.ErrServerClosed) {
				err = nil
			}
			errc <- err
		}()
	}
	var first error
	select {
	case <-ctx.Done():
	case first = <-errc:
	}
	sctx, cancel := context.WithTimeout(context.Background(), o.ShutdownTimeout)
	defer cancel()
	// The servers shut down together: every listener closes at once,
	// then each waits for its requests in flight within
	// ShutdownTimeout.
	errs := make([]error, len(all))
	var wg sync.WaitGroup
	for i, s := range all {
		wg.Go(func() {
			if s.fast != nil {
				// The fast loop may still hand connections over until
				// its own requests are done.
				errs[i] = s.fast.shutdown(sctx)
			}
			if s.tlsa != nil {
				s.tlsa.close()
			}
			if err := s.srv.Shutdown(sctx); errs[i] == nil {
				errs[i] = err
			}
		})
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil && first == nil {
			first = fmt.Errorf("shutdown: %w", err)
		}
	}
	return first
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
