package lint

import "github.com/ingresskit/ingresskit/manifest"

var classAnnotationMismatch = &Rule{
	ID:       "class-annotation-mismatch",
	Severity: Error,
	Default:  true,
	Summary:  "The kubernetes.io/ingress.class annotation and spec.ingressClassName name different classes.",
	Doc: `When an Ingress sets both the deprecated ` + "`kubernetes.io/ingress.class`" + `
annotation and ` + "`spec.ingressClassName`" + `, the API server rejects the create
unless they agree ("must match ` + "`ingressClassName`" + ` when both are specified",
ValidateIngressCreate in kubernetes/kubernetes
pkg/apis/networking/validation/validation.go). Controllers that still read the
annotation would otherwise disagree with those that read the field.

**What to do:** delete the annotation and keep ` + "`spec.ingressClassName`" + `.`,
	Check: checkClassAnnotationMismatch,
}

func checkClassAnnotationMismatch(p *Pass) {
	for _, ing := range p.Set.Ingresses {
		a, ok := ing.Annotations[manifest.AnnotationIngressClass]
		if ok && ing.Spec.IngressClassName != nil && a != *ing.Spec.IngressClassName {
			p.Reportf(ing, "metadata.annotations."+manifest.AnnotationIngressClass,
				"annotation %s is %q but spec.ingressClassName is %q, so the API server rejects the Ingress; delete the annotation",
				manifest.AnnotationIngressClass, a, *ing.Spec.IngressClassName)
		}
	}
}
