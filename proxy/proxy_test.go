package proxy

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/ingresskit/ingresskit/simulate"
	"golang.org/x/net/websocket"
)

// routesProxy serves testdata/routes.yaml with every backend but
// default/nope:80 mapped: default/down:80 to a closed port, the others to
// one test upstream.
func routesProxy(t *testing.T, opts Options) (*running, string) {
	t.Helper()
	up := startUpstream(t)
	target := strings.TrimPrefix(up.URL, "http://")
	set := loadSet(t, "testdata/routes.yaml")
	ups := []Upstream{
		mustUpstream(t, "default/users:80="+target),
		// By number, while the Ingress names the port "http": the Service
		// links the two.
		mustUpstream(t, "default/admin:80="+target),
		mustUpstream(t, "default/ws:80="+target),
		mustUpstream(t, "default/big:80="+target),
		mustUpstream(t, "default/down:80="+closedAddr(t)),
	}
	r := startProxy(t, opts, func(p *Proxy) error { return p.Update(set, ups) })
	return r, target
}

func TestForwardHTTP(t *testing.T) {
	r, target := routesProxy(t, Options{})
	host := "example.com:" + r.httpPort
	res := curl(t, "--resolve", resolve("example.com", r.httpPort),
		"-H", "X-Forwarded-For: 203.0.113.9",
		"-H", "Connection: X-Drop-Me",
		"-H", "X-Drop-Me: secret",
		"-H", "Proxy: http://evil.example",
		"-H", "X-Request-ID: req-1",
		"http://"+host+"/users/42?tab=posts")
	if res.status != http.StatusOK {
		t.Fatalf("status %d: %s", res.status, res.body)
	}
	s := decodeSeen(t, res.body)
	got := map[string]string{"uri": s.URI, "host": s.Host, "proto": s.Proto}
	for _, k := range []string{"X-Forwarded-For", "X-Real-Ip", "X-Forwarded-Host", "X-Forwarded-Port",
		"X-Forwarded-Proto", "X-Scheme", "X-Original-Forwarded-For", "X-Request-Id", "X-Drop-Me", "Proxy"} {
		got[k] = strings.Join(s.Header.Values(k), ",")
	}
	want := map[string]string{
		"uri": "/users/42?tab=posts", "host": host, "proto": "HTTP/1.1",
		"X-Forwarded-For": "127.0.0.1", "X-Real-Ip": "127.0.0.1",
		"X-Forwarded-Host": host, "X-Forwarded-Port": r.httpPort,
		"X-Forwarded-Proto": "http", "X-Scheme": "http",
		"X-Original-Forwarded-For": "203.0.113.9", "X-Request-Id": "req-1",
		"X-Drop-Me": "", "Proxy": "",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("upstream saw (-want +got):\n%s", diff)
	}
	log := r.logAfter(t, 1)
	if len(log) != 1 {
		t.Fatalf("access log has %d entries, want 1", len(log))
	}
	e := log[0]
	gotLog := []string{e.Method, e.Host, e.Path, fmt.Sprint(e.Status), e.Ingress, e.Rule, e.Upstream}
	wantLog := []string{"GET", "example.com", "/users/42?tab=posts", "200", "default/web", "example.com/users", target}
	if diff := cmp.Diff(wantLog, gotLog); diff != "" {
		t.Errorf("access log (-want +got):\n%s", diff)
	}
}

func TestStatusPages(t *testing.T) {
	r, _ := routesProxy(t, Options{})
	tests := []struct {
		name   string
		url    string
		status int
		body   []string
	}{
		{"unknown host", "http://unknown.test:%s/users", 404, []string{"no Ingress rule matches http://unknown.test/users"}},
		{"unknown path", "http://example.com:%s/elsewhere", 404, []string{"no Ingress rule matches"}},
		{"upstream down", "http://example.com:%s/down", 502, []string{"502 Bad Gateway", "default/down:80", "connection refused"}},
		{"no upstream", "http://example.com:%s/nope", 503, []string{"no upstream for Service default/nope:80", "--upstream default/nope:80=127.0.0.1:9001", "kubectl port-forward -n default svc/nope 9001:80"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			u := fmt.Sprintf(tt.url, r.httpPort)
			host := strings.SplitN(strings.TrimPrefix(u, "http://"), ":", 2)[0]
			res := curl(t, "--resolve", resolve(host, r.httpPort), u)
			if res.status != tt.status {
				t.Errorf("status %d, want %d: %s", res.status, tt.status, res.body)
			}
			for _, want := range tt.body {
				if !strings.Contains(res.body, want) {
					t.Errorf("body %q lacks %q", res.body, want)
				}
			}
		})
	}
}

