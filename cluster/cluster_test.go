package cluster

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/fields"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/kubernetes/fake"
	metadatafake "k8s.io/client-go/metadata/fake"
	"k8s.io/client-go/rest"
	k8stesting "k8s.io/client-go/testing"

	"github.com/ingresskit/ingresskit/manifest"
)

// load reads a fixture through the manifest loader.
func load(t *testing.T, path string) *manifest.Set {
	t.Helper()
	set, err := manifest.Load(context.Background(), manifest.Options{Paths: []string{path}})
	if err != nil {
		t.Fatalf("load %s: %v", path, err)
	}
	return set
}

// fakeCluster is a fake clientset holding the objects of a fixture, plus a
// metadata client that serves Secrets as PartialObjectMetadata and honours
// the type field selector as the API server does.
type fakeCluster struct {
	kube *fake.Clientset
	md   *metadatafake.FakeMetadataClient
}

func newFakeCluster(t *testing.T, set *manifest.Set) *fakeCluster {
	t.Helper()
	var objs []runtime.Object
	for _, o := range set.Ingresses {
		objs = append(objs, o.Ingress.DeepCopy())
	}
	for _, o := range set.Services {
		objs = append(objs, o.Service.DeepCopy())
	}
	for _, o := range set.Secrets {
		objs = append(objs, o.Secret.DeepCopy())
	}
	for _, o := range set.IngressClasses {
		objs = append(objs, o.IngressClass.DeepCopy())
	}
	fc := &fakeCluster{kube: fake.NewClientset(objs...), md: metadatafake.NewSimpleMetadataClient(metadatafake.NewTestScheme())}
	secrets := set.Secrets
	fc.md.PrependReactor("list", "secrets", func(a k8stesting.Action) (bool, runtime.Object, error) {
		la := a.(k8stesting.ListActionImpl)
		sel, err := fields.ParseSelector(la.ListOptions.FieldSelector)
		if err != nil {
			return true, nil, apierrors.NewBadRequest(err.Error())
		}
		l := &metav1.List{}
		for _, s := range secrets {
			if ns := a.GetNamespace(); ns != "" && s.Namespace != ns {
				continue
			}
			if !sel.Matches(fields.Set{"type": string(s.Type)}) {
				continue
			}
			l.Items = append(l.Items, runtime.RawExtension{Object: &metav1.PartialObjectMetadata{ObjectMeta: *s.ObjectMeta.DeepCopy()}})
		}
		return true, l, nil
	})
	return fc
}

func (fc *fakeCluster) clients() *Clients {
	return &Clients{Kube: fc.kube, Metadata: fc.md, Server: "https://fake:6443"}
}

// summary lists each object as its position, kind-specific detail, sorted by
// kind in Set order.
func summary(s *Snapshot) []string {
	var out []string
	for _, o := range s.Set.Ingresses {
		out = append(out, o.Source.Pos.String()+" "+o.Source.APIVersion)
	}
	for _, o := range s.Set.Services {
		out = append(out, o.Source.Pos.String())
	}
	for _, o := range s.Set.Secrets {
		out = append(out, fmt.Sprintf("%s type=%q data=%d", o.Source.Pos, o.Type, len(o.Data)))
	}
	for _, o := range s.Set.IngressClasses {
		out = append(out, o.Source.Pos.String())
	}
	return out
}

