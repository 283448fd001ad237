package proxy

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os/exec"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// fastUpstream answers by path suffix: /status/NNN with that status,
// /chunked with a body flushed in pieces (chunked), /sniff with a body
// of known length and no Content-Type, /pragma with Pragma: no-cache and
// a hop-by-hop field named in Connection; anything else describes the
// request in JSON, as startUpstream does.
func fastUpstream(t *testing.T, idle time.Duration) *httptest.Server {
	t.Helper()
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p := r.URL.Path
		switch {
		case strings.Contains(p, "/status/"):
			code, _ := strconv.Atoi(p[strings.LastIndex(p, "/")+1:])
			w.Header().Set("ETag", `"v1"`)
			w.WriteHeader(code)
			return
		case strings.HasSuffix(p, "/chunked"):
			rc := http.NewResponseController(w)
			w.Header().Set("Content-Type", "text/plain")
			for i := range 3 {
				fmt.Fprintf(w, "piece %d\n", i)
				_ = rc.Flush()
			}
			return
		case strings.HasSuffix(p, "/sniff"):
			body := "<html><body>sniffed</body></html>"
			w.Header()["Content-Type"] = nil // no Content-Type, no sniffing here
			w.Header().Set("Content-Length", strconv.Itoa(len(body)))
			_, _ = io.WriteString(w, body)
			return
		case strings.HasSuffix(p, "/pragma"):
			w.Header().Set("Pragma", "no-cache")
			w.Header().Set("Connection", "X-Up-Drop")
			w.Header().Set("X-Up-Drop", "secret")
			w.Header().Set("X-Up-Keep", "kept")
			_, _ = io.WriteString(w, "pragma\n")
			return
		}
		writeSeen(w, r)
	}))
	srv.Config.IdleTimeout = idle
	srv.Start()
	t.Cleanup(srv.Close)
	return srv
}

// closingUpstream answers every request with a body delimited by the
// end of the connection (RFC 9112 section 6.3, rule 8).
func closingUpstream(t *testing.T) string {
	t.Helper()
	return serveRaw(t, func(c net.Conn) {
		req, err := http.ReadRequest(bufio.NewReader(c))
		if err != nil {
			return
		}
		_, _ = fmt.Fprintf(c, "HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Type: text/plain\r\n\r\nclose-delimited %s", req.URL.Path)
	})
}

// fastProxy serves testdata/routes.yaml with default/users:80 on
// fastUpstream, default/admin:80 on closingUpstream and default/down:80
// on a closed port.
func fastProxy(t *testing.T, opts Options, idle time.Duration, noFast bool) *running {
	t.Helper()
	up := fastUpstream(t, idle)
	set := loadSet(t, "testdata/routes.yaml")
	ups := []Upstream{
		mustUpstream(t, "default/users:80="+strings.TrimPrefix(up.URL, "http://")),
		mustUpstream(t, "default/admin:80="+closingUpstream(t)),
		mustUpstream(t, "default/down:80="+closedAddr(t)),
	}
	return startProxy(t, opts, func(p *Proxy) error {
		p.noFast = noFast
		return p.Update(set, ups)
	})
}

// transfer is one response of a curl run over several URLs.
type transfer struct {
	body     string
	status   int
	connects int
}

// curlAll runs one curl over several transfers (URLs, --next) and
// returns each one's body, status and number of new connections: curl
// reuses its connection between them when the server keeps it open.
func curlAll(t *testing.T, args ...string) []transfer {
	t.Helper()
	requireCurl(t)
	const mark = "\n@@curl@@"
	w := []string{"-w", mark + "%{http_code} %{num_connects}\n"}
	all := append([]string{"-sS", "--max-time", "30"}, w...)
	for _, a := range args {
		all = append(all, a)
		if a == "--next" {
			all = append(all, append([]string{"-sS", "--max-time", "30"}, w...)...)
		}
	}
	out, err := exec.Command("curl", all...).Output()
	if err != nil {
		t.Fatalf("curl %s: %v", strings.Join(args, " "), err)
	}
	var res []transfer
	parts := strings.Split(string(out), mark)
	for i := 1; i < len(parts); i++ {
		var tr transfer
		tr.body = parts[i-1]
		if i > 1 {
			_, tr.body, _ = strings.Cut(parts[i-1], "\n")
		}
		if _, err := fmt.Sscanf(parts[i], "%d %d", &tr.status, &tr.connects); err != nil {
			t.Fatalf("curl status %q: %v", parts[i], err)
		}
		res = append(res, tr)
	}
	return res
}

