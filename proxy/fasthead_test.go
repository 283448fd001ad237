package proxy

import (
	"bufio"
	"bytes"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/net/http/httpguts"
)

// FuzzParseRequestHead checks that parseRequestHead never panics, that
// it only asks for more bytes while no head is complete, and that every
// head it accepts for the fast path is one net/http's server accepts and
// reads the same way: method, target, path, Host, fields, Connection:
// close (net/http/request.go readRequest, server.go (*conn).readRequest).
func FuzzParseRequestHead(f *testing.F) {
	// The smallest request the fast path serves.
	f.Add([]byte("GET / HTTP/1.1\r\nHost: a\r\n\r\n"))
	// What wrk sends in bench/proxy.sh.
	f.Add([]byte("GET /p3/item HTTP/1.1\r\nHost: h7.example\r\n\r\n"))
	// A browser-like head: several fields, a query, escapes.
	f.Add([]byte("GET /a%20b/c?q=1&r=%zz HTTP/1.1\r\nHost: example.com:8080\r\nUser-Agent: x\r\nAccept: */*\r\nCookie: a=b; c=d\r\n\r\n"))
	// Connection tokens: close, and a field to drop.
	f.Add([]byte("HEAD /x HTTP/1.1\r\nHost: [::1]:80\r\nConnection: close, X-Drop\r\nX-Drop: 1\r\n\r\n"))
	// Fields net/http adds to (Pragma) or merges (case variants).
	f.Add([]byte("OPTIONS /o HTTP/1.1\r\nhost: h\r\nPragma: no-cache\r\nx-a: 1\r\nX-A: 2\r\n\r\n"))
	// Optional white space around values, an empty value.
	f.Add([]byte("GET / HTTP/1.1\r\nHost:h\r\nX-E:\r\nX-T: \t v \t\r\n\r\n"))
	// Requests for net/http: a body, HTTP/1.0, obs-fold, bare LF, no
	// Host, two Hosts, absolute-form, a fragment, a bad escape.
	f.Add([]byte("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\n\r\nx"))
	f.Add([]byte("GET / HTTP/1.0\r\n\r\n"))
	f.Add([]byte("GET / HTTP/1.1\r\nHost: a\r\nX: 1\r\n 2\r\n\r\n"))
	f.Add([]byte("GET / HTTP/1.1\nHost: a\n\n"))
	f.Add([]byte("GET / HTTP/1.1\r\n\r\n"))
	f.Add([]byte("GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n"))
	f.Add([]byte("GET http://a/ HTTP/1.1\r\nHost: a\r\n\r\n"))
	f.Add([]byte("GET /a#b HTTP/1.1\r\nHost: a\r\n\r\n"))
	f.Add([]byte("GET /%zz HTTP/1.1\r\nHost: a\r\n\r\n"))
	// An incomplete head, and a lone CR.
	f.Add([]byte("GET / HTTP/1.1\r\nHost: a\r\n"))
	f.Add([]byte("GET / HTTP/1.1\rHost: a\r\n\r\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		var h requestHead
		switch parseRequestHead(b, &h) {
		case headMore:
			if bytes.Contains(b, []byte("\r\n\r\n")) || bytes.Contains(b, []byte("\n\n")) {
				t.Fatalf("%q: asks for more bytes after a complete head", b)
			}
			return
		case headOther:
			return
		}
		if h.size <= 0 || h.size > len(b) || !bytes.HasSuffix(b[:h.size], []byte("\r\n\r\n")) {
			t.Fatalf("%q: head size %d", b, h.size)
		}
		req, err := http.ReadRequest(bufio.NewReader(bytes.NewReader(b[:h.size])))
		if err != nil {
			t.Fatalf("%q: the fast path accepts what net/http refuses: %v", b, err)
		}
		// http.ReadRequest refuses two Hosts and moves the one to
		// req.Host; the server refuses none or a malformed one.
		if req.Host == "" || !httpguts.ValidHostHeader(req.Host) {
			t.Fatalf("%q: net/http's server refuses Host %q", b, req.Host)
		}
		for k, vv := range req.Header {
			if !httpguts.ValidHeaderFieldName(k) {
				t.Fatalf("%q: net/http's server refuses field name %q", b, k)
			}
			for _, v := range vv {
				if !httpguts.ValidHeaderFieldValue(v) {
					t.Fatalf("%q: net/http's server refuses field value %q", b, v)
				}
			}
		}
		header := h.header()
		delete(header, "Host")
		got := map[string]any{
			"method": h.method, "target": string(h.target), "path": string(h.path), "host": string(h.host),
			"close": h.close, "body": false, "header": header,
		}
		want := map[string]any{
			"method": req.Method, "target": req.RequestURI, "path": req.URL.EscapedPath(), "host": req.Host,
			"close": req.Close, "body": req.ContentLength != 0 || req.TransferEncoding != nil, "header": req.Header,
		}
		if req.URL.RequestURI() != req.RequestURI {
			t.Fatalf("%q: net/http reads the target as %q", b, req.URL.RequestURI())
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Fatalf("%q: fast path and net/http disagree (-net/http +fast):\n%s", b, diff)
		}
	})
}

// FuzzOutboundPath checks that outboundPath, which the fast path writes,
// is the request-target path rewrite's URL gives net/http's
// Request.Write, and that a forwardable path reaches the upstream byte
// for byte.
func FuzzOutboundPath(f *testing.F) {
	f.Add("/")          // the root
	f.Add("/p3/item")   // a plain path
	f.Add("/a%2Fb%41")  // escapes kept as sent
	f.Add("/a b")       // a space, escaped
	f.Add("/a?b")       // a question mark splits the path
	f.Add("/%zz")       // a bad escape: "/"
	f.Add("//host/x")   // no authority in a request path
	f.Add("/a\"<>{}|^") // characters EscapedPath would escape, kept
	f.Add("admin/x")    // no leading slash
	f.Add("")           // nothing
	f.Fuzz(func(t *testing.T, p string) {
		u := &url.URL{Scheme: "http", Host: "upstream"}
		setOutboundPath(u, p)
		want := u.RequestURI()
		got := outboundPath(p)
		if got != want {
			t.Fatalf("outboundPath(%q) = %q, net/http writes %q", p, got, want)
		}
		if forwardable(p) && !strings.HasPrefix(p, "//") && got != p {
			t.Fatalf("outboundPath(%q) = %q, want it unchanged", p, got)
		}
		if !strings.HasPrefix(got, "/") || strings.HasPrefix(got, "//") && !strings.HasPrefix(p, "//") {
			t.Fatalf("outboundPath(%q) = %q: not a path", p, got)
		}
	})
}