func TestRead(t *testing.T) {
	tests := []struct {
		name string
		opts Options
		want []string
	}{
		{
			name: "all namespaces metadata only",
			want: []string{
				"api/Ingress/api networking.k8s.io/v1",
				"web/Ingress/shop networking.k8s.io/v1",
				"api/Service/api",
				"web/Service/shop",
				`web/Secret/shop-env type="" data=0`,
				`web/Secret/shop-tls type="kubernetes.io/tls" data=0`,
				"IngressClass/nginx",
			},
		},
		{
			name: "one namespace",
			opts: Options{Namespace: "api"},
			want: []string{
				"api/Ingress/api networking.k8s.io/v1",
				"api/Service/api",
				"IngressClass/nginx",
			},
		},
		{
			// The selector picks Ingresses; what they refer to is read
			// whatever its labels.
			name: "label selector",
			opts: Options{LabelSelector: "app=shop"},
			want: []string{
				"web/Ingress/shop networking.k8s.io/v1",
				"api/Service/api",
				"web/Service/shop",
				`web/Secret/shop-env type="" data=0`,
				`web/Secret/shop-tls type="kubernetes.io/tls" data=0`,
				"IngressClass/nginx",
			},
		},
		{
			name: "secret data",
			opts: Options{Namespace: "web", SecretData: true},
			want: []string{
				"web/Ingress/shop networking.k8s.io/v1",
				"web/Service/shop",
				`web/Secret/shop-env type="Opaque" data=1`,
				`web/Secret/shop-tls type="kubernetes.io/tls" data=2`,
				"IngressClass/nginx",
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fc := newFakeCluster(t, load(t, "testdata/cluster.yaml"))
			snap, err := Read(context.Background(), fc.clients(), tt.opts)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, summary(snap)); diff != "" {
				t.Errorf("objects (-want +got):\n%s", diff)
			}
			if len(snap.Warnings) != 0 {
				t.Errorf("warnings: %v", snap.Warnings)
			}
			for _, r := range allResources {
				if !snap.Complete(r) {
					t.Errorf("%s not complete", r.Resource)
				}
			}
			// The selector goes to the server with the Ingress list.
			for _, a := range fc.kube.Actions() {
				l, ok := a.(k8stesting.ListAction)
				if !ok {
					continue
				}
				got := l.GetListRestrictions().Labels.String()
				want := ""
				if a.GetResource().Resource == "ingresses" {
					want = tt.opts.LabelSelector
				}
				if got != want {
					t.Errorf("list %s with selector %q, want %q", a.GetResource().Resource, got, want)
				}
			}
			// Without SecretData no request may read Secret data.
			if !tt.opts.SecretData {
				for _, a := range fc.kube.Actions() {
					if a.GetResource().Resource == "secrets" {
						t.Errorf("typed client touched secrets: %s", a.GetVerb())
					}
				}
			}
		})
	}
}

func TestReadObjectsKeepSpec(t *testing.T) {
	fc := newFakeCluster(t, load(t, "testdata/cluster.yaml"))
	snap, err := Read(context.Background(), fc.clients(), Options{Namespace: "web"})
	if err != nil {
		t.Fatal(err)
	}
	ing := snap.Set.Ingresses[0]
	if got := ing.Class(); got != "nginx" {
		t.Errorf("class = %q, want nginx", got)
	}
	if got := ing.TLSFor("shop.example.com"); got != 0 {
		t.Errorf("TLSFor = %d, want 0", got)
	}
	if svc := snap.Set.Service("web", "shop"); svc == nil || svc.Spec.Ports[0].TargetPort.StrVal != "web" {
		t.Errorf("Service web/shop = %+v", svc)
	}
	// Positions of fields fall back to the object, which names it.
	if got := ing.Source.FieldPos("spec.rules[0].http.paths[0].backend.service.port").String(); got != "web/Ingress/shop" {
		t.Errorf("FieldPos = %q", got)
	}
	if dc := snap.Set.DefaultClass(); dc == nil || dc.Name != "nginx" {
		t.Errorf("DefaultClass = %v", dc)
	}
}

func forbid(resource string) k8stesting.ReactionFunc {
	return func(a k8stesting.Action) (bool, runtime.Object, error) {
		gr := a.GetResource().GroupResource()
		return true, nil, apierrors.NewForbidden(gr, "", fmt.Errorf("User \"dev\" cannot list resource %q", resource))
	}
}