func TestFastKeepAlive(t *testing.T) {
	r := fastProxy(t, Options{}, 0, false)
	base := "http://example.com:" + r.httpPort
	got := curlAll(t, "--resolve", resolve("example.com", r.httpPort),
		base+"/users/1", base+"/users/2?x=y", base+"/users/3")
	if len(got) != 3 {
		t.Fatalf("%d transfers, want 3", len(got))
	}
	connects := 0
	for i, tr := range got {
		connects += tr.connects
		if tr.status != http.StatusOK {
			t.Fatalf("request %d: status %d: %s", i, tr.status, tr.body)
		}
	}
	if s := decodeSeen(t, got[1].body); s.URI != "/users/2?x=y" || s.Method != "GET" {
		t.Errorf("upstream saw %s %s, want GET /users/2?x=y", s.Method, s.URI)
	}
	if connects != 1 {
		t.Errorf("%d connections for 3 requests, want 1", connects)
	}
	// Each request gets its own generated X-Request-ID, 32 hex digits as
	// ingress-nginx's $req_id.
	ids := map[string]bool{}
	for _, tr := range got {
		id := decodeSeen(t, tr.body).Header.Get("X-Request-Id")
		if _, err := hex.DecodeString(id); err != nil || len(id) != 32 || ids[id] {
			t.Errorf("X-Request-ID %q: want 32 hex digits, new for each request", id)
		}
		ids[id] = true
	}
	if n, h := r.p.fastServed.Load(), r.p.handedOff.Load(); n != 3 || h != 0 {
		t.Errorf("fast path served %d, handed off %d; want 3 and 0", n, h)
	}
	// The access log line follows the response's last byte.
	log := r.logAfter(t, 3)
	if len(log) != 3 || log[1].Path != "/users/2?x=y" || log[1].Status != 200 || log[1].Rule != "example.com/users" ||
		log[1].Bytes != int64(len(got[1].body)) || log[1].Proto != "HTTP/1.1" {
		t.Errorf("access log %+v", log)
	}
}

// curlHead runs curl and returns the response it printed with -D - (or
// -I), and the body.
func curlHead(t *testing.T, args ...string) (*http.Response, string) {
	t.Helper()
	requireCurl(t)
	all := []string{"-sS", "--max-time", "30", "-D", "-"}
	if args[len(args)-2] == "-I" {
		all = all[:3]
	}
	out, err := exec.Command("curl", append(all, args...)...).Output()
	if err != nil {
		t.Fatalf("curl %s: %v", strings.Join(args, " "), err)
	}
	resp, err := http.ReadResponse(bufio.NewReader(bytes.NewReader(out)), &http.Request{Method: "HEAD"})
	if err != nil {
		t.Fatalf("curl output %q: %v", out, err)
	}
	_, body, _ := bytes.Cut(out, []byte("\r\n\r\n"))
	return resp, string(body)
}

