package proxy

import (
	"bufio"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/ingresskit/ingresskit/simulate/nginx"
)

// rawProxy serves testdata/routes.yaml with default/users:80 on a raw
// upstream that runs answer for every request it reads, on the fast
// path or, with noFast, on net/http alone.
func rawProxy(t *testing.T, noFast bool, answer func(c net.Conn, req *http.Request)) *running {
	t.Helper()
	return rawProxyOpts(t, noFast, Options{}, answer)
}

// rawExchange writes raw to a new connection to addr and returns every
// byte the proxy sends back until it closes the connection or stays
// silent for wait.
func rawExchange(t *testing.T, addr, raw string, wait time.Duration) string {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	return rawConnExchange(t, c, raw, wait)
}

// rawConnExchange writes raw on c and returns every byte read back until the
// peer closes the connection or stays silent for wait; it closes c.
func rawConnExchange(t *testing.T, c net.Conn, raw string, wait time.Duration) string {
	t.Helper()
	defer c.Close()
	if _, err := io.WriteString(c, raw); err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	buf := make([]byte, 4096)
	for {
		_ = c.SetReadDeadline(time.Now().Add(wait))
		n, err := c.Read(buf)
		b.Write(buf[:n])
		if err != nil {
			return b.String()
		}
	}
}

// statusLines finds the status lines in what a client read.
var statusLines = regexp.MustCompile(`(?m)^HTTP/1\.1 \d{3} `)

// smuggled is a whole response an upstream sends where none belongs.
const smuggled = "HTTP/1.1 200 OK\r\nContent-Length: 8\r\n\r\nsmuggled"

// Regression test: bytes an upstream sends beyond
// the response it declared never answer another request: the upstream
// connection is not reused and the client's is closed.
func TestUpstreamExtraBytes(t *testing.T) {
	answer := func(c net.Conn, req *http.Request) {
		var out string
		switch {
		case req.Method == http.MethodHead:
			out = "HTTP/1.1 200 OK\r\nContent-Length: 8\r\n\r\n" + smuggled
		case strings.HasSuffix(req.URL.Path, "/extra"):
			out = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok" + smuggled
		case strings.HasSuffix(req.URL.Path, "/204"):
			out = "HTTP/1.1 204 No Content\r\n\r\n" + smuggled
		case strings.HasSuffix(req.URL.Path, "/304"):
			out = "HTTP/1.1 304 Not Modified\r\nContent-Length: 8\r\n\r\n" + smuggled
		case strings.HasSuffix(req.URL.Path, "/chunked"):
			out = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\n\r\n" + smuggled
		default:
			body := "real " + req.URL.Path
			out = fmt.Sprintf("HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n%s", len(body), body)
		}
		_, _ = io.WriteString(c, out)
	}
	for _, path := range []string{"fast", "net/http"} {
		r := rawProxy(t, path == "net/http", answer)
		for _, first := range []string{
			"HEAD /users/h HTTP/1.1\r\nHost: example.com\r\n\r\n",
			"GET /users/extra HTTP/1.1\r\nHost: example.com\r\n\r\n",
			"GET /users/204 HTTP/1.1\r\nHost: example.com\r\n\r\n",
			"GET /users/304 HTTP/1.1\r\nHost: example.com\r\n\r\n",
			"GET /users/chunked HTTP/1.1\r\nHost: example.com\r\n\r\n",
		} {
			name := path + " " + strings.Fields(first)[0] + " " + strings.Fields(first)[1]
			t.Run(name, func(t *testing.T) {
				got := rawExchange(t, r.http, first+"GET /users/same HTTP/1.1\r\nHost: example.com\r\n\r\n", 500*time.Millisecond)
				if strings.Contains(got, "smuggled") || strings.Contains(got, "real /users/same") {
					t.Errorf("the client's connection was kept after an upstream answer that did not frame:\n%s", got)
				}
				next := rawExchange(t, r.http, "GET /users/next HTTP/1.1\r\nHost: example.com\r\nConnection: close\r\n\r\n", 500*time.Millisecond)
				if !strings.HasSuffix(next, "real /users/next") {
					t.Errorf("the next client got another answer:\n%s", next)
				}
			})
		}
	}
}