func TestReadForbidden(t *testing.T) {
	tests := []struct {
		name       string
		forbidKube []string
		forbidMeta []string
		opts       Options
		want       []string
		incomplete []string
	}{
		{
			name:       "secrets metadata",
			forbidMeta: []string{"secrets"},
			opts:       Options{Namespace: "web"},
			want:       []string{`cannot list secrets in namespace "web" (forbidden): TLS Secret checks are skipped`},
			incomplete: []string{"secrets"},
		},
		{
			name:       "secrets with data",
			forbidKube: []string{"secrets"},
			opts:       Options{Namespace: "web", SecretData: true},
			want:       []string{`cannot list secrets in namespace "web" (forbidden): TLS Secret checks are skipped`},
			incomplete: []string{"secrets"},
		},
		{
			name:       "cluster scoped and services",
			forbidKube: []string{"ingressclasses", "services", "endpointslices"},
			opts:       Options{EndpointSlices: true},
			want: []string{
				"cannot list endpointslices.discovery.k8s.io (forbidden): ready-endpoint checks are skipped",
				"cannot list ingressclasses.networking.k8s.io (forbidden): IngressClass checks are skipped and the default class is unknown",
				"cannot list services (forbidden): backend Service and port checks are skipped",
			},
			incomplete: []string{"endpointslices", "ingressclasses", "services"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fc := newFakeCluster(t, load(t, "testdata/cluster.yaml"))
			for _, r := range tt.forbidKube {
				fc.kube.PrependReactor("list", r, forbid(r))
			}
			for _, r := range tt.forbidMeta {
				fc.md.PrependReactor("list", r, forbid(r))
			}
			snap, err := Read(context.Background(), fc.clients(), tt.opts)
			if err != nil {
				t.Fatalf("a forbidden list must not be an error: %v", err)
			}
			var got []string
			for _, w := range snap.Warnings {
				got = append(got, w.String())
				if w.Reason == "" {
					t.Errorf("warning %v has no reason", w)
				}
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("warnings (-want +got):\n%s", diff)
			}
			var incomplete []string
			for _, r := range allResources {
				if !snap.Complete(r) {
					incomplete = append(incomplete, r.Resource)
				}
			}
			if diff := cmp.Diff(tt.incomplete, incomplete); diff != "" {
				t.Errorf("incomplete (-want +got):\n%s", diff)
			}
			if len(snap.Set.Ingresses) == 0 {
				t.Error("the Ingresses were not read")
			}
		})
	}
}

// allResources is every resource the package reads, sorted by name.
var allResources = []schema.GroupVersionResource{
	EndpointSlicesResource, IngressClassesResource, IngressesResource, SecretsResource, ServicesResource,
}

func TestReadForbiddenIngresses(t *testing.T) {
	fc := newFakeCluster(t, load(t, "testdata/cluster.yaml"))
	fc.kube.PrependReactor("list", "ingresses", forbid("ingresses"))
	_, err := Read(context.Background(), fc.clients(), Options{Namespace: "web"})
	var ce *Error
	if !errors.As(err, &ce) {
		t.Fatalf("err = %v, want *Error", err)
	}
	want := `cluster https://fake:6443: cannot list ingresses.networking.k8s.io in namespace "web" (forbidden): no Ingress can be read: `
	if !strings.HasPrefix(err.Error(), want) || strings.Contains(err.Error(), "\n") {
		t.Errorf("err = %q, want one line starting %q", err, want)
	}
}

// pager serves the Services of a fake cluster in pages of one, with a
// continue token holding the next index, and can expire a token.
type pager struct {
	items   []corev1.Service
	expire  string // continue token answered with 410 Gone, once
	limits  []int64
	unbound int
}

func (p *pager) react(a k8stesting.Action) (bool, runtime.Object, error) {
	lo := a.(k8stesting.ListActionImpl).ListOptions
	p.limits = append(p.limits, lo.Limit)
	if lo.Limit == 0 {
		p.unbound++
		return true, &corev1.ServiceList{Items: p.items}, nil
	}
	if lo.Continue != "" && lo.Continue == p.expire {
		p.expire = ""
		return true, nil, apierrors.NewResourceExpired("continue token expired")
	}
	i := 0
	if lo.Continue != "" {
		i, _ = strconv.Atoi(lo.Continue)
	}
	end := min(i+int(lo.Limit), len(p.items))
	l := &corev1.ServiceList{Items: p.items[i:end]}
	if end < len(p.items) {
		l.Continue = strconv.Itoa(end)
	}
	return true, l, nil
}

