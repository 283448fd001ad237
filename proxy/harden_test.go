package proxy

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"
)

// rawProxy serves testdata/routes.yaml with default/users:80 on a raw
// upstream that runs answer for every request it reads, on the fast
// path or, with noFast, on net/http alone.
func rawProxy(t *testing.T, noFast bool, answer func(c net.Conn, req *http.Request)) *running {
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
	return startProxy(t, Options{}, func(p *Proxy) error {
		p.noFast = noFast
		return p.Update(set, []Upstream{mustUpstream(t, "default/users:80="+up)})
	})
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

// smuggled is a whole response an upstream sends where none belongs.
const smuggled = "HTTP/1.1 200 OK\r\nContent-Length: 8\r\n\r\nsmuggled"

// Regression test for issue 19 (1): bytes an upstream sends beyond
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
