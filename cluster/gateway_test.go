package cluster

import (
	"context"
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	fakediscovery "k8s.io/client-go/discovery/fake"
	k8stesting "k8s.io/client-go/testing"
	gwv1beta1 "sigs.k8s.io/gateway-api/apis/v1beta1"
	gwfake "sigs.k8s.io/gateway-api/pkg/client/clientset/versioned/fake"

	"github.com/ingresskit/ingresskit/manifest"
)

// gatewayDiscovery is what discovery lists for the standard channel CRDs of
// v1.6.0 (config/crd/standard: every kind below is served as v1, and
// ReferenceGrant as v1beta1 too).
func gatewayDiscovery() []*metav1.APIResourceList {
	res := func(names ...string) []metav1.APIResource {
		var out []metav1.APIResource
		for _, n := range names {
			out = append(out, metav1.APIResource{Name: n, Namespaced: n != "gatewayclasses"})
		}
		return out
	}
	return []*metav1.APIResourceList{
		{GroupVersion: "gateway.networking.k8s.io/v1", APIResources: res("backendtlspolicies", "gatewayclasses", "gateways", "grpcroutes", "httproutes", "referencegrants")},
		{GroupVersion: "gateway.networking.k8s.io/v1beta1", APIResources: res("referencegrants")},
	}
}

// newGatewayCluster is a fake cluster holding cluster.yaml and gateway.yaml,
// with the Gateway API served as discovery lists it in served.
func newGatewayCluster(t *testing.T, served []*metav1.APIResourceList) (*fakeCluster, *gwfake.Clientset, *Clients) {
	t.Helper()
	set := load(t, "testdata/cluster.yaml")
	gw := load(t, "testdata/gateway.yaml")
	set.Merge(gw)
	fc := newFakeCluster(t, set)
	fc.kube.Discovery().(*fakediscovery.FakeDiscovery).Resources = served
	// The objects go in under their resource: the fake's guess from
	// the kind would file Gateways as "gatewaies".
	gc := gwfake.NewSimpleClientset()
	add := func(res schema.GroupVersionResource, o runtime.Object, ns string) {
		if err := gc.Tracker().Create(res, o, ns); err != nil {
			t.Fatal(err)
		}
	}
	for _, o := range gw.GatewayClasses {
		add(GatewayClassesResource, o.GatewayClass.DeepCopy(), "")
	}
	for _, o := range gw.Gateways {
		add(GatewaysResource, o.Gateway.DeepCopy(), o.Namespace)
	}
	for _, o := range gw.HTTPRoutes {
		add(HTTPRoutesResource, o.HTTPRoute.DeepCopy(), o.Namespace)
	}
	for _, o := range gw.GRPCRoutes {
		add(GRPCRoutesResource, o.GRPCRoute.DeepCopy(), o.Namespace)
	}
	for _, o := range gw.ReferenceGrants {
		add(ReferenceGrantsResource, o.ReferenceGrant.DeepCopy(), o.Namespace)
		b := gwv1beta1.ReferenceGrant(*o.ReferenceGrant.DeepCopy())
		b.APIVersion = manifest.GatewayV1beta1
		add(ReferenceGrantsV1beta1Resource, &b, o.Namespace)
	}
	for _, o := range gw.BackendTLSPolicies {
		add(BackendTLSPoliciesResource, o.BackendTLSPolicy.DeepCopy(), o.Namespace)
	}
	c := fc.clients()
	c.Gateway = gc
	return fc, gc, c
}

// gatewaySummary lists the Gateway API objects by position, and the
// Services and Secrets, which show the namespaces that were read.
func gatewaySummary(s *Snapshot) []string {
	var out []string
	g := s.Set.GatewayObjects
	for _, o := range g.GatewayClasses {
		out = append(out, o.Source.Pos.String())
	}
	for _, o := range g.Gateways {
		out = append(out, fmt.Sprintf("%s listeners=%d", o.Source.Pos, len(o.Spec.Listeners)))
	}
	for _, o := range g.HTTPRoutes {
		out = append(out, fmt.Sprintf("%s rules=%d", o.Source.Pos, len(o.Spec.Rules)))
	}
	for _, o := range g.GRPCRoutes {
		out = append(out, o.Source.Pos.String())
	}
	for _, o := range g.ReferenceGrants {
		out = append(out, o.Source.Pos.String()+" "+o.Source.APIVersion)
	}
	for _, o := range g.BackendTLSPolicies {
		out = append(out, o.Source.Pos.String())
	}
	for _, o := range s.Set.Services {
		out = append(out, o.Source.Pos.String())
	}
	for _, o := range s.Set.Secrets {
		out = append(out, o.Source.Pos.String())
	}
	return out
}

