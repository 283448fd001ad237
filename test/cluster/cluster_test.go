//go:build clustertest

package clustertest

import (
	"context"
	"fmt"
	"os"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	discoveryv1 "k8s.io/api/discovery/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"

	"github.com/ingresskit/ingresskit/cluster"
	"github.com/ingresskit/ingresskit/manifest"
)

// One API server serves every test: start-up takes seconds, and each test
// works in its own namespaces or only reads.
var shared *Cluster

// cleanups are the shared cluster's clean-ups, run when every test is done.
var cleanups []func()

// failed is set when m.Run reports a failure, before the clean-ups run.
var failed bool

func TestMain(m *testing.M) {
	code := m.Run()
	failed = code != 0
	for i := len(cleanups) - 1; i >= 0; i-- {
		cleanups[i]()
	}
	os.Exit(code)
}

// keep is the first test's T with clean-ups deferred to the end of TestMain,
// so the cluster it starts outlives that test.
type keep struct{ *testing.T }

func (k keep) Cleanup(f func()) { cleanups = append(cleanups, f) }

// Failed and Logf serve the deferred clean-ups, which run after the first
// test's T has finished, when calling it would panic ("Log in goroutine
// after Test... has completed") and hide the failure that matters.
func (k keep) Failed() bool { return failed || k.T.Failed() }

// Logf writes to standard error: see Failed.
func (k keep) Logf(format string, args ...any) { fmt.Fprintf(os.Stderr, format+"\n", args...) }

func start(t *testing.T) *Cluster {
	t.Helper()
	if shared == nil {
		shared = Start(keep{t})
		apply(t, shared.Client(t, Admin), "testdata/cluster.yaml")
	}
	return shared
}

func load(t *testing.T, path string) *manifest.Set {
	t.Helper()
	set, err := manifest.Load(context.Background(), manifest.Options{Paths: []string{path}})
	if err != nil {
		t.Fatalf("load %s: %v", path, err)
	}
	return set
}

