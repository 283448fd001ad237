package proxy

import (
	"bytes"
	"context"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"golang.org/x/net/websocket"

	"github.com/ingresskit/ingresskit/certgen"
	"github.com/ingresskit/ingresskit/internal/golden"
	"github.com/ingresskit/ingresskit/manifest"
)

// loadSet loads YAML fixtures through the manifest loader.
func loadSet(t *testing.T, paths ...string) *manifest.Set { return loadSetB(t, paths...) }

func loadSetB(t testing.TB, paths ...string) *manifest.Set {
	t.Helper()
	set, err := manifest.Load(context.Background(), manifest.Options{Paths: paths})
	if err != nil {
		t.Fatalf("load %v: %v", paths, err)
	}
	return set
}

// seen is what the test upstream reports about a request it received.
type seen struct {
	Method string      `json:"method"`
	URI    string      `json:"uri"`
	Host   string      `json:"host"`
	Proto  string      `json:"proto"`
	Header http.Header `json:"header"`
	Length int64       `json:"length"`
	SHA256 string      `json:"sha256"`
}

// startUpstream runs the upstream every mapped backend points at: it
// echoes WebSocket messages on /ws, streams ?n= bytes on GET /big, and
// otherwise describes the request it got (with the digest of its body)
// in JSON.
func startUpstream(t *testing.T) *httptest.Server {
	t.Helper()
	ws := websocket.Handler(func(c *websocket.Conn) { _, _ = io.Copy(c, c) })
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case r.URL.Path == "/ws":
			ws.ServeHTTP(w, r)
			return
		case r.URL.Path == "/big" && r.Method == http.MethodGet:
			n, _ := strconv.Atoi(r.URL.Query().Get("n"))
			chunk := bytes.Repeat([]byte("0123456789abcdef"), 4096)
			rc := http.NewResponseController(w)
			for n > 0 {
				k := min(n, len(chunk))
				if _, err := w.Write(chunk[:k]); err != nil {
					return
				}
				_ = rc.Flush()
				n -= k
			}
			return
		}
		writeSeen(w, r)
	}))
	t.Cleanup(srv.Close)
	return srv
}

// slowUpstream returns the address of an upstream that answers no
// request until the test ends.
func slowUpstream(t *testing.T) string {
	t.Helper()
	release := make(chan struct{})
	slow := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	t.Cleanup(slow.Close)
	t.Cleanup(func() { close(release) })
	return strings.TrimPrefix(slow.URL, "http://")
}

// writeSeen answers with the request as the upstream saw it, in JSON,
// its body digested.
func writeSeen(w http.ResponseWriter, r *http.Request) {
	h := sha256.New()
	n, _ := io.Copy(h, r.Body)
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(seen{
		Method: r.Method, URI: r.RequestURI, Host: r.Host, Proto: r.Proto,
		Header: r.Header, Length: n, SHA256: hex.EncodeToString(h.Sum(nil)),
	})
}

// serveRaw listens on a loopback port and runs serve on every accepted
// connection, closing it after; it returns the address.
func serveRaw(tb testing.TB, serve func(c net.Conn)) string {
	tb.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { _ = ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				serve(c)
			}()
		}
	}()
	return ln.Addr().String()
}

// closedAddr returns a loopback address nothing listens on.
func closedAddr(t *testing.T) string {
	t.Helper()
	// A port taken from the ephemeral range and closed again can be handed
	// out as the local port of a later dial to it, and Linux then connects
	// the socket to itself (TCP simultaneous open): the "down" upstream
	// answers nothing instead of refusing. Port 1 is outside that range;
	// it is used when nothing listens there.
	if c, err := net.DialTimeout("tcp", "127.0.0.1:1", time.Second); err == nil {
		_ = c.Close()
	} else if errors.Is(err, syscall.ECONNREFUSED) {
		return "127.0.0.1:1"
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	_ = ln.Close()
	return addr
}

func mustUpstream(t *testing.T, s string) Upstream {
	t.Helper()
	u, err := ParseUpstream(s)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// running is a proxy served on loopback ports.
type running struct {
	p         *Proxy
	http      string // 127.0.0.1:port
	https     string
	httpPort  string
	httpsPort string
	caFile    string
	ca        *certgen.CA
	mu        sync.Mutex
	entries   []Entry
}

// logAfter waits until the access log has n entries, which follow the
// last byte of their responses, and returns it.
func (r *running) logAfter(t *testing.T, n int) []Entry {
	t.Helper()
	waitFor(t, fmt.Sprintf("%d access log entries", n), func() bool { return len(r.log()) >= n })
	return r.log()
}

func (r *running) log() []Entry {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]Entry(nil), r.entries...)
}

