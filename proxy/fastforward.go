package proxy

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	mrand "math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/ingresskit/ingresskit/simulate"
)

// outcome is what the connection loop does after a request.
type outcome int

const (
	outcomeKeep    outcome = iota // read the next request
	outcomeClose                  // close the connection
	outcomeHandOff                // give the connection to net/http
)

// forward serves the parsed head in fc.head: it routes the request with
// the engine and, when the decision is a forward to a plain-HTTP
// upstream, sends it there and streams the answer back. Every other
// decision (no table, no route, redirect, 503 pages, https upstreams) is
// net/http's, decided before anything was consumed or sent.
func (fc *fastConn) forward() outcome {
	p, h := fc.s.p, &fc.head
	t := p.tab.Load()
	if t == nil {
		return outcomeHandOff
	}
	start := time.Now()
	// A client on a kept-alive connection often repeats its Host and
	// target; the strings of the last request are reused then.
	if string(h.host) != fc.host {
		fc.host = string(h.host)
		fc.hostOnly = hostOnly(fc.host)
	}
	if string(h.target) != fc.target {
		fc.target = string(h.target)
	}
	host, target := fc.host, fc.target
	path := target[:len(h.path)]
	req := simulate.Request{Scheme: "http", Host: host, Path: path, URL: target}
	if t.headerRouting {
		req.Header = h.header()
	}
	// Only the engine decides where a request goes, as in ServeHTTP.
	var d simulate.Decision
	if !t.decideInto(&d, req, fc.s.key) {
		// Gateway API and Istio answers (weights, filters) are
		// net/http's.
		return outcomeHandOff
	}
	ri := t.route(&d)
	if d.Redirect != "" || d.Status != 0 || d.Refused != "" || !d.Matched || encodedSeparator(d, path) || d.Backend.Service == nil || ri == nil || ri.upstream == nil ||
		ri.upstream.URL.Scheme != "http" {
		return outcomeHandOff
	}
	_, _ = fc.br.Discard(h.size)
	p.fastServed.Add(1)
	x := &fc.x
	e := &x.e
	*e = Entry{
		Time: start, Remote: fc.remote, Proto: "HTTP/1.1", Method: h.method, Scheme: "http",
		Host: fc.hostOnly, Path: target, Ingress: ri.ingress, Rule: ri.rule, Upstream: ri.upstream.URL.Host,
	}
	f := &x.f
	*f = forward{target: ri.upstream.URL, path: forwardPath(d, path), backend: ri.backend, entry: e, status: ri.upstream.Status}
	fc.now = time.Time{}
	out := fc.exchange(f, target[len(h.path):], start)
	if fc.now.IsZero() {
		fc.now = time.Now()
	}
	e.Duration = fc.now.Sub(start)
	if p.opts.AccessLog != nil {
		p.opts.AccessLog(e)
	}
	if out == outcomeKeep && h.close {
		out = outcomeClose
	}
	return out
}

