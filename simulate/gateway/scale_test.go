package gateway

import (
	"fmt"
	"testing"

	corev1 "k8s.io/api/core/v1"
	gwv1 "sigs.k8s.io/gateway-api/apis/v1"

	"github.com/ingresskit/ingresskit/manifest"
)

// spreadCorpus returns gateways Gateways of one listener and routes
// HTTPRoutes of one rule, route i attached to Gateway i%gateways.
func spreadCorpus(gateways, routes int) *manifest.Set {
	set := &manifest.Set{}
	for g := 0; g < gateways; g++ {
		gw := &manifest.Gateway{}
		gw.Name, gw.Namespace = fmt.Sprintf("gw-%d", g), "default"
		gw.Spec.Listeners = []gwv1.Listener{{Name: "http", Port: 80, Protocol: gwv1.HTTPProtocolType}}
		set.Gateways = append(set.Gateways, gw)
	}
	svc := &manifest.Service{}
	svc.Name, svc.Namespace = "svc", "default"
	svc.Spec.Ports = []corev1.ServicePort{{Port: 80}}
	set.Services = append(set.Services, svc)
	port := gwv1.PortNumber(80)
	for i := 0; i < routes; i++ {
		hr := &manifest.HTTPRoute{}
		hr.Name, hr.Namespace = fmt.Sprintf("route-%d", i), "default"
		hr.Spec.ParentRefs = []gwv1.ParentReference{{Name: gwv1.ObjectName(fmt.Sprintf("gw-%d", i%gateways))}}
		hr.Spec.Hostnames = []gwv1.Hostname{gwv1.Hostname(fmt.Sprintf("host-%d.example.com", i))}
		path := fmt.Sprintf("/p%d", i)
		hr.Spec.Rules = []gwv1.HTTPRouteRule{{
			Matches: []gwv1.HTTPRouteMatch{{Path: &gwv1.HTTPPathMatch{Value: &path}}},
			BackendRefs: []gwv1.HTTPBackendRef{{BackendRef: gwv1.BackendRef{BackendObjectReference: gwv1.BackendObjectReference{
				Name: "svc", Port: &port}}}}}}
		set.HTTPRoutes = append(set.HTTPRoutes, hr)
	}
	return set
}

// TestRulesPerPlaneScale pins that asking every Gateway's data plane for
// its rows (as proxy does for its route table and host claims) costs
// about the same for 10 and for 100 Gateways holding the same routes:
// the rows are computed once per model, not once per plane.
func TestRulesPerPlaneScale(t *testing.T) {
	allocs := func(gateways int) float64 {
		set := spreadCorpus(gateways, 1000)
		return testing.AllocsPerRun(3, func() {
			n := 0
			for _, p := range Build(set) {
				n += len(p.Rules())
			}
			if n != 1000 {
				t.Fatalf("%d Gateways: %d rows, want 1000", gateways, n)
			}
		})
	}
	few, many := allocs(10), allocs(100)
	t.Logf("allocations: %.0f for 10 Gateways, %.0f for 100", few, many)
	if many > 1.5*few {
		t.Errorf("100 Gateways cost %.0f allocations, 10 cost %.0f: some pass grows with Gateways × routes", many, few)
	}
}