// apply creates the namespaces and objects of a fixture, and a ready
// EndpointSlice for each Service, as the EndpointSlice controller would.
func apply(t *testing.T, cs kubernetes.Interface, path string) {
	t.Helper()
	ctx := context.Background()
	set := load(t, path)
	namespaces := map[string]bool{}
	for _, o := range set.Ingresses {
		namespaces[o.Namespace] = true
	}
	for _, o := range set.Services {
		namespaces[o.Namespace] = true
	}
	for ns := range namespaces {
		if _, err := cs.CoreV1().Namespaces().Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ns}}, metav1.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	for _, o := range set.IngressClasses {
		if _, err := cs.NetworkingV1().IngressClasses().Create(ctx, &o.IngressClass, metav1.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	for _, o := range set.Services {
		if _, err := cs.CoreV1().Services(o.Namespace).Create(ctx, &o.Service, metav1.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
		ready := true
		port := o.Spec.Ports[0]
		slice := &discoveryv1.EndpointSlice{
			ObjectMeta:  metav1.ObjectMeta{Name: o.Name + "-1", Namespace: o.Namespace, Labels: map[string]string{discoveryv1.LabelServiceName: o.Name}},
			AddressType: discoveryv1.AddressTypeIPv4,
			Endpoints:   []discoveryv1.Endpoint{{Addresses: []string{"10.1.0.1"}, Conditions: discoveryv1.EndpointConditions{Ready: &ready}}},
			Ports:       []discoveryv1.EndpointPort{{Name: &port.Name, Port: &port.Port}},
		}
		if _, err := cs.DiscoveryV1().EndpointSlices(o.Namespace).Create(ctx, slice, metav1.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	for _, o := range set.Secrets {
		if _, err := cs.CoreV1().Secrets(o.Namespace).Create(ctx, &o.Secret, metav1.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	for _, o := range set.Ingresses {
		if _, err := cs.NetworkingV1().Ingresses(o.Namespace).Create(ctx, &o.Ingress, metav1.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
	}
}

func clients(t *testing.T, c *Cluster, user string) *cluster.Clients {
	t.Helper()
	cl, err := cluster.NewClients(c.Config(user))
	if err != nil {
		t.Fatal(err)
	}
	return cl
}

// TestRoutesAllNamespaces reads every namespace, as `routes -A` does, and
// lists the routes of the fixtures with the objects named by position.
func TestRoutesAllNamespaces(t *testing.T) {
	c := start(t)
	snap, err := cluster.Read(context.Background(), clients(t, c, Admin), cluster.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range snap.Set.Routes() {
		got = append(got, fmt.Sprintf("%s %s %s", r.Host, r.Path, r.Ingress.Source.Pos))
	}
	sort.Strings(got)
	want := []string{
		"api.example.com /v1 api/Ingress/api",
		"shop.example.com / web/Ingress/shop",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("routes (-want +got):\n%s", diff)
	}
	if len(snap.Warnings) != 0 {
		t.Errorf("warnings: %v", snap.Warnings)
	}
}

// TestSecretsMetadataOnly checks that without SecretData no key material is
// read, and that the type field selector finds the TLS Secrets.
func TestSecretsMetadataOnly(t *testing.T) {
	c := start(t)
	for _, data := range []bool{false, true} {
		t.Run(fmt.Sprintf("data %v", data), func(t *testing.T) {
			snap, err := cluster.Read(context.Background(), clients(t, c, Admin), cluster.Options{Namespace: "web", SecretData: data})
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, s := range snap.Set.Secrets {
				got = append(got, fmt.Sprintf("%s type=%q data=%d", s.Source.Pos, s.Type, len(s.Data)))
			}
			want := []string{`web/Secret/shop-env type="" data=0`, `web/Secret/shop-tls type="kubernetes.io/tls" data=0`}
			if data {
				want = []string{`web/Secret/shop-env type="Opaque" data=1`, `web/Secret/shop-tls type="kubernetes.io/tls" data=2`}
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("secrets (-want +got):\n%s", diff)
			}
		})
	}
}

// TestResolveMissingService takes the Ingress from a file and the Services
// from the cluster: the Service that exists only in the file is missing,
// and the Services list is complete, so lint may say so.
func TestResolveMissingService(t *testing.T) {
	c := start(t)
	files := load(t, "testdata/change.yaml")
	snap, err := cluster.Resolve(context.Background(), clients(t, c, Admin), files, cluster.Options{EndpointSlices: true})
	if err != nil {
		t.Fatal(err)
	}
	if !snap.Complete(cluster.ServicesResource) {
		t.Fatal("services not complete")
	}
	var missing []string
	for _, ing := range snap.Set.Ingresses {
		for _, rule := range ing.Spec.Rules {
			for _, p := range rule.HTTP.Paths {
				if snap.Set.Service(ing.Namespace, p.Backend.Service.Name) == nil {
					missing = append(missing, ing.Namespace+"/"+p.Backend.Service.Name)
				}
			}
		}
	}
	if diff := cmp.Diff([]string{"web/checkout"}, missing); diff != "" {
		t.Errorf("missing (-want +got):\n%s", diff)
	}
	var slices []string
	for _, s := range snap.EndpointSlices {
		slices = append(slices, s.Namespace+"/"+s.Name)
	}
	if diff := cmp.Diff([]string{"web/shop-1"}, slices); diff != "" {
		t.Errorf("endpointslices (-want +got):\n%s", diff)
	}
}

// TestForbiddenSecrets gives the restricted user every list it needs but
// Secrets: the read succeeds with a warning, and Secrets are incomplete.
func TestForbiddenSecrets(t *testing.T) {
	c := start(t)
	ctx := context.Background()
	admin := c.Client(t, Admin)
	role := &rbacv1.ClusterRole{
		ObjectMeta: metav1.ObjectMeta{Name: "ingress-reader"},
		Rules: []rbacv1.PolicyRule{
			{APIGroups: []string{"networking.k8s.io"}, Resources: []string{"ingresses", "ingressclasses"}, Verbs: []string{"get", "list"}},
			{APIGroups: []string{""}, Resources: []string{"services"}, Verbs: []string{"get", "list"}},
			{APIGroups: []string{"discovery.k8s.io"}, Resources: []string{"endpointslices"}, Verbs: []string{"get", "list"}},
		},
	}
	if _, err := admin.RbacV1().ClusterRoles().Create(ctx, role, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	binding := &rbacv1.ClusterRoleBinding{
		ObjectMeta: metav1.ObjectMeta{Name: "ingress-reader"},
		RoleRef:    rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "ClusterRole", Name: role.Name},
		Subjects:   []rbacv1.Subject{{APIGroup: rbacv1.GroupName, Kind: rbacv1.UserKind, Name: Restricted}},
	}
	if _, err := admin.RbacV1().ClusterRoleBindings().Create(ctx, binding, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	for _, data := range []bool{false, true} {
		t.Run(fmt.Sprintf("data %v", data), func(t *testing.T) {
			snap, err := cluster.Read(ctx, clients(t, c, Restricted), cluster.Options{Namespace: "web", SecretData: data, EndpointSlices: true})
			if err != nil {
				t.Fatalf("a forbidden list must not be an error: %v", err)
			}
			var got []string
			for _, w := range snap.Warnings {
				got = append(got, w.String())
				if !strings.Contains(w.Reason, `User "dev" cannot list resource "secrets"`) {
					t.Errorf("reason = %q", w.Reason)
				}
			}
			want := []string{`cannot list secrets in namespace "web" (forbidden): TLS Secret checks are skipped`}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("warnings (-want +got):\n%s", diff)
			}
			if snap.Complete(cluster.SecretsResource) || !snap.Complete(cluster.ServicesResource) {
				t.Error("only Secrets should be incomplete")
			}
			if len(snap.Set.Ingresses) != 1 || len(snap.Set.Services) != 1 || len(snap.EndpointSlices) != 1 {
				t.Errorf("read %d Ingresses, %d Services, %d EndpointSlices; want 1 each",
					len(snap.Set.Ingresses), len(snap.Set.Services), len(snap.EndpointSlices))
			}
		})
	}
}

// TestForbiddenIngresses: a user that may not list Ingresses gets one clear
// error, since nothing can be checked.
func TestForbiddenIngresses(t *testing.T) {
	c := start(t)
	_, err := cluster.Read(context.Background(), clients(t, c, Nobody), cluster.Options{Namespace: "web"})
	if err == nil {
		t.Fatal("no error")
	}
	want := fmt.Sprintf(`cluster %s: cannot list ingresses.networking.k8s.io in namespace "web" (forbidden)`, c.URL)
	if !strings.HasPrefix(err.Error(), want) {
		t.Errorf("err = %q, want prefix %q", err, want)
	}
}

// TestPaginationReal lists with one object per page through the real
// continue tokens.
func TestPaginationReal(t *testing.T) {
	c := start(t)
	ctx := context.Background()
	admin := c.Client(t, Admin)
	if _, err := admin.CoreV1().Namespaces().Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "many"}}, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	var want []string
	for i := range 7 {
		name := fmt.Sprintf("svc-%d", i)
		svc := &corev1.Service{
			ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: "many"},
			Spec:       corev1.ServiceSpec{Ports: []corev1.ServicePort{{Port: 80}}},
		}
		if _, err := admin.CoreV1().Services("many").Create(ctx, svc, metav1.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
		want = append(want, name)
	}
	snap, err := cluster.Read(ctx, clients(t, c, Admin), cluster.Options{Namespace: "many", PageSize: 2})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, s := range snap.Set.Services {
		got = append(got, s.Name)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("services (-want +got):\n%s", diff)
	}
}
