package proxy

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"io"
	"log"
	mrand "math/rand/v2"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"time"
)

// fastServer serves the plain-HTTP listener in front of net/http. Each
// connection is read by a small loop that parses request heads in place
// and forwards the common request (HTTP/1.1 GET, HEAD or OPTIONS without
// a body or upgrade, to a plain-HTTP upstream) on the connection's own
// goroutine, with no maps, no per-request goroutines and no
// http.Request. net/http's server costs the proxy more CPU per request
// than the routing and the upstream exchange together
// (docs/performance-proxy.md). Any other request, and every request
// after it on that connection, is served by net/http: the connection,
// with the bytes already read, is handed to an http.Server through
// handoff, so every feature and every error answer stays net/http's.
type fastServer struct {
	p      *Proxy
	ln     net.Listener
	o      ServeOptions
	errLog *log.Logger
	// handoff is the listener the http.Server serves; it accepts the
	// connections the fast loop gives up.
	handoff *handoffListener

	// forwards is true when the loop forwards requests itself; else it
	// only checks request framing and hands every connection over.
	forwards bool
	// key is the listener port the connections arrive for.
	key portKey

	closing atomic.Bool
	mu      sync.Mutex
	conns   map[*fastConn]struct{}
	wg      sync.WaitGroup
}

func newFastServer(p *Proxy, ln net.Listener, o ServeOptions, errLog *log.Logger) *fastServer {
	return &fastServer{
		p: p, ln: ln, o: o, errLog: errLog, key: defaultPortKey(false),
		handoff: &handoffListener{addr: ln.Addr(), ch: make(chan net.Conn), done: make(chan struct{})},
		conns:   map[*fastConn]struct{}{},
	}
}

// serve accepts connections until the listener is closed.
func (s *fastServer) serve() error {
	var delay time.Duration
	for {
		c, err := s.ln.Accept()
		if err != nil {
			if s.closing.Load() {
				return nil
			}
			if errors.Is(err, net.ErrClosed) {
				return err
			}
			// Running out of file descriptors and the like pass; back off
			// as net/http's Server.Serve does.
			delay = min(max(2*delay, 5*time.Millisecond), time.Second)
			s.errLog.Printf("accept: %v; retrying in %v", err, delay)
			time.Sleep(delay)
			continue
		}
		delay = 0
		fc := s.track(c)
		if fc == nil {
			_ = c.Close()
			continue
		}
		go fc.serve()
	}
}

func (s *fastServer) track(c net.Conn) *fastConn {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closing.Load() {
		return nil
	}
	fc := newFastConn(s, c)
	s.conns[fc] = struct{}{}
	s.wg.Add(1)
	return fc
}

func (s *fastServer) untrack(fc *fastConn) {
	s.mu.Lock()
	delete(s.conns, fc)
	s.mu.Unlock()
	s.wg.Done()
}

// shutdown stops accepting, closes idle connections and waits for the
// requests in flight until ctx is done; then it closes the rest. As
// net/http's Server.Shutdown, connections that finish a request while
// shutting down close instead of waiting for the next.
func (s *fastServer) shutdown(ctx context.Context) error {
	s.mu.Lock()
	s.closing.Store(true)
	conns := make([]*fastConn, 0, len(s.conns))
	for fc := range s.conns {
		conns = append(conns, fc)
	}
	s.mu.Unlock()
	_ = s.ln.Close()
	for _, fc := range conns {
		if fc.state.CompareAndSwap(connIdle, connClosed) {
			_ = fc.c.Close()
		}
	}
	done := make(chan struct{})
	go func() {
		s.wg.Wait()
		close(done)
	}()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		for _, fc := range conns {
			_ = fc.c.Close()
		}
		return ctx.Err()
	}
}

// Connection states: idle between requests, active while serving one.
const (
	connIdle int32 = iota
	connActive
	connClosed
)