func TestFastResponses(t *testing.T) {
	r := fastProxy(t, Options{}, 0, false)
	base := "http://example.com:" + r.httpPort
	res := []string{"--resolve", resolve("example.com", r.httpPort)}
	t.Run("head", func(t *testing.T) {
		_, getBody := curlHead(t, append(res, base+"/users/sniff")...)
		resp, body := curlHead(t, append(res, "-I", base+"/users/sniff")...)
		if resp.StatusCode != 200 || body != "" || resp.Header.Get("Content-Length") != strconv.Itoa(len(getBody)) {
			t.Errorf("HEAD: %d, Content-Length %q, body %q; want 200, %d, no body", resp.StatusCode, resp.Header.Get("Content-Length"), body, len(getBody))
		}
	})
	t.Run("chunked", func(t *testing.T) {
		resp, body := curlHead(t, append(res, "--raw", base+"/users/chunked")...)
		if resp.StatusCode != 200 || !slices.Equal(resp.TransferEncoding, []string{"chunked"}) {
			t.Errorf("status %d, Transfer-Encoding %q; want 200 chunked", resp.StatusCode, resp.TransferEncoding)
		}
		got := curl(t, append(res, base+"/users/chunked")...)
		if got.body != "piece 0\npiece 1\npiece 2\n" {
			t.Errorf("body %q (raw %q)", got.body, body)
		}
	})
	t.Run("close delimited", func(t *testing.T) {
		got := curlAll(t, append(res, base+"/admin/a", base+"/admin/b")...)
		if len(got) != 2 || got[0].body != "close-delimited /admin/a" || got[1].body != "close-delimited /admin/b" {
			t.Fatalf("got %+v", got)
		}
		if got[0].connects+got[1].connects != 1 {
			t.Errorf("the client connection was not kept: %+v", got)
		}
	})
	t.Run("no body", func(t *testing.T) {
		for _, code := range []int{204, 304} {
			resp, body := curlHead(t, append(res, base+"/users/status/"+strconv.Itoa(code))...)
			if resp.StatusCode != code || body != "" || resp.Header.Get("Content-Length") != "" || resp.TransferEncoding != nil || resp.Header.Get("Etag") != `"v1"` {
				t.Errorf("%d: got %d %v %v %q", code, resp.StatusCode, resp.Header, resp.TransferEncoding, body)
			}
		}
	})
	t.Run("sniffed type", func(t *testing.T) {
		resp, _ := curlHead(t, append(res, base+"/users/sniff")...)
		if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "text/html; charset=utf-8" {
			t.Errorf("status %d, Content-Type %q; want net/http's sniffed text/html", resp.StatusCode, resp.Header.Get("Content-Type"))
		}
	})
	t.Run("hop-by-hop response fields", func(t *testing.T) {
		resp, _ := curlHead(t, append(res, base+"/users/pragma")...)
		h := resp.Header
		if h.Get("X-Up-Drop") != "" || h.Get("Connection") != "" || h.Get("X-Up-Keep") != "kept" || h.Get("Cache-Control") != "no-cache" {
			t.Errorf("response fields %v", h)
		}
	})
	if h := r.p.handedOff.Load(); h != 0 {
		t.Errorf("%d connections handed to net/http, want 0", h)
	}
}

// A request the fast path does not serve (here a POST with a body) moves
// the connection to net/http, which serves it and the ones after it.
func TestFastHandOffMidConnection(t *testing.T) {
	r := fastProxy(t, Options{}, 0, false)
	base := "http://example.com:" + r.httpPort
	body := strings.Repeat("payload ", 10000)
	got := curlAll(t, "--resolve", resolve("example.com", r.httpPort),
		base+"/users/get", "--next", "--resolve", resolve("example.com", r.httpPort),
		"--data-binary", body, base+"/users/post",
		"--next", "--resolve", resolve("example.com", r.httpPort), base+"/users/again")
	if len(got) != 3 {
		t.Fatalf("%d transfers, want 3", len(got))
	}
	sum := sha256.Sum256([]byte(body))
	for i, want := range []struct{ method, uri, sha string }{
		{"GET", "/users/get", ""}, {"POST", "/users/post", hex.EncodeToString(sum[:])}, {"GET", "/users/again", ""},
	} {
		if got[i].status != 200 {
			t.Fatalf("request %d: status %d: %s", i, got[i].status, got[i].body)
		}
		s := decodeSeen(t, got[i].body)
		if s.Method != want.method || s.URI != want.uri || (want.sha != "" && s.SHA256 != want.sha) {
			t.Errorf("request %d: upstream saw %s %s %s", i, s.Method, s.URI, s.SHA256)
		}
	}
	if c := got[0].connects + got[1].connects + got[2].connects; c != 1 {
		t.Errorf("%d connections, want 1", c)
	}
	if n, h := r.p.fastServed.Load(), r.p.handedOff.Load(); n != 1 || h != 1 {
		t.Errorf("fast path served %d, handed off %d; want 1 and 1", n, h)
	}
	if log := r.logAfter(t, 3); len(log) != 3 || log[1].Method != "POST" || log[1].Status != 200 {
		t.Errorf("access log %+v", log)
	}
}