// The engine normalizes "/users/../admin" to "/admin", so the admin rule
// routes it and the admin upstream sees "/admin": a rule for /users never
// lets the request through to another path.
func TestDotSegments(t *testing.T) {
	r, _ := routesProxy(t, Options{})
	res := curl(t, "--path-as-is", "--resolve", resolve("example.com", r.httpPort),
		"http://example.com:"+r.httpPort+"/users/../admin")
	if res.status != http.StatusOK {
		t.Fatalf("status %d: %s", res.status, res.body)
	}
	if s := decodeSeen(t, res.body); s.URI != "/admin" {
		t.Errorf("upstream saw %q, want /admin", s.URI)
	}
	if log := r.logAfter(t, 1); len(log) != 1 || log[0].Rule != "example.com/admin" || log[0].Path != "/users/../admin" {
		t.Errorf("access log %+v, want rule example.com/admin for /users/../admin", log)
	}
}

func TestHTTPS(t *testing.T) {
	r, _ := routesProxy(t, Options{})
	tests := []struct {
		name    string
		flag    string
		version string
	}{
		{"http/1.1", "--http1.1", "1.1"},
		{"h2", "--http2", "2"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := curl(t, tt.flag, "--cacert", r.caFile, "--resolve", resolve("example.com", r.httpsPort),
				"https://example.com:"+r.httpsPort+"/users")
			if res.status != http.StatusOK || res.version != tt.version {
				t.Fatalf("status %d over HTTP/%s, want 200 over HTTP/%s: %s", res.status, res.version, tt.version, res.body)
			}
			s := decodeSeen(t, res.body)
			// The upstream hop is HTTP/1.1 whatever the client spoke, as
			// ingress-nginx's proxy_http_version 1.1.
			if s.Proto != "HTTP/1.1" || s.Header.Get("X-Forwarded-Proto") != "https" || s.Header.Get("X-Forwarded-Port") != r.httpsPort {
				t.Errorf("upstream saw %s with X-Forwarded-Proto %q port %q", s.Proto, s.Header.Get("X-Forwarded-Proto"), s.Header.Get("X-Forwarded-Port"))
			}
		})
	}
}

// A TLS entry whose Secret is in the manifests serves that Secret's
// certificate; other hosts get one from the local CA.
func TestSecretCertificate(t *testing.T) {
	other, err := newTestCA()
	if err != nil {
		t.Fatal(err)
	}
	crt, key := other.leafPEM(t, "secure.example")
	dir := t.TempDir()
	manifestYAML := fmt.Sprintf(`apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: secure
spec:
  tls:
  - hosts: [secure.example]
    secretName: secure-tls
  rules:
  - host: secure.example
    http:
      paths:
      - path: /
        pathType: Prefix
        backend:
          service:
            name: app
            port:
              number: 80
---
apiVersion: v1
kind: Secret
metadata:
  name: secure-tls
type: kubernetes.io/tls
data:
  tls.crt: %s
  tls.key: %s
`, b64(crt), b64(key))
	path := filepath.Join(dir, "secure.yaml")
	if err := os.WriteFile(path, []byte(manifestYAML), 0o644); err != nil {
		t.Fatal(err)
	}
	set := loadSet(t, path)
	r := startProxy(t, Options{Echo: true}, func(p *Proxy) error { return p.Update(set) })
	tests := []struct {
		name, host string
		issuer     *x509.Certificate
	}{
		{"from secret", "secure.example", other.cert},
		{"from local ca", "localhost", r.ca.Cert},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			conn, err := tls.Dial("tcp", r.https, &tls.Config{ServerName: tt.host, InsecureSkipVerify: true})
			if err != nil {
				t.Fatal(err)
			}
			defer conn.Close()
			leaf := conn.ConnectionState().PeerCertificates[0]
			if err := leaf.CheckSignatureFrom(tt.issuer); err != nil {
				t.Errorf("certificate for %s not signed by %s: %v", tt.host, tt.issuer.Subject, err)
			}
			if err := leaf.VerifyHostname(tt.host); err != nil {
				t.Error(err)
			}
		})
	}
	// And curl trusting the other CA gets through to the echo.
	caFile := filepath.Join(dir, "other.crt")
	if err := os.WriteFile(caFile, other.certPEM, 0o644); err != nil {
		t.Fatal(err)
	}
	res := curl(t, "--cacert", caFile, "--resolve", resolve("secure.example", r.httpsPort), "https://secure.example:"+r.httpsPort+"/x")
	if res.status != http.StatusServiceUnavailable && res.status != http.StatusOK {
		t.Fatalf("status %d: %s", res.status, res.body)
	}
	if !strings.Contains(res.body, `"tlsSecret": "secure-tls"`) {
		t.Errorf("echo lacks the TLS secret: %s", res.body)
	}
}

