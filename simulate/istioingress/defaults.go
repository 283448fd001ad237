package istioingress

import "github.com/ingresskit/ingresskit/simulate"

// ignoreDefaultBackend undoes an answer from spec.defaultBackend: istiod
// converts rules only and logs that it ignores an Ingress's default
// backend, which would be a catch-all for every host that no other
// VirtualService could override (istio/istio
// pilot/pkg/config/kube/ingress/ingress.go, RuleCollection).
func (p Profile) ignoreDefaultBackend(d *simulate.Decision) {
	if !d.DefaultBackend {
		return
	}
	ing := d.Ingress
	unmatch(d)
	d.DefaultBackendIgnored = true
	d.Notes = append(d.Notes, "istio: istiod ignores the spec.defaultBackend of "+ing.Key())
}