// pathProxies serves testdata/paths.yaml with every backend on
// startUpstream, on the fast path and on net/http alone.
func pathProxies(t *testing.T, opts Options) map[string]*running {
	t.Helper()
	up := strings.TrimPrefix(startUpstream(t).URL, "http://")
	set := loadSet(t, "testdata/paths.yaml")
	ups := []Upstream{mustUpstream(t, "default/users:80="+up), mustUpstream(t, "default/admin:80="+up)}
	out := map[string]*running{}
	for _, name := range []string{"fast", "net/http"} {
		out[name] = startProxy(t, opts, func(p *Proxy) error {
			p.noFast = name == "net/http"
			return p.Update(set, ups)
		})
	}
	return out
}

// Regression test: a request-target that is neither
// origin-form nor absolute-form is refused, and TRACE is not allowed,
// on every listener and over HTTP/2.
func TestRequestTargetForms(t *testing.T) {
	for name, r := range pathProxies(t, Options{}) {
		for _, tt := range []struct {
			raw  string
			want int
		}{
			{"GET x:admin/secret.txt HTTP/1.1\r\nHost: example.com\r\n\r\n", http.StatusBadRequest},
			{"GET mailto:admin HTTP/1.1\r\nHost: example.com\r\n\r\n", http.StatusBadRequest},
			{"TRACE /users HTTP/1.1\r\nHost: example.com\r\n\r\n", http.StatusMethodNotAllowed},
			{"GET http://example.com/users/abs HTTP/1.1\r\nHost: example.com\r\n\r\n", http.StatusOK},
		} {
			t.Run(name+" "+strings.Fields(tt.raw)[1], func(t *testing.T) {
				resp := rawRoundTrip(t, r.http, tt.raw)
				body, _ := io.ReadAll(resp.Body)
				if resp.StatusCode != tt.want {
					t.Errorf("status %d, want %d: %s", resp.StatusCode, tt.want, body)
				}
				if tt.want == http.StatusOK {
					if s := decodeSeen(t, string(body)); s.URI != "/users/abs" {
						t.Errorf("upstream saw %q, want /users/abs", s.URI)
					}
				}
			})
		}
	}
	// An HTTP/2 :path of "x:admin" reaches the handler as this request.
	p := New(Options{})
	if err := p.Update(loadSet(t, "testdata/routes.yaml"), []Upstream{mustUpstream(t, "default/users:80="+closedAddr(t))}); err != nil {
		t.Fatal(err)
	}
	req := newRequest(t, "http://example.com/")
	req.ProtoMajor, req.Proto, req.RequestURI = 2, "HTTP/2.0", "x:admin"
	req.URL = &url.URL{Scheme: "x", Opaque: "admin"}
	if rec := serve(p, req); rec.Code != http.StatusBadRequest {
		t.Errorf("HTTP/2 :path x:admin: status %d, want 400", rec.Code)
	}
}

// Regression test: with the nginx profile the upstream
// gets the path exactly as the client sent it, never decoded once more.
func TestNginxForwardsClientBytes(t *testing.T) {
	for name, r := range pathProxies(t, Options{Profile: nginx.Profile{}}) {
		for _, path := range []string{
			"/users/%252e%252e/admin", "/users/%00", "/users/x%0Ay", "/users/%25", "/users/a%3Fb", "/users/a/%2e%2e/x", "/users/a{b",
		} {
			t.Run(name+" "+path, func(t *testing.T) {
				resp := rawRoundTrip(t, r.http, "GET "+path+"?q=1 HTTP/1.1\r\nHost: example.com\r\n\r\n")
				body, _ := io.ReadAll(resp.Body)
				if resp.StatusCode != http.StatusOK {
					t.Fatalf("status %d: %s", resp.StatusCode, body)
				}
				if s := decodeSeen(t, string(body)); s.URI != path+"?q=1" {
					t.Errorf("upstream saw %q, want %q", s.URI, path+"?q=1")
				}
			})
		}
		// "/users%3F" is "/users?" to nginx, which matches neither
		// location of the Prefix path /users.
		resp := rawRoundTrip(t, r.http, "GET /users%3F HTTP/1.1\r\nHost: example.com\r\n\r\n")
		if resp.StatusCode != http.StatusNotFound {
			t.Errorf("%s /users%%3F: status %d, want 404", name, resp.StatusCode)
		}
	}
}

