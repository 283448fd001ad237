package istioingress

import "github.com/ingresskit/ingresskit/manifest"

// Controller is the spec.controller of the IngressClass istiod serves
// (istio/istio pilot/pkg/config/kube/ingress/virtualservices.go,
// IstioIngressController).
const Controller = "istio.io/ingress-controller"

// ClassName is the class istiod serves through the deprecated
// kubernetes.io/ingress.class annotation: meshConfig.ingressClass, "istio"
// by default (istio/istio pkg/config/mesh/mesh.go, DefaultMeshConfig).
const ClassName = "istio"

// Processes reports whether istiod, with the default mesh configuration,
// converts ing (istio/istio pilot/pkg/config/kube/ingress/
// virtualservices.go, shouldProcessIngressWithClass):
//
//   - with the kubernetes.io/ingress.class annotation, when it is
//     "istio", whatever spec.ingressClassName says;
//   - else when spec.ingressClassName names an IngressClass of set whose
//     controller is istio.io/ingress-controller, whatever its name;
//   - else never: the default ingressControllerMode is STRICT
//     (pkg/config/mesh/mesh.go), which skips an Ingress of no known class.
//
// A default IngressClass plays no part: istiod reads spec.ingressClassName
// only (the API server's admission writes the default class there when
// the Ingress is created).
func Processes(set *manifest.Set, ing *manifest.Ingress) bool {
	if class, ok := ing.Annotations[manifest.AnnotationIngressClass]; ok {
		return class == ClassName
	}
	if ing.Spec.IngressClassName == nil || set == nil {
		return false
	}
	ic := set.IngressClass(*ing.Spec.IngressClassName)
	return ic != nil && ic.Spec.Controller == Controller
}
