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
	})
}
