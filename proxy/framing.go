package proxy

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/tls"
	"encoding/hex"
	"errors"
	"io"
	"log"
	"net"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// framingConn reads the HTTP/1 requests of a connection net/http serves
// ahead of net/http, head by head, and refuses the ones whose message
// framing net/http would read differently from nginx. net/http drops
// Content-Length when Transfer-Encoding is present and ignores
// Transfer-Encoding in HTTP/1.0 (net/http/transfer.go
// parseTransferEncoding, fixLength) and hides both from the handler, so a
// body framed one way for the proxy and another for a front proxy would
// smuggle a request. nginx answers both 400 and closes the connection
// (src/http/ngx_http_request.c, ngx_http_process_request_header: "client
// sent \"Transfer-Encoding\" and \"Content-Length\"" and "client sent
// HTTP/1.0 request with \"Transfer-Encoding\""), as RFC 9112 sections
// 6.1 and 6.3 require.
//
// The fast loop checks the first request it reads itself (badFraming);
// framingConn checks every later request of a connection handed to
// net/http, and every request on the HTTPS listeners. A refused head
// reaches net/http as a request of the same request line and Host with
// Connection: close and a header carrying the connection's token, which
// the handler answers 400 (framingRefusal); net/http never reads the
// refused request's body, and nothing after it.
//
// Bodies are skipped by their framing (Content-Length, chunked) to find
// the next head. After a request net/http reads differently from this
// model (an Upgrade or CONNECT, a Transfer-Encoding other than chunked,
// an invalid Content-Length, a head larger than maxHead, malformed
// chunks), net/http closes the connection or it stops being HTTP, and
// framingConn passes the rest through unread.
type framingConn struct {
	net.Conn
	// tls is the state of a TLS connection, which net/http cannot see
	// through the wrapper; the handler puts it back on the request.
	tls *tls.ConnectionState
	// maxHead bounds the head held before giving up on it.
	maxHead int

	// mu guards refused, read by the handler's goroutine.
	mu      sync.Mutex
	refused string
	token   string

	in, out []byte
	err     error // a read error to return once out is drained
	state   int
	body    int64 // bytes left of a Content-Length body or a chunk
	chunk   chunkScan
}

// framingConn states.
const (
	frameHead = iota
	frameBody
	frameChunked
	framePass
	frameRefused
)

// refusedHeader carries the connection's token on the request that
// stands in for a refused one.
const refusedHeader = "Ingresskit-Refused-Framing"

func newFramingConn(c net.Conn, maxHead int, state *tls.ConnectionState) *framingConn {
	var b [16]byte
	_, _ = rand.Read(b[:])
	return &framingConn{Conn: c, tls: state, maxHead: maxHead, token: hex.EncodeToString(b[:])}
}

// NetConn returns the wrapped connection (the connection limiter finds
// itself through it).
func (f *framingConn) NetConn() net.Conn { return f.Conn }

// CloseWrite half-closes the connection, as net/http's server does
// before closing one after an error (net/http/server.go
// closeWriteAndWait).
func (f *framingConn) CloseWrite() error {
	if cw, ok := f.Conn.(interface{ CloseWrite() error }); ok {
		return cw.CloseWrite()
	}
	return nil
}

