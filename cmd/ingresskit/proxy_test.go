package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/ingresskit/ingresskit/proxy"
)

func TestProxyFlags(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want proxyOptions
		err  string
	}{
		{
			name: "defaults",
			args: []string{"-f", "x.yaml"},
			want: proxyOptions{Address: "127.0.0.1", HTTPPort: 8080, HTTPSPort: 8443, LogFormat: "text", Watch: true},
		},
		{
			name: "everything",
			args: []string{"-f", "x.yaml", "--address", "0.0.0.0", "--http-port", "80", "--https-port", "0", "--https",
				"--upstream", "default/users:80=127.0.0.1:9001", "--upstreams", "up.txt", "--echo",
				"--log-format", "json", "--ingress-class", "nginx", "--controller", "spec", "--ca-dir", "ca", "--watch=false"},
			want: proxyOptions{Address: "0.0.0.0", HTTPPort: 80, HTTPSPort: 0, HTTPS: true,
				Upstreams: []string{"default/users:80=127.0.0.1:9001"}, UpstreamsFile: "up.txt", Echo: true,
				LogFormat: "json", IngressClass: "nginx", Controller: "spec", CA: caFlags{Dir: "ca"}},
		},
		{
			name: "port-forward reads the cluster",
			args: []string{"--port-forward", "-n", "shop"},
			want: proxyOptions{Address: "127.0.0.1", HTTPPort: 8080, HTTPSPort: 8443, LogFormat: "text", Watch: true, PortForward: true},
		},
		{
			name: "port-forward every namespace",
			args: []string{"--port-forward", "-A", "--context", "dev"},
			want: proxyOptions{Address: "127.0.0.1", HTTPPort: 8080, HTTPSPort: 8443, LogFormat: "text", Watch: true, PortForward: true},
		},
		{
			name: "gateway, listener ports and seed",
			args: []string{"-f", "x.yaml", "--gateway", "infra/prod", "--listen", "8443=9443", "--listen", "80=0", "--seed", "7"},
			want: proxyOptions{Address: "127.0.0.1", HTTPPort: 8080, HTTPSPort: 8443, LogFormat: "text", Watch: true,
				Gateway: "infra/prod", Listen: []string{"8443=9443", "80=0"}, Seed: 7, listen: map[int32]int{8443: 9443, 80: 0}},
		},
		{name: "gateway without namespace", args: []string{"-f", "x.yaml", "--gateway", "prod"}, err: `invalid --gateway "prod": want namespace/name`},
		{name: "gateway and ingress class", args: []string{"-f", "x.yaml", "--gateway", "a/b", "--ingress-class", "nginx"}, err: "[gateway ingress-class] were all set"},
		{name: "listen without local port", args: []string{"-f", "x.yaml", "--listen", "8443"}, err: `--listen "8443": want <listenerPort>=<localPort>`},
		{name: "listen port out of range", args: []string{"-f", "x.yaml", "--listen", "0=80"}, err: `listener port "0" is not 1-65535`},
		{name: "listen twice", args: []string{"-f", "x.yaml", "--listen", "8443=1", "--listen", "8443=2"}, err: "listener port 8443 is already mapped to 1"},
		{name: "no input", args: nil, err: "no input"},
		{name: "no --cluster", args: []string{"-f", "x.yaml", "--cluster"}, err: "proxy has no --cluster"},
		{name: "all namespaces without port-forward", args: []string{"-A"}, err: "-A reads the Ingresses of every namespace: use it with --port-forward and without -f"},
		{name: "all namespaces with files", args: []string{"-f", "x.yaml", "-A", "--port-forward"}, err: "use it with --port-forward and without -f"},
		{
			name: "timeouts and cap",
			args: []string{"-f", "x.yaml", "--read-timeout", "5s", "--client-body-timeout", "6s", "--send-timeout", "7s", "--idle-timeout", "8s", "--max-conns", "100"},
			want: proxyOptions{Address: "127.0.0.1", HTTPPort: 8080, HTTPSPort: 8443, LogFormat: "text", Watch: true,
				ReadTimeout: 5 * time.Second, ClientBodyTimeout: 6 * time.Second, SendTimeout: 7 * time.Second, IdleTimeout: 8 * time.Second, MaxConns: 100},
		},
		{name: "zero timeout", args: []string{"-f", "x.yaml", "--read-timeout", "0s"}, err: "--read-timeout 0s is not a positive duration"},
		{name: "echo and port-forward", args: []string{"-f", "x.yaml", "--echo", "--port-forward"}, err: "[echo port-forward] were all set"},
		{name: "bad upstream", args: []string{"-f", "x.yaml", "--upstream", "users:80=127.0.0.1:9001"}, err: "has no namespace"},
		{name: "host name address", args: []string{"-f", "x.yaml", "--address", "example.com"}, err: "not an IP address"},
		{name: "port out of range", args: []string{"-f", "x.yaml", "--http-port", "70000"}, err: "not 0-65535"},
		{name: "unknown controller", args: []string{"-f", "x.yaml", "--controller", "nope"}, err: "must be one of alb, gce, istio, nginx, spec"},
		{name: "ca cert without key", args: []string{"-f", "x.yaml", "--ca-cert", "ca.crt"}, err: "ca-key"},
		{name: "bad log format", args: []string{"-f", "x.yaml", "--log-format", "xml"}, err: "must be one of json, text"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parseOptions(newProxyCmd, tt.args)
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("error %v, want one containing %q", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			got.IO, got.Files, got.upstreams, got.profile, got.Cluster = nil, fileFlags{}, nil, nil, clusterFlags{}
			if tt.want.ReadTimeout == 0 {
				// The nginx-like defaults, unless the case sets them.
				tt.want.ReadTimeout, tt.want.ClientBodyTimeout = proxy.DefaultReadTimeout, proxy.DefaultClientBodyTimeout
				tt.want.SendTimeout, tt.want.IdleTimeout = proxy.DefaultSendTimeout, proxy.DefaultIdleTimeout
			}
			if diff := cmp.Diff(tt.want, *got, cmp.AllowUnexported(proxyOptions{}, clusterFlags{})); diff != "" {
				t.Errorf("options (-want +got):\n%s", diff)
			}
		})
	}
}

