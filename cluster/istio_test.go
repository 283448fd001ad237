package cluster

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	fakediscovery "k8s.io/client-go/discovery/fake"
	dynamicfake "k8s.io/client-go/dynamic/fake"

	"github.com/ingresskit/ingresskit/manifest"
)

// istioDiscovery is what discovery lists when Istio's CRDs serve the
// networking kinds in versions (istio/istio manifests/charts/base).
func istioDiscovery(versions ...string) []*metav1.APIResourceList {
	var out []*metav1.APIResourceList
	for _, v := range versions {
		out = append(out, &metav1.APIResourceList{GroupVersion: manifest.IstioGroup + "/" + v, APIResources: []metav1.APIResource{
			{Name: "gateways", Namespaced: true}, {Name: "virtualservices", Namespaced: true}, {Name: "destinationrules", Namespaced: true},
			{Name: "serviceentries", Namespaced: true},
		}})
	}
	return out
}

// newIstioCluster is a fake cluster holding cluster.yaml and istio.yaml,
// the Istio objects stored in version and discovery listing served.
func newIstioCluster(t *testing.T, version string, served []*metav1.APIResourceList) (*fakeCluster, *dynamicfake.FakeDynamicClient, *Clients) {
	t.Helper()
	fc := newFakeCluster(t, load(t, "testdata/cluster.yaml"))
	fc.kube.Discovery().(*fakediscovery.FakeDiscovery).Resources = served
	c := fc.clients()
	dc := istioDynamic(t, version)
	c.Dynamic = dc
	return fc, dc, c
}

// istioDynamic is a fake dynamic client holding istio.yaml's objects in
// version.
func istioDynamic(t *testing.T, version string) *dynamicfake.FakeDynamicClient {
	t.Helper()
	is := load(t, "testdata/istio.yaml")
	type stored struct {
		res schema.GroupVersionResource
		obj *unstructured.Unstructured
	}
	var objs []stored
	add := func(o any, kind string) {
		data, err := json.Marshal(o)
		if err != nil {
			t.Fatal(err)
		}
		u := &unstructured.Unstructured{}
		if err := u.UnmarshalJSON(data); err != nil {
			t.Fatal(err)
		}
		u.SetAPIVersion(manifest.IstioGroup + "/" + version)
		u.SetKind(kind)
		// The objects go in under their resource: the fake's guess from
		// the kind would file Gateways as "gatewaies".
		res := map[string]schema.GroupVersionResource{"Gateway": IstioGatewaysResource,
			"VirtualService": VirtualServicesResource, "DestinationRule": DestinationRulesResource,
			"ServiceEntry": ServiceEntriesResource}[kind]
		objs = append(objs, stored{res.GroupResource().WithVersion(version), u})
	}
	for _, o := range is.IstioGateways {
		add(o, "Gateway")
	}
	for _, o := range is.VirtualServices {
		add(o, "VirtualService")
	}
	for _, o := range is.DestinationRules {
		add(o, "DestinationRule")
	}
	for _, o := range is.ServiceEntries {
		add(o, "ServiceEntry")
	}
	lists := map[schema.GroupVersionResource]string{}
	for _, v := range istioVersions {
		lists[IstioGatewaysResource.GroupResource().WithVersion(v)] = "GatewayList"
		lists[VirtualServicesResource.GroupResource().WithVersion(v)] = "VirtualServiceList"
		lists[DestinationRulesResource.GroupResource().WithVersion(v)] = "DestinationRuleList"
		lists[ServiceEntriesResource.GroupResource().WithVersion(v)] = "ServiceEntryList"
	}
	dc := dynamicfake.NewSimpleDynamicClientWithCustomListKinds(runtime.NewScheme(), lists)
	for _, o := range objs {
		if err := dc.Tracker().Create(o.res, o.obj, o.obj.GetNamespace()); err != nil {
			t.Fatal(err)
		}
	}
	return dc
}

