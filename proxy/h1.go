package proxy

import (
	"bufio"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"sync"
	"time"
)

// h1Transport sends plain-HTTP GET, HEAD and OPTIONS requests without a
// body and without an upgrade over pooled HTTP/1.1 connections, writing the request and
// reading the response on the caller's goroutine. net/http.Transport
// hands every request to a writer goroutine and every response back from
// a reader goroutine per connection; under load those hand-offs cost the
// proxy more CPU than the routing does (docs/performance-proxy.md).
// Everything else goes to fallback: request bodies, which need the
// response read while the body is still being sent; upgrades; https
// upstreams; and methods that are not idempotent, which cannot be retried
// when a kept-alive connection turns out to have been closed by the
// upstream (net/http.Transport notices such closes in its reader
// goroutine).
type h1Transport struct {
	dialer                *net.Dialer
	fallback              http.RoundTripper
	responseHeaderTimeout time.Duration
	// readTimeout bounds each wait for more of a response body.
	readTimeout    time.Duration
	idleTimeout    time.Duration
	maxIdlePerHost int

	mu   sync.Mutex
	idle map[string][]*h1Conn
}

type h1Conn struct {
	net.Conn
	br       *bufio.Reader
	bw       *bufio.Writer
	host     string
	lastUsed time.Time
	// readDeadline is the read deadline last set with setReadDeadline.
	readDeadline time.Time
}

// setReadDeadline sets the connection's read deadline and remembers it.
func (pc *h1Conn) setReadDeadline(t time.Time) {
	pc.readDeadline = t
	_ = pc.SetReadDeadline(t)
}

// armReadDeadline sets the read deadline to wait from now, unless the
// one set is close enough (closeEnough).
func (pc *h1Conn) armReadDeadline(now time.Time, wait time.Duration) {
	if t := now.Add(wait); !closeEnough(pc.readDeadline, t, wait) {
		pc.setReadDeadline(t)
	}
}

// headerTimeoutError says the upstream sent no response headers in time.
type headerTimeoutError struct{}

func (headerTimeoutError) Error() string   { return "timeout awaiting response headers" }
func (headerTimeoutError) Timeout() bool   { return true }
func (headerTimeoutError) Temporary() bool { return true }

// errUnframed reports an upstream response followed by bytes nothing
// asked for.
var errUnframed = errors.New("upstream sent bytes beyond the response it declared")

func (t *h1Transport) RoundTrip(req *http.Request) (*http.Response, error) {
	idempotent := req.Method == http.MethodGet || req.Method == http.MethodHead || req.Method == http.MethodOptions
	if !idempotent || req.URL.Scheme != "http" || (req.Body != nil && req.Body != http.NoBody) ||
		req.Header.Get("Upgrade") != "" || httpTokenContains(req.Header, "Connection", "upgrade") {
		return t.fallback.RoundTrip(req)
	}
	ctx := req.Context()
	for attempt := 0; ; attempt++ {
		pc, reused, err := t.get(ctx, req.URL.Host, time.Now())
		if err != nil {
			return nil, err
		}
		resp, err := t.exchange(ctx, pc, req)
		if err == nil {
			return resp, nil
		}
		pc.Close()
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		// A kept-alive connection the upstream closed meanwhile fails on
		// first use; one retry on a fresh connection is what
		// net/http.Transport does for idempotent requests too.
		var timeout headerTimeoutError
		if reused && attempt == 0 && !errors.As(err, &timeout) {
			continue
		}
		return nil, err
	}
}

func (t *h1Transport) exchange(ctx context.Context, pc *h1Conn, req *http.Request) (*http.Response, error) {
	stop := context.AfterFunc(ctx, func() { _ = pc.SetDeadline(time.Unix(1, 0)) })
	fail := func(err error) (*http.Response, error) {
		stop()
		return nil, err
	}
	if err := req.Write(pc.bw); err != nil {
		return fail(err)
	}
	if err := pc.bw.Flush(); err != nil {
		return fail(err)
	}
	if t.responseHeaderTimeout > 0 {
		pc.setReadDeadline(time.Now().Add(t.responseHeaderTimeout))
	}
	var resp *http.Response
	for {
		var err error
		resp, err = http.ReadResponse(pc.br, req)
		if err != nil {
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() && ctx.Err() == nil {
				err = headerTimeoutError{}
			}
			return fail(err)
		}
		// Interim 1xx answers (103 Early Hints) are dropped; the final
		// answer follows on the same connection.
		if resp.StatusCode >= 100 && resp.StatusCode < 200 && resp.StatusCode != http.StatusSwitchingProtocols {
			continue
		}
		break
	}
	if t.responseHeaderTimeout > 0 {
		pc.setReadDeadline(time.Time{})
	}
	resp.Body = &h1Body{rc: resp.Body, pc: pc, t: t, stop: stop, reuse: !resp.Close && !req.Close}
	return resp, nil
}

// h1Body returns its connection to the pool once the body was read to
// the end, and closes it when the body is abandoned.
type h1Body struct {
	rc    io.ReadCloser
	pc    *h1Conn
	t     *h1Transport
	stop  func() bool
	reuse bool
	once  sync.Once
}