// Malformed and oversize heads get net/http's answers.
func TestFastMalformed(t *testing.T) {
	r := fastProxy(t, Options{}, 0, false)
	res := []string{"--resolve", resolve("example.com", r.httpPort)}
	got := curl(t, append(res, "-X", "GET /users", "http://example.com:"+r.httpPort+"/users")...)
	if got.status != http.StatusBadRequest {
		t.Errorf("malformed request line: status %d, want 400", got.status)
	}
	got = curl(t, append(res, "-H", "X-Big: "+strings.Repeat("a", DefaultMaxHeaderBytes+4096), "http://example.com:"+r.httpPort+"/users")...)
	if got.status != http.StatusRequestHeaderFieldsTooLarge {
		t.Errorf("oversize head: status %d, want 431", got.status)
	}
	for _, raw := range []string{"\x01\x02 / HTTP/1.1\r\n\r\n", "GET / HTTP/1.1\r\nHost: example.com\r\nBad Name: x\r\n\r\n", "GET / HTTP/1.1\r\n\r\n"} {
		resp := rawRoundTrip(t, r.http, raw)
		if resp.StatusCode != http.StatusBadRequest {
			t.Errorf("%q: status %d, want 400", raw, resp.StatusCode)
		}
	}
	if n := r.p.fastServed.Load(); n != 0 {
		t.Errorf("fast path served %d malformed requests", n)
	}
}

