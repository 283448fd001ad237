package istioingress

import "github.com/ingresskit/ingresskit/simulate"

// init registers the profile: --controller istio, IngressClasses whose
// spec.controller is istio.io/ingress-controller, and the class name
// "istio" (the mesh's default ingressClass) select it.
func init() {
	simulate.RegisterProfile(simulate.ProfileRegistration{
		Profile:     Profile{},
		Controllers: []string{Controller},
		Classes:     []string{ClassName},
		// istiod turns an Ingress rule into VirtualService matches of
		// uri alone (pilot/pkg/config/kube/ingress/virtualservices.go);
		// Decorate reads the scheme, no header.
		Traits: simulate.ProfileTraits{IgnoresHeaders: true},
	})
}
