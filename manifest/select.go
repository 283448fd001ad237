package manifest

import (
	"k8s.io/apimachinery/pkg/labels"
)

// Select returns the objects of s with only the route-declaring objects
// whose labels match sel: Ingresses, HTTPRoutes, GRPCRoutes and
// VirtualServices, as kubectl -l selects the objects it lists. The objects
// they refer to (Services, Secrets, IngressClasses, Gateways, ...) are all
// kept, so that a selected Ingress's references still resolve. A nil or
// empty selector returns s.
func (s *Set) Select(sel labels.Selector) *Set {
	if sel == nil || sel.Empty() {
		return s
	}
	out := &Set{Services: s.Services, Secrets: s.Secrets, IngressClasses: s.IngressClasses,
		GatewayObjects: s.GatewayObjects, IstioObjects: s.IstioObjects, Skipped: s.Skipped, Files: s.Files}
	out.Ingresses = selectObjects(s.Ingresses, sel, func(o *Ingress) map[string]string { return o.Labels })
	out.HTTPRoutes = selectObjects(s.HTTPRoutes, sel, func(o *HTTPRoute) map[string]string { return o.Labels })
	out.GRPCRoutes = selectObjects(s.GRPCRoutes, sel, func(o *GRPCRoute) map[string]string { return o.Labels })
	out.VirtualServices = selectObjects(s.VirtualServices, sel, func(o *VirtualService) map[string]string { return o.Labels })
	return out
}

func selectObjects[T any](objs []T, sel labels.Selector, lbls func(T) map[string]string) []T {
	var out []T
	for _, o := range objs {
		if sel.Matches(labels.Set(lbls(o))) {
			out = append(out, o)
		}
	}
	return out
}