// rawRoundTrip writes raw bytes to addr and reads one response.
func rawRoundTrip(t *testing.T, addr, raw string) *http.Response {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(10 * time.Second))
	if _, err := io.WriteString(c, raw); err != nil {
		t.Fatal(err)
	}
	method, _, _ := strings.Cut(raw, " ")
	resp, err := http.ReadResponse(bufio.NewReader(c), &http.Request{Method: method})
	if err != nil {
		t.Fatalf("%q: %v", raw, err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body = io.NopCloser(bytes.NewReader(b))
	return resp
}

// Pages of the fast path (502, the Status hook) and of the requests it
// hands over (404, 503) are the ones ServeHTTP writes.
func TestFastStatusPages(t *testing.T) {
	r := fastProxy(t, Options{}, 0, false)
	res := []string{"--resolve", resolve("example.com", r.httpPort)}
	got := curl(t, append(res, "http://example.com:"+r.httpPort+"/down")...)
	if got.status != 502 || !strings.Contains(got.body, "connection refused") || !strings.Contains(got.body, "default/down:80") {
		t.Errorf("upstream down: %d %q", got.status, got.body)
	}
	if n := r.p.fastServed.Load(); n != 1 {
		t.Errorf("the 502 was not answered by the fast path (%d)", n)
	}
	got = curl(t, "--resolve", resolve("unknown.test", r.httpPort), "http://unknown.test:"+r.httpPort+"/users")
	if got.status != 404 || !strings.Contains(got.body, "no Ingress rule matches http://unknown.test/users") {
		t.Errorf("unknown host: %d %q", got.status, got.body)
	}
	got = curl(t, append(res, "--path-as-is", "http://example.com:"+r.httpPort+"/nope/../users/../admin/x")...)
	if got.status != 200 || got.body != "close-delimited /admin/x" {
		t.Errorf("dot segments: %d %q, want the admin upstream to see /admin/x", got.status, got.body)
	}
	log := r.logAfter(t, 3)
	if len(log) != 3 || log[0].Status != 502 || !strings.Contains(log[0].Error, "connection refused") || log[2].Rule != "example.com/admin" {
		t.Errorf("access log %+v", log)
	}
}

// The Status hook answers 502 in the fast path without dialing.
func TestFastUpstreamStatus(t *testing.T) {
	set := loadSet(t, "testdata/routes.yaml")
	u := mustUpstream(t, "default/users:80="+closedAddr(t))
	u.Status = func() error { return fmt.Errorf("port-forward to default/users-0 is reconnecting") }
	r := startProxy(t, Options{}, func(p *Proxy) error { return p.Update(set, []Upstream{u}) })
	got := curl(t, "--resolve", resolve("example.com", r.httpPort), "http://example.com:"+r.httpPort+"/users")
	if got.status != 502 || !strings.Contains(got.body, "reconnecting") || strings.Contains(got.body, "refused") {
		t.Errorf("got %d %q, want 502 naming the reconnect", got.status, got.body)
	}
	if n := r.p.fastServed.Load(); n != 1 {
		t.Errorf("fast path served %d, want 1", n)
	}
}

// A pooled upstream connection that the upstream closed while idle is
// detected and the request retried once on a new connection.
func TestFastUpstreamClosesIdle(t *testing.T) {
	r := fastProxy(t, Options{}, 20*time.Millisecond, false)
	for i := range 4 {
		got := curl(t, "--resolve", resolve("example.com", r.httpPort), "http://example.com:"+r.httpPort+"/users/"+strconv.Itoa(i))
		if got.status != 200 {
			t.Fatalf("request %d: %d %q", i, got.status, got.body)
		}
		time.Sleep(40 * time.Millisecond)
	}
	if n := r.p.fastServed.Load(); n != 4 {
		t.Errorf("fast path served %d, want 4", n)
	}
}

// The fast path and net/http send the upstream the same request and the
// client the same response.
func TestFastDifferential(t *testing.T) {
	fast := fastProxy(t, Options{}, 0, false)
	slow := fastProxy(t, Options{}, 0, true)
	reqs := []struct{ name, raw string }{
		{"plain", "GET /users/1 HTTP/1.1\r\nHost: example.com\r\nUser-Agent: t/1\r\nAccept: */*\r\n\r\n"},
		{"query and escapes", "GET /users/%41b/c%3fd?q=1&r=%20 HTTP/1.1\r\nHost: Example.COM:80\r\n\r\n"},
		{"empty query", "GET /users/x? HTTP/1.1\r\nHost: example.com\r\n\r\n"},
		{"dot segments", "GET /users/./a/../b HTTP/1.1\r\nHost: example.com\r\n\r\n"},
		{"forwarded fields", "GET /users HTTP/1.1\r\nHost: example.com\r\nX-Forwarded-For: 203.0.113.9\r\nx-forwarded-for: 198.51.100.1\r\n" +
			"X-Real-IP: 1.2.3.4\r\nForwarded: for=x\r\nX-Forwarded-Host: evil\r\nX-Request-ID: rid-1\r\nX-Original-Forwarded-For: old\r\n\r\n"},
		{"original forwarded kept", "GET /users HTTP/1.1\r\nHost: example.com\r\nX-Original-Forwarded-For: old\r\n\r\n"},
		{"hop-by-hop", "GET /users HTTP/1.1\r\nHost: example.com\r\nConnection: keep-alive, X-Drop-Me, User-Agent\r\nX-Drop-Me: 1\r\n" +
			"Keep-Alive: timeout=5\r\nProxy: http://evil\r\nProxy-Authorization: x\r\nUser-Agent: dropped\r\n\r\n"},
		{"pragma", "GET /users HTTP/1.1\r\nHost: example.com\r\nPragma: no-cache\r\n\r\n"},
		{"many connection fields", "GET /users HTTP/1.1\r\nHost: example.com\r\nConnection: a\r\nConnection: b\r\nConnection: c\r\n" +
			"Connection: d\r\nConnection: X-E\r\nX-E: 1\r\nA: 1\r\nX-F: 2\r\n\r\n"},
		{"pragma with cache-control listed", "GET /users HTTP/1.1\r\nHost: example.com\r\nPragma: no-cache\r\nConnection: Pragma\r\n\r\n"},
		{"two user agents", "GET /users HTTP/1.1\r\nHost: example.com\r\nUser-Agent: a\r\nuser-agent: b\r\n\r\n"},
		{"empty value", "GET /users HTTP/1.1\r\nHost: example.com\r\nX-Empty:\r\nX-Spaces:   v  \r\n\r\n"},
		{"head", "HEAD /users/h HTTP/1.1\r\nHost: example.com\r\n\r\n"},
		{"options", "OPTIONS /users/o HTTP/1.1\r\nHost: example.com\r\n\r\n"},
		{"chunked response", "GET /users/chunked HTTP/1.1\r\nHost: example.com\r\n\r\n"},
		{"close-delimited response", "GET /admin/c HTTP/1.1\r\nHost: example.com\r\n\r\n"},
		{"204", "GET /users/status/204 HTTP/1.1\r\nHost: example.com\r\n\r\n"},
		{"304", "GET /users/status/304 HTTP/1.1\r\nHost: example.com\r\n\r\n"},
		{"unknown status", "GET /users/status/299 HTTP/1.1\r\nHost: example.com\r\n\r\n"},
		{"sniffed", "GET /users/sniff HTTP/1.1\r\nHost: example.com\r\n\r\n"},
		{"response hop-by-hop", "GET /users/pragma HTTP/1.1\r\nHost: example.com\r\n\r\n"},
		{"upstream down", "GET /down HTTP/1.1\r\nHost: example.com\r\n\r\n"},
		{"client closes", "GET /users/c HTTP/1.1\r\nHost: example.com\r\nConnection: close\r\n\r\n"},
	}
	for _, tt := range reqs {
		t.Run(tt.name, func(t *testing.T) {
			before := fast.p.fastServed.Load()
			f, s := rawRoundTrip(t, fast.http, tt.raw), rawRoundTrip(t, slow.http, tt.raw)
			if fast.p.fastServed.Load() != before+1 {
				t.Fatalf("the fast path did not serve %q", tt.raw)
			}
			if diff := cmp.Diff(describeResponse(t, s, slow.httpPort), describeResponse(t, f, fast.httpPort)); diff != "" {
				t.Errorf("responses differ (-net/http +fast):\n%s", diff)
			}
		})
	}
	if h := fast.p.handedOff.Load(); h != 0 {
		t.Errorf("%d connections handed off", h)
	}
}

var upstreamAddr = regexp.MustCompile(`127\.0\.0\.1:\d+`)

// describeResponse is what a client can tell about a response, with the
// parts that differ between two proxies on other ports or at other
// times made equal: Date, the generated X-Request-ID, the port.
func describeResponse(t *testing.T, resp *http.Response, port string) map[string]any {
	t.Helper()
	body, _ := io.ReadAll(resp.Body)
	h := resp.Header.Clone()
	if h.Get("Date") != "" {
		h.Set("Date", "(set)")
	}
	out := map[string]any{
		"status": resp.StatusCode, "header": h, "length": resp.ContentLength,
		"chunked": strings.Join(resp.TransferEncoding, ","), "close": resp.Close,
	}
	var s seen
	if json.Unmarshal(body, &s) == nil && s.Method != "" {
		if id := s.Header.Get("X-Request-Id"); len(id) == 32 {
			s.Header.Set("X-Request-Id", "(generated)")
		}
		s.Header.Set("X-Forwarded-Port", strings.ReplaceAll(s.Header.Get("X-Forwarded-Port"), port, "(port)"))
		out["upstream"] = s
		h.Del("Content-Length")
		delete(out, "length")
	} else {
		out["body"] = upstreamAddr.ReplaceAllString(strings.ReplaceAll(string(body), port, "(port)"), "(upstream)")
		h.Del("Content-Length")
		delete(out, "length")
	}
	return out
}

// serveFor serves p on a free port with o until the test ends and
// returns the address and a function that stops it and returns Serve's
// result.
func serveFor(t *testing.T, p *Proxy, o ServeOptions) (string, func() error) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	addr := make(chan string, 1)
	done := make(chan error, 1)
	o.HTTPSPort = -1
	o.Ready = func(h, _ string) { addr <- h }
	go func() { done <- p.Serve(ctx, o) }()
	var a string
	select {
	case a = <-addr:
	case err := <-done:
		cancel()
		t.Fatalf("serve: %v", err)
	}
	stopped := false
	stop := func() error {
		if stopped {
			return nil
		}
		stopped = true
		cancel()
		return <-done
	}
	t.Cleanup(func() { _ = stop() })
	return a, stop
}