// Regression test: the spec profile matches rules with
// %2F kept encoded, so a path with an encoded slash or backslash is
// refused rather than forwarded to an upstream that may decode it.
func TestSpecEncodedSlash(t *testing.T) {
	for name, r := range pathProxies(t, Options{}) {
		for _, path := range []string{"/users/..%2Fadmin/secret.txt", "/users/..%2fadmin", "/users/..%5Cadmin"} {
			resp := rawRoundTrip(t, r.http, "GET "+path+" HTTP/1.1\r\nHost: example.com\r\n\r\n")
			if resp.StatusCode != http.StatusBadRequest {
				t.Errorf("%s %s: status %d, want 400", name, path, resp.StatusCode)
			}
		}
		// Routed and forwarded: the same normalized path.
		resp := rawRoundTrip(t, r.http, "GET /users/%61/./b HTTP/1.1\r\nHost: example.com\r\n\r\n")
		body, _ := io.ReadAll(resp.Body)
		if s := decodeSeen(t, string(body)); s.URI != "/users/a/b" {
			t.Errorf("%s: upstream saw %q, want /users/a/b", name, s.URI)
		}
	}
}

// Regression test: a malformed chunked request body is
// the client's fault: 400, not a 502 blaming the upstream.
func TestMalformedRequestBody(t *testing.T) {
	for name, r := range pathProxies(t, Options{}) {
		got := rawExchange(t, r.http, "POST /users HTTP/1.1\r\nHost: example.com\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nabc\r\nzz\r\n", 2*time.Second)
		if !strings.HasPrefix(got, "HTTP/1.1 400 ") {
			t.Errorf("%s: got %q, want 400", name, got)
		}
	}
}

// Regression test: a request with both Content-Length
// and Transfer-Encoding, or HTTP/1.0 with Transfer-Encoding, is answered
// 400 and its connection closed (RFC 9112 section 6.1 and 6.3), whatever
// serves the listener.
func TestAmbiguousFraming(t *testing.T) {
	proxies := pathProxies(t, Options{})
	proxies["echo"] = startProxy(t, Options{Echo: true}, func(p *Proxy) error {
		return p.Update(loadSet(t, "testdata/paths.yaml"))
	})
	for name, r := range proxies {
		for _, raw := range []string{
			"POST /users HTTP/1.1\r\nHost: example.com\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\nGET /admin HTTP/1.1\r\nHost: example.com\r\n\r\n",
			"POST /users HTTP/1.1\r\nHost: example.com\r\nTransfer-Encoding: chunked\r\ncontent-length: 0\r\n\r\n0\r\n\r\n",
			"POST /users HTTP/1.0\r\nHost: example.com\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nGET /\r\n0\r\n\r\n",
		} {
			got := rawExchange(t, r.http, raw, 2*time.Second)
			if !strings.HasPrefix(got, "HTTP/1.1 400 ") || len(statusLines.FindAllString(got, -1)) != 1 {
				t.Errorf("%s %q:\ngot %q, want one answer, 400", name, raw, got)
			}
		}
		// After a request net/http read on the same connection, the
		// connection closes after the answer: the smuggled /admin is
		// never answered.
		got := rawExchange(t, r.http, "POST /users HTTP/1.1\r\nHost: example.com\r\nContent-Length: 1\r\n\r\nx"+
			"POST /users HTTP/1.1\r\nHost: example.com\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"+
			"GET /admin/smuggled HTTP/1.1\r\nHost: example.com\r\n\r\n", 2*time.Second)
		if len(statusLines.FindAllString(got, -1)) != 2 || strings.Contains(got, "smuggled") {
			t.Errorf("%s: got %q, want two answers and a close", name, got)
		}
	}
}

