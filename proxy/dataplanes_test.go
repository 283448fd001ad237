package proxy

import (
	"bufio"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/ingresskit/ingresskit/manifest"
)

// named is a test upstream that says who it is (X-Upstream) and keeps
// the requests it got.
type named struct {
	srv  *httptest.Server
	mu   sync.Mutex
	seen []seen
}

func startNamed(t *testing.T, name string) *named {
	t.Helper()
	n := &named{}
	n.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n.mu.Lock()
		n.seen = append(n.seen, seen{Method: r.Method, URI: r.RequestURI, Host: r.Host, Header: r.Header.Clone()})
		n.mu.Unlock()
		w.Header().Set("X-Upstream", name)
		w.Header().Set("X-Upstream-Internal", "secret")
		writeSeen(w, r)
	}))
	t.Cleanup(n.srv.Close)
	return n
}

func (n *named) addr() string { return strings.TrimPrefix(n.srv.URL, "http://") }

func (n *named) requests() []seen {
	n.mu.Lock()
	defer n.mu.Unlock()
	return append([]seen(nil), n.seen...)
}

// planesProxy serves the fixtures on free loopback ports: listener 80
// and 443 on HTTPPort and HTTPSPort, the others as ports lists them.
type planesProxy struct {
	p     *Proxy
	addrs map[portKey]string
	roots *x509.CertPool
}

// secretFile writes a TLS Secret ns/name certifying host, signed by a
// CA whose pool it returns.
func secretFile(t *testing.T, ns, name, host string) (string, *x509.CertPool) {
	t.Helper()
	ca, err := newTestCA()
	if err != nil {
		t.Fatal(err)
	}
	crt, key := ca.leafPEM(t, host)
	f := filepath.Join(t.TempDir(), name+".yaml")
	doc := fmt.Sprintf("apiVersion: v1\nkind: Secret\nmetadata: {name: %s, namespace: %s}\ntype: kubernetes.io/tls\ndata:\n  tls.crt: %s\n  tls.key: %s\n", name, ns, b64(crt), b64(key))
	if err := os.WriteFile(f, []byte(doc), 0o644); err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(ca.cert)
	return f, pool
}

func startPlanes(t *testing.T, opts Options, set *manifest.Set, ups []Upstream, ports ...ServePort) *planesProxy {
	t.Helper()
	pp := &planesProxy{p: New(opts), addrs: map[portKey]string{}}
	if err := pp.p.Update(set, ups); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	ready := make(chan struct{})
	done := make(chan error, 1)
	go func() {
		done <- pp.p.Serve(ctx, ServeOptions{Ports: ports, Bound: func(b []BoundPort) {
			for _, bp := range b {
				pp.addrs[portKey{bp.Listener, bp.TLS}] = bp.Addr
			}
			close(ready)
		}})
	}()
	select {
	case <-ready:
	case err := <-done:
		cancel()
		t.Fatalf("serve: %v", err)
	}
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("serve: %v", err)
		}
	})
	return pp
}