func TestWebSocket(t *testing.T) {
	r, _ := routesProxy(t, Options{})
	conn, err := net.Dial("tcp", r.http)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	cfg, err := websocket.NewConfig("ws://example.com:"+r.httpPort+"/ws", "http://example.com/")
	if err != nil {
		t.Fatal(err)
	}
	ws, err := websocket.NewClient(cfg, conn)
	if err != nil {
		t.Fatalf("websocket handshake through the proxy: %v", err)
	}
	for _, msg := range []string{"hello", strings.Repeat("x", 100000)} {
		if err := websocket.Message.Send(ws, msg); err != nil {
			t.Fatal(err)
		}
		// The echo peer copies frames as they come, so a long message may
		// come back in several frames.
		buf := make([]byte, len(msg))
		if _, err := io.ReadFull(ws, buf); err != nil {
			t.Fatal(err)
		}
		if got := string(buf); got != msg {
			t.Errorf("echo of %d bytes came back as %d bytes", len(msg), len(got))
		}
	}
	_ = ws.Close()
	waitFor(t, "the access log entry", func() bool { return len(r.log()) == 1 })
	if e := r.log()[0]; e.Status != http.StatusSwitchingProtocols || e.Rule != "example.com/ws" {
		t.Errorf("access log %+v, want 101 on example.com/ws", e)
	}
}

// Large bodies stream both ways without being held in memory whole.
func TestLargeBodies(t *testing.T) {
	r, _ := routesProxy(t, Options{})
	dir := t.TempDir()
	const size = 16 << 20
	upload := filepath.Join(dir, "upload")
	data := make([]byte, size)
	if _, err := rand.Read(data); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(upload, data, 0o600); err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(data)
	t.Run("request", func(t *testing.T) {
		// -T streams the file with chunked transfer encoding.
		res := curl(t, "-T", upload, "-H", "Transfer-Encoding: chunked", "--resolve", resolve("example.com", r.httpPort),
			"http://example.com:"+r.httpPort+"/users/upload")
		s := decodeSeen(t, res.body)
		if s.Length != size || s.SHA256 != hex.EncodeToString(sum[:]) {
			t.Errorf("upstream got %d bytes %s, want %d bytes %x", s.Length, s.SHA256, size, sum)
		}
	})
	t.Run("response", func(t *testing.T) {
		out := filepath.Join(dir, "download")
		res := curl(t, "-o", out, "--resolve", resolve("example.com", r.httpPort),
			fmt.Sprintf("http://example.com:%s/big?n=%d", r.httpPort, size))
		if res.status != 200 {
			t.Fatalf("status %d", res.status)
		}
		fi, err := os.Stat(out)
		if err != nil {
			t.Fatal(err)
		}
		if fi.Size() != size {
			t.Errorf("downloaded %d bytes, want %d", fi.Size(), size)
		}
	})
}

func TestDefaultBackend(t *testing.T) {
	up := startUpstream(t)
	set := loadSet(t, "testdata/default-backend.yaml")
	target := strings.TrimPrefix(up.URL, "http://")
	p := New(Options{})
	if err := p.Update(set, []Upstream{mustUpstream(t, "shop/fallback:8080="+target), mustUpstream(t, "shop/cart:80="+target)}); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, url, wantURI string
	}{
		{"rule", "http://shop.example/cart", "/cart"},
		{"other path", "http://shop.example/cart/x", "/cart/x"},
		{"other host", "http://unknown.example/anything", "/anything"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := serveOnce(t, p, tt.url)
			if resp.Code != 200 {
				t.Fatalf("status %d: %s", resp.Code, resp.Body)
			}
			if s := decodeSeen(t, resp.Body.String()); s.URI != tt.wantURI {
				t.Errorf("upstream saw %q, want %q", s.URI, tt.wantURI)
			}
		})
	}
}