// exchange sends the request upstream and relays the answer; query is
// "" or "?..." as the client sent it, and start the time the request was
// read.
func (fc *fastConn) exchange(f *forward, query string, start time.Time) outcome {
	if f.status != nil {
		if err := f.status(); err != nil {
			return fc.errorPage(f, err)
		}
	}
	h1 := fc.s.p.h1
	reqID := fc.head.get("X-Request-Id")
	if len(reqID) == 0 {
		// ingress-nginx makes one when the client sent none ($req_id in
		// rootfs/etc/nginx/template/nginx.tmpl). The bytes come from a
		// ChaCha8 generator per connection seeded from crypto/rand,
		// which is as unpredictable without a call into the kernel's
		// generator per request.
		if fc.rng == nil {
			var seed [32]byte
			_, _ = rand.Read(seed[:])
			fc.rng = mrand.NewChaCha8(seed)
		}
		var b [16]byte
		_, _ = fc.rng.Read(b[:])
		hex.Encode(fc.scratch[:32], b[:])
		reqID = fc.scratch[:32]
	}
	path := outboundPath(f.path)
	for attempt := 0; ; attempt++ {
		pc, reused, err := h1.get(context.Background(), f.target.Host, start)
		if err != nil {
			return fc.errorPage(f, err)
		}
		sent := start
		if !reused {
			// The wait for the answer starts after the dial.
			sent = time.Now()
		}
		fc.writeUpstreamHead(pc.bw, path, query, reqID)
		err = pc.bw.Flush()
		if err == nil {
			err = fc.readResponseHead(pc, h1.responseHeaderTimeout, sent)
		}
		if errors.Is(err, errClientGone) || time.Since(start) > clientCheckAfter && peerGone(fc.c) {
			// The client went away while the upstream answered (a
			// slow head): nginx logs 499 then, as ServeHTTP does
			// (upstreamError). The answer is not read: the upstream
			// connection closes. Quick answers skip the check, a
			// system call.
			pc.Close()
			fc.x.e.Status, fc.x.e.Error = 499, "client closed the connection"
			return outcomeClose
		}
		if err != nil {
			pc.Close()
			// A kept-alive connection the upstream closed meanwhile
			// fails on first use; one retry on a fresh connection, as
			// h1Transport and net/http.Transport do for idempotent
			// requests.
			var timeout headerTimeoutError
			if reused && attempt == 0 && !errors.As(err, &timeout) && !errors.Is(err, errUpstreamHead) {
				continue
			}
			return fc.errorPage(f, err)
		}
		fc.up, fc.out.err = pc, nil
		out, reuse := fc.relay(pc)
		fc.up = nil
		if n := pc.br.Buffered(); n > 0 && out == outcomeKeep {
			// Bytes beyond the declared response (a body on a HEAD, 204
			// or 304 answer, or after the body) would answer the next
			// request on either connection: both close.
			fc.x.e.Error = errUnframed.Error()
			out, reuse = outcomeClose, false
		}
		fc.now = time.Now()
		if reuse {
			h1.put(pc, fc.now)
		} else {
			pc.Close()
		}
		return out
	}
}

// clientCheckAfter is how slow an upstream answer must be for the fast
// path to check whether the client is still there before relaying it.
const clientCheckAfter = 50 * time.Millisecond

// clientPoll is how often the fast path checks, while an upstream has
// not sent its whole response head, whether the client is still there.
const clientPoll = 500 * time.Millisecond

// errClientGone says the client closed its connection while the
// upstream's answer was awaited.
var errClientGone = errors.New("client closed the connection")

// writeUpstreamHead writes the request as ReverseProxy with rewrite and
// h1Transport send it (Request.Write): request line with the engine's
// path, Host first, the client's fields minus hop-by-hop ones (RFC 9110
// section 7.6.1, net/http/httputil/reverseproxy.go
// removeHopByHopHeaders) and minus those setForwardHeaders replaces,
// then the forwarded fields.
func (fc *fastConn) writeUpstreamHead(bw *bufio.Writer, path, query string, reqID []byte) {
	h := &fc.head
	bw.WriteString(h.method)
	bw.WriteByte(' ')
	bw.WriteString(path)
	bw.WriteString(query)
	bw.WriteString(" HTTP/1.1\r\nHost: ")
	bw.Write(h.host)
	bw.WriteString("\r\n")
	var connBuf [4]field
	var conn []field
	if h.listed {
		conn = connectionFields(h.fields[:h.n], connBuf[:0])
	}
	// What the client sent, before hop-by-hop fields are dropped:
	// setForwardHeaders reads the original request.
	xff, cacheControl, pragmaSeen := false, false, false
	var pragma []byte
	for _, fl := range h.fields[:h.n] {
		switch {
		case equalFold(fl.name, "X-Forwarded-For"):
			xff = true
		case equalFold(fl.name, "Cache-Control"):
			cacheControl = true
		case equalFold(fl.name, "Pragma") && !pragmaSeen:
			pragma, pragmaSeen = fl.value, true
		}
	}
	ua := false
	for _, fl := range h.fields[:h.n] {
		if skipRequestField(fl.name) || h.listed && listedIn(fl.name, conn) {
			continue
		}
		if equalFold(fl.name, "X-Original-Forwarded-For") && xff {
			continue
		}
		if equalFold(fl.name, "User-Agent") {
			// Request.Write sends the first User-Agent only, and none
			// when it is empty.
			if ua {
				continue
			}
			ua = true
			if len(fl.value) == 0 {
				continue
			}
		}
		bw.Write(fl.name)
		bw.WriteString(": ")
		bw.Write(fl.value)
		bw.WriteString("\r\n")
	}
	if !cacheControl && string(pragma) == "no-cache" && !(h.listed && listedIn([]byte("Cache-Control"), conn)) {
		// net/http adds it to a request it reads (net/http/response.go
		// fixPragmaCacheControl), so the forwarded copy carries it.
		bw.WriteString("Cache-Control: no-cache\r\n")
	}
	if xff {
		// As setForwardHeaders: the client's X-Forwarded-For moves to
		// X-Original-Forwarded-For.
		bw.WriteString("X-Original-Forwarded-For: ")
		sep := false
		for _, fl := range h.fields[:h.n] {
			if equalFold(fl.name, "X-Forwarded-For") {
				if sep {
					bw.WriteString(", ")
				}
				bw.Write(fl.value)
				sep = true
			}
		}
		bw.WriteString("\r\n")
	}
	bw.WriteString("X-Forwarded-For: ")
	bw.WriteString(fc.client)
	bw.WriteString("\r\nX-Real-Ip: ")
	bw.WriteString(fc.client)
	bw.WriteString("\r\nX-Forwarded-Host: ")
	bw.Write(h.host)
	bw.WriteString("\r\nX-Forwarded-Port: ")
	bw.WriteString(fc.port)
	bw.WriteString("\r\nX-Forwarded-Proto: http\r\nX-Scheme: http\r\nX-Request-Id: ")
	bw.Write(reqID)
	bw.WriteString("\r\n\r\n")
}

