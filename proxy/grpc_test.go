package proxy

import (
	"bytes"
	"context"
	"crypto/tls"
	"encoding/binary"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"
)

// grpcFrame is one gRPC length-prefixed message (grpc/grpc
// doc/PROTOCOL-HTTP2.md, "Length-Prefixed-Message"): a compressed flag,
// a 4-byte big-endian length and the message.
func grpcFrame(msg string) []byte {
	b := make([]byte, 5+len(msg))
	binary.BigEndian.PutUint32(b[1:5], uint32(len(msg)))
	copy(b[5:], msg)
	return b
}

// readGRPCFrame reads one length-prefixed message.
func readGRPCFrame(r io.Reader) (string, error) {
	var head [5]byte
	if _, err := io.ReadFull(r, head[:]); err != nil {
		return "", err
	}
	msg := make([]byte, binary.BigEndian.Uint32(head[1:]))
	_, err := io.ReadFull(r, msg)
	return string(msg), err
}

// grpcUpstream is a fake gRPC server over h2c: it answers each message
// of a call with "<name>: <message>" and ends with grpc-status 0 in the
// trailers, as a gRPC server does, and keeps what it saw.
type grpcUpstream struct {
	name string
	ln   net.Listener
	mu   sync.Mutex
	// protos and paths are those of the requests it got.
	protos, paths []string
}

func startGRPCUpstream(t *testing.T, name string) *grpcUpstream {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	u := &grpcUpstream{name: name, ln: ln}
	var protos http.Protocols
	protos.SetUnencryptedHTTP2(true)
	srv := &http.Server{Protocols: &protos, Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		u.mu.Lock()
		u.protos = append(u.protos, r.Proto)
		u.paths = append(u.paths, r.URL.Path)
		u.mu.Unlock()
		if r.Header.Get("Content-Type") != "application/grpc" || r.Header.Get("Te") != "trailers" {
			http.Error(w, fmt.Sprintf("not a gRPC request: Content-Type %q TE %q", r.Header.Get("Content-Type"), r.Header.Get("Te")), http.StatusBadRequest)
			return
		}
		w.Header().Set("Content-Type", "application/grpc")
		w.Header().Set("Trailer", "Grpc-Status")
		if r.URL.Path == "/echo.Echo/Flood" {
			// More than a client's HTTP/2 flow-control windows hold.
			for range 64 {
				if _, err := w.Write(grpcFrame(strings.Repeat("x", 256<<10))); err != nil {
					return
				}
			}
			w.Header().Set("Grpc-Status", "0")
			return
		}
		for {
			msg, err := readGRPCFrame(r.Body)
			if err != nil {
				break
			}
			_, _ = w.Write(grpcFrame(u.name + ": " + msg))
			w.(http.Flusher).Flush()
		}
		w.Header().Set("Grpc-Status", "0")
	})}
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(func() { _ = srv.Close() })
	return u
}

func (u *grpcUpstream) addr() string { return u.ln.Addr().String() }

func (u *grpcUpstream) seen() (protos, paths []string) {
	u.mu.Lock()
	defer u.mu.Unlock()
	return append([]string(nil), u.protos...), append([]string(nil), u.paths...)
}

// grpcClient speaks gRPC's HTTP/2: h2c with prior knowledge to an http
// address, h2 through ALPN to an https one.
func grpcClient(roots *tls.Config) *http.Client {
	var protos http.Protocols
	protos.SetUnencryptedHTTP2(true)
	protos.SetHTTP2(true)
	return &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{Protocols: &protos, TLSClientConfig: roots}}
}

// grpcCall makes one unary call and returns the answer's message and
// grpc-status trailer.
func grpcCall(c *http.Client, url, host, msg string) (resp *http.Response, answer, status string, err error) {
	req, err := http.NewRequest(http.MethodPost, url, bytes.NewReader(grpcFrame(msg)))
	if err != nil {
		return nil, "", "", err
	}
	req.Host = host
	req.Header.Set("Content-Type", "application/grpc")
	req.Header.Set("TE", "trailers")
	resp, err = c.Do(req)
	if err != nil {
		return nil, "", "", err
	}
	defer resp.Body.Close()
	if resp.Header.Get("Content-Type") != "application/grpc" {
		body, _ := io.ReadAll(resp.Body)
		return resp, "", "", fmt.Errorf("%s: %d %s", url, resp.StatusCode, body)
	}
	answer, err = readGRPCFrame(resp.Body)
	if err != nil {
		return resp, "", "", err
	}
	if _, err := io.Copy(io.Discard, resp.Body); err != nil {
		return resp, "", "", err
	}
	return resp, answer, resp.Trailer.Get("Grpc-Status"), nil
}