func TestPagination(t *testing.T) {
	var items []corev1.Service
	for i := range 5 {
		items = append(items, corev1.Service{ObjectMeta: metav1.ObjectMeta{Namespace: "web", Name: fmt.Sprintf("svc-%d", i)}})
	}
	tests := []struct {
		name       string
		pageSize   int64
		expire     string
		wantLimits []int64
	}{
		{name: "pages of two", pageSize: 2, wantLimits: []int64{2, 2, 2}},
		{name: "one page", pageSize: 0, wantLimits: []int64{DefaultPageSize}},
		{name: "expired token", pageSize: 2, expire: "2", wantLimits: []int64{2, 2, 0}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fc := newFakeCluster(t, &manifest.Set{})
			p := &pager{items: items, expire: tt.expire}
			fc.kube.PrependReactor("list", "services", p.react)
			snap, err := Read(context.Background(), fc.clients(), Options{Namespace: "web", PageSize: tt.pageSize})
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, s := range snap.Set.Services {
				got = append(got, s.Name)
			}
			want := []string{"svc-0", "svc-1", "svc-2", "svc-3", "svc-4"}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("services (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.wantLimits, p.limits); diff != "" {
				t.Errorf("limits (-want +got):\n%s", diff)
			}
		})
	}
}

func TestPaginationNeverEnds(t *testing.T) {
	defer func(n int) { maxPages = n }(maxPages)
	maxPages = 20
	fc := newFakeCluster(t, &manifest.Set{})
	calls := 0
	fc.kube.PrependReactor("list", "services", func(k8stesting.Action) (bool, runtime.Object, error) {
		calls++
		return true, &corev1.ServiceList{ListMeta: metav1.ListMeta{Continue: "again"}}, nil
	})
	_, err := Read(context.Background(), fc.clients(), Options{Namespace: "web"})
	if err == nil || !strings.Contains(err.Error(), "did not end") {
		t.Fatalf("err = %v", err)
	}
	if calls != maxPages {
		t.Errorf("calls = %d, want %d", calls, maxPages)
	}
}

func TestResolve(t *testing.T) {
	fc := newFakeCluster(t, load(t, "testdata/cluster.yaml"))
	files := load(t, "testdata/change.yaml")
	snap, err := Resolve(context.Background(), fc.clients(), files, Options{Namespace: "ignored"})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"testdata/change.yaml:3:1 networking.k8s.io/v1",
		"web/Service/shop",
		`web/Secret/shop-env type="" data=0`,
		`web/Secret/shop-tls type="kubernetes.io/tls" data=0`,
		"IngressClass/nginx",
	}
	if diff := cmp.Diff(want, summary(snap)); diff != "" {
		t.Errorf("objects (-want +got):\n%s", diff)
	}
	if snap.Set.Service("web", "checkout") != nil {
		t.Error("a Service only in the files must not be in the resolved set")
	}
	// Only the namespace of the Ingresses is read.
	for _, a := range fc.kube.Actions() {
		if ns := a.GetNamespace(); a.GetResource().Resource == "services" && ns != "web" {
			t.Errorf("listed services in %q", ns)
		}
	}
}

// TestUnreachable runs the real clients against a closed loopback port and
// an HTTP server that rejects every request, to check the one-line errors.
func TestUnreachable(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := "http://" + ln.Addr().String()
	ln.Close()
	unauth := newStatusServer(t, 401)
	tests := []struct {
		name string
		host string
		want string
	}{
		{name: "closed port", host: closed, want: "cannot reach cluster " + closed + ": "},
		{name: "unauthorized", host: unauth, want: "cluster " + unauth + " rejected the credentials: "},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := NewClients(&rest.Config{Host: tt.host})
			if err != nil {
				t.Fatal(err)
			}
			_, err = Read(context.Background(), c, Options{})
			var ce *Error
			if !errors.As(err, &ce) {
				t.Fatalf("err = %v, want *Error", err)
			}
			if msg := err.Error(); !strings.HasPrefix(msg, tt.want) || strings.ContainsAny(msg, "\r\n") {
				t.Errorf("err = %q, want one line starting %q", msg, tt.want)
			}
		})
	}
}

// newStatusServer starts an HTTP server answering every request with code
// and a Status body, as the API server does.
func newStatusServer(t *testing.T, code int) string {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(code)
		fmt.Fprintf(w, `{"kind":"Status","apiVersion":"v1","status":"Failure","message":"%s","reason":"Unauthorized","code":%d}`, http.StatusText(code), code)
	}))
	t.Cleanup(srv.Close)
	return srv.URL
}
