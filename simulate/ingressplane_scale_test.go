package simulate

import (
	"fmt"
	"testing"

	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"

	"github.com/ingresskit/ingresskit/manifest"
)

// TestIngressPlanesScale pins that the Ingress data planes cost about the
// same for 10 and for 100 classes holding the same 1,000 Ingresses and
// Services: each plane compiles its own Ingresses and shares the set's
// indexes, so no pass grows with classes × objects.
func TestIngressPlanesScale(t *testing.T) {
	allocs := func(classes int) float64 {
		set := &manifest.Set{}
		prefix := networkingv1.PathTypePrefix
		for i := 0; i < 1000; i++ {
			svc := &manifest.Service{}
			svc.Name, svc.Namespace = fmt.Sprintf("svc-%d", i), "default"
			svc.Spec.Ports = []corev1.ServicePort{{Port: 80}}
			set.Services = append(set.Services, svc)
			ing := &manifest.Ingress{}
			ing.Name, ing.Namespace = fmt.Sprintf("ing-%d", i), "default"
			class := fmt.Sprintf("class-%d", i%classes)
			ing.Spec.IngressClassName = &class
			ing.Spec.Rules = []networkingv1.IngressRule{{Host: fmt.Sprintf("host-%d.example.com", i),
				IngressRuleValue: networkingv1.IngressRuleValue{HTTP: &networkingv1.HTTPIngressRuleValue{Paths: []networkingv1.HTTPIngressPath{{
					Path: "/", PathType: &prefix, Backend: networkingv1.IngressBackend{Service: &networkingv1.IngressServiceBackend{
						Name: svc.Name, Port: networkingv1.ServiceBackendPort{Number: 80}}}}}}}}}
			set.Ingresses = append(set.Ingresses, ing)
		}
		return testing.AllocsPerRun(3, func() {
			planes, err := IngressPlanes(set, Options{})
			if err != nil || len(planes) != classes {
				t.Fatalf("%d classes: %d planes, %v", classes, len(planes), err)
			}
		})
	}
	few, many := allocs(10), allocs(100)
	t.Logf("allocations: %.0f for 10 classes, %.0f for 100", few, many)
	if many > 1.5*few {
		t.Errorf("100 classes cost %.0f allocations, 10 cost %.0f: some pass grows with classes × objects", many, few)
	}
}
