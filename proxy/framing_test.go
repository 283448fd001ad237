package proxy

import (
	"bytes"
	"crypto/tls"
	"io"
	"net"
	"strings"
	"testing"
	"time"
)

// rawTLSExchange is rawExchange over TLS, speaking HTTP/1.1 (no ALPN
// h2).
func rawTLSExchange(t *testing.T, addr, raw string, wait time.Duration) string {
	t.Helper()
	c, err := tls.Dial("tcp", addr, &tls.Config{ServerName: "example.com", InsecureSkipVerify: true, NextProtos: []string{"http/1.1"}})
	if err != nil {
		t.Fatal(err)
	}
	return rawConnExchange(t, c, raw, wait)
}

// statuses returns the status codes of the responses in what a client
// read, in order.
func statuses(got string) []string {
	var out []string
	for _, l := range statusLines.FindAllString(got, -1) {
		out = append(out, strings.Fields(l)[1])
	}
	return out
}

// Regression test: a request framed two ways (both
// Content-Length and Transfer-Encoding, or HTTP/1.0 with
// Transfer-Encoding) is refused with 400 and its connection closed
// however the connection is served: as the first request of a plain
// connection (the fast loop), as a later one on a connection net/http
// serves, and on the HTTPS listener (a raw TLS socket), as nginx does
// (src/http/ngx_http_request.c ngx_http_process_request_header).
func TestAmbiguousFramingEveryPath(t *testing.T) {
	const (
		clean    = "GET /users HTTP/1.1\r\nHost: example.com\r\n\r\n"
		body     = "POST /users HTTP/1.1\r\nHost: example.com\r\nContent-Length: 3\r\n\r\nabc"
		chunked  = "POST /users HTTP/1.1\r\nHost: example.com\r\nTransfer-Encoding: chunked\r\n\r\n3;ext=1\r\nabc\r\n0\r\nX-Trailer: 1\r\n\r\n"
		bothCLTE = "POST /users HTTP/1.1\r\nHost: example.com\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"
		bothTECL = "POST /users HTTP/1.1\r\nHost: example.com\r\ntransfer-encoding: chunked\r\ncontent-length: 0\r\n\r\n0\r\n\r\n"
		http10TE = "POST /users HTTP/1.0\r\nHost: example.com\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nGET /\r\n0\r\n\r\n"
		smuggle  = "GET /admin/smuggled HTTP/1.1\r\nHost: example.com\r\n\r\n"
	)
	proxies := pathProxies(t, Options{})
	proxies["echo"] = startProxy(t, Options{Echo: true}, func(p *Proxy) error {
		return p.Update(loadSet(t, "testdata/paths.yaml"))
	})
	tests := []struct {
		name string
		raw  string
		want string // status codes, in order, then the connection closes
	}{
		{"first request both", bothCLTE + smuggle, "400"},
		{"after a body both", body + bothCLTE + smuggle, "200 400"},
		{"after a body both, lower case", body + bothTECL + smuggle, "200 400"},
		{"after a body http/1.0", body + http10TE + smuggle, "200 400"},
		{"after a chunked body", body + chunked + bothCLTE + smuggle, "200 200 400"},
		{"after chunked, clean ones", body + chunked + clean + bothCLTE, "200 200 200 400"},
	}
	for name, r := range proxies {
		for _, tt := range tests {
			for _, scheme := range []string{"http", "https"} {
				var got string
				if scheme == "http" {
					got = rawExchange(t, r.http, tt.raw, 2*time.Second)
				} else {
					got = rawTLSExchange(t, r.https, tt.raw, 2*time.Second)
				}
				if s := strings.Join(statuses(got), " "); s != tt.want || strings.Contains(got, "smuggled") {
					t.Errorf("%s %s %s: statuses %q, want %q; got:\n%s", name, scheme, tt.name, s, tt.want, got)
				}
				if strings.HasSuffix(tt.want, "400") && !strings.Contains(got, "Transfer-Encoding") {
					t.Errorf("%s %s %s: the 400 does not say why:\n%s", name, scheme, tt.name, got)
				}
			}
		}
	}
	// The refusals are logged with their reason.
	r := proxies["net/http"]
	n := len(r.logAfter(t, 1))
	rawTLSExchange(t, r.https, body+bothCLTE, 2*time.Second)
	entries := r.logAfter(t, n+2)
	last := entries[len(entries)-1]
	if last.Status != 400 || !strings.Contains(last.Error, "both Content-Length and Transfer-Encoding") || last.Scheme != "https" {
		t.Errorf("access log %+v, want 400 over https with the reason", last)
	}
}