// connectionFields appends the Connection fields among fields to buf.
func connectionFields(fields []field, buf []field) []field {
	for _, fl := range fields {
		if equalFold(fl.name, "Connection") {
			buf = append(buf, fl)
		}
	}
	return buf
}

// skipRequestField reports whether a client field is not forwarded as
// it is: hop-by-hop fields, the fields setForwardHeaders sets, and those
// ReverseProxy removes before a Rewrite (Forwarded, X-Forwarded-*).
func skipRequestField(name []byte) bool {
	if len(name) < 2 {
		return false
	}
	switch lower(name[0]) {
	case 'c':
		return equalFold(name, "Connection")
	case 'f':
		return equalFold(name, "Forwarded")
	case 'h':
		return equalFold(name, "Host")
	case 'k':
		return equalFold(name, "Keep-Alive")
	case 'p':
		return equalFold(name, "Proxy") || equalFold(name, "Proxy-Connection") ||
			equalFold(name, "Proxy-Authenticate") || equalFold(name, "Proxy-Authorization")
	case 't':
		return equalFold(name, "Te") || equalFold(name, "Trailer") || equalFold(name, "Transfer-Encoding")
	case 'u':
		return equalFold(name, "Upgrade")
	case 'x':
		return equalFold(name, "X-Forwarded-For") || equalFold(name, "X-Forwarded-Host") ||
			equalFold(name, "X-Forwarded-Proto") || equalFold(name, "X-Forwarded-Port") ||
			equalFold(name, "X-Real-Ip") || equalFold(name, "X-Scheme") || equalFold(name, "X-Request-Id")
	}
	return false
}

// get returns the first value of a field, nil when absent.
func (h *requestHead) get(name string) []byte {
	for _, fl := range h.fields[:h.n] {
		if equalFold(fl.name, name) {
			return fl.value
		}
	}
	return nil
}

// header builds the http.Header net/http would, for the profiles that
// route on headers.
func (h *requestHead) header() http.Header {
	hd := make(http.Header, h.n)
	for _, fl := range h.fields[:h.n] {
		// net/http moves Host out of the header map into Request.Host.
		if !equalFold(fl.name, "Host") {
			hd.Add(string(fl.name), string(fl.value))
		}
	}
	if _, ok := hd["Cache-Control"]; !ok {
		if v := hd["Pragma"]; len(v) > 0 && v[0] == "no-cache" {
			hd["Cache-Control"] = []string{"no-cache"}
		}
	}
	return hd
}

// outboundPath is the path rewrite puts in the upstream request for the
// forwarded path p (setOutboundPath): p itself when it is forwardable.
func outboundPath(p string) string {
	if simplePath(p) {
		return p
	}
	var u url.URL
	setOutboundPath(&u, p)
	return u.RequestURI()
}

// maxResponseFields bounds the header fields of an upstream response.
const maxResponseFields = 128

// responseHead is an upstream response head parsed in place in the
// upstream connection's read buffer.
type responseHead struct {
	status int
	fields [maxResponseFields]field
	n      int
	// length is the declared Content-Length, -1 when there is none or
	// the body is chunked.
	length  int64
	chunked bool
	// bodyless is true for answers to HEAD and statuses without a body.
	bodyless bool
	// close is true when the upstream closes the connection after this
	// response.
	close bool
	// listed is true when the Connection field names other fields.
	listed                                                           bool
	hasType, hasEncoding, hasDate, hasCacheCtl, pragmaSeen, pragmaNC bool
}