// fastConn is one client connection of the fast loop, with everything a
// request needs allocated once per connection.
type fastConn struct {
	s     *fastServer
	c     net.Conn
	br    *bufio.Reader
	bw    *bufio.Writer
	state atomic.Int32
	// remote is the client's address; client its IP, as
	// X-Forwarded-For and X-Real-IP carry it; port the local port
	// (X-Forwarded-Port).
	remote, client, port string
	head                 requestHead
	resp                 responseHead
	x                    exchange
	page                 pageWriter
	// scratch holds a generated X-Request-ID.
	scratch [32]byte
	// host and target are the Host and request-target of the last
	// request, as strings, and hostOnly is hostOnly(host).
	host, target, hostOnly string
	// rng makes X-Request-IDs.
	rng *mrand.ChaCha8
	// deadline is the read deadline set on c.
	deadline time.Time
	// now is when the last request finished, zero before the first.
	now time.Time
	// out writes to the client, each write bounded by SendTimeout.
	out sendWriter
	// up is the upstream connection of the request being relayed.
	up *h1Conn
}

// sendWriter writes to the client connection with a write deadline
// SendTimeout from each write (nginx send_timeout: between two
// writes, not for the whole response), and remembers the first error.
type sendWriter struct {
	w        io.Writer
	c        net.Conn
	timeout  time.Duration
	deadline time.Time
	err      error
}

func (s *sendWriter) Write(b []byte) (int, error) {
	if s.timeout > 0 {
		if t := time.Now().Add(s.timeout); !closeEnough(s.deadline, t, s.timeout) {
			s.deadline = t
			_ = s.c.SetWriteDeadline(t)
		}
	}
	n, err := s.w.Write(b)
	if err != nil && s.err == nil {
		s.err = err
	}
	return n, err
}

// Read and write buffer sizes. A request head that does not fit in the
// read buffer goes to net/http, which applies MaxHeaderBytes (431).
const (
	fastReadSize  = 8 << 10
	fastWriteSize = 8 << 10
)

var (
	fastReaders = sync.Pool{New: func() any { return bufio.NewReaderSize(nil, fastReadSize) }}
	fastWriters = sync.Pool{New: func() any { return bufio.NewWriterSize(nil, fastWriteSize) }}
)

func newFastConn(s *fastServer, c net.Conn) *fastConn {
	fc := &fastConn{s: s, c: c, remote: c.RemoteAddr().String()}
	fc.client = fc.remote
	if h, _, err := net.SplitHostPort(fc.remote); err == nil {
		fc.client = h
	}
	fc.port = "80"
	if _, port, err := net.SplitHostPort(c.LocalAddr().String()); err == nil {
		fc.port = port
	}
	fc.page.fc = fc
	return fc
}

// serve runs the connection's request loop.
func (fc *fastConn) serve() {
	fc.br = fastReaders.Get().(*bufio.Reader)
	r, w := newRawIO(fc.c)
	fc.br.Reset(r)
	fc.bw = fastWriters.Get().(*bufio.Writer)
	fc.out = sendWriter{w: w, c: fc.c, timeout: fc.s.p.opts.SendTimeout}
	fc.bw.Reset(&fc.out)
	handedOff := false
	defer func() {
		if !handedOff {
			_ = fc.c.Close()
		}
		fc.br.Reset(nil)
		fastReaders.Put(fc.br)
		fc.bw.Reset(nil)
		fastWriters.Put(fc.bw)
		fc.br, fc.bw = nil, nil
		fc.s.untrack(fc)
	}()
	o := &fc.s.o
	for first := true; ; first = false {
		if fc.br.Buffered() == 0 {
			// net/http waits IdleTimeout for the next request and
			// ReadHeaderTimeout for the first (net/http/server.go
			// (*conn).serve and readRequest).
			wait := o.IdleTimeout
			if first {
				wait = o.ReadHeaderTimeout
			}
			fc.setDeadline(wait)
			lc := limited(fc.c)
			if lc != nil && !first {
				lc.setIdle(true)
			}
			if _, err := fc.br.Peek(1); err != nil {
				return
			}
			if lc != nil {
				lc.setIdle(false)
			}
		}
		if !fc.state.CompareAndSwap(connIdle, connActive) {
			return
		}
		if first && fc.h2cPreface() {
			// HTTP/2 with prior knowledge (gRPC over h2c): net/http
			// serves it, with the frames unread.
			handedOff = fc.handOffRaw()
			return
		}
		res := fc.readHead(first)
		if res == headFast && !fc.s.forwards {
			res = headOther
		}
		switch res {
		case headOther:
			if why := fc.badFraming(); why != "" {
				fc.refuse(why)
				return
			}
			handedOff = fc.handOff()
			return
		case headMore:
			// The client stopped sending or its time ran out mid-head;
			// net/http closes such connections too.
			return
		}
		switch fc.forward() {
		case outcomeHandOff:
			handedOff = fc.handOff()
			return
		case outcomeClose:
			return
		}
		fc.state.Store(connIdle)
		if fc.s.closing.Load() {
			return
		}
	}
}