// Read gives net/http the connection's bytes, each request head only
// once it is whole and checked.
func (f *framingConn) Read(p []byte) (int, error) {
	for {
		if len(f.out) > 0 {
			n := copy(p, f.out)
			f.out = f.out[n:]
			return n, nil
		}
		if f.err != nil {
			return 0, f.err
		}
		switch f.state {
		case frameRefused:
			return 0, io.EOF
		case framePass:
			if len(f.in) > 0 {
				n := copy(p, f.in)
				f.in = f.in[n:]
				return n, nil
			}
			return f.Conn.Read(p)
		case frameBody:
			if f.body == 0 {
				f.state = frameHead
				continue
			}
			n, err := f.pass(p[:min(int64(len(p)), f.body)])
			f.body -= int64(n)
			return n, err
		case frameChunked:
			n, err := f.pass(p)
			end, ok := f.chunk.scan(p[:n])
			switch {
			case !ok:
				// net/http refuses the body and closes the connection.
				f.state = framePass
			case end >= 0:
				// The bytes after the body start the next head.
				f.in = append(append([]byte(nil), p[end:n]...), f.in...)
				n = end
				f.state = frameHead
			}
			if n == 0 && err == nil {
				continue
			}
			return n, err
		default: // frameHead
			if end := headEnd(f.in); end >= 0 {
				f.checkHead(end)
				continue
			}
			if len(f.in) > f.maxHead {
				// net/http answers 431.
				f.state = framePass
				continue
			}
			var buf [4096]byte
			n, err := f.Conn.Read(buf[:])
			f.in = append(f.in, buf[:n]...)
			if err != nil {
				var ne net.Error
				if errors.As(err, &ne) && ne.Timeout() {
					// A deadline (net/http's own, or its abort of a
					// background read): the bytes held stay for the next
					// read.
					return 0, err
				}
				// The client is gone mid-head: net/http gets what came.
				f.out, f.in, f.err = f.in, nil, err
			}
		}
	}
}

// pass reads body bytes into p: the ones held first, then the
// connection's.
func (f *framingConn) pass(p []byte) (int, error) {
	if len(f.in) > 0 {
		n := copy(p, f.in)
		f.in = f.in[n:]
		return n, nil
	}
	return f.Conn.Read(p)
}

// headEnd returns the length of the request head at the start of b up to
// and including its empty line, or -1 while it is not whole.
func headEnd(b []byte) int {
	for i := 0; i < len(b); i++ {
		if b[i] != '\n' {
			continue
		}
		if i+1 < len(b) && b[i+1] == '\n' {
			return i + 2
		}
		if i+2 < len(b) && b[i+1] == '\r' && b[i+2] == '\n' {
			return i + 3
		}
	}
	return -1
}

// checkHead decides on the head f.in[:end]: it goes to net/http as it is,
// with what follows framed by it, or a stand-in goes instead.
func (f *framingConn) checkHead(end int) {
	head := f.in[:end]
	line, rest, _ := bytes.Cut(head, []byte("\n"))
	line = bytes.TrimSuffix(line, []byte("\r"))
	http10 := bytes.HasSuffix(line, []byte(" HTTP/1.0"))
	var host, length, te []byte
	var lengths, tes int
	upgrade := bytes.HasPrefix(line, []byte("CONNECT "))
	for len(rest) > 0 {
		var h []byte
		h, rest, _ = bytes.Cut(rest, []byte("\n"))
		name, value, ok := bytes.Cut(bytes.TrimSuffix(h, []byte("\r")), []byte(":"))
		if !ok {
			continue
		}
		name, value = trimOWS(name), trimOWS(value)
		switch {
		case equalFold(name, "Host") && host == nil:
			host = h
		case equalFold(name, "Content-Length"):
			length, lengths = value, lengths+1
		case equalFold(name, "Transfer-Encoding"):
			te, tes = value, tes+1
		case equalFold(name, "Upgrade"):
			upgrade = true
		}
	}
	var why string
	switch {
	case tes > 0 && lengths > 0:
		why = "the request has both Content-Length and Transfer-Encoding"
	case tes > 0 && http10:
		why = "an HTTP/1.0 request has Transfer-Encoding"
	}
	if why != "" {
		f.mu.Lock()
		f.refused = why
		f.mu.Unlock()
		// The stand-in speaks HTTP/1.1, so that the answer's status
		// line is HTTP/1.1 as the fast loop's and nginx's are.
		var b bytes.Buffer
		b.Write(bytes.TrimSuffix(line, []byte(" HTTP/1.0")))
		if http10 {
			b.WriteString(" HTTP/1.1")
		}
		b.WriteString("\r\n")
		if host != nil {
			b.Write(bytes.TrimSuffix(host, []byte("\r")))
			b.WriteString("\r\n")
		}
		b.WriteString("Connection: close\r\n" + refusedHeader + ": " + f.token + "\r\n\r\n")
		f.out, f.in, f.state = b.Bytes(), nil, frameRefused
		return
	}
	f.out = append([]byte(nil), head...)
	f.in = f.in[end:]
	switch {
	case upgrade:
		f.state = framePass
	case tes > 0:
		if tes == 1 && equalFold(te, "chunked") && !http10 {
			f.state, f.chunk = frameChunked, chunkScan{}
		} else {
			// net/http answers 501 or reads no body and closes.
			f.state = framePass
		}
	case lengths > 0:
		n, err := strconv.ParseInt(string(length), 10, 64)
		if err != nil || n < 0 || lengths > 1 {
			// net/http answers 400, or checks the repeats itself.
			f.state = framePass
		} else {
			f.state, f.body = frameBody, n
		}
	default:
		f.state = frameHead
	}
}