// A client that sends part of a head and stalls is cut off after
// ReadHeaderTimeout, and idle kept-alive connections after IdleTimeout,
// as net/http's server does.
func TestFastTimeouts(t *testing.T) {
	up := fastUpstream(t, 0)
	set := loadSet(t, "testdata/routes.yaml")
	p := New(Options{})
	if err := p.Update(set, []Upstream{mustUpstream(t, "default/users:80="+strings.TrimPrefix(up.URL, "http://"))}); err != nil {
		t.Fatal(err)
	}
	addr, _ := serveFor(t, p, ServeOptions{ReadHeaderTimeout: 200 * time.Millisecond, IdleTimeout: 300 * time.Millisecond})
	closedWithin := func(c net.Conn, d time.Duration) bool {
		_ = c.SetReadDeadline(time.Now().Add(d))
		_, err := io.Copy(io.Discard, c)
		var ne net.Error
		return err == nil || !(errors.As(err, &ne) && ne.Timeout())
	}
	partial, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer partial.Close()
	_, _ = io.WriteString(partial, "GET /users HTTP/1.1\r\nHost: example.com\r\n")
	if !closedWithin(partial, 5*time.Second) {
		t.Error("a stalled head was not cut off")
	}
	idle, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer idle.Close()
	_, _ = io.WriteString(idle, "GET /users HTTP/1.1\r\nHost: example.com\r\n\r\n")
	resp, err := http.ReadResponse(bufio.NewReader(idle), nil)
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("first request: %v %v", resp, err)
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	start := time.Now()
	if !closedWithin(idle, 5*time.Second) {
		t.Error("an idle connection was not closed")
	} else if d := time.Since(start); d < 250*time.Millisecond {
		t.Errorf("idle connection closed after %v, before IdleTimeout", d)
	}
}

