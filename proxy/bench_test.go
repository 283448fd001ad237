package proxy

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
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

// BenchmarkServe measures a request through Serve's listener to a
// loopback upstream, with the fast path and with net/http alone, from
// clients and an upstream that speak raw HTTP/1.1 and allocate nothing,
// so allocs/op are the proxy's.
func BenchmarkServe(b *testing.B) {
	for _, bc := range []struct {
		name   string
		noFast bool
	}{{"fast", false}, {"nethttp", true}} {
		b.Run(bc.name, func(b *testing.B) {
			up := rawUpstream(b)
			set := loadSetB(b, "testdata/routes.yaml")
			p := New(Options{AccessLog: func(*Entry) {}})
			p.noFast = bc.noFast
			u, err := ParseUpstream("default/users:80=" + up)
			if err != nil {
				b.Fatal(err)
			}
			if err := p.Update(set, []Upstream{u}); err != nil {
				b.Fatal(err)
			}
			ctx, cancel := context.WithCancel(context.Background())
			addr := make(chan string, 1)
			done := make(chan error, 1)
			go func() {
				done <- p.Serve(ctx, ServeOptions{HTTPSPort: -1, Ready: func(h, _ string) { addr <- h }})
			}()
			front := <-addr
			defer func() {
				cancel()
				<-done
			}()
			b.ReportAllocs()
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				c, err := net.Dial("tcp", front)
				if err != nil {
					b.Error(err)
					return
				}
				defer c.Close()
				br := bufio.NewReader(c)
				req := []byte("GET /users/42 HTTP/1.1\r\nHost: example.com\r\nUser-Agent: bench\r\n\r\n")
				for pb.Next() {
					if _, err := c.Write(req); err != nil {
						b.Error(err)
						return
					}
					if err := readRawResponse(br); err != nil {
						b.Error(err)
						return
					}
				}
			})
		})
	}
}

// rawUpstream answers every request with a fixed 3-byte body.
func rawUpstream(b *testing.B) string {
	resp := []byte("HTTP/1.1 200 OK\r\nContent-Length: 3\r\nContent-Type: text/plain\r\nDate: Mon, 30 Nov 2026 00:00:00 GMT\r\n\r\nok\n")
	return serveRaw(b, func(c net.Conn) {
		br := bufio.NewReader(c)
		for {
			for {
				line, err := br.ReadSlice('\n')
				if err != nil {
					return
				}
				if len(line) <= 2 {
					break
				}
			}
			if _, err := c.Write(resp); err != nil {
				return
			}
		}
	})
}

// readRawResponse reads one response with a Content-Length body.
func readRawResponse(br *bufio.Reader) error {
	n := -1
	for first := true; ; first = false {
		line, err := br.ReadSlice('\n')
		if err != nil {
			return err
		}
		if first && !bytes.HasPrefix(line, []byte("HTTP/1.1 200 ")) {
			return fmt.Errorf("status line %q", line)
		}
		if len(line) <= 2 {
			break
		}
		if v, ok := bytes.CutPrefix(line, []byte("Content-Length: ")); ok {
			n, _ = strconv.Atoi(string(bytes.TrimSpace(v)))
		}
	}
	if n < 0 {
		return fmt.Errorf("no Content-Length")
	}
	_, err := br.Discard(n)
	return err
}
