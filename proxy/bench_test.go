package proxy

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// BenchmarkForward measures a request through the handler to a loopback
// upstream over kept-alive connections, the path bench/proxy.sh loads.
func BenchmarkForward(b *testing.B) {
	up := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.WriteString(w, "ok\n")
	}))
	defer up.Close()
	set := loadSetB(b, "testdata/routes.yaml")
	p := New(Options{AccessLog: func(*Entry) {}})
	u, err := ParseUpstream("default/users:80=" + strings.TrimPrefix(up.URL, "http://"))
	if err != nil {
		b.Fatal(err)
	}
	if err := p.Update(set, []Upstream{u}); err != nil {
		b.Fatal(err)
	}
	front := httptest.NewServer(p)
	defer front.Close()
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}}
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			req, _ := http.NewRequest(http.MethodGet, front.URL+"/users/42", nil)
			req.Host = "example.com"
			resp, err := client.Do(req)
			if err != nil {
				b.Error(err)
				return
			}
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK {
				b.Errorf("status %d", resp.StatusCode)
				return
			}
		}
	})
}

// BenchmarkServeHTTPEcho measures routing and the echo answer alone,
// with no network.
func BenchmarkServeHTTPEcho(b *testing.B) {
	set := loadSetB(b, "testdata/routes.yaml")
	p := New(Options{Echo: true})
	if err := p.Update(set); err != nil {
		b.Fatal(err)
	}
	req := httptest.NewRequest(http.MethodGet, "http://example.com/users/42", nil)
	b.ReportAllocs()
	for b.Loop() {
		rec := httptest.NewRecorder()
		p.ServeHTTP(rec, req)
	}
}