// errUpstreamHead marks an upstream answer that is not a valid
// HTTP/1.1 response head; it is not retried.
var errUpstreamHead = errors.New("malformed HTTP response")

// readResponseHead reads and parses the next final response head on pc,
// skipping interim 1xx answers as h1Transport does; the wait for it is
// bounded by timeout from now.
func (fc *fastConn) readResponseHead(pc *h1Conn, timeout time.Duration, now time.Time) error {
	// The head is awaited in slices of clientPoll: after each, a client
	// that went away ends the wait and the upstream exchange, as nginx
	// stops waiting for an upstream when the client closes
	// (src/http/ngx_http_upstream.c
	// ngx_http_upstream_check_broken_connection, proxy_ignore_client_abort
	// off).
	wait := clientPoll
	if timeout > 0 {
		wait = min(wait, timeout)
	}
	pc.armReadDeadline(now, wait)
	for {
		head, err := peekHead(pc.br)
		if err != nil {
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() {
				waited := time.Since(now)
				if timeout > 0 && waited >= timeout {
					return headerTimeoutError{}
				}
				if peerGone(fc.c) {
					return errClientGone
				}
				next := clientPoll
				if timeout > 0 {
					next = min(next, timeout-waited)
				}
				pc.setReadDeadline(time.Now().Add(next))
				continue
			}
			return err
		}
		if err := parseResponseHead(head, &fc.resp, fc.head.method); err != nil {
			return err
		}
		if fc.resp.status >= 100 && fc.resp.status < 200 {
			if fc.resp.status == http.StatusSwitchingProtocols {
				return fmt.Errorf("%w: 101 Switching Protocols to a request without Upgrade", errUpstreamHead)
			}
			_, _ = pc.br.Discard(len(head))
			continue
		}
		_, _ = pc.br.Discard(len(head))
		// The deadline was for the head. It stays when no more is to be
		// read for this response (every user of a pooled connection
		// sets its own before reading), saving a timer update per
		// request.
		r := &fc.resp
		if !(r.bodyless || !r.chunked && r.length >= 0 && int64(pc.br.Buffered()) >= r.length) {
			pc.setReadDeadline(time.Time{})
		}
		return nil
	}
}

// peekHead returns the buffered response head, reading until its empty
// line; the head must fit in the buffer (nginx likewise refuses a head
// larger than proxy_buffer_size: "upstream sent too big header").
func peekHead(br *bufio.Reader) ([]byte, error) {
	from := 0
	for {
		buf, _ := br.Peek(br.Buffered())
		for i := from; i < len(buf); i++ {
			if buf[i] != '\n' {
				continue
			}
			if i+1 < len(buf) && buf[i+1] == '\n' {
				return buf[:i+2], nil
			}
			if i+2 < len(buf) && buf[i+1] == '\r' && buf[i+2] == '\n' {
				return buf[:i+3], nil
			}
		}
		from = max(0, len(buf)-2)
		if len(buf) == br.Size() {
			return nil, fmt.Errorf("%w: upstream sent too big header", errUpstreamHead)
		}
		if _, err := br.Peek(len(buf) + 1); err != nil {
			if errors.Is(err, io.EOF) && len(buf) > 0 {
				err = io.ErrUnexpectedEOF
			}
			return nil, err
		}
	}
}