// TestGRPCRoute serves a GRPCRoute for real: gRPC calls over h2c on the
// plaintext listener and over HTTP/2 with TLS on the HTTPS one reach
// the backend the engine picks by service and method, spoken to over
// h2c, with the trailers passed back; HTTP/1.1 on the same port is
// routed as before.
func TestGRPCRoute(t *testing.T) {
	ping, echo := startGRPCUpstream(t, "ping"), startGRPCUpstream(t, "echo")
	web := startNamed(t, "web")
	secret, roots := secretFile(t, "infra", "grpc-tls", "grpc.example")
	set := loadSet(t, "testdata/planes/grpc.yaml", secret)
	ups := []Upstream{mustUpstream(t, "apps/grpc-ping:50051="+ping.addr()), mustUpstream(t, "apps/grpc-echo:50051="+echo.addr()),
		mustUpstream(t, "apps/web:80="+web.addr())}
	pp := startPlanes(t, Options{}, set, ups)
	plain := "http://" + pp.addrs[portKey{80, false}]
	secure := "https://" + pp.addrs[portKey{443, true}]
	c := grpcClient(&tls.Config{ServerName: "grpc.example", RootCAs: roots})
	defer c.CloseIdleConnections()

	for _, tc := range []struct {
		name, url, want string
		up              *grpcUpstream
		path            string
	}{
		{"h2c method match", plain + "/echo.Echo/Ping", "ping: hello", ping, "/echo.Echo/Ping"},
		{"h2c service match", plain + "/echo.Echo/Say", "echo: hello", echo, "/echo.Echo/Say"},
		{"tls method match", secure + "/echo.Echo/Ping", "ping: hello", ping, "/echo.Echo/Ping"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resp, answer, status, err := grpcCall(c, tc.url, "grpc.example", "hello")
			if err != nil {
				t.Fatal(err)
			}
			if resp.Proto != "HTTP/2.0" || resp.StatusCode != 200 || answer != tc.want || status != "0" {
				t.Errorf("got %s %d %q grpc-status %q, want HTTP/2.0 200 %q grpc-status 0", resp.Proto, resp.StatusCode, answer, status, tc.want)
			}
			protos, paths := tc.up.seen()
			if n := len(paths); n == 0 || paths[n-1] != tc.path || protos[n-1] != "HTTP/2.0" {
				t.Errorf("upstream saw %v %v, want %s over HTTP/2.0 last", protos, paths, tc.path)
			}
		})
	}
	t.Run("unknown service is 404", func(t *testing.T) {
		resp, _, _, err := grpcCall(c, plain+"/other.Service/Call", "grpc.example", "hello")
		if resp == nil || resp.StatusCode != http.StatusNotFound {
			t.Errorf("got %v, %v; want 404", resp, err)
		}
	})
	t.Run("http/1.1 beside h2c", func(t *testing.T) {
		resp := pp.get(t, portKey{80, false}, "grpc.example", "/web/x", nil)
		if resp.StatusCode != 200 || resp.Header.Get("X-Upstream") != "web" || resp.Proto != "HTTP/1.1" {
			t.Errorf("got %s %d from %q", resp.Proto, resp.StatusCode, resp.Header.Get("X-Upstream"))
		}
	})
	t.Run("concurrent calls keep their own answers", func(t *testing.T) {
		// Two clients, many calls each over their one connection: every
		// answer is the call's own.
		var wg sync.WaitGroup
		errs := make(chan error, 64)
		for i := range 2 {
			cl := grpcClient(nil)
			defer cl.CloseIdleConnections()
			for j := range 16 {
				wg.Go(func() {
					msg := fmt.Sprintf("client %d call %d %s", i, j, strings.Repeat("x", 1000*j))
					_, answer, status, err := grpcCall(cl, plain+"/echo.Echo/Say", "grpc.example", msg)
					if err == nil && (answer != "echo: "+msg || status != "0") {
						err = fmt.Errorf("call %d/%d got %.40q grpc-status %q", i, j, answer, status)
					}
					if err != nil {
						errs <- err
					}
				})
			}
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Error(err)
		}
	})
}