// framingRefusal returns why the connection of r refused the request r
// stands in for, or "".
func framingRefusal(r *http.Request) string {
	f, ok := r.Context().Value(framingCtxKey{}).(*framingConn)
	if !ok || r.Header.Get(refusedHeader) == "" {
		return ""
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.refused == "" || r.Header.Get(refusedHeader) != f.token {
		return ""
	}
	return f.refused
}

// framingChecked reports whether r came on a connection whose request
// heads a framingConn checks.
func framingChecked(r *http.Request) bool {
	_, ok := r.Context().Value(framingCtxKey{}).(*framingConn)
	return ok
}

// framingCtxKey keys a request's framingConn in its context
// (http.Server.ConnContext).
type framingCtxKey struct{}

// framingContext is the ConnContext of the servers: it makes the
// connection's framingConn known to its requests.
func framingContext(ctx context.Context, c net.Conn) context.Context {
	if f, ok := c.(*framingConn); ok {
		return context.WithValue(ctx, framingCtxKey{}, f)
	}
	return ctx
}

// chunkScan follows a chunked body (RFC 9112 section 7.1) as it passes
// by, to find where it ends.
type chunkScan struct {
	state int
	size  int64
	// digits counts the hex digits of the chunk size.
	digits int
}

// chunkScan states.
const (
	chunkSize     = iota // hex digits of the size
	chunkExt             // a chunk extension, up to LF
	chunkData            // size bytes of data
	chunkDataCR          // CR after the data
	chunkDataLF          // LF after the data
	chunkTrailer         // the start of a trailer line, or the final empty line
	chunkTrailerL        // inside a trailer line, up to LF
	chunkLastLF          // LF of the final empty line
)

// scan reads b, the next bytes of the body; it returns the index just
// past the body's end in b, or -1 when the body goes on, and false when
// the framing is malformed.
func (s *chunkScan) scan(b []byte) (int, bool) {
	for i := 0; i < len(b); i++ {
		c := b[i]
		switch s.state {
		case chunkSize:
			switch {
			case '0' <= c && c <= '9', 'a' <= c && c <= 'f', 'A' <= c && c <= 'F':
				if s.digits++; s.digits > 15 {
					return -1, false
				}
				s.size = s.size<<4 | int64(unhexDigit(c))
			case s.digits > 0 && (c == ';' || c == ' ' || c == '\t' || c == '\r'):
				s.state = chunkExt
			case s.digits > 0 && c == '\n':
				s.endSize()
			default:
				return -1, false
			}
		case chunkExt:
			if c == '\n' {
				s.endSize()
			}
		case chunkData:
			n := min(int64(len(b)-i), s.size)
			s.size -= n
			i += int(n) - 1
			if s.size == 0 {
				s.state = chunkDataCR
			}
		case chunkDataCR:
			switch c {
			case '\r':
				s.state = chunkDataLF
			case '\n':
				s.state, s.digits = chunkSize, 0
			default:
				return -1, false
			}
		case chunkDataLF:
			if c != '\n' {
				return -1, false
			}
			s.state, s.digits = chunkSize, 0
		case chunkTrailer:
			switch c {
			case '\r':
				s.state = chunkLastLF
			case '\n':
				return i + 1, true
			default:
				s.state = chunkTrailerL
			}
		case chunkTrailerL:
			if c == '\n' {
				s.state = chunkTrailer
			}
		case chunkLastLF:
			if c != '\n' {
				return -1, false
			}
			return i + 1, true
		}
	}
	return -1, true
}

// endSize starts a chunk's data, or the trailer after the last chunk.
func (s *chunkScan) endSize() {
	if s.size == 0 {
		s.state = chunkTrailer
		return
	}
	s.state = chunkData
}

func unhexDigit(c byte) byte {
	switch {
	case c <= '9':
		return c - '0'
	case c >= 'a':
		return c - 'a' + 10
	default:
		return c - 'A' + 10
	}
}

// tlsAcceptor serves an HTTPS listener in front of net/http: it does each
// connection's TLS handshake itself and hands the connection to the
// http.Server through handoff, an HTTP/2 one as the *tls.Conn (net/http
// serves HTTP/2 on it), an HTTP/1 one in a framingConn, so that its
// request heads are checked as on the plain-HTTP listeners.
type tlsAcceptor struct {
	ln      net.Listener
	cfg     *tls.Config
	handoff *handoffListener
	// timeout bounds the handshake (net/http gives it ReadHeaderTimeout
	// when Server.TLSHandshakeTimeout is not set: server.go
	// tlsHandshakeTimeout).
	timeout time.Duration
	maxHead int
	errLog  *log.Logger
	closing atomic.Bool
}

func newTLSAcceptor(ln net.Listener, cfg *tls.Config, o ServeOptions, errLog *log.Logger) *tlsAcceptor {
	return &tlsAcceptor{
		ln: ln, cfg: cfg, timeout: o.ReadHeaderTimeout, maxHead: o.MaxHeaderBytes + 4096, errLog: errLog,
		handoff: &handoffListener{addr: ln.Addr(), ch: make(chan net.Conn), done: make(chan struct{})},
	}
}

// serve accepts connections until the listener is closed.
func (a *tlsAcceptor) serve() error {
	var delay time.Duration
	for {
		c, err := a.ln.Accept()
		if err != nil {
			if a.closing.Load() {
				return nil
			}
			if errors.Is(err, net.ErrClosed) {
				return err
			}
			// Back off as net/http's Server.Serve does.
			delay = min(max(2*delay, 5*time.Millisecond), time.Second)
			a.errLog.Printf("accept: %v; retrying in %v", err, delay)
			time.Sleep(delay)
			continue
		}
		delay = 0
		go a.handshake(c)
	}
}

// handshake runs the TLS handshake of c and hands the connection over.
func (a *tlsAcceptor) handshake(c net.Conn) {
	tc := tls.Server(c, a.cfg)
	if a.timeout > 0 {
		_ = c.SetDeadline(time.Now().Add(a.timeout))
	}
	if err := tc.Handshake(); err != nil {
		// net/http logs the same line (server.go (*conn).serve).
		a.errLog.Printf("http: TLS handshake error from %s: %v", c.RemoteAddr(), err)
		_ = c.Close()
		return
	}
	_ = c.SetDeadline(time.Time{})
	var conn net.Conn = tc
	if st := tc.ConnectionState(); st.NegotiatedProtocol != "h2" {
		conn = newFramingConn(tc, a.maxHead, &st)
	}
	select {
	case a.handoff.ch <- conn:
	case <-a.handoff.done:
		_ = c.Close()
	}
}

// close stops accepting; connections still in their handshake close
// when they find the handoff listener closed.
func (a *tlsAcceptor) close() {
	a.closing.Store(true)
	_ = a.ln.Close()
	_ = a.handoff.Close()
}

// restoreTLS puts the TLS state of a connection in a framingConn, which
// net/http cannot see, on r.
func restoreTLS(r *http.Request) {
	if r.TLS != nil {
		return
	}
	if f, ok := r.Context().Value(framingCtxKey{}).(*framingConn); ok && f.tls != nil {
		r.TLS = f.tls
	}
}