// On shutdown idle kept-alive connections close at once, a request in
// flight finishes, and its connection closes after it.
func TestFastShutdown(t *testing.T) {
	started, release := make(chan struct{}), make(chan struct{})
	up := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/users/slow" {
			close(started)
			<-release
		}
		_, _ = io.WriteString(w, "done "+r.URL.Path)
	}))
	defer up.Close()
	set := loadSet(t, "testdata/routes.yaml")
	p := New(Options{})
	if err := p.Update(set, []Upstream{mustUpstream(t, "default/users:80="+strings.TrimPrefix(up.URL, "http://"))}); err != nil {
		t.Fatal(err)
	}
	addr, stop := serveFor(t, p, ServeOptions{})
	dial := func() (net.Conn, *bufio.Reader) {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { c.Close() })
		return c, bufio.NewReader(c)
	}
	idle, idleR := dial()
	_, _ = io.WriteString(idle, "GET /users/a HTTP/1.1\r\nHost: example.com\r\n\r\n")
	if resp, err := http.ReadResponse(idleR, nil); err != nil || resp.StatusCode != 200 {
		t.Fatalf("idle connection's request: %v %v", resp, err)
	} else {
		_, _ = io.Copy(io.Discard, resp.Body)
	}
	busy, busyR := dial()
	_, _ = io.WriteString(busy, "GET /users/slow HTTP/1.1\r\nHost: example.com\r\n\r\n")
	<-started
	stopped := make(chan error, 1)
	go func() { stopped <- stop() }()
	_ = idle.SetReadDeadline(time.Now().Add(5 * time.Second))
	if _, err := idleR.ReadByte(); err != io.EOF {
		t.Errorf("idle connection: %v, want EOF", err)
	}
	close(release)
	resp, err := http.ReadResponse(busyR, nil)
	if err != nil {
		t.Fatalf("request in flight: %v", err)
	}
	body, _ := io.ReadAll(resp.Body)
	if string(body) != "done /users/slow" {
		t.Errorf("request in flight got %q", body)
	}
	if err := <-stopped; err != nil {
		t.Errorf("serve: %v", err)
	}
	_ = busy.SetReadDeadline(time.Now().Add(5 * time.Second))
	if _, err := busyR.ReadByte(); err != io.EOF {
		t.Errorf("busy connection after its request: %v, want EOF", err)
	}
}