// setDeadline sets the client connection's read deadline to wait from
// now, or leaves one that is close enough (closeEnough).
func (fc *fastConn) setDeadline(wait time.Duration) {
	now := fc.now
	if now.IsZero() {
		now = time.Now()
	}
	t := now.Add(wait)
	if closeEnough(fc.deadline, t, wait) {
		return
	}
	fc.deadline = t
	_ = fc.c.SetReadDeadline(t)
}

// closeEnough reports whether the deadline set may stay in place of
// want, a deadline wait from now: it is at most a 64th of wait earlier.
// Re-arming a connection's timer for every request of a busy connection
// costs more than the precision is worth. A zero deadline (none) never
// stays.
func closeEnough(set, want time.Time, wait time.Duration) bool {
	d := want.Sub(set)
	return !set.IsZero() && d >= 0 && d < wait/64
}

// readHead reads until a whole request head is buffered, or the fast
// path is ruled out. headMore means the connection failed meanwhile.
func (fc *fastConn) readHead(first bool) parseResult {
	deadline := false
	for {
		buf, _ := fc.br.Peek(fc.br.Buffered())
		res := parseRequestHead(buf, &fc.head)
		if res != headMore {
			return res
		}
		if fc.br.Buffered() == fc.br.Size() {
			return headOther
		}
		if !first && !deadline {
			// The first bytes of the request arrived: the rest of the
			// head has ReadHeaderTimeout, as in net/http.
			fc.deadline = time.Now().Add(fc.s.o.ReadHeaderTimeout)
			_ = fc.c.SetReadDeadline(fc.deadline)
			deadline = true
		}
		if _, err := fc.br.Peek(fc.br.Buffered() + 1); err != nil {
			return headMore
		}
	}
}

// badFraming reads the rest of a request head the fast path does not
// serve and says what is wrong with its message framing, "" when
// nothing is, or the head does not fit in the buffer (net/http answers
// 431) or never ends. net/http reads a request with both Content-Length
// and Transfer-Encoding by the latter and keeps the connection, and it
// ignores Transfer-Encoding in HTTP/1.0 (net/http/transfer.go
// parseTransferEncoding, fixLength), so a body framed one way for the
// proxy and another for an upstream or a front proxy would smuggle a
// request. RFC 9112 section 6.1 and 6.3 make both faulty framing the
// connection must not survive; nginx answers them 400
// (src/http/ngx_http_request.c ngx_http_process_request_header).
func (fc *fastConn) badFraming() string {
	var head []byte
	deadline := false
	for {
		buf, _ := fc.br.Peek(fc.br.Buffered())
		if i := bytes.Index(buf, []byte("\r\n\r\n")); i >= 0 {
			head = buf[:i+2]
			break
		}
		if i := bytes.Index(buf, []byte("\n\n")); i >= 0 {
			head = buf[:i+1]
			break
		}
		if len(buf) == fc.br.Size() {
			return ""
		}
		if !deadline {
			fc.deadline = time.Now().Add(fc.s.o.ReadHeaderTimeout)
			_ = fc.c.SetReadDeadline(fc.deadline)
			deadline = true
		}
		if _, err := fc.br.Peek(len(buf) + 1); err != nil {
			return ""
		}
	}
	line, rest, _ := bytes.Cut(head, []byte("\n"))
	http10 := bytes.HasSuffix(bytes.TrimSuffix(line, []byte("\r")), []byte(" HTTP/1.0"))
	length, te := false, false
	for len(rest) > 0 {
		line, rest, _ = bytes.Cut(rest, []byte("\n"))
		name, _, ok := bytes.Cut(line, []byte(":"))
		if !ok {
			continue
		}
		name = trimOWS(name)
		length = length || equalFold(name, "Content-Length")
		te = te || equalFold(name, "Transfer-Encoding")
	}
	switch {
	case te && length:
		return "the request has both Content-Length and Transfer-Encoding"
	case te && http10:
		return "an HTTP/1.0 request has Transfer-Encoding"
	}
	return ""
}

