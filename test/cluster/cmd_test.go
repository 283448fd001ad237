//go:build clustertest

package clustertest

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// The command tests run the ingresskit binary, built once from
// cmd/ingresskit, against the shared API server through a kubeconfig, as a
// user would.
var (
	buildOnce sync.Once
	binPath   string
	buildErr  error
)

func ingresskitBin(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "ingresskit-cmd")
		if err != nil {
			buildErr = err
			return
		}
		cleanups = append(cleanups, func() { os.RemoveAll(dir) })
		binPath = filepath.Join(dir, "ingresskit")
		out, err := exec.Command("go", "build", "-o", binPath, "github.com/ingresskit/ingresskit/cmd/ingresskit").CombinedOutput()
		if err != nil {
			buildErr = errors.New(string(out))
		}
	})
	if buildErr != nil {
		t.Fatalf("go build ./cmd/ingresskit: %v", buildErr)
	}
	return binPath
}

// run runs ingresskit with kubeconfig as KUBECONFIG and returns stdout,
// stderr and the exit code.
func run(t *testing.T, kubeconfig string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	cmd := exec.Command(ingresskitBin(t), args...)
	cmd.Env = append(os.Environ(), "KUBECONFIG="+kubeconfig, "NO_COLOR=1")
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err := cmd.Run()
	var exit *exec.ExitError
	switch {
	case errors.As(err, &exit):
		code = exit.ExitCode()
	case err != nil:
		t.Fatal(err)
	}
	return out.String(), errOut.String(), code
}

// lines returns the non-empty lines of s with runs of blanks collapsed.
func lines(s string) []string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if f := strings.Fields(l); len(f) > 0 {
			out = append(out, strings.Join(f, " "))
		}
	}
	return out
}

// gatewayNote is the one line a read of a cluster without the Gateway API
// and Istio CRDs writes to stderr.
const gatewayNote = "note: the cluster serves neither the Gateway API (gateway.networking.k8s.io) nor Istio (networking.istio.io): reading Ingresses only\n"

// TestCmdRoutesAllNamespaces: `routes -A` lists the routes of every
// namespace of the cluster. The shared cluster has no Gateway API CRDs, so
// stderr holds the one quiet line that says so, and nothing else.
func TestCmdRoutesAllNamespaces(t *testing.T) {
	c := start(t)
	stdout, stderr, code := run(t, c.Kubeconfig(t, Admin, "web"), "routes", "-A")
	if code != 0 || stderr != gatewayNote {
		t.Fatalf("exit %d, stderr %q, want only %q", code, stderr, gatewayNote)
	}
	want := []string{
		"INGRESS CLASS PROFILE HOST PATH PATHTYPE BACKEND TLS",
		"api/api nginx nginx api.example.com /v1 Prefix api:8080 -",
		"web/shop nginx nginx shop.example.com / Prefix shop:http shop-tls",
	}
	if diff := cmp.Diff(want, lines(stdout)); diff != "" {
		t.Errorf("routes -A (-want +got):\n%s", diff)
	}
}

// TestCmdLintClusterMissingService: with --cluster the Services come from
// the cluster, so a Service that exists only in the file is missing, and
// the finding names the file's line.
func TestCmdLintClusterMissingService(t *testing.T) {
	c := start(t)
	stdout, stderr, code := run(t, c.Kubeconfig(t, Admin, "web"), "lint", "--cluster", "-f", "testdata/change.yaml")
	if code != 1 {
		t.Errorf("exit %d, want 1; stderr %q", code, stderr)
	}
	got := lines(stdout)
	if len(got) != 1 || !strings.HasPrefix(got[0], "testdata/change.yaml:24:13: error: Service web/checkout ") || !strings.HasSuffix(got[0], "[missing-service]") {
		t.Errorf("findings = %q, want one missing-service for web/checkout at testdata/change.yaml:24:13", got)
	}
	if strings.Contains(stderr, "warning:") {
		t.Errorf("unexpected warning: %q", stderr)
	}
}