// Regression test: an upstream response head with a
// control byte in a field value is answered 502, on the fast path as by
// net/http. (Neither passes the reason phrase on.)
func TestUpstreamControlBytes(t *testing.T) {
	heads := map[string]string{
		"/users/cr":  "HTTP/1.1 200 OK\r\nX-Bad: a\rSet-Cookie: evil=1\r\nContent-Length: 2\r\n\r\nok",
		"/users/nul": "HTTP/1.1 200 OK\r\nX-Bad: a\x00b\r\nContent-Length: 2\r\n\r\nok",
		"/users/ctl": "HTTP/1.1 200 OK\r\nX-Bad: a\x01b\r\nContent-Length: 2\r\n\r\nok",
		"/users/del": "HTTP/1.1 200 OK\r\nX-Bad: a\x7fb\r\nContent-Length: 2\r\n\r\nok",
	}
	answer := func(c net.Conn, req *http.Request) {
		out, ok := heads[req.URL.Path]
		if !ok {
			out = "HTTP/1.1 200 OK\r\nX-Fine: a\tb \x80\r\nContent-Length: 2\r\n\r\nok"
		}
		_, _ = io.WriteString(c, out)
	}
	for _, path := range []string{"fast", "net/http"} {
		r := rawProxy(t, path == "net/http", answer)
		for p := range heads {
			resp := rawRoundTrip(t, r.http, "GET "+p+" HTTP/1.1\r\nHost: example.com\r\n\r\n")
			if resp.StatusCode != http.StatusBadGateway {
				t.Errorf("%s %s: status %d, want 502 (header %q)", path, p, resp.StatusCode, resp.Header)
			}
		}
		resp := rawRoundTrip(t, r.http, "GET /users/fine HTTP/1.1\r\nHost: example.com\r\n\r\n")
		if resp.StatusCode != http.StatusOK {
			t.Errorf("%s: tab and obs-text: status %d, want 200", path, resp.StatusCode)
		}
	}
}

// Regression test: the HTTPS listener makes local
// certificates only for hosts the rules name, localhost and IP
// addresses, and keeps a bounded number of them.
func TestIssueOnlyServedHosts(t *testing.T) {
	r, _ := routesProxy(t, Options{})
	for _, tt := range []struct {
		sni string
		ok  bool
	}{
		{"example.com", true},
		{"EXAMPLE.com.", true},
		{"localhost", true},
		{"127.0.0.1", true}, // no SNI is sent for an IP: the localhost certificate
		{"www.google.com", false},
		{"*.com", false},
		{"sub.example.com", false},
	} {
		conn, err := tls.Dial("tcp", r.https, &tls.Config{ServerName: tt.sni, InsecureSkipVerify: true})
		if tt.ok != (err == nil) {
			t.Errorf("SNI %q: handshake error %v, want success %v", tt.sni, err, tt.ok)
		}
		if err == nil {
			conn.Close()
		}
	}
	if n := r.p.issued.len(); n != 2 {
		t.Errorf("%d certificates issued, want 2 (example.com and localhost)", n)
	}
	// A wildcard rule covers one label.
	tab := &table{hosts: map[string]bool{"*.example.org": true}}
	for host, want := range map[string]bool{"a.example.org": true, "a.b.example.org": false, "example.org": false, "::1": true} {
		if got := tab.serves(host); got != want {
			t.Errorf("serves(%q) = %v, want %v", host, got, want)
		}
	}
}

func TestCertCacheBound(t *testing.T) {
	cc := newCertCache(2)
	a, b, c := &tls.Certificate{}, &tls.Certificate{}, &tls.Certificate{}
	cc.add("a", a)
	cc.add("b", b)
	if cc.get("a") != a {
		t.Fatal("a not kept")
	}
	cc.add("c", c) // drops b, the least recently used
	if cc.len() != 2 || cc.get("b") != nil || cc.get("a") != a || cc.get("c") != c {
		t.Errorf("cache holds %d, b %v", cc.len(), cc.get("b"))
	}
}