// istioSummary lists the Istio objects by position and apiVersion with
// what routing reads of them, and the Services and Secrets, which show
// the namespaces that were read.
func istioSummary(s *Snapshot) []string {
	var out []string
	is := s.Set.IstioObjects
	for _, o := range is.IstioGateways {
		out = append(out, fmt.Sprintf("%s %s servers=%d", o.Source.Pos, o.Source.APIVersion, len(o.Spec.Servers)))
	}
	for _, o := range is.VirtualServices {
		out = append(out, fmt.Sprintf("%s %s hosts=%v http=%d", o.Source.Pos, o.Source.APIVersion, o.Spec.Hosts, len(o.Spec.HTTP)))
	}
	for _, o := range is.DestinationRules {
		out = append(out, fmt.Sprintf("%s subsets=%d", o.Source.Pos, len(o.Spec.Subsets)))
	}
	for _, o := range is.ServiceEntries {
		out = append(out, fmt.Sprintf("%s hosts=%v", o.Source.Pos, o.Spec.Hosts))
	}
	for _, o := range s.Set.Services {
		out = append(out, o.Source.Pos.String())
	}
	for _, o := range s.Set.Secrets {
		out = append(out, o.Source.Pos.String())
	}
	return out
}

func TestReadIstio(t *testing.T) {
	tests := []struct {
		name    string
		version string
		served  []*metav1.APIResourceList
		opts    Options
		want    []string
	}{
		{
			name:    "all namespaces",
			version: "v1",
			served:  istioDiscovery("v1alpha3", "v1beta1", "v1"),
			want: []string{
				"istio-system/Gateway.networking.istio.io/ingress networking.istio.io/v1 servers=1",
				"api/VirtualService/other networking.istio.io/v1 hosts=[api.example.com] http=1",
				"web/VirtualService/shop networking.istio.io/v1 hosts=[shop.example.com] http=2",
				"web/DestinationRule/shop subsets=1",
				"egress/ServiceEntry/payments hosts=[payments.example.net]",
				"api/Service/api",
				"web/Service/shop",
				"web/Secret/shop-env",
				"web/Secret/shop-tls",
			},
		},
		{
			// The Gateways and ServiceEntries of every namespace; the
			// VirtualServices of web; the Services of web and of api,
			// where a destination points.
			name:    "one namespace reads what its routes reference",
			version: "v1",
			served:  istioDiscovery("v1alpha3", "v1beta1", "v1"),
			opts:    Options{Namespace: "web"},
			want: []string{
				"istio-system/Gateway.networking.istio.io/ingress networking.istio.io/v1 servers=1",
				"web/VirtualService/shop networking.istio.io/v1 hosts=[shop.example.com] http=2",
				"web/DestinationRule/shop subsets=1",
				"egress/ServiceEntry/payments hosts=[payments.example.net]",
				"api/Service/api",
				"web/Service/shop",
				"web/Secret/shop-env",
				"web/Secret/shop-tls",
			},
		},
		{
			name:    "an Istio release serving v1alpha3 only",
			version: "v1alpha3",
			served:  istioDiscovery("v1alpha3"),
			opts:    Options{Namespace: "api"},
			want: []string{
				"istio-system/Gateway.networking.istio.io/ingress networking.istio.io/v1alpha3 servers=1",
				"api/VirtualService/other networking.istio.io/v1alpha3 hosts=[api.example.com] http=1",
				"egress/ServiceEntry/payments hosts=[payments.example.net]",
				"api/Service/api",
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, c := newIstioCluster(t, tt.version, tt.served)
			snap, err := Read(context.Background(), c, tt.opts)
			if err != nil {
				t.Fatal(err)
			}
			if !snap.Istio {
				t.Error("Istio = false, want true")
			}
			if diff := cmp.Diff(tt.want, istioSummary(snap)); diff != "" {
				t.Errorf("objects (-want +got):\n%s", diff)
			}
			if len(snap.Warnings) != 0 {
				t.Errorf("warnings: %v", snap.Warnings)
			}
		})
	}
}