// TestHTTP2StillServed checks that HTTPS connections offering h2 speak
// HTTP/2 now that the proxy does the TLS handshakes itself.
func TestHTTP2StillServed(t *testing.T) {
	r := pathProxies(t, Options{})["fast"]
	c, err := tls.Dial("tcp", r.https, &tls.Config{ServerName: "example.com", InsecureSkipVerify: true, NextProtos: []string{"h2", "http/1.1"}})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if p := c.ConnectionState().NegotiatedProtocol; p != "h2" {
		t.Errorf("ALPN chose %q, want h2", p)
	}
}

// TestChunkScan checks the chunked-body scanner against bodies split at
// every byte.
func TestChunkScan(t *testing.T) {
	tests := []struct {
		body string
		end  int // -1: malformed
	}{
		{"0\r\n\r\nNEXT", 5},
		{"3\r\nabc\r\n0\r\n\r\nNEXT", 13},
		{"A;name=v\r\n0123456789\r\n0\r\nTrailer: x\r\n\r\nNEXT", 39},
		{"3\nabc\n0\n\nNEXT", 9},
		{"x\r\n", -1},
		{"3\r\nabcd\r\n", -1},
		{"ffffffffffffffff\r\n", -1},
	}
	for _, tt := range tests {
		for split := 0; split <= len(tt.body); split++ {
			var s chunkScan
			end, ok := s.scan([]byte(tt.body[:split]))
			off := 0
			if ok && end < 0 {
				off = split
				end, ok = s.scan([]byte(tt.body[split:]))
				if end >= 0 {
					end += off
				}
			}
			if tt.end < 0 {
				if ok {
					t.Errorf("%q split at %d: end %d, want malformed", tt.body, split, end)
				}
				continue
			}
			if !ok || end != tt.end {
				t.Errorf("%q split at %d: end %d ok %v, want %d", tt.body, split, end, ok, tt.end)
			}
		}
	}
}

var _ net.Conn = (*framingConn)(nil)

// stepConn is a connection whose reads return at most step bytes of b,
// then io.EOF.
type stepConn struct {
	net.Conn
	b    []byte
	step int
}

func (c *stepConn) Read(p []byte) (int, error) {
	if len(c.b) == 0 {
		return 0, io.EOF
	}
	n := copy(p[:min(len(p), c.step)], c.b)
	c.b = c.b[n:]
	return n, nil
}

// FuzzFramingConn checks that framingConn hands on every byte of a
// connection unchanged, however the reads split it, unless it refuses a
// request: then what it handed on is a prefix of the input followed by
// the stand-in head carrying its token, and nothing after.
func FuzzFramingConn(f *testing.F) {
	// Clean requests with each kind of body, then a refused one.
	f.Add([]byte("GET / HTTP/1.1\r\nHost: a\r\n\r\nPOST / HTTP/1.1\r\nContent-Length: 3\r\n\r\nabcPOST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\nPOST / HTTP/1.1\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"), uint8(3), uint8(5))
	// HTTP/1.0 with Transfer-Encoding.
	f.Add([]byte("POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"), uint8(1), uint8(1))
	// An upgrade: the rest is not HTTP.
	f.Add([]byte("GET / HTTP/1.1\r\nUpgrade: websocket\r\n\r\n\x81\x05hello\r\n\r\n"), uint8(2), uint8(7))
	// Malformed chunks, bare LF heads, a head never finished.
	f.Add([]byte("POST / HTTP/1.1\nTransfer-Encoding: chunked\n\nzz\n"), uint8(4), uint8(2))
	f.Add([]byte("GET / HTTP/1.1\r\nHost: a\r\n"), uint8(6), uint8(3))
	f.Fuzz(func(t *testing.T, data []byte, step, bufSize uint8) {
		fc := newFramingConn(&stepConn{b: data, step: int(step%16) + 1}, 1<<12, nil)
		var out []byte
		buf := make([]byte, int(bufSize%32)+1)
		for i := 0; ; i++ {
			n, err := fc.Read(buf)
			out = append(out, buf[:n]...)
			if err != nil {
				break
			}
			if i > 4*len(data)+100 {
				t.Fatalf("no end after %d reads", i)
			}
		}
		fc.mu.Lock()
		refused := fc.refused
		fc.mu.Unlock()
		if refused == "" {
			if !bytes.Equal(out, data) {
				t.Fatalf("handed on %q, want the input %q", out, data)
			}
			return
		}
		// out is a prefix of the input, then the stand-in head: its
		// request line, perhaps Host, Connection: close and the token.
		k := 0
		for k < len(out) && k < len(data) && out[k] == data[k] {
			k++
		}
		// (The input's prefix may run into the stand-in, which repeats
		// the refused head's first bytes.)
		rest, tail := out[k:], []byte("Connection: close\r\n"+refusedHeader+": "+fc.token+"\r\n\r\n")
		if !bytes.HasSuffix(rest, tail) && !bytes.HasSuffix(tail, rest) || bytes.Count(rest, []byte("\r\n")) > 5 {
			t.Fatalf("refused (%s), but what came after the input's prefix is no stand-in head: %q", refused, rest)
		}
	})
}
