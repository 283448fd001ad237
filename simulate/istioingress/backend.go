package istioingress

import (
	"fmt"

	networkingv1 "k8s.io/api/networking/v1"

	"github.com/ingresskit/ingresskit/manifest"
)

// dropped says why istiod writes no route for a path with this backend,
// or "" (istio/istio pilot/pkg/config/kube/ingress/virtualservices.go,
// ingressBackendToHTTPRoute and resolveNamedPort):
//
//   - only a Service backend becomes a route destination
//     (<name>.<namespace>.svc.<domain>); a resource backend is skipped;
//   - a port given by name is looked up among the Service's ports, and
//     the path is skipped when the Service has no port of that name.
//
// A named port of a Service that is not in the input cannot be checked
// and is kept: the missing-service lint rule reports the Service.
func (p Profile) dropped(ing *manifest.Ingress, b networkingv1.IngressBackend) string {
	if b.Service == nil {
		return "istiod converts only Service backends; the path gets no route"
	}
	name := b.Service.Port.Name
	if b.Service.Port.Number > 0 || name == "" || p.b == nil {
		return ""
	}
	svc := p.b.set.Service(ing.Namespace, b.Service.Name)
	if svc == nil {
		return ""
	}
	for _, port := range svc.Spec.Ports {
		if port.Name == name {
			return ""
		}
	}
	return fmt.Sprintf("Service %s/%s has no port named %q; istiod cannot resolve it and the path gets no route", ing.Namespace, b.Service.Name, name)
}
