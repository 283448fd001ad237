package proxy

import (
	"context"
	"errors"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// rebound is one call of ServeOptions.Rebound.
type rebound struct {
	opened, closed []BoundPort
	err            error
}

// otherPorts serves every listener port but 80 and 443 on a free local
// port, or on the local port mapped says.
func otherPorts(mapped map[int32]int) func([]ListenerPort) []ServePort {
	return func(ports []ListenerPort) []ServePort {
		var out []ServePort
		for _, lp := range ports {
			if lp.Port == 80 && !lp.TLS || lp.Port == 443 && lp.TLS {
				continue
			}
			out = append(out, ServePort{Listener: lp.Port, Port: mapped[lp.Port], TLS: lp.TLS})
		}
		return out
	}
}

func listenerNumbers(bs []BoundPort) []int32 {
	var out []int32
	for _, b := range bs {
		out = append(out, b.Listener)
	}
	return out
}

// TestReloadOpensAndClosesListeners checks that a reload whose Gateway
// moves a listener to another port serves the new port and closes the
// old one, without a restart, and that a port that cannot be bound is
// reported and served by none while the others go on.
func TestReloadOpensAndClosesListeners(t *testing.T) {
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	busyPort := busy.Addr().(*net.TCPAddr).Port
	p := New(Options{Echo: true})
	if err := p.Update(loadSet(t, "testdata/planes/listeners-a.yaml")); err != nil {
		t.Fatal(err)
	}
	replan := otherPorts(map[int32]int{8083: busyPort})
	ctx, cancel := context.WithCancel(context.Background())
	bound := make(chan []BoundPort, 1)
	rebounds := make(chan rebound, 4)
	done := make(chan error, 1)
	go func() {
		done <- p.Serve(ctx, ServeOptions{HTTPSPort: -1, Ports: replan(p.ListenerPorts()), Replan: replan,
			Bound:   func(b []BoundPort) { bound <- b },
			Rebound: func(o, c []BoundPort, err error) { rebounds <- rebound{o, c, err} }})
	}()
	defer func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("serve: %v", err)
		}
	}()
	var addr80, addr8081 string
	select {
	case b := <-bound:
		if got := listenerNumbers(b); !cmp.Equal(got, []int32{80, 8081}) {
			t.Fatalf("bound listener ports %v, want [80 8081]", got)
		}
		addr80, addr8081 = b[0].Addr, b[1].Addr
	case err := <-done:
		t.Fatalf("serve: %v", err)
	}
	next := func() rebound {
		t.Helper()
		select {
		case r := <-rebounds:
			return r
		case <-time.After(10 * time.Second):
			t.Fatal("no replan after the reload")
			return rebound{}
		}
	}
	// The table of the first Update, loaded before Serve, changes
	// nothing.
	select {
	case r := <-rebounds:
		t.Fatalf("replan of an unchanged table opened %v and closed %v (%v)", r.opened, r.closed, r.err)
	case <-time.After(100 * time.Millisecond):
	}
	c := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}, Timeout: 5 * time.Second}
	get := func(addr string) (int, error) {
		req, _ := http.NewRequest(http.MethodGet, "http://"+addr+"/", nil)
		req.Host = "web.example"
		resp, err := c.Do(req)
		if err != nil {
			return 0, err
		}
		resp.Body.Close()
		return resp.StatusCode, nil
	}
	if code, err := get(addr8081); err != nil || code != http.StatusOK {
		t.Fatalf("listener 8081 before the reload: %d %v", code, err)
	}

	// The reload moves the listener from 8081 to 8082.
	if err := p.Update(loadSet(t, "testdata/planes/listeners-b.yaml")); err != nil {
		t.Fatal(err)
	}
	r := next()
	if r.err != nil || !cmp.Equal(listenerNumbers(r.opened), []int32{8082}) || !cmp.Equal(listenerNumbers(r.closed), []int32{8081}) {
		t.Fatalf("replan opened %v, closed %v, err %v; want 8082 opened and 8081 closed", r.opened, r.closed, r.err)
	}
	if r.closed[0].Addr != addr8081 {
		t.Errorf("closed %s, want %s", r.closed[0].Addr, addr8081)
	}
	if code, err := get(r.opened[0].Addr); err != nil || code != http.StatusOK {
		t.Errorf("listener 8082 after the reload: %d %v", code, err)
	}
	if _, err := get(addr8081); err == nil {
		t.Errorf("listener 8081 still answers after the reload took it away")
	}

	// A listener whose local port is taken is reported; the others are
	// still served.
	data, err := os.ReadFile("testdata/planes/listeners-b.yaml")
	if err != nil {
		t.Fatal(err)
	}
	moved := filepath.Join(t.TempDir(), "listeners-c.yaml")
	if err := os.WriteFile(moved, []byte(strings.ReplaceAll(string(data), "port: 8082", "port: 8083")), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := p.Update(loadSet(t, moved)); err != nil {
		t.Fatal(err)
	}
	r = next()
	var le *ListenError
	if !errors.As(r.err, &le) || le.Listener != 8083 || le.Port != busyPort || len(r.opened) != 0 || !cmp.Equal(listenerNumbers(r.closed), []int32{8082}) {
		t.Fatalf("replan opened %v, closed %v, err %v; want 8082 closed and a ListenError for 8083", r.opened, r.closed, r.err)
	}
	req, _ := http.NewRequest(http.MethodGet, "http://"+addr80+"/", nil)
	req.Host = "web.example"
	resp, err := c.Do(req)
	if err != nil {
		t.Fatalf("listener 80 after a failed bind: %v", err)
	}
	resp.Body.Close()
}
