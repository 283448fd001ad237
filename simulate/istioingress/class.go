package istioingress

import (
	"fmt"

	"github.com/ingresskit/ingresskit/manifest"
	"github.com/ingresskit/ingresskit/simulate"
)

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

// classNote says when the answering Ingress is one istiod would not
// convert (Processes): the profile was forced on it, or its class was
// taken for Istio's from the class name alone, without the IngressClass
// istiod needs.
func (p Profile) classNote(d *simulate.Decision) {
	if d.Ingress == nil || Processes(p.b.set, d.Ingress) {
		return
	}
	ing := d.Ingress
	why := "it has neither the kubernetes.io/ingress.class: istio annotation nor an ingressClassName"
	switch {
	case ing.Annotations[manifest.AnnotationIngressClass] != "":
		why = fmt.Sprintf("its kubernetes.io/ingress.class annotation is %q, and the annotation decides alone", ing.Annotations[manifest.AnnotationIngressClass])
	case ing.Spec.IngressClassName != nil && p.b.set.IngressClass(*ing.Spec.IngressClassName) == nil:
		why = fmt.Sprintf("its IngressClass %q is not in the input, and istiod needs it with controller %s", *ing.Spec.IngressClassName, Controller)
	case ing.Spec.IngressClassName != nil:
		why = fmt.Sprintf("its IngressClass %q has another controller than %s", *ing.Spec.IngressClassName, Controller)
	}
	d.Notes = append(d.Notes, fmt.Sprintf("istio: istiod would not convert %s: %s", ing.Key(), why))
}