// TestH2CHostileClients checks the limits on HTTP/2 connections of the
// plaintext port: a client that stops mid-preface or sends nothing after
// it loses its connection, and a call whose request body stalls is
// answered 408 after ClientBodyTimeout, as on HTTP/1.1.
func TestH2CHostileClients(t *testing.T) {
	echo := startGRPCUpstream(t, "echo")
	set := loadSet(t, "testdata/planes/grpc.yaml")
	const timeout = 300 * time.Millisecond
	p := New(Options{ClientBodyTimeout: timeout, SendTimeout: timeout})
	if err := p.Update(set, []Upstream{mustUpstream(t, "apps/grpc-echo:50051="+echo.addr())}); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	addr := make(chan string, 1)
	done := make(chan error, 1)
	go func() {
		done <- p.Serve(ctx, ServeOptions{HTTPSPort: -1, ReadHeaderTimeout: timeout, IdleTimeout: timeout,
			Ready: func(h, _ string) { addr <- h }})
	}()
	defer func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("serve: %v", err)
		}
	}()
	var plain string
	select {
	case plain = <-addr:
	case err := <-done:
		t.Fatalf("serve: %v", err)
	}
	// closed sends what and reports how long the proxy took to close
	// the connection.
	closed := func(t *testing.T, what []byte) time.Duration {
		t.Helper()
		c, err := net.Dial("tcp", plain)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		start := time.Now()
		if _, err := c.Write(what); err != nil {
			t.Fatal(err)
		}
		_ = c.SetReadDeadline(time.Now().Add(10 * time.Second))
		if _, err := io.Copy(io.Discard, c); err != nil {
			t.Fatalf("connection still open after %v: %v", time.Since(start), err)
		}
		return time.Since(start)
	}
	t.Run("half a preface", func(t *testing.T) {
		if d := closed(t, h2cPreface[:10]); d > 5*time.Second {
			t.Errorf("closed after %v", d)
		}
	})
	t.Run("preface then silence", func(t *testing.T) {
		// net/http's HTTP/2 server closes a connection without
		// SETTINGS or streams (its first-settings and idle timeouts).
		if d := closed(t, h2cPreface); d > 5*time.Second {
			t.Errorf("closed after %v", d)
		}
	})
	t.Run("stalled request body", func(t *testing.T) {
		pr, pw := io.Pipe()
		defer pw.Close()
		go func() { _, _ = pw.Write(grpcFrame("hello")[:3]) }()
		req, _ := http.NewRequest(http.MethodPost, "http://"+plain+"/echo.Echo/Say", pr)
		req.Host = "grpc.example"
		req.Header.Set("Content-Type", "application/grpc")
		req.Header.Set("TE", "trailers")
		c := grpcClient(nil)
		defer c.CloseIdleConnections()
		resp, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusRequestTimeout {
			t.Errorf("got %d %q, want 408", resp.StatusCode, body)
		}
	})
	t.Run("client that stops reading", func(t *testing.T) {
		// The response is 16 MiB; the client reads nothing of it for
		// longer than SendTimeout, then finds its stream reset.
		req, _ := http.NewRequest(http.MethodPost, "http://"+plain+"/echo.Echo/Flood", bytes.NewReader(grpcFrame("go")))
		req.Host = "grpc.example"
		req.Header.Set("Content-Type", "application/grpc")
		req.Header.Set("TE", "trailers")
		c := grpcClient(nil)
		defer c.CloseIdleConnections()
		resp, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		time.Sleep(4 * timeout)
		n, err := io.Copy(io.Discard, resp.Body)
		if err == nil {
			t.Errorf("read all %d bytes of the response; want the stream cut off after SendTimeout", n)
		}
	})
}