// refuse answers 400 with why and closes the connection.
func (fc *fastConn) refuse(why string) {
	body := "400 Bad Request: " + why + "\n"
	writeStatusLine(fc.bw, http.StatusBadRequest)
	fc.bw.WriteString("Content-Type: text/plain; charset=utf-8\r\nConnection: close\r\nContent-Length: ")
	writeInt(fc.bw, int64(len(body)), 10)
	fc.bw.WriteString("\r\n")
	writeDate(fc.bw)
	fc.bw.WriteString("\r\n")
	fc.bw.WriteString(body)
	_ = fc.bw.Flush()
	if p := fc.s.p; p.opts.AccessLog != nil {
		p.opts.AccessLog(&Entry{Time: time.Now(), Remote: fc.remote, Proto: "HTTP/1.1", Scheme: "http",
			Status: http.StatusBadRequest, Bytes: int64(len(body)), Error: why})
	}
}

// handOff gives the connection, with the bytes read and not yet
// served, to the http.Server; it reports whether the server took it.
func (fc *fastConn) handOff() bool {
	return fc.handOffConn(true)
}

// handOffRaw gives the connection to net/http with no framing checks:
// an HTTP/2 connection carries frames, not HTTP/1.1 heads.
func (fc *fastConn) handOffRaw() bool {
	return fc.handOffConn(false)
}

// h2cPreface is the client connection preface of HTTP/2 (RFC 9113
// section 3.4).
var h2cPreface = []byte("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n")

// h2cPreface reports whether the connection starts with the HTTP/2
// client preface. It waits for more bytes only while those read so far
// begin the preface, so an HTTP/1.1 request is never held up; the read
// deadline (ReadHeaderTimeout) bounds the wait.
func (fc *fastConn) h2cPreface() bool {
	for {
		buf, _ := fc.br.Peek(min(fc.br.Buffered(), len(h2cPreface)))
		if !bytes.HasPrefix(h2cPreface, buf) {
			return false
		}
		if len(buf) == len(h2cPreface) {
			return true
		}
		if _, err := fc.br.Peek(len(buf) + 1); err != nil {
			return false
		}
	}
}

func (fc *fastConn) handOffConn(framing bool) bool {
	n := fc.br.Buffered()
	var rest []byte
	if n > 0 {
		rest = make([]byte, n)
		_, _ = fc.br.Read(rest)
	}
	if !fc.out.deadline.IsZero() {
		// The fast path's send deadline was for its own responses.
		_ = fc.c.SetWriteDeadline(time.Time{})
	}
	// net/http reads the later requests; framingConn checks their
	// framing as badFraming did the first's.
	var bc net.Conn = &bufferedConn{Conn: fc.c, buf: rest}
	if framing {
		bc = newFramingConn(bc, fc.s.o.MaxHeaderBytes+4096, nil)
	}
	fc.s.p.handedOff.Add(1)
	select {
	case fc.s.handoff.ch <- bc:
		return true
	case <-fc.s.handoff.done:
		return false
	}
}

// bufferedConn is a connection whose first reads return bytes read
// before it was handed off.
type bufferedConn struct {
	net.Conn
	buf []byte
}

func (c *bufferedConn) Read(p []byte) (int, error) {
	if len(c.buf) > 0 {
		n := copy(p, c.buf)
		c.buf = c.buf[n:]
		return n, nil
	}
	return c.Conn.Read(p)
}

// CloseWrite half-closes the connection, which net/http's server does
// before closing a connection after an error (net/http/server.go
// closeWriteAndWait).
func (c *bufferedConn) CloseWrite() error {
	if cw, ok := c.Conn.(interface{ CloseWrite() error }); ok {
		return cw.CloseWrite()
	}
	return nil
}

// handoffListener is the net.Listener the http.Server accepts handed-off
// connections from.
type handoffListener struct {
	addr net.Addr
	ch   chan net.Conn
	done chan struct{}
	once sync.Once
}

var _ net.Listener = (*handoffListener)(nil)

func (l *handoffListener) Accept() (net.Conn, error) {
	select {
	case c := <-l.ch:
		return c, nil
	case <-l.done:
		return nil, net.ErrClosed
	}
}

func (l *handoffListener) Close() error {
	l.once.Do(func() { close(l.done) })
	return nil
}

func (l *handoffListener) Addr() net.Addr { return l.addr }