// startProxy serves p's handler on free loopback ports with a fresh CA
// issuing certificates, until the test ends.
func startProxy(t *testing.T, opts Options, load func(p *Proxy) error) *running {
	t.Helper()
	ca, err := certgen.NewCA(certgen.CAOptions{})
	if err != nil {
		t.Fatal(err)
	}
	caFile := filepath.Join(t.TempDir(), "ca.crt")
	if err := os.WriteFile(caFile, ca.CertPEM, 0o644); err != nil {
		t.Fatal(err)
	}
	r := &running{ca: ca, caFile: caFile}
	opts.Certificate = func(host string) (*tls.Certificate, error) {
		leaf, err := ca.Issue(certgen.IssueOptions{Hosts: []string{host}})
		if err != nil {
			return nil, err
		}
		c, err := leaf.TLSCertificate()
		return &c, err
	}
	opts.AccessLog = func(e *Entry) {
		r.mu.Lock()
		r.entries = append(r.entries, *e)
		r.mu.Unlock()
	}
	r.p = New(opts)
	if err := load(r.p); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	ready := make(chan struct{})
	done := make(chan error, 1)
	go func() {
		done <- r.p.Serve(ctx, ServeOptions{Ready: func(h, s string) {
			r.http, r.https = h, s
			close(ready)
		}})
	}()
	select {
	case <-ready:
	case err := <-done:
		cancel()
		t.Fatalf("serve: %v", err)
	}
	_, r.httpPort, _ = net.SplitHostPort(r.http)
	_, r.httpsPort, _ = net.SplitHostPort(r.https)
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("serve: %v", err)
		}
	})
	return r
}

// requireCurl fails the test when curl is not installed.
func requireCurl(t *testing.T) {
	t.Helper()
	if _, err := exec.LookPath("curl"); err != nil {
		t.Fatal("curl not found: install the Debian package curl")
	}
}

// curlResult is what curl reported.
type curlResult struct {
	body    string
	status  int
	version string
}

// curl runs curl with args, resolving every name it is given with
// --resolve to 127.0.0.1 so that nothing leaves the machine.
func curl(t *testing.T, args ...string) curlResult {
	t.Helper()
	requireCurl(t)
	const mark = "\n@@curl@@"
	all := append([]string{"-sS", "--max-time", "30", "-w", mark + "%{http_code} %{http_version}"}, args...)
	cmd := exec.Command("curl", all...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		t.Fatalf("curl %s: %v\n%s", strings.Join(args, " "), err, errb.String())
	}
	s := out.String()
	i := strings.LastIndex(s, mark)
	if i < 0 {
		t.Fatalf("curl output without status: %q", s)
	}
	var res curlResult
	res.body = s[:i]
	if _, err := fmt.Sscanf(s[i+len(mark):], "%d %s", &res.status, &res.version); err != nil {
		t.Fatalf("curl status %q: %v", s[i+len(mark):], err)
	}
	return res
}

func resolve(host, port string) string { return host + ":" + port + ":127.0.0.1" }

func decodeSeen(t *testing.T, body string) seen {
	t.Helper()
	var s seen
	if err := json.Unmarshal([]byte(body), &s); err != nil {
		t.Fatalf("upstream answer %q: %v", body, err)
	}
	return s
}

// waitFor polls cond until it holds or 10s pass.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// testCA is a second CA, standing for the one that signed a Secret.
type testCA struct {
	ca      *certgen.CA
	cert    *x509.Certificate
	certPEM []byte
}

func newTestCA() (*testCA, error) {
	ca, err := certgen.NewCA(certgen.CAOptions{})
	if err != nil {
		return nil, err
	}
	return &testCA{ca: ca, cert: ca.Cert, certPEM: ca.CertPEM}, nil
}

func (c *testCA) leafPEM(t *testing.T, host string) (crt, key []byte) {
	t.Helper()
	leaf, err := c.ca.Issue(certgen.IssueOptions{Hosts: []string{host}})
	if err != nil {
		t.Fatal(err)
	}
	return leaf.CertPEM, []byte(leaf.KeyPEM)
}

func b64(b []byte) string { return base64.StdEncoding.EncodeToString(b) }

// newRequest builds a server-side request as net/http would hand it to
// the handler, from a fixed client address.
func newRequest(t *testing.T, url string) *http.Request {
	t.Helper()
	req := httptest.NewRequest(http.MethodGet, url, nil)
	req.RemoteAddr = "192.0.2.10:50000"
	return req
}

func serve(h http.Handler, req *http.Request) *httptest.ResponseRecorder {
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

func serveOnce(t *testing.T, h http.Handler, url string) *httptest.ResponseRecorder {
	t.Helper()
	return serve(h, newRequest(t, url))
}

func assertGolden(t *testing.T, got []byte, path string) {
	t.Helper()
	golden.Assert(t, got, path)
}
