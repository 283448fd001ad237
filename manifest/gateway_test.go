package manifest

import (
	"context"
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestLoadGatewayAPI(t *testing.T) {
	set, err := Load(context.Background(), Options{Paths: []string{"testdata/gateway.yaml"}})
	var le *LoadError
	if err == nil || !errors.As(err, &le) {
		t.Fatalf("want a load error for the v1alpha2 HTTPRoute, got %v", err)
	}
	if got, want := len(le.Errors), 1; got != want {
		t.Fatalf("errors: got %d, want %d: %v", got, want, err)
	}
	if got, want := le.Errors[0].Error(), "testdata/gateway.yaml:95:13: apiVersion gateway.networking.k8s.io/v1alpha2 is not served for kind HTTPRoute; use gateway.networking.k8s.io/v1 or gateway.networking.k8s.io/v1beta1"; got != want {
		t.Errorf("error:\n got %s\nwant %s", got, want)
	}
	counts := map[string]int{
		"GatewayClass": len(set.GatewayClasses), "Gateway": len(set.Gateways),
		"HTTPRoute": len(set.HTTPRoutes), "GRPCRoute": len(set.GRPCRoutes),
		"ReferenceGrant": len(set.ReferenceGrants), "BackendTLSPolicy": len(set.BackendTLSPolicies),
	}
	want := map[string]int{"GatewayClass": 1, "Gateway": 1, "HTTPRoute": 1, "GRPCRoute": 1, "ReferenceGrant": 1, "BackendTLSPolicy": 1}
	if d := cmp.Diff(want, counts); d != "" {
		t.Fatalf("objects (-want +got):\n%s", d)
	}
	gw := set.Gateway("infra", "prod")
	if gw == nil || len(gw.Spec.Listeners) != 2 || *gw.Spec.Listeners[1].Hostname != "*.example.com" {
		t.Fatalf("gateway not decoded: %+v", gw)
	}
	r := set.HTTPRoutes[0]
	if r.Namespace != DefaultNamespace || r.APIVersion != GatewayV1 || r.Source.APIVersion != GatewayV1beta1 {
		t.Errorf("route namespace/version: %s %s %s", r.Namespace, r.APIVersion, r.Source.APIVersion)
	}
	if w := *r.Spec.Rules[0].BackendRefs[0].Weight; w != 10 {
		t.Errorf("weight: got %d", w)
	}
	for path, want := range map[string]string{
		"spec.rules[0].matches[0].path.value":           "testdata/gateway.yaml:46:9",
		"spec.rules[0].matches[0].headers[0].name":      "testdata/gateway.yaml:48:9",
		"spec.rules[0].backendRefs[1].port":             "testdata/gateway.yaml:56:7",
		"spec.rules[0].filters[0].urlRewrite.path.type": "testdata/gateway.yaml:62:11",
		"spec.parentRefs[0].sectionName":                "testdata/gateway.yaml:40:5",
	} {
		if got := r.Source.FieldPos(path).String(); got != want {
			t.Errorf("FieldPos(%s) = %s, want %s", path, got, want)
		}
	}
	if got := gw.Source.FieldPos("spec.listeners[1].tls.certificateRefs[0].name").String(); got != "testdata/gateway.yaml:30:9" {
		t.Errorf("listener certificateRef position: %s", got)
	}
	if g := set.GRPCRoutes[0]; g.Spec.Rules[0].Matches[0].Method.Service == nil || *g.Spec.Rules[0].Matches[0].Method.Service != "helloworld.Greeter" {
		t.Errorf("grpc method not decoded")
	}
	if set.GatewayClass("example") == nil || set.GatewayClasses[0].Namespace != "" {
		t.Errorf("gatewayclass: %+v", set.GatewayClasses)
	}
}