// TestCmdLintForbiddenSecrets: a user that may not list Secrets gets a
// warning, and the Secret that could not be read is not reported missing.
// The same command as the admin reports it, so the check can fail.
func TestCmdLintForbiddenSecrets(t *testing.T) {
	c := start(t)
	ctx := context.Background()
	admin := c.Client(t, Admin)
	role := &rbacv1.ClusterRole{
		ObjectMeta: metav1.ObjectMeta{Name: "ingresskit-lint"},
		Rules: []rbacv1.PolicyRule{
			{APIGroups: []string{"networking.k8s.io"}, Resources: []string{"ingresses", "ingressclasses"}, Verbs: []string{"get", "list"}},
			{APIGroups: []string{""}, Resources: []string{"services"}, Verbs: []string{"get", "list"}},
		},
	}
	if _, err := admin.RbacV1().ClusterRoles().Create(ctx, role, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	binding := &rbacv1.ClusterRoleBinding{
		ObjectMeta: metav1.ObjectMeta{Name: "ingresskit-lint"},
		RoleRef:    rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "ClusterRole", Name: role.Name},
		Subjects:   []rbacv1.Subject{{APIGroup: rbacv1.GroupName, Kind: rbacv1.UserKind, Name: Restricted}},
	}
	if _, err := admin.RbacV1().ClusterRoleBindings().Create(ctx, binding, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	const finding = "testdata/tls-change.yaml:11:5: error: TLS Secret web/gone-tls "
	const warning = `warning: cannot list secrets in namespace "web" (forbidden): TLS Secret checks are skipped`
	args := []string{"lint", "--cluster", "-f", "testdata/tls-change.yaml", "--check-certs"}

	stdout, stderr, code := run(t, c.Kubeconfig(t, Admin, "web"), args...)
	if code != 1 || !strings.HasPrefix(stdout, finding) || !strings.Contains(stdout, "[missing-tls-secret]") {
		t.Errorf("admin: exit %d, stdout %q; want 1 and missing-tls-secret at 11:5", code, stdout)
	}
	if strings.Contains(stderr, "warning:") {
		t.Errorf("admin: unexpected warning: %q", stderr)
	}

	stdout, stderr, code = run(t, c.Kubeconfig(t, Restricted, "web"), args...)
	if code != 0 || strings.Contains(stdout, "missing-tls-secret") || strings.Contains(stdout, "tls-cert-") {
		t.Errorf("%s: exit %d, stdout %q; want 0 and no Secret findings", Restricted, code, stdout)
	}
	if errLines := lines(stderr); len(errLines) == 0 || errLines[0] != warning {
		t.Errorf("%s: stderr %q, want first line %q", Restricted, stderr, warning)
	}
}

// TestCmdCreateIngressCluster: create ingress --cluster lints the new
// Ingress against the namespace of the kubeconfig's context: a path that
// the cluster's Ingress already routes elsewhere and a Service missing from
// the cluster stop it (exit 1, nothing printed); one that uses what is
// deployed is printed.
func TestCmdCreateIngressCluster(t *testing.T) {
	c := start(t)
	kc := c.Kubeconfig(t, Admin, "web")
	stdout, stderr, code := run(t, kc, "create", "ingress", "new", "--cluster", "--class", "nginx", "--rule", "shop.example.com/*=nosuch:80")
	if code != 1 || stdout != "" {
		t.Errorf("exit %d with stdout %q, want 1 and nothing; stderr %q", code, stdout, stderr)
	}
	for _, want := range []string{"error: Service web/nosuch", "[missing-service]", "[path-conflict]"} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, stderr)
		}
	}
	stdout, stderr, code = run(t, kc, "create", "ingress", "new", "--cluster", "--class", "nginx", "--rule", "new.example.com/*=shop:http,tls=shop-tls")
	if code != 0 || stderr != "" {
		t.Fatalf("exit %d, stderr %q", code, stderr)
	}
	if !strings.Contains(stdout, "secretName: shop-tls") || strings.Contains(stdout, "namespace:") {
		t.Errorf("stdout = %q, want the Ingress without a namespace, as kubectl prints it without -n", stdout)
	}
}
