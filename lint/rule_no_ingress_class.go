package lint

import "github.com/ingresskit/ingresskit/manifest"

var noIngressClass = &Rule{
	ID:       "no-ingress-class",
	Severity: Warning,
	Default:  true,
	Summary:  "An Ingress names no class and none of the IngressClasses given is the default.",
	Doc: `An Ingress without ` + "`spec.ingressClassName`" + ` (or the deprecated annotation)
gets the default class, the IngressClass annotated
` + "`ingressclass.kubernetes.io/is-default-class: \"true\"`" + `, from the
DefaultIngressClass admission plugin (kubernetes/kubernetes
plugin/pkg/admission/network/defaultingressclass/admission.go). With no
default class, controllers since networking.k8s.io/v1 ignore the Ingress.
lint checks this only when the input holds IngressClass objects at all: with
none given it cannot tell, and stays quiet.

**What to do:** set ` + "`spec.ingressClassName`" + `, or mark one IngressClass as the
default.`,
	Check: checkNoIngressClass,
}

func checkNoIngressClass(p *Pass) {
	if len(p.Set.IngressClasses) == 0 || p.Set.DefaultClass() != nil {
		return
	}
	for _, ing := range p.Set.Ingresses {
		if ing.Class() != "" {
			continue
		}
		p.Report(ing, "spec", "this Ingress names no IngressClass and none of the IngressClasses given is the default ("+manifest.AnnotationDefaultClass+"), so no controller may serve it; set spec.ingressClassName")
	}
}