func TestNotLoaded(t *testing.T) {
	resp := serveOnce(t, New(Options{}), "http://example.com/")
	if resp.Code != http.StatusServiceUnavailable {
		t.Errorf("status %d before any load, want 503", resp.Code)
	}
}

// The echo answer is the decision and the request the upstream would
// get; with no upstream running it still says which flag is missing.
func TestEcho(t *testing.T) {
	set := loadSet(t, "testdata/routes.yaml")
	p := New(Options{Echo: true})
	if err := p.Update(set, []Upstream{mustUpstream(t, "default/users:80=127.0.0.1:9001")}); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	for _, u := range []string{
		"http://example.com/users/7?x=1",
		"http://example.com/users/%2e%2e/admin",
		"http://example.com/nope",
		"http://unknown.test/",
	} {
		req := newRequest(t, u)
		req.Header.Set("Connection", "keep-alive, X-Hop")
		req.Header.Set("X-Hop", "dropped")
		req.Header.Set("X-Forwarded-For", "198.51.100.7")
		req.Header.Set("User-Agent", "test")
		resp := serve(p, req)
		fmt.Fprintf(&out, "# GET %s -> %d %s\n%s", u, resp.Code, resp.Header().Get("Content-Type"), resp.Body)
	}
	assertGolden(t, out.Bytes(), "testdata/echo.golden")
}

func TestHostOnly(t *testing.T) {
	for in, want := range map[string]string{
		"Example.COM:8080": "example.com",
		"example.com.":     "example.com",
		"[::1]:80":         "::1",
		"[::1]":            "::1",
		"":                 "",
	} {
		if got := hostOnly(in); got != want {
			t.Errorf("hostOnly(%q) = %q, want %q", in, got, want)
		}
	}
}

// An upstream slower than ResponseHeaderTimeout gives 504 with the
// reason.
func TestUpstreamTimeout(t *testing.T) {
	slow := slowUpstream(t)
	set := loadSet(t, "testdata/routes.yaml")
	p := New(Options{ResponseHeaderTimeout: 50 * time.Millisecond})
	if err := p.Update(set, []Upstream{mustUpstream(t, "default/users:80="+slow)}); err != nil {
		t.Fatal(err)
	}
	resp := serveOnce(t, p, "http://example.com/users")
	if resp.Code != http.StatusGatewayTimeout || !strings.Contains(resp.Body.String(), "timeout awaiting response headers") {
		t.Errorf("got %d %q, want 504 naming the timeout", resp.Code, resp.Body)
	}
}

// Request headers beyond MaxHeaderBytes are refused with 431 before
// routing, as nginx refuses them past large_client_header_buffers.
func TestHeaderLimit(t *testing.T) {
	r, _ := routesProxy(t, Options{})
	res := curl(t, "-H", "X-Big: "+strings.Repeat("a", DefaultMaxHeaderBytes+4096),
		"--resolve", resolve("example.com", r.httpPort), "http://example.com:"+r.httpPort+"/users")
	if res.status != http.StatusRequestHeaderFieldsTooLarge {
		t.Errorf("status %d, want 431", res.status)
	}
}

// Shutdown stops listening at once and lets a request in flight finish.
func TestGracefulShutdown(t *testing.T) {
	started, release := make(chan struct{}), make(chan struct{})
	slow := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		close(started)
		<-release
		_, _ = w.Write([]byte("done"))
	}))
	defer slow.Close()
	set := loadSet(t, "testdata/routes.yaml")
	p := New(Options{})
	if err := p.Update(set, []Upstream{mustUpstream(t, "default/users:80="+strings.TrimPrefix(slow.URL, "http://"))}); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	addr := make(chan string, 1)
	served := make(chan error, 1)
	go func() {
		served <- p.Serve(ctx, ServeOptions{HTTPSPort: -1, Ready: func(h, _ string) { addr <- h }})
	}()
	front := <-addr
	type result struct {
		body string
		err  error
	}
	got := make(chan result, 1)
	go func() {
		req, _ := http.NewRequest(http.MethodGet, "http://"+front+"/users", nil)
		req.Host = "example.com"
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			got <- result{err: err}
			return
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		got <- result{string(b), err}
	}()
	<-started
	cancel()
	// New connections are refused while the request is still in flight.
	waitFor(t, "the listener to close", func() bool {
		c, err := net.Dial("tcp", front)
		if err == nil {
			c.Close()
		}
		return err != nil
	})
	close(release)
	if r := <-got; r.err != nil || r.body != "done" {
		t.Errorf("request in flight got %q, %v; want done", r.body, r.err)
	}
	if err := <-served; err != nil {
		t.Errorf("serve: %v", err)
	}
}