const binaryManifest = `apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: web
spec:
  tls:
  - hosts: [web.example]
  rules:
  - host: web.example
    http:
      paths:
      - path: /api
        pathType: Prefix
        backend:
          service:
            name: api
            port:
              number: 80
`

// lines collects what a process writes, line by line.
type lines struct {
	mu  sync.Mutex
	all []string
}

func (l *lines) read(r io.Reader) {
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		l.mu.Lock()
		l.all = append(l.all, sc.Text())
		l.mu.Unlock()
	}
}

func (l *lines) text() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return strings.Join(l.all, "\n")
}

// wait polls until re matches the collected text and returns the match.
func (l *lines) wait(t *testing.T, re *regexp.Regexp) []string {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for time.Now().Before(deadline) {
		if m := re.FindStringSubmatch(l.text()); m != nil {
			return m
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("timed out waiting for %s in:\n%s", re, l.text())
	return nil
}

// TestProxyBinary runs the real binary with real curl: forwarding over
// http and h2, a reload after an edit, and a clean exit on SIGINT.
func TestProxyBinary(t *testing.T) {
	if _, err := exec.LookPath("curl"); err != nil {
		t.Fatal("curl not found: install the Debian package curl")
	}
	upstream := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_ = json.NewEncoder(w).Encode(map[string]string{"uri": r.RequestURI, "host": r.Host, "xff": r.Header.Get("X-Forwarded-For")})
	}))
	defer upstream.Close()
	dir := t.TempDir()
	manifestPath := filepath.Join(dir, "web.yaml")
	if err := os.WriteFile(manifestPath, []byte(binaryManifest), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("ingresskit", "proxy", "-f", manifestPath, "--http-port", "0", "--https-port", "0",
		"--upstream", "default/api:80="+strings.TrimPrefix(upstream.URL, "http://"))
	cmd.Env = append(os.Environ(), "INGRESSKIT_CA_DIR="+filepath.Join(dir, "ca"), "NO_COLOR=1")
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var out, errOut lines
	var readers sync.WaitGroup
	readers.Add(2)
	go func() { defer readers.Done(); out.read(stdout) }()
	go func() { defer readers.Done(); errOut.read(stderr) }()
	exited := false
	defer func() {
		if !exited {
			_ = cmd.Process.Kill()
			_ = cmd.Wait()
		}
	}()
	m := errOut.wait(t, regexp.MustCompile(`Listening on http://127\.0\.0\.1:(\d+) and https://127\.0\.0\.1:(\d+)`))
	httpPort, httpsPort := m[1], m[2]
	if !strings.Contains(errOut.text(), "default/api:80") {
		t.Errorf("banner lacks the route:\n%s", errOut.text())
	}
	curlRun := func(args ...string) string {
		t.Helper()
		all := append([]string{"-sS", "--max-time", "10", "-w", " %{http_code} %{http_version}"}, args...)
		b, err := exec.Command("curl", all...).CombinedOutput()
		if err != nil {
			t.Fatalf("curl %v: %v\n%s", args, err, b)
		}
		return string(b)
	}
	got := []string{
		curlRun("--resolve", "web.example:"+httpPort+":127.0.0.1", "http://web.example:"+httpPort+"/api/v1"),
		curlRun("--http2", "--cacert", filepath.Join(dir, "ca", "ca.crt"), "--resolve", "web.example:"+httpsPort+":127.0.0.1",
			"https://web.example:"+httpsPort+"/api/v2"),
		curlRun("--resolve", "web.example:"+httpPort+":127.0.0.1", "http://web.example:"+httpPort+"/new"),
	}
	want := []string{
		fmt.Sprintf(`{"host":"web.example:%s","uri":"/api/v1","xff":"127.0.0.1"}`+"\n 200 1.1", httpPort),
		fmt.Sprintf(`{"host":"web.example:%s","uri":"/api/v2","xff":"127.0.0.1"}`+"\n 200 2", httpsPort),
		"404 Not Found: no Ingress rule matches http://web.example/new and there is no defaultBackend\n 404 1.1",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("curl (-want +got):\n%s", diff)
	}
	out.wait(t, regexp.MustCompile(`(?m)^\S+ GET http://web\.example /new 404 \d+ [\d.]+ms error="no route"$`))
	out.wait(t, regexp.MustCompile(`(?m)^\S+ GET https://web\.example /api/v2 200 \d+ [\d.]+ms ingress=default/web rule=web\.example/api upstream=127\.0\.0\.1:\d+$`))

	// Edit: /new is served without a restart.
	edited := strings.Replace(binaryManifest, "/api", "/new", 1)
	if err := os.WriteFile(manifestPath+".tmp", []byte(edited), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(manifestPath+".tmp", manifestPath); err != nil {
		t.Fatal(err)
	}
	errOut.wait(t, regexp.MustCompile(`Reloaded 1 routes\.`))
	if got := curlRun("--resolve", "web.example:"+httpPort+":127.0.0.1", "http://web.example:"+httpPort+"/new"); !strings.HasSuffix(got, " 200 1.1") {
		t.Errorf("after the edit /new gave %q, want 200", got)
	}

	// SIGINT shuts down cleanly with exit code 0.
	if err := cmd.Process.Signal(syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	readers.Wait()
	err = cmd.Wait()
	exited = true
	var ee *exec.ExitError
	if err != nil && !errors.As(err, &ee) {
		t.Fatal(err)
	}
	if err != nil {
		t.Errorf("exit after SIGINT: %v\n%s", err, errOut.text())
	}
	if !bytes.HasSuffix([]byte(errOut.text()), []byte("Stopped.")) {
		t.Errorf("stderr does not end with Stopped.:\n%s", errOut.text())
	}
}
