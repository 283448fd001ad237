package main

import (
	"bytes"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// kubeconfigFor writes a kubeconfig whose current context talks to server.
func kubeconfigFor(t *testing.T, server string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "kubeconfig")
	cfg := fmt.Sprintf(`apiVersion: v1
kind: Config
clusters:
- name: c
  cluster:
    server: %s
contexts:
- name: c
  context:
    cluster: c
current-context: c
`, server)
	if err := os.WriteFile(path, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// complete runs cobra's __complete command as the shell scripts do and
// returns the candidates, without the directive line.
func complete(t *testing.T, args ...string) []string {
	t.Helper()
	var out, errOut bytes.Buffer
	if code := run(append([]string{"__complete"}, args...), strings.NewReader(""), &out, &errOut); code != 0 {
		t.Fatalf("__complete %q: exit %d: %s", args, code, errOut.String())
	}
	lines := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
	return lines[:len(lines)-1]
}

// TestCompleteFromCluster completes -n and --ingress-class from a fake API
// server serving the list calls kubectl's own completion makes.
func TestCompleteFromCluster(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		switch r.URL.Path {
		case "/api/v1/namespaces":
			fmt.Fprint(w, `{"kind":"NamespaceList","apiVersion":"v1","items":[{"metadata":{"name":"shop"}},{"metadata":{"name":"default"}},{"metadata":{"name":"kube-system"}}]}`)
		case "/apis/networking.k8s.io/v1/ingressclasses":
			fmt.Fprint(w, `{"kind":"IngressClassList","apiVersion":"networking.k8s.io/v1","items":[{"metadata":{"name":"nginx"}},{"metadata":{"name":"alb"}}]}`)
		default:
			http.NotFound(w, r)
		}
	}))
	defer srv.Close()
	kc := kubeconfigFor(t, srv.URL)

	if got, want := strings.Join(complete(t, "lint", "--kubeconfig", kc, "-n", ""), " "), "default kube-system shop"; got != want {
		t.Errorf("-n: got %q, want %q", got, want)
	}
	if got, want := strings.Join(complete(t, "routes", "--kubeconfig", kc, "-n", "s"), " "), "shop"; got != want {
		t.Errorf("-n s: got %q, want %q", got, want)
	}
	if got, want := strings.Join(complete(t, "simulate", "--kubeconfig", kc, "--ingress-class", ""), " "), "alb nginx"; got != want {
		t.Errorf("--ingress-class: got %q, want %q", got, want)
	}
	// KUBECONFIG is read as kubectl reads it.
	t.Setenv("KUBECONFIG", kc)
	if got, want := strings.Join(complete(t, "proxy", "-n", "kube"), " "), "kube-system"; got != want {
		t.Errorf("-n kube with $KUBECONFIG: got %q, want %q", got, want)
	}
}

// TestCompleteUnreachable offers nothing, quickly and quietly, when the
// cluster does not answer.
func TestCompleteUnreachable(t *testing.T) {
	block := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { <-block }))
	defer srv.Close()
	defer close(block)
	kc := kubeconfigFor(t, srv.URL)
	start := time.Now()
	if got := complete(t, "lint", "--kubeconfig", kc, "-n", ""); len(got) != 0 {
		t.Errorf("got %q from a cluster that does not answer", got)
	}
	if d := time.Since(start); d > 2*completionTimeout {
		t.Errorf("took %s, want at most %s", d, 2*completionTimeout)
	}
}