func TestReadIstioNotInstalled(t *testing.T) {
	_, dc, c := newIstioCluster(t, "v1", nil)
	snap, err := Read(context.Background(), c, Options{})
	if err != nil {
		t.Fatalf("a cluster without Istio must not be an error: %v", err)
	}
	if snap.Istio {
		t.Error("Istio = true, want false")
	}
	if n := snap.Set.IstioObjects.Len(); n != 0 {
		t.Errorf("read %d Istio objects", n)
	}
	if len(snap.Set.Ingresses) != 2 {
		t.Errorf("read %d Ingresses, want 2", len(snap.Set.Ingresses))
	}
	// Nothing is asked of a group discovery does not list.
	if a := dc.Actions(); len(a) != 0 {
		t.Errorf("Istio requests: %v", a)
	}
}

func TestReadIstioForbidden(t *testing.T) {
	_, dc, c := newIstioCluster(t, "v1", istioDiscovery("v1"))
	dc.PrependReactor("list", "virtualservices", forbid("virtualservices"))
	snap, err := Read(context.Background(), c, Options{Namespace: "web"})
	if err != nil {
		t.Fatalf("a forbidden list must not be an error: %v", err)
	}
	var got []string
	for _, w := range snap.Warnings {
		got = append(got, w.String())
	}
	want := []string{`cannot list virtualservices.networking.istio.io in namespace "web" (forbidden): VirtualServices are not read`}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("warnings (-want +got):\n%s", diff)
	}
	if snap.Complete(VirtualServicesResource) || !snap.Complete(IstioGatewaysResource) {
		t.Errorf("Complete: virtualservices %v gateways %v", snap.Complete(VirtualServicesResource), snap.Complete(IstioGatewaysResource))
	}
	if len(snap.Set.IstioGateways) != 1 || len(snap.Set.VirtualServices) != 0 {
		t.Errorf("Gateways = %d, VirtualServices = %d", len(snap.Set.IstioGateways), len(snap.Set.VirtualServices))
	}
}

// TestResolveRoutes: with -f and --cluster, the files' routes are kept and
// what they attach to comes from the cluster: its GatewayClasses, Gateways
// and grants, and its Istio Gateways, unless the files redefine one. The
// cluster's own routes are not read.
func TestResolveRoutes(t *testing.T) {
	fc, _, c := newGatewayCluster(t, gatewayDiscovery())
	d := fc.kube.Discovery().(*fakediscovery.FakeDiscovery)
	d.Resources = append(d.Resources, istioDiscovery("v1")...)
	c.Dynamic = istioDynamic(t, "v1")
	snap, err := Resolve(context.Background(), c, load(t, "testdata/change-routes.yaml"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	got := gatewaySummary(snap)
	for _, o := range snap.Set.IstioGateways {
		got = append(got, fmt.Sprintf("%s servers=%d", o.Source.Pos, len(o.Spec.Servers)))
	}
	for _, o := range snap.Set.VirtualServices {
		got = append(got, o.Source.Pos.String())
	}
	want := []string{
		"GatewayClass/example",
		"infra/Gateway/edge listeners=1",
		"testdata/change-routes.yaml:4:1 rules=1",
		"api/ReferenceGrant/from-web gateway.networking.k8s.io/v1",
		"api/Service/api",
		"web/Service/shop",
		"infra/Secret/edge-tls",
		"web/Secret/shop-env",
		"web/Secret/shop-tls",
		"testdata/change-routes.yaml:12:1 servers=2",
		"testdata/change-routes.yaml:22:1",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("objects (-want +got):\n%s", diff)
	}
	if !snap.GatewayAPI || !snap.Istio {
		t.Errorf("GatewayAPI %v, Istio %v; want both", snap.GatewayAPI, snap.Istio)
	}
}