// parseResponseHead parses a response head the way net/http.ReadResponse
// reads it for the fields the proxy acts on (net/http/response.go,
// transfer.go: status line, Content-Length, Transfer-Encoding,
// Connection).
func parseResponseHead(b []byte, r *responseHead, method string) error {
	r.n, r.length, r.chunked, r.close, r.listed = 0, -1, false, false, false
	r.hasType, r.hasEncoding, r.hasDate, r.hasCacheCtl, r.pragmaSeen, r.pragmaNC = false, false, false, false, false, false
	line, rest := cutLine(b)
	proto, status, ok := bytes.Cut(line, []byte(" "))
	if !ok {
		return fmt.Errorf("%w: status line %q", errUpstreamHead, line)
	}
	code, _, _ := bytes.Cut(status, []byte(" "))
	if len(code) != 3 || !isDigit(code[0]) || !isDigit(code[1]) || !isDigit(code[2]) {
		return fmt.Errorf("%w: status line %q", errUpstreamHead, line)
	}
	r.status = int(code[0]-'0')*100 + int(code[1]-'0')*10 + int(code[2]-'0')
	keepAlive := false
	switch string(proto) {
	case "HTTP/1.1":
	case "HTTP/1.0":
		r.close = true
	default:
		return fmt.Errorf("%w: protocol %q", errUpstreamHead, proto)
	}
	for {
		line, rest = cutLine(rest)
		if len(line) == 0 {
			break
		}
		colon := bytes.IndexByte(line, ':')
		if colon <= 0 || !isToken(line[:colon]) {
			return fmt.Errorf("%w: header line %q", errUpstreamHead, line)
		}
		name, value := line[:colon], trimOWS(line[colon+1:])
		if !responseValueOK(value) {
			// A bare CR, NUL or other control byte would reach the
			// client as it is; net/http's client refuses such a head
			// (net/textproto reader.go validHeaderValueByte) and nginx
			// answers 502 ("upstream sent invalid header").
			return fmt.Errorf("%w: control byte in header line %q", errUpstreamHead, line)
		}
		switch {
		case equalFold(name, "Content-Length"):
			n, err := strconv.ParseInt(string(value), 10, 64)
			if err != nil || n < 0 || (r.length >= 0 && n != r.length) {
				return fmt.Errorf("%w: bad Content-Length %q", errUpstreamHead, value)
			}
			r.length = n
		case equalFold(name, "Transfer-Encoding"):
			if r.chunked || !equalFold(value, "chunked") {
				return fmt.Errorf("%w: unsupported transfer encoding %q", errUpstreamHead, value)
			}
			r.chunked = true
		case equalFold(name, "Connection"):
			for tok := range tokens(value) {
				switch {
				case equalFold(tok, "close"):
					r.close = true
					keepAlive = false
				case equalFold(tok, "keep-alive"):
					keepAlive = true
				default:
					r.listed = true
				}
			}
		case equalFold(name, "Content-Type"):
			r.hasType = true
		case equalFold(name, "Content-Encoding"):
			r.hasEncoding = r.hasEncoding || len(value) > 0
		case equalFold(name, "Date"):
			r.hasDate = true
		case equalFold(name, "Cache-Control"):
			r.hasCacheCtl = true
		case equalFold(name, "Pragma"):
			if !r.pragmaSeen {
				r.pragmaSeen, r.pragmaNC = true, string(value) == "no-cache"
			}
		}
		if r.n == len(r.fields) {
			return fmt.Errorf("%w: more than %d header fields", errUpstreamHead, maxResponseFields)
		}
		r.fields[r.n] = field{name, value}
		r.n++
	}
	if string(proto) == "HTTP/1.0" && keepAlive {
		r.close = false
	}
	if r.chunked {
		// Content-Length is ignored with chunked (RFC 9112 section
		// 6.3, net/http/transfer.go fixLength).
		r.length = -1
	}
	r.bodyless = method == http.MethodHead || !bodyAllowed(r.status)
	if !r.bodyless && !r.chunked && r.length < 0 {
		// Close-delimited: read to the end, and the connection is spent.
		r.close = true
	}
	return nil
}

// responseValueOK accepts a field value of visible characters, space,
// tab and obs-text (RFC 9110 section 5.5): no control byte.
func responseValueOK(v []byte) bool {
	for _, c := range v {
		if c < ' ' && c != '\t' || c == 0x7f {
			return false
		}
	}
	return true
}