func (b *h1Body) Read(p []byte) (int, error) {
	if b.t.readTimeout > 0 {
		b.pc.armReadDeadline(time.Now(), b.t.readTimeout)
	}
	n, err := b.rc.Read(p)
	if err == io.EOF && b.pc.br.Buffered() > 0 {
		// The upstream sent more than the response it declared: a body
		// on a HEAD, 204 or 304 answer, or bytes after the body. Read as
		// the next response they would answer another client (issue
		// 19), so the connection is closed, and the error makes
		// ReverseProxy abort the client's connection too.
		b.finish(false)
		return n, errUnframed
	}
	if err == io.EOF {
		b.finish(true)
	} else if err != nil {
		b.finish(false)
	}
	return n, err
}

func (b *h1Body) Close() error {
	b.finish(false)
	return b.rc.Close()
}

func (b *h1Body) finish(complete bool) {
	b.once.Do(func() {
		// stop reports false when the request's context was canceled
		// and the connection's deadline already poisoned.
		if b.stop() && complete && b.reuse {
			b.t.put(b.pc, time.Now())
			return
		}
		b.pc.Close()
	})
}

// get returns an idle connection to host, or dials one; now is the
// time of the call.
func (t *h1Transport) get(ctx context.Context, host string, now time.Time) (*h1Conn, bool, error) {
	for {
		t.mu.Lock()
		list := t.idle[host]
		var pc *h1Conn
		if n := len(list); n > 0 {
			pc = list[n-1]
			list[n-1] = nil
			t.idle[host] = list[:n-1]
		}
		t.mu.Unlock()
		if pc == nil {
			break
		}
		// An idle connection on which the upstream sent anything, a
		// close or bytes nobody asked for, is never reused: those bytes
		// would be read as the answer to the next request. nginx closes
		// such upstream connections as soon as they become readable
		// (src/http/modules/ngx_http_upstream_keepalive_module.c
		// ngx_http_upstream_keepalive_close_handler).
		idle := now.Sub(pc.lastUsed)
		if idle > t.idleTimeout || pc.br.Buffered() > 0 || idleDirty(pc, idle) {
			pc.Close()
			continue
		}
		return pc, true, nil
	}
	c, err := t.dialer.DialContext(ctx, "tcp", host)
	if err != nil {
		return nil, false, err
	}
	r, w := newRawIO(c)
	return &h1Conn{Conn: c, br: bufio.NewReaderSize(r, 16<<10), bw: bufio.NewWriterSize(w, 4<<10), host: host}, false, nil
}

// closedByPeer reports whether an idle connection was closed by the
// upstream (or sent something unasked), by peeking with a deadline in
// the past.
func closedByPeer(pc *h1Conn) bool {
	pc.setReadDeadline(time.Now().Add(time.Millisecond))
	_, err := pc.br.Peek(1)
	pc.setReadDeadline(time.Time{})
	var ne net.Error
	return !(errors.As(err, &ne) && ne.Timeout())
}

// put returns pc to the idle pool; now is the time of the call. A
// connection with unread bytes buffered is closed instead.
func (t *h1Transport) put(pc *h1Conn, now time.Time) {
	if pc.br.Buffered() > 0 {
		pc.Close()
		return
	}
	pc.lastUsed = now
	t.mu.Lock()
	if len(t.idle[pc.host]) < t.maxIdlePerHost {
		t.idle[pc.host] = append(t.idle[pc.host], pc)
		pc = nil
	}
	t.mu.Unlock()
	if pc != nil {
		pc.Close()
	}
}

// idleBody closes a response body when a read waits longer than its
// timeout, as nginx's proxy_read_timeout bounds the time between two
// reads from the upstream.
type idleBody struct {
	rc      io.ReadCloser
	timeout time.Duration
	timer   *time.Timer
	mu      sync.Mutex
	expired bool
}

func newIdleBody(rc io.ReadCloser, timeout time.Duration) io.ReadCloser {
	if timeout <= 0 {
		return rc
	}
	b := &idleBody{rc: rc, timeout: timeout}
	b.timer = time.AfterFunc(timeout, func() {
		b.mu.Lock()
		b.expired = true
		b.mu.Unlock()
		_ = rc.Close()
	})
	b.timer.Stop()
	return b
}

func (b *idleBody) Read(p []byte) (int, error) {
	b.timer.Reset(b.timeout)
	n, err := b.rc.Read(p)
	b.timer.Stop()
	b.mu.Lock()
	expired := b.expired
	b.mu.Unlock()
	if expired && err != nil && err != io.EOF {
		err = errReadTimeout
	}
	return n, err
}

func (b *idleBody) Close() error {
	b.timer.Stop()
	return b.rc.Close()
}

// errReadTimeout says an upstream sent nothing for ReadTimeout in the
// middle of a body.
var errReadTimeout = readTimeoutError{}

type readTimeoutError struct{}

func (readTimeoutError) Error() string   { return "upstream timed out reading the response body" }
func (readTimeoutError) Timeout() bool   { return true }
func (readTimeoutError) Temporary() bool { return true }