func TestReadGatewayAPI(t *testing.T) {
	v1beta1Grants := gatewayDiscovery()
	v1beta1Grants[0] = &metav1.APIResourceList{GroupVersion: v1beta1Grants[0].GroupVersion}
	for _, r := range gatewayDiscovery()[0].APIResources {
		if r.Name != "referencegrants" {
			v1beta1Grants[0].APIResources = append(v1beta1Grants[0].APIResources, r)
		}
	}
	tests := []struct {
		name   string
		served []*metav1.APIResourceList
		opts   Options
		want   []string
	}{
		{
			name:   "all namespaces",
			served: gatewayDiscovery(),
			want: []string{
				"GatewayClass/example",
				"infra/Gateway/edge listeners=1",
				"web/HTTPRoute/shop rules=1",
				"web/GRPCRoute/rpc",
				"api/ReferenceGrant/from-web gateway.networking.k8s.io/v1",
				"api/BackendTLSPolicy/api",
				"api/Service/api",
				"web/Service/shop",
				"infra/Secret/edge-tls",
				"web/Secret/shop-env",
				"web/Secret/shop-tls",
			},
		},
		{
			// Gateways and grants of every namespace; the routes of
			// web; the Services and Secrets of web and of the
			// namespaces its routes and the Gateways point into.
			name:   "one namespace reads what its routes reference",
			served: gatewayDiscovery(),
			opts:   Options{Namespace: "web"},
			want: []string{
				"GatewayClass/example",
				"infra/Gateway/edge listeners=1",
				"web/HTTPRoute/shop rules=1",
				"web/GRPCRoute/rpc",
				"api/ReferenceGrant/from-web gateway.networking.k8s.io/v1",
				"api/Service/api",
				"web/Service/shop",
				"infra/Secret/edge-tls",
				"web/Secret/shop-env",
				"web/Secret/shop-tls",
			},
		},
		{
			name:   "grants served as v1beta1 only",
			served: v1beta1Grants,
			opts:   Options{Namespace: "api"},
			want: []string{
				"GatewayClass/example",
				"infra/Gateway/edge listeners=1",
				"api/ReferenceGrant/from-web gateway.networking.k8s.io/v1beta1",
				"api/BackendTLSPolicy/api",
				"api/Service/api",
				"infra/Secret/edge-tls",
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, c := newGatewayCluster(t, tt.served)
			snap, err := Read(context.Background(), c, tt.opts)
			if err != nil {
				t.Fatal(err)
			}
			if !snap.GatewayAPI {
				t.Error("GatewayAPI = false, want true")
			}
			if diff := cmp.Diff(tt.want, gatewaySummary(snap)); diff != "" {
				t.Errorf("objects (-want +got):\n%s", diff)
			}
			if len(snap.Warnings) != 0 {
				t.Errorf("warnings: %v", snap.Warnings)
			}
		})
	}
}

func TestReadGatewayAPINotInstalled(t *testing.T) {
	_, gc, c := newGatewayCluster(t, nil)
	snap, err := Read(context.Background(), c, Options{})
	if err != nil {
		t.Fatalf("a cluster without the CRDs must not be an error: %v", err)
	}
	if snap.GatewayAPI {
		t.Error("GatewayAPI = true, want false")
	}
	if n := snap.Set.GatewayObjects.Len(); n != 0 {
		t.Errorf("read %d Gateway API objects", n)
	}
	if len(snap.Set.Ingresses) != 2 {
		t.Errorf("read %d Ingresses, want 2", len(snap.Set.Ingresses))
	}
	// Nothing is asked of a group discovery does not list.
	if a := gc.Actions(); len(a) != 0 {
		t.Errorf("Gateway API requests: %v", a)
	}
}

func TestReadGatewayAPIForbidden(t *testing.T) {
	_, gc, c := newGatewayCluster(t, gatewayDiscovery())
	// Gateways may be listed in web only, routes not at all.
	gc.PrependReactor("list", "gateways", func(a k8stesting.Action) (bool, runtime.Object, error) {
		if a.GetNamespace() == "" {
			return forbid("gateways")(a)
		}
		return false, nil, nil
	})
	gc.PrependReactor("list", "httproutes", forbid("httproutes"))
	snap, err := Read(context.Background(), c, Options{Namespace: "web"})
	if err != nil {
		t.Fatalf("a forbidden list must not be an error: %v", err)
	}
	var got []string
	for _, w := range snap.Warnings {
		got = append(got, w.String())
	}
	want := []string{
		"cannot list gateways.gateway.networking.k8s.io (forbidden): Gateway and listener checks are skipped",
		`cannot list httproutes.gateway.networking.k8s.io in namespace "web" (forbidden): HTTPRoutes are not read`,
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("warnings (-want +got):\n%s", diff)
	}
	if snap.Complete(GatewaysResource) || snap.Complete(HTTPRoutesResource) || !snap.Complete(GRPCRoutesResource) {
		t.Errorf("Complete: gateways %v httproutes %v grpcroutes %v", snap.Complete(GatewaysResource), snap.Complete(HTTPRoutesResource), snap.Complete(GRPCRoutesResource))
	}
	if len(snap.Set.Gateways) != 0 {
		t.Errorf("Gateways = %d; infra's must not be read from web", len(snap.Set.Gateways))
	}
	if len(snap.Set.GRPCRoutes) != 1 {
		t.Errorf("GRPCRoutes = %d, want 1", len(snap.Set.GRPCRoutes))
	}
}

// TestReadGatewayAPISelector checks that -l goes to the server with the
// route lists only: Gateways and grants are read whatever their labels.
func TestReadGatewayAPISelector(t *testing.T) {
	_, gc, c := newGatewayCluster(t, gatewayDiscovery())
	snap, err := Read(context.Background(), c, Options{LabelSelector: "app=none"})
	if err != nil {
		t.Fatal(err)
	}
	g := snap.Set.GatewayObjects
	if len(g.HTTPRoutes)+len(g.GRPCRoutes) != 0 || len(g.Gateways) != 1 {
		t.Errorf("%d HTTPRoutes, %d GRPCRoutes, %d Gateways; want 0, 0 and 1", len(g.HTTPRoutes), len(g.GRPCRoutes), len(g.Gateways))
	}
	lists := 0
	for _, a := range gc.Actions() {
		l, ok := a.(k8stesting.ListAction)
		if !ok {
			continue
		}
		lists++
		got, want := l.GetListRestrictions().Labels.String(), ""
		if r := a.GetResource().Resource; r == "httproutes" || r == "grpcroutes" {
			want = "app=none"
		}
		if got != want {
			t.Errorf("list %s with selector %q, want %q", a.GetResource().Resource, got, want)
		}
	}
	if lists == 0 {
		t.Error("no list calls recorded")
	}
}