// cutLine cuts a line ending in LF or CRLF, as net/textproto reads them.
func cutLine(b []byte) (line, rest []byte) {
	i := bytes.IndexByte(b, '\n')
	if i < 0 {
		return b, nil
	}
	line, rest = b[:i], b[i+1:]
	if len(line) > 0 && line[len(line)-1] == '\r' {
		line = line[:len(line)-1]
	}
	return line, rest
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

// bodyAllowed reports whether a status may carry a body (RFC 9110
// sections 15.2, 15.3.5, 15.4.5).
func bodyAllowed(status int) bool {
	return !(status >= 100 && status < 200) && status != http.StatusNoContent && status != http.StatusNotModified
}

// relay writes the response whose head fc.resp describes to the client
// and copies its body, as ReverseProxy and net/http's server would write
// it (net/http/server.go (*chunkWriter).writeHeader). It reports what the
// client connection does next and whether the upstream connection may be
// reused.
func (fc *fastConn) relay(pc *h1Conn) (outcome, bool) {
	r, bw, e := &fc.resp, fc.bw, &fc.x.e
	e.Status = r.status
	withBody := bodyAllowed(r.status)
	var sniff []byte
	if withBody && !r.bodyless && !r.hasType && !r.hasEncoding && r.length > 0 {
		// net/http's server sniffs a Content-Type for a body without
		// one. The wait for those bytes is bounded by ReadTimeout, and
		// an upstream that stalls has what it sent sniffed.
		if t := fc.s.p.opts.ReadTimeout; t > 0 {
			pc.armReadDeadline(time.Now(), t)
		}
		sniff, _ = pc.br.Peek(int(min(r.length, 512)))
	}
	writeStatusLine(bw, r.status)
	var connBuf [4]field
	var conn []field
	if r.listed {
		conn = connectionFields(r.fields[:r.n], connBuf[:0])
	}
	for _, fl := range r.fields[:r.n] {
		if skipResponseField(fl.name, r) || r.listed && listedIn(fl.name, conn) {
			continue
		}
		bw.Write(fl.name)
		bw.WriteString(": ")
		bw.Write(fl.value)
		bw.WriteString("\r\n")
	}
	if r.pragmaNC && !r.hasCacheCtl &&
		!(r.listed && listedIn([]byte("Cache-Control"), conn)) {
		// net/http.ReadResponse adds it (net/http/response.go
		// fixPragmaCacheControl) and ReverseProxy copies it.
		bw.WriteString("Cache-Control: no-cache\r\n")
	}
	if len(sniff) > 0 {
		bw.WriteString("Content-Type: ")
		bw.WriteString(http.DetectContentType(sniff))
		bw.WriteString("\r\n")
	}
	if !r.hasDate {
		writeDate(bw)
	}
	switch {
	case !withBody:
		// 1xx, 204 and 304 carry no Content-Length or
		// Transfer-Encoding (net/http/server.go suppressedHeaders).
	case r.length >= 0:
		bw.WriteString("Content-Length: ")
		writeInt(bw, r.length, 10)
		bw.WriteString("\r\n")
	case !r.bodyless:
		// Unknown length: the body is re-chunked to the client, as
		// net/http's server does with ReverseProxy's streamed copy.
		bw.WriteString("Transfer-Encoding: chunked\r\n")
	}
	if fc.head.close {
		bw.WriteString("Connection: close\r\n")
	}
	bw.WriteString("\r\n")
	var err error
	switch {
	case r.bodyless:
	case r.chunked:
		err = fc.copyChunked(pc.br)
	case r.length >= 0:
		err = fc.copyN(pc.br, r.length)
	default:
		err = fc.copyToEOF(pc.br)
	}
	if err == nil {
		err = bw.Flush()
	}
	if err != nil {
		e.Error = err.Error()
		var ne net.Error
		if fc.out.err != nil && !(errors.As(fc.out.err, &ne) && ne.Timeout()) {
			// The client went away; nginx logs 499 then, as ServeHTTP
			// does (upstreamError).
			e.Status = 499
		}
		return outcomeClose, false
	}
	return outcomeKeep, !r.close
}

// skipResponseField reports whether an upstream response field is not
// passed on: hop-by-hop fields (ReverseProxy's removeHopByHopHeaders),
// Content-Length, which relay writes itself, and Content-Type on a 304
// (net/http/server.go suppressedHeaders). The Trailer field stays with a
// chunked body, whose trailer section is passed on.
func skipResponseField(name []byte, r *responseHead) bool {
	if len(name) < 2 {
		return false
	}
	switch lower(name[0]) {
	case 'c':
		return equalFold(name, "Connection") || equalFold(name, "Content-Length") ||
			r.status == http.StatusNotModified && equalFold(name, "Content-Type")
	case 'k':
		return equalFold(name, "Keep-Alive")
	case 'p':
		return equalFold(name, "Proxy-Connection") ||
			equalFold(name, "Proxy-Authenticate") || equalFold(name, "Proxy-Authorization")
	case 't':
		return equalFold(name, "Te") || equalFold(name, "Transfer-Encoding") ||
			equalFold(name, "Trailer") && (!r.chunked || r.bodyless)
	case 'u':
		return equalFold(name, "Upgrade")
	}
	return false
}
