package main

import (
	"bufio"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"
)

const signalIngress = `apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: web
  namespace: default
spec:
  rules:
  - host: example.com
    http:
      paths:
      - path: /
        pathType: Prefix
        backend:
          service:
            name: web
            port:
              number: 80
`

// freePort returns a port nothing listens on now.
func freePort(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	_, port, _ := net.SplitHostPort(ln.Addr().String())
	return port
}

// TestProxySIGTERM runs the real binary (this test binary under the name
// ingresskit, which TestMain runs as the command) and sends it SIGTERM
// while a request waits on a slow upstream: the listeners close at once,
// the request in flight still gets its whole answer, and the process
// says "Stopped." and exits 0.
func TestProxySIGTERM(t *testing.T) {
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "ingresskit")
	if err := os.Symlink(exe, bin); err != nil {
		t.Fatal(err)
	}
	manifest := filepath.Join(dir, "web.yaml")
	if err := os.WriteFile(manifest, []byte(signalIngress), 0o600); err != nil {
		t.Fatal(err)
	}

	started := make(chan struct{}, 1)
	release := make(chan struct{})
	up := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		started <- struct{}{}
		<-release
		_, _ = io.WriteString(w, "slow answer")
	}))
	defer up.Close()
	defer func() {
		select {
		case <-release:
		default:
			close(release)
		}
	}()

	httpPort, httpsPort := freePort(t), freePort(t)
	cmd := exec.Command(bin, "proxy", "-f", manifest, "--http-port", httpPort, "--https-port", httpsPort,
		"--upstream", "default/web:80="+strings.TrimPrefix(up.URL, "http://"))
	cmd.Env = append(os.Environ(), "HOME="+dir, "NO_COLOR=1")
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stdout = io.Discard
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { _ = cmd.Process.Kill() }()

	// Wait for the listeners, then keep reading stderr.
	lines := make(chan string, 100)
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
	}()
	var log []string
	listening := regexp.MustCompile(`^Listening on http://127\.0\.0\.1:` + httpPort)
	for ready := false; !ready; {
		select {
		case l, ok := <-lines:
			if !ok {
				t.Fatalf("proxy exited before listening:\n%s", strings.Join(log, "\n"))
			}
			log = append(log, l)
			ready = listening.MatchString(l)
		case <-time.After(30 * time.Second):
			t.Fatalf("proxy not listening after 30s:\n%s", strings.Join(log, "\n"))
		}
	}

	// A request waits on the upstream.
	type result struct {
		status int
		body   string
		err    error
	}
	done := make(chan result, 1)
	go func() {
		req, _ := http.NewRequest(http.MethodGet, "http://127.0.0.1:"+httpPort+"/slow", nil)
		req.Host = "example.com"
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			done <- result{err: err}
			return
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		done <- result{status: resp.StatusCode, body: string(b), err: err}
	}()
	select {
	case <-started:
	case <-time.After(10 * time.Second):
		t.Fatal("the request did not reach the upstream")
	}

	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	// The listeners close at once: new connections are refused while the
	// request in flight is still being answered.
	deadline := time.Now().Add(5 * time.Second)
	for {
		c, err := net.DialTimeout("tcp", "127.0.0.1:"+httpPort, time.Second)
		if err != nil {
			break
		}
		c.Close()
		if time.Now().After(deadline) {
			t.Fatal("the HTTP port still accepts connections 5s after SIGTERM")
		}
		time.Sleep(20 * time.Millisecond)
	}
	select {
	case r := <-done:
		t.Fatalf("the request in flight ended before its upstream answered: %+v", r)
	default:
	}

	close(release)
	select {
	case r := <-done:
		if r.err != nil || r.status != http.StatusOK || r.body != "slow answer" {
			t.Errorf("request in flight: status %d body %q err %v, want 200 %q", r.status, r.body, r.err, "slow answer")
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the request in flight got no answer after SIGTERM")
	}

	waited := make(chan error, 1)
	go func() {
		for l := range lines {
			log = append(log, l)
		}
		waited <- cmd.Wait()
	}()
	select {
	case err := <-waited:
		var ee *exec.ExitError
		if errors.As(err, &ee) || err != nil {
			t.Errorf("exit: %v, want 0\n%s", err, strings.Join(log, "\n"))
		}
	case <-time.After(15 * time.Second):
		t.Fatal("the proxy did not exit after SIGTERM")
	}
	if !strings.Contains(strings.Join(log, "\n"), "Stopped.") {
		t.Errorf("stderr does not say Stopped.:\n%s", strings.Join(log, "\n"))
	}
}