// An upstream that sends no response head within ResponseHeaderTimeout
// gives 504 on the fast path too.
func TestFastUpstreamTimeout(t *testing.T) {
	slow := slowUpstream(t)
	set := loadSet(t, "testdata/routes.yaml")
	r := startProxy(t, Options{ResponseHeaderTimeout: 50 * time.Millisecond}, func(p *Proxy) error {
		return p.Update(set, []Upstream{mustUpstream(t, "default/users:80="+slow)})
	})
	got := curl(t, "--resolve", resolve("example.com", r.httpPort), "http://example.com:"+r.httpPort+"/users")
	if got.status != http.StatusGatewayTimeout || !strings.Contains(got.body, "timeout awaiting response headers") {
		t.Errorf("got %d %q, want 504 naming the timeout", got.status, got.body)
	}
	if n := r.p.fastServed.Load(); n != 1 {
		t.Errorf("fast path served %d, want 1", n)
	}
}

// Pipelined requests (RFC 9112 section 9.3.2) are answered in order on
// the fast path.
func TestFastPipelining(t *testing.T) {
	r := fastProxy(t, Options{}, 0, false)
	c, err := net.Dial("tcp", r.http)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(10 * time.Second))
	_, _ = io.WriteString(c, "GET /users/1 HTTP/1.1\r\nHost: example.com\r\n\r\n"+
		"HEAD /users/2 HTTP/1.1\r\nHost: example.com\r\n\r\n"+
		"GET /users/3 HTTP/1.1\r\nHost: example.com\r\n\r\n")
	br := bufio.NewReader(c)
	for _, want := range []struct{ method, uri string }{{"GET", "/users/1"}, {"HEAD", "/users/2"}, {"GET", "/users/3"}} {
		resp, err := http.ReadResponse(br, &http.Request{Method: want.method})
		if err != nil {
			t.Fatalf("%s %s: %v", want.method, want.uri, err)
		}
		body, _ := io.ReadAll(resp.Body)
		if want.method == "HEAD" {
			if resp.StatusCode != 200 || len(body) != 0 {
				t.Errorf("HEAD: %d %q", resp.StatusCode, body)
			}
			continue
		}
		if s := decodeSeen(t, string(body)); s.URI != want.uri {
			t.Errorf("answer for %s is for %s", want.uri, s.URI)
		}
	}
	if n := r.p.fastServed.Load(); n != 3 {
		t.Errorf("fast path served %d, want 3", n)
	}
}