// get sends one request for host to the local port of listener port k.
func (pp *planesProxy) get(t *testing.T, k portKey, host, target string, header http.Header) *http.Response {
	t.Helper()
	scheme := "http"
	if k.tls {
		scheme = "https"
	}
	req, err := http.NewRequest(http.MethodGet, scheme+"://"+pp.addrs[k]+target, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Host = host
	for k, vs := range header {
		req.Header[k] = vs
	}
	tr := &http.Transport{TLSClientConfig: &tls.Config{ServerName: host, RootCAs: pp.roots}}
	defer tr.CloseIdleConnections()
	c := &http.Client{Transport: tr, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatalf("GET %s%s: %v", host, target, err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	resp.Body = io.NopCloser(strings.NewReader(string(body)))
	return resp
}

func readSeen(t *testing.T, resp *http.Response) seen {
	t.Helper()
	var s seen
	if err := json.NewDecoder(resp.Body).Decode(&s); err != nil {
		t.Fatalf("decode upstream answer (status %d): %v", resp.StatusCode, err)
	}
	return s
}

func echoOf(t *testing.T, rec *httptest.ResponseRecorder) Echo {
	t.Helper()
	var e Echo
	if err := json.Unmarshal(rec.Body.Bytes(), &e); err != nil {
		t.Fatalf("decode echo %q: %v", rec.Body.String(), err)
	}
	return e
}

func TestIngressClassesEachUnderItsProfile(t *testing.T) {
	p := New(Options{Echo: true})
	if err := p.Update(loadSet(t, "testdata/planes/classes.yaml")); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		url, plane, profile, ingress string
	}{
		{"http://nginx.example/app", "ingress class nginx", "nginx", "default/web-nginx"},
		{"http://alb.example/app", "ingress class alb", "alb", "default/web-alb"},
		// Both classes claim shared.example: simulate answers with the
		// alb plane first (classes sorted by name), and so does the proxy.
		{"http://shared.example/", "ingress class alb", "alb", "default/web-alb"},
	} {
		t.Run(tc.url, func(t *testing.T) {
			e := echoOf(t, serveOnce(t, p, tc.url))
			got := []string{e.DataPlane, e.Profile, e.Ingress}
			if diff := cmp.Diff([]string{tc.plane, tc.profile, tc.ingress}, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
	want := []string{"host shared.example on port 80 (http) is claimed by ingress class alb, ingress class nginx: ingress class alb answers, as it is simulate's first answer",
		"host shared.example on port 443 (https) is claimed by ingress class alb, ingress class nginx: ingress class alb answers, as it is simulate's first answer"}
	if diff := cmp.Diff(want, p.Notes()); diff != "" {
		t.Errorf("notes (-want +got):\n%s", diff)
	}
	// One class only: the other plane is gone, and with it the claim.
	p = New(Options{Echo: true, IngressClass: "nginx"})
	if err := p.Update(loadSet(t, "testdata/planes/classes.yaml")); err != nil {
		t.Fatal(err)
	}
	if e := echoOf(t, serveOnce(t, p, "http://shared.example/")); e.DataPlane != "ingress class nginx" {
		t.Errorf("--ingress-class nginx: shared.example answered by %q", e.DataPlane)
	}
	if rec := serveOnce(t, p, "http://alb.example/app"); rec.Code != http.StatusNotFound {
		t.Errorf("--ingress-class nginx: alb.example got %d, want 404", rec.Code)
	}
	if n := p.Notes(); len(n) != 0 {
		t.Errorf("notes with one class: %q", n)
	}
}

func TestGatewayListenersAndFilters(t *testing.T) {
	v1, v2 := startNamed(t, "v1"), startNamed(t, "v2")
	secret, roots := secretFile(t, "infra", "secure-tls", "secure.example")
	set := loadSet(t, "testdata/planes/gateway.yaml", secret)
	ups := []Upstream{mustUpstream(t, "shop/v1:8080="+v1.addr()), mustUpstream(t, "shop/v2:8080="+v2.addr())}
	pp := startPlanes(t, Options{Seed: 7}, set, ups, ServePort{Listener: 8080})
	pp.roots = roots
	http80, alt, https := portKey{80, false}, portKey{8080, false}, portKey{443, true}

	t.Run("weights", func(t *testing.T) {
		count := map[string]int{}
		for range 200 {
			resp := pp.get(t, http80, "shop.example", "/", nil)
			count[resp.Header.Get("X-Upstream")]++
		}
		// 3:1 by weight; 200 draws stay well within 120-180 for v1.
		if count["v1"] < 120 || count["v1"] > 180 || count["v1"]+count["v2"] != 200 {
			t.Errorf("split %v, want about 150 v1 and 50 v2", count)
		}
	})
	t.Run("rewrite and header modifiers", func(t *testing.T) {
		resp := pp.get(t, http80, "shop.example", "/api/items?q=1", http.Header{"X-Secret": {"s"}, "X-Tag": {"client"}})
		if resp.StatusCode != 200 {
			t.Fatalf("status %d", resp.StatusCode)
		}
		s := readSeen(t, resp)
		got := []string{s.URI, s.Host, s.Header.Get("X-Env"), strings.Join(s.Header.Values("X-Tag"), ","), s.Header.Get("X-Secret")}
		want := []string{"/v2/items?q=1", "api.internal", "prod", "client,added", ""}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("upstream saw (-want +got):\n%s", diff)
		}
		if got := []string{resp.Header.Get("X-Served-By"), resp.Header.Get("X-Upstream-Internal")}; !cmp.Equal(got, []string{"gateway", ""}) {
			t.Errorf("response headers X-Served-By, X-Upstream-Internal = %q", got)
		}
	})
	t.Run("redirect", func(t *testing.T) {
		resp := pp.get(t, http80, "shop.example", "/old?x=1", nil)
		if resp.StatusCode != 301 || resp.Header.Get("Location") != "https://secure.example/new?x=1" {
			t.Errorf("got %d Location %q", resp.StatusCode, resp.Header.Get("Location"))
		}
	})
	t.Run("unresolved backend is 500", func(t *testing.T) {
		resp := pp.get(t, http80, "shop.example", "/gone", nil)
		body, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != 500 || !strings.Contains(string(body), "no backendRef of the rule resolves") {
			t.Errorf("got %d %q", resp.StatusCode, body)
		}
	})
	t.Run("the share of an unresolved backend is 500", func(t *testing.T) {
		count := map[int]int{}
		for range 60 {
			resp := pp.get(t, http80, "shop.example", "/half", nil)
			count[resp.StatusCode]++
			if resp.StatusCode == 500 {
				body, _ := io.ReadAll(resp.Body)
				if !strings.Contains(string(body), "backend shop/missing:80 does not resolve") {
					t.Errorf("500 page %q", body)
				}
			}
		}
		if count[200] < 15 || count[500] < 15 || count[200]+count[500] != 60 {
			t.Errorf("statuses %v, want about 30 of 200 and 30 of 500", count)
		}
	})
	t.Run("other listener port", func(t *testing.T) {
		resp := pp.get(t, alt, "anything.example", "/x", nil)
		if up := resp.Header.Get("X-Upstream"); resp.StatusCode != 200 || up != "v2" {
			t.Errorf("listener 8080: got %d from %q, want 200 from v2", resp.StatusCode, up)
		}
		// The shop route is not attached to 8080's listener.
		resp = pp.get(t, alt, "shop.example", "/api/x", nil)
		if s := readSeen(t, resp); s.URI != "/api/x" {
			t.Errorf("listener 8080 rewrote %q", s.URI)
		}
	})
	t.Run("https with the listener's certificateRefs", func(t *testing.T) {
		resp := pp.get(t, https, "secure.example", "/api/x", nil)
		if resp.TLS == nil || resp.TLS.PeerCertificates[0].Subject.String() == "" || resp.StatusCode != 200 {
			t.Fatalf("got %d", resp.StatusCode)
		}
		if err := resp.TLS.PeerCertificates[0].VerifyHostname("secure.example"); err != nil {
			t.Error(err)
		}
	})
	t.Run("misdirected", func(t *testing.T) {
		// A connection for secure.example (SNI) asking for a host of
		// listener https-wild: 421; for a host no listener takes: 404.
		for host, want := range map[string]int{"x.wild.example": 421, "nowhere.test": 404} {
			c, err := tls.Dial("tcp", pp.addrs[https], &tls.Config{ServerName: "secure.example", RootCAs: roots})
			if err != nil {
				t.Fatal(err)
			}
			fmt.Fprintf(c, "GET / HTTP/1.1\r\nHost: %s\r\nConnection: close\r\n\r\n", host)
			resp, err := http.ReadResponse(bufio.NewReader(c), nil)
			if err != nil {
				t.Fatal(err)
			}
			c.Close()
			if resp.StatusCode != want {
				t.Errorf("Host %s on a connection for secure.example: %d, want %d", host, resp.StatusCode, want)
			}
		}
	})
	t.Run("mirror", func(t *testing.T) {
		before := len(v2.requests())
		resp := pp.get(t, http80, "shop.example", "/full", nil)
		if s := readSeen(t, resp); s.URI != "/replaced" {
			t.Errorf("v1 saw %q, want /replaced", s.URI)
		}
		waitFor(t, "the mirrored request", func() bool { return len(v2.requests()) > before })
		m := v2.requests()[before]
		if m.URI != "/full" || m.Host != "shop.example-shadow" {
			t.Errorf("mirror got %s for host %s", m.URI, m.Host)
		}
	})
	t.Run("route table", func(t *testing.T) {
		var rows []string
		for _, r := range pp.p.Routes() {
			rows = append(rows, fmt.Sprintf("%s|%s %s|%s|%s|%s|%d|%v|%s", r.DataPlane, r.Kind, r.Object, r.Host, r.Path, r.Backend, r.Weight, r.TLS, r.Redirect))
		}
		// One row per backend, and per parentRef: the rule is on
		// listener http and on listener https (TLS).
		const shop = "gateway infra/gw|HTTPRoute shop/shop|shop.example,secure.example|"
		want := []string{
			shop + "/|shop/v1:8080|3|false|",
			shop + "/|shop/v2:8080|1|false|",
			shop + "/|shop/v1:8080|3|true|",
			shop + "/|shop/v2:8080|1|true|",
			shop + "/api|shop/v1:8080|0|false|",
			shop + "/api|shop/v1:8080|0|true|",
			shop + "/full|shop/v1:8080|0|false|",
			shop + "/full|shop/v1:8080|0|true|",
			shop + "/gone|shop/missing:80|0|false|",
			shop + "/gone|shop/missing:80|0|true|",
			shop + "/half|shop/v1:8080|1|false|",
			shop + "/half|shop/missing:80|1|false|",
			shop + "/half|shop/v1:8080|1|true|",
			shop + "/half|shop/missing:80|1|true|",
			shop + "/old||0|false|redirect 301 scheme https host secure.example path /new",
			shop + "/old||0|true|redirect 301 scheme https host secure.example path /new",
			"gateway infra/gw|HTTPRoute shop/alt|*|/|shop/v2:8080|0|false|",
		}
		if diff := cmp.Diff(want, rows); diff != "" {
			t.Errorf("routes (-want +got):\n%s", diff)
		}
		if diff := cmp.Diff([]string{"gateway infra/gw listener tcp (port 9000, TCP): the proxy serves HTTP and HTTPS listeners only"}, pp.p.Notes()); diff != "" {
			t.Errorf("notes (-want +got):\n%s", diff)
		}
	})
}

// TestGatewayRawSocket sends request heads byte for byte: the fast path
// reads them first and hands the Gateway's answers to net/http, keeping
// the connection.
func TestGatewayRawSocket(t *testing.T) {
	v1, v2 := startNamed(t, "v1"), startNamed(t, "v2")
	set := loadSet(t, "testdata/planes/gateway.yaml")
	ups := []Upstream{mustUpstream(t, "shop/v1:8080="+v1.addr()), mustUpstream(t, "shop/v2:8080="+v2.addr())}
	pp := startPlanes(t, Options{Seed: 1}, set, ups)
	c, err := net.Dial("tcp", pp.addrs[portKey{80, false}])
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	br := bufio.NewReader(c)
	for _, tc := range []struct {
		head       string
		status     int
		upstreamOf string
	}{
		{"GET /api/a HTTP/1.1\r\nHost: shop.example\r\nX-Secret: s\r\n\r\n", 200, "/v2/a"},
		{"GET /old HTTP/1.1\r\nHost: SHOP.example.\r\n\r\n", 301, ""},
		{"GET /api/b HTTP/1.1\r\nHost: shop.example:80\r\n\r\n", 200, "/v2/b"},
		// No route of listener http names the host: the Gateway's 404.
		{"GET /x HTTP/1.1\r\nHost: nowhere.example\r\n\r\n", 404, ""},
	} {
		if _, err := io.WriteString(c, tc.head); err != nil {
			t.Fatal(err)
		}
		resp, err := http.ReadResponse(br, nil)
		if err != nil {
			t.Fatalf("%q: %v", tc.head, err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != tc.status {
			t.Errorf("%q: status %d, want %d (%s)", tc.head, resp.StatusCode, tc.status, body)
		}
		if tc.upstreamOf != "" {
			var s seen
			if err := json.Unmarshal(body, &s); err != nil || s.URI != tc.upstreamOf || s.Header.Get("X-Secret") != "" {
				t.Errorf("%q: upstream saw %+v (%v)", tc.head, s, err)
			}
		}
	}
}

func TestIstioGateway(t *testing.T) {
	one, two := startNamed(t, "one"), startNamed(t, "two")
	secret, roots := secretFile(t, "default", "mesh-tls", "mesh.example")
	set := loadSet(t, "testdata/planes/istio.yaml", secret)
	ups := []Upstream{mustUpstream(t, "default/one:80="+one.addr()), mustUpstream(t, "default/two:80="+two.addr())}
	pp := startPlanes(t, Options{Seed: 3}, set, ups, ServePort{Listener: 8081})
	pp.roots = roots
	http80, plain, https := portKey{80, false}, portKey{8081, false}, portKey{443, true}
	for _, tc := range []struct {
		name          string
		k             portKey
		target        string
		status        int
		location, uri string
	}{
		{"httpsRedirect", http80, "/api/x?q=1", 301, "https://mesh.example/api/x?q=1", ""},
		{"rewrite over https with credentialName", https, "/api/x?q=1", 200, "", "/v1/x?q=1"},
		{"redirect", plain, "/old", 302, "http://mesh.example/new", ""},
		{"directResponse", plain, "/teapot", 418, "", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resp := pp.get(t, tc.k, "mesh.example", tc.target, nil)
			if resp.StatusCode != tc.status || resp.Header.Get("Location") != tc.location {
				t.Fatalf("got %d Location %q, want %d %q", resp.StatusCode, resp.Header.Get("Location"), tc.status, tc.location)
			}
			if tc.status == 418 {
				if body, _ := io.ReadAll(resp.Body); string(body) != "short and stout\n" {
					t.Errorf("directResponse body %q", body)
				}
			}
			if tc.uri != "" {
				if s := readSeen(t, resp); s.URI != tc.uri {
					t.Errorf("upstream saw %q, want %q", s.URI, tc.uri)
				}
			}
		})
	}
	t.Run("authority, headers and mirror", func(t *testing.T) {
		before := len(two.requests())
		resp := pp.get(t, plain, "mesh.example", "/api/x", http.Header{"X-Secret": {"s"}})
		waitFor(t, "the mirrored request", func() bool { return len(two.requests()) > before })
		if m := two.requests()[before]; m.URI != "/api/x" || m.Host != "mesh.example-shadow" {
			t.Errorf("mirror got %s for host %s", m.URI, m.Host)
		}
		s := readSeen(t, resp)
		got := []string{s.URI, s.Host, s.Header.Get("X-Env"), s.Header.Get("X-Secret"), resp.Header.Get("X-Served-By")}
		if diff := cmp.Diff([]string{"/v1/x", "api.internal", "prod", "", "istio"}, got); diff != "" {
			t.Errorf("URI, Host, X-Env, X-Secret upstream, X-Served-By (-want +got):\n%s", diff)
		}
	})
	t.Run("weights", func(t *testing.T) {
		count := map[string]int{}
		for range 100 {
			count[pp.get(t, plain, "mesh.example", "/", nil).Header.Get("X-Upstream")]++
		}
		if count["one"] < 30 || count["two"] < 30 || count["one"]+count["two"] != 100 {
			t.Errorf("split %v, want about 50 each", count)
		}
	})
}

func TestGatewayOption(t *testing.T) {
	set := loadSet(t, "testdata/planes/istio.yaml", "testdata/planes/classes.yaml")
	p := New(Options{Echo: true, Gateway: "default/ig"})
	if err := p.Update(set); err != nil {
		t.Fatal(err)
	}
	if e := echoOf(t, serveOnce(t, p, "http://nginx.example/app")); e.DataPlane != "istio gateway default/ig" || e.Matched {
		t.Errorf("--gateway default/ig: nginx.example answered by %q (matched %v)", e.DataPlane, e.Matched)
	}
	rec := serveOnce(t, p, "http://mesh.example/x")
	if rec.Code != 301 || rec.Header().Get("Location") != "https://mesh.example/x" {
		t.Errorf("got %d %q", rec.Code, rec.Header().Get("Location"))
	}
	err := New(Options{Gateway: "default/nope"}).Update(set)
	if err == nil || err.Error() != "gateway default/nope: no such Gateway in the input (have default/ig)" {
		t.Errorf("unknown gateway: %v", err)
	}
}

func TestPlanPorts(t *testing.T) {
	ports := []ListenerPort{
		{Port: 80, DataPlanes: []string{"gateway a/b"}},
		{Port: 443, TLS: true, DataPlanes: []string{"gateway a/b"}},
		{Port: 8080, DataPlanes: []string{"gateway a/b"}},
		{Port: 8443, TLS: true, DataPlanes: []string{"gateway a/b"}},
		{Port: 9000, TLS: true, DataPlanes: []string{"istio gateway c/d"}},
	}
	for _, tc := range []struct {
		name   string
		listen map[int32]int
		https  bool
		want   PortPlan
	}{
		{"defaults", nil, true, PortPlan{HTTPPort: 8080, HTTPSPort: 8443,
			Ports: []ServePort{{Listener: 9000, Port: 9000, TLS: true}},
			Notes: []string{
				"listener port 8080 (http, gateway a/b) is not served: local port 8080 serves listener port 80 (http); map it with --listen 8080=<port>",
				"listener port 8443 (https, gateway a/b) is not served: local port 8443 serves listener port 443 (https); map it with --listen 8443=<port>",
				"listener port 9000 (https, istio gateway c/d) is served on local port 9000, the same number (--listen 9000=<port> maps it elsewhere)",
			}}},
		{"mapped", map[int32]int{80: 0, 8080: 18080, 8443: 18443, 9000: 19000, 7: 7}, false, PortPlan{HTTPPort: 0, HTTPSPort: -1,
			Ports: []ServePort{{Listener: 8080, Port: 18080}, {Listener: 8443, Port: 18443, TLS: true}, {Listener: 9000, Port: 19000, TLS: true}},
			Notes: []string{"--listen 7=7: no data plane listens on port 7"}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := PlanPorts(ports, tc.listen, 8080, 8443, tc.https)
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

// TestClaimNotesBounded: 12 hosts claimed by two classes give 10 notes
// per port and a count of the rest.
func TestClaimNotesBounded(t *testing.T) {
	var b strings.Builder
	for _, class := range []string{"a", "b"} {
		fmt.Fprintf(&b, "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: {name: web-%s}\nspec:\n  ingressClassName: %s\n  rules:\n", class, class)
		for i := range 12 {
			fmt.Fprintf(&b, "  - host: h%02d.example\n    http:\n      paths:\n      - {path: /, pathType: Prefix, backend: {service: {name: s, port: {number: 80}}}}\n", i)
		}
		b.WriteString("---\n")
	}
	f := filepath.Join(t.TempDir(), "hosts.yaml")
	if err := os.WriteFile(f, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	p := New(Options{})
	if err := p.Update(loadSet(t, f)); err != nil {
		t.Fatal(err)
	}
	notes := p.Notes()
	if len(notes) != 22 {
		t.Fatalf("%d notes, want 2 × (10 + 1):\n%s", len(notes), strings.Join(notes, "\n"))
	}
	for i, want := range map[int]string{
		0:  "host h00.example on port 80 (http) is claimed by ingress class a, ingress class b: ingress class a answers, as it is simulate's first answer",
		10: "2 more hosts on port 80 (http) are claimed by several data planes; `ingresskit simulate` lists every answer for a URL",
		21: "2 more hosts on port 443 (https) are claimed by several data planes; `ingresskit simulate` lists every answer for a URL",
	} {
		if notes[i] != want {
			t.Errorf("note %d = %q, want %q", i, notes[i], want)
		}
	}
}

// TestServeListenError: a listener port whose local port is taken stops
// Serve with a ListenError naming both ports.
func TestServeListenError(t *testing.T) {
	taken, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer taken.Close()
	port := taken.Addr().(*net.TCPAddr).Port
	p := New(Options{})
	if err := p.Update(loadSet(t, "testdata/planes/gateway.yaml")); err != nil {
		t.Fatal(err)
	}
	err = p.Serve(context.Background(), ServeOptions{HTTPSPort: -1, Ports: []ServePort{{Listener: 8080, Port: port}}})
	var le *ListenError
	if !errors.As(err, &le) || le.Listener != 8080 || le.Port != port {
		t.Fatalf("got %v, want a ListenError for listener port 8080 on %d", err, port)
	}
	if want := fmt.Sprintf("listen for http listener port 8080 on local port %d: ", port); !strings.HasPrefix(err.Error(), want) {
		t.Errorf("message %q, want it to start with %q", err, want)
	}
}

// TestCertificateRefGrant: a certificateRef to a Secret of another
// namespace is served only when a ReferenceGrant there allows it; else
// the local CA certifies the host.
func TestCertificateRefGrant(t *testing.T) {
	const gw = `apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: {name: gw, namespace: infra}
spec:
  gatewayClassName: example
  listeners:
  - name: https
    port: 443
    protocol: HTTPS
    hostname: secure.example
    tls:
      certificateRefs: [{name: secure-tls, namespace: certs}]
`
	const grant = `apiVersion: gateway.networking.k8s.io/v1beta1
kind: ReferenceGrant
metadata: {name: gateways, namespace: certs}
spec:
  from: [{group: gateway.networking.k8s.io, kind: Gateway, namespace: infra}]
  to: [{group: "", kind: Secret}]
`
	secret, secretRoots := secretFile(t, "certs", "secure-tls", "secure.example")
	local, err := newTestCA()
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name   string
		docs   string
		secret bool
	}{
		{"without a grant", gw, false},
		{"with a grant", gw + "---\n" + grant, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := filepath.Join(t.TempDir(), "gw.yaml")
			if err := os.WriteFile(f, []byte(tc.docs), 0o644); err != nil {
				t.Fatal(err)
			}
			p := New(Options{Certificate: func(host string) (*tls.Certificate, error) {
				crt, key := local.leafPEM(t, host)
				c, err := tls.X509KeyPair(crt, key)
				return &c, err
			}})
			if err := p.Update(loadSet(t, f, secret)); err != nil {
				t.Fatal(err)
			}
			c, err := p.GetCertificate(&tls.ClientHelloInfo{ServerName: "secure.example"})
			if err != nil {
				t.Fatal(err)
			}
			_, err = c.Leaf.Verify(x509.VerifyOptions{DNSName: "secure.example", Roots: secretRoots})
			if (err == nil) != tc.secret {
				t.Errorf("served the Secret: %v, want %v", err == nil, tc.secret)
			}
		})
	}
}