// A kept-alive upstream connection that the upstream closed while idle
// fails on reuse, and the request is retried once on a new connection.
func TestUpstreamClosesIdleConnections(t *testing.T) {
	up := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.WriteString(w, r.Method+" ok")
	}))
	up.Config.IdleTimeout = 20 * time.Millisecond
	up.Start()
	defer up.Close()
	set := loadSet(t, "testdata/routes.yaml")
	p := New(Options{})
	if err := p.Update(set, []Upstream{mustUpstream(t, "default/users:80="+strings.TrimPrefix(up.URL, "http://"))}); err != nil {
		t.Fatal(err)
	}
	// Only idempotent requests: for the others net/http.Transport, which
	// carries them, has the same race between reuse and the upstream's
	// close, and nothing may retry them.
	for i, method := range []string{"GET", "GET", "OPTIONS", "GET"} {
		req := newRequest(t, "http://example.com/users")
		req.Method = method
		resp := serve(p, req)
		if resp.Code != http.StatusOK || resp.Body.String() != method+" ok" {
			t.Errorf("request %d (%s): %d %q", i, method, resp.Code, resp.Body)
		}
		// Longer than the upstream's idle timeout.
		time.Sleep(40 * time.Millisecond)
	}
}

// An https:// upstream with a self-signed certificate is reached, as
// ingress-nginx reaches backends with backend-protocol HTTPS.
func TestHTTPSUpstream(t *testing.T) {
	up := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.WriteString(w, "tls upstream "+r.URL.Path)
	}))
	defer up.Close()
	set := loadSet(t, "testdata/routes.yaml")
	p := New(Options{})
	if err := p.Update(set, []Upstream{mustUpstream(t, "default/users:80="+up.URL)}); err != nil {
		t.Fatal(err)
	}
	resp := serveOnce(t, p, "http://example.com/users/1")
	if resp.Code != http.StatusOK || resp.Body.String() != "tls upstream /users/1" {
		t.Errorf("got %d %q", resp.Code, resp.Body)
	}
}

// An ingress-nginx ssl-redirect answered in echo mode still carries its
// Location, as a 3xx must.
func TestEchoRedirectHasLocation(t *testing.T) {
	set := loadSet(t, "../examples/nginx-tls.yaml")
	prof, err := simulate.ParseProfile("nginx")
	if err != nil {
		t.Fatal(err)
	}
	p := New(Options{Echo: true, Profile: prof})
	if err := p.Update(set, nil); err != nil {
		t.Fatal(err)
	}
	resp := serve(p, newRequest(t, "http://example.com/foo"))
	if resp.Code != http.StatusPermanentRedirect || resp.Header().Get("Location") != "https://example.com/foo" {
		t.Errorf("got %d Location %q, want 308 to https://example.com/foo", resp.Code, resp.Header().Get("Location"))
	}
}

// An upstream that reports itself unavailable (a port-forward while it
// reconnects) answers 502 with its reason and is not dialed; once it
// recovers, requests flow again.
func TestUpstreamStatus(t *testing.T) {
	up := startUpstream(t)
	set := loadSet(t, "testdata/default-backend.yaml")
	u := mustUpstream(t, "shop/cart:80="+strings.TrimPrefix(up.URL, "http://"))
	var down atomic.Bool
	down.Store(true)
	u.Status = func() error {
		if down.Load() {
			return errors.New("port-forward to shop/cart-0 is reconnecting")
		}
		return nil
	}
	p := New(Options{})
	if err := p.Update(set, []Upstream{u}); err != nil {
		t.Fatal(err)
	}
	resp := serveOnce(t, p, "http://shop.example/cart")
	if resp.Code != http.StatusBadGateway || !strings.Contains(resp.Body.String(), "reconnecting") {
		t.Fatalf("while down: status %d, body %q; want 502 naming the reconnect", resp.Code, resp.Body)
	}
	down.Store(false)
	if resp := serveOnce(t, p, "http://shop.example/cart"); resp.Code != http.StatusOK {
		t.Fatalf("after recovery: status %d: %s", resp.Code, resp.Body)
	}
}