// Regression test: a stalled request body, an upstream
// that stalls mid-body and a client that never reads each hold their
// connections only for the matching timeout.
func TestBodyTimeouts(t *testing.T) {
	const timeout = 300 * time.Millisecond
	stall := make(chan struct{})
	t.Cleanup(func() { close(stall) })
	answer := func(c net.Conn, req *http.Request) {
		switch {
		case strings.HasSuffix(req.URL.Path, "/stall"):
			// A body of 100 bytes without a Content-Type, of which 10
			// come: the fast path would sniff the type before writing
			// the head.
			_, _ = io.WriteString(c, "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n0123456789")
			<-stall
		case strings.HasSuffix(req.URL.Path, "/big"):
			_, _ = io.WriteString(c, "HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Length: 1073741824\r\n\r\n")
			chunk := make([]byte, 64<<10)
			for {
				if _, err := c.Write(chunk); err != nil {
					return
				}
			}
		default:
			_, _ = io.WriteString(c, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")
		}
	}
	opts := Options{ReadTimeout: timeout, ClientBodyTimeout: timeout, SendTimeout: timeout}
	for _, path := range []string{"fast", "net/http"} {
		r := rawProxyOpts(t, path == "net/http", opts, answer)
		t.Run(path+" upstream stalls mid-body", func(t *testing.T) {
			// GET takes the fast path and net/http's h1Transport, POST
			// net/http.Transport.
			for method, raw := range map[string]string{
				"GET":  "GET /users/stall HTTP/1.1\r\nHost: example.com\r\n\r\n",
				"POST": "POST /users/stall HTTP/1.1\r\nHost: example.com\r\nContent-Length: 1\r\n\r\nx",
			} {
				start := time.Now()
				got := rawExchange(t, r.http, raw, 10*time.Second)
				if d := time.Since(start); d > 5*time.Second {
					t.Errorf("%s: connection held %v", method, d)
				}
				if !strings.HasPrefix(got, "HTTP/1.1 200 OK\r\n") || !strings.HasSuffix(got, "0123456789") {
					t.Errorf("%s: client got %q, want the head and the 10 bytes sent", method, got)
				}
			}
		})
		t.Run(path+" client body stalls", func(t *testing.T) {
			start := time.Now()
			got := rawExchange(t, r.http, "POST /users/x HTTP/1.1\r\nHost: example.com\r\nContent-Length: 10\r\n\r\nabc", 10*time.Second)
			if d := time.Since(start); d > 5*time.Second {
				t.Errorf("connection held %v", d)
			}
			if !strings.HasPrefix(got, "HTTP/1.1 408 ") {
				t.Errorf("client got %q, want 408", got)
			}
		})
		t.Run(path+" client never reads", func(t *testing.T) {
			before := len(r.log())
			c, err := net.Dial("tcp", r.http)
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			_ = c.(*net.TCPConn).SetReadBuffer(4 << 10)
			_, _ = io.WriteString(c, "GET /users/big HTTP/1.1\r\nHost: example.com\r\n\r\n")
			log := r.logAfter(t, before+1)
			if e := log[len(log)-1]; e.Error == "" || e.Bytes >= 1<<30 {
				t.Errorf("access log %+v, want the send cut short", e)
			}
		})
	}
}

// rawProxyOpts is rawProxy with opts.
func rawProxyOpts(t *testing.T, noFast bool, opts Options, answer func(c net.Conn, req *http.Request)) *running {
	t.Helper()
	up := serveRaw(t, func(c net.Conn) {
		br := bufio.NewReader(c)
		for {
			req, err := http.ReadRequest(br)
			if err != nil {
				return
			}
			_, _ = io.Copy(io.Discard, req.Body)
			answer(c, req)
		}
	})
	set := loadSet(t, "testdata/routes.yaml")
	return startProxy(t, opts, func(p *Proxy) error {
		p.noFast = noFast
		return p.Update(set, []Upstream{mustUpstream(t, "default/users:80="+up)})
	})
}

// Regression test: beyond MaxConns client connections
// the proxy closes the one idle longest and keeps serving new clients.
func TestMaxConns(t *testing.T) {
	up := startUpstream(t)
	p := New(Options{})
	if err := p.Update(loadSet(t, "testdata/paths.yaml"), []Upstream{mustUpstream(t, "default/users:80="+strings.TrimPrefix(up.URL, "http://"))}); err != nil {
		t.Fatal(err)
	}
	addr, _ := serveFor(t, p, ServeOptions{MaxConns: 4})
	var idle []net.Conn
	for i := range 4 {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		// Half of them served a request and are kept alive; the others
		// never sent anything.
		if i%2 == 0 {
			_, _ = io.WriteString(c, "GET /users/k HTTP/1.1\r\nHost: example.com\r\n\r\n")
			resp, err := http.ReadResponse(bufio.NewReader(c), nil)
			if err != nil {
				t.Fatal(err)
			}
			_, _ = io.Copy(io.Discard, resp.Body)
		}
		idle = append(idle, c)
		time.Sleep(20 * time.Millisecond)
	}
	waitFor(t, "four connections held", func() bool { return p.limiter.len() == 4 })
	// New clients are served, and stay connected.
	for i := range 3 {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		_ = c.SetDeadline(time.Now().Add(5 * time.Second))
		_, _ = io.WriteString(c, "GET /users/new HTTP/1.1\r\nHost: example.com\r\n\r\n")
		resp, err := http.ReadResponse(bufio.NewReader(c), nil)
		if err != nil || resp.StatusCode != http.StatusOK {
			t.Fatalf("new client %d: %v %v", i, resp, err)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		time.Sleep(20 * time.Millisecond)
	}
	// The three oldest idle connections were closed to make room.
	for i, c := range idle {
		_ = c.SetReadDeadline(time.Now().Add(200 * time.Millisecond))
		_, err := c.Read(make([]byte, 1))
		var ne net.Error
		closed := !(errors.As(err, &ne) && ne.Timeout())
		if want := i < 3; closed != want {
			t.Errorf("connection %d closed %v, want %v (%v)", i, closed, want, err)
		}
	}
	if n := p.limiter.len(); n > 4 {
		t.Errorf("%d connections held, want at most 4", n)
	}
}

func TestConnLimiterRefusesWhenNothingIdle(t *testing.T) {
	l := newConnLimiter(1)
	a, b := net.Pipe()
	defer b.Close()
	lc := l.admit(a)
	lc.setIdle(false)
	c, d := net.Pipe()
	defer d.Close()
	if l.admit(c) != nil {
		t.Fatal("a connection was admitted beyond the cap while none was idle")
	}
	if _, err := c.Write([]byte("x")); err == nil {
		t.Error("the refused connection is open")
	}
	lc.setIdle(true)
	e, f := net.Pipe()
	defer f.Close()
	if l.admit(e) == nil || l.len() != 1 {
		t.Errorf("the idle connection did not make room: %d held", l.len())
	}
}

// Regression test: a client that goes away while the
// upstream is slow to answer is logged 499 on the fast path, as on
// net/http's.
func TestClientGoneSlowUpstream(t *testing.T) {
	answer := func(c net.Conn, req *http.Request) {
		time.Sleep(300 * time.Millisecond)
		_, _ = io.WriteString(c, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")
	}
	for _, path := range []string{"fast", "net/http"} {
		r := rawProxy(t, path == "net/http", answer)
		c, err := net.Dial("tcp", r.http)
		if err != nil {
			t.Fatal(err)
		}
		_, _ = io.WriteString(c, "GET /users/slow HTTP/1.1\r\nHost: example.com\r\n\r\n")
		time.Sleep(50 * time.Millisecond)
		c.Close()
		log := r.logAfter(t, 1)
		if e := log[0]; e.Status != 499 {
			t.Errorf("%s: access log %+v, want 499", path, e)
		}
	}
}

// Regression test: a client that goes away while the
// upstream has sent only part of its response head ends the exchange:
// the proxy closes the upstream connection within a poll (clientPoll)
// instead of waiting the response header timeout, and logs 499, on the
// fast path as on net/http's.
func TestClientGoneUpstreamHead(t *testing.T) {
	for _, path := range []string{"fast", "net/http"} {
		closed := make(chan time.Time, 1)
		answer := func(c net.Conn, req *http.Request) {
			// Half a head, then nothing: the upstream waits for the
			// proxy to go.
			_, _ = io.WriteString(c, "HTTP/1.1 200 OK\r\nX-Slow: 1\r\n")
			_ = c.SetReadDeadline(time.Now().Add(10 * time.Second))
			_, _ = c.Read(make([]byte, 1))
			closed <- time.Now()
		}
		r := rawProxy(t, path == "net/http", answer)
		c, err := net.Dial("tcp", r.http)
		if err != nil {
			t.Fatal(err)
		}
		_, _ = io.WriteString(c, "GET /users/slow HTTP/1.1\r\nHost: example.com\r\n\r\n")
		time.Sleep(100 * time.Millisecond)
		gone := time.Now()
		c.Close()
		select {
		case at := <-closed:
			if d := at.Sub(gone); d > 2*clientPoll+time.Second {
				t.Errorf("%s: upstream connection closed %v after the client went", path, d)
			}
		case <-time.After(5 * time.Second):
			t.Fatalf("%s: the upstream connection is still open 5s after the client went", path)
		}
		log := r.logAfter(t, 1)
		if e := log[0]; e.Status != 499 {
			t.Errorf("%s: access log %+v, want 499", path, e)
		}
	}
}
