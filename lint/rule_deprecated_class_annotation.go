package lint

import (
	"fmt"

	"github.com/ingresskit/ingresskit/manifest"
)

var deprecatedClassAnnotation = &Rule{
	ID:       "deprecated-class-annotation",
	Severity: Warning,
	Default:  true,
	Summary:  "The Ingress selects its controller with the deprecated kubernetes.io/ingress.class annotation.",
	Doc: `The ` + "`kubernetes.io/ingress.class`" + ` annotation was deprecated in Kubernetes
1.18 in favour of ` + "`spec.ingressClassName`" + ` and an IngressClass object
(kubernetes.io docs, "Ingress", section "Deprecated annotation"). Controllers
keep reading it for compatibility, but the DefaultIngressClass admission
plugin and tools that read the field do not see it.

The GCE Ingress controller is the exception: it selects its Ingresses by the
annotation alone and ignores any Ingress that sets ` + "`spec.ingressClassName`" + `
(kubernetes/ingress-gce pkg/utils/utils.go, IsGCEIngress), so the rule stays
quiet for the GCE classes (` + "`gce`" + `, ` + "`gce-internal`" + `,
` + "`gce-regional-external`" + `, ` + "`gce-multi-cluster`" + `).

**What to do:** replace the annotation with ` + "`spec.ingressClassName`" + ` naming
an IngressClass. ` + "`ingresskit lint --fix`" + ` does this when the field is not set
yet and the IngressClass is part of the input, so that the edit cannot leave
the Ingress without a controller.`,
	Check: checkDeprecatedClassAnnotation,
	Fix:   fixDeprecatedClassAnnotation,
}

func checkDeprecatedClassAnnotation(p *Pass) {
	for _, ing := range p.Set.Ingresses {
		v, ok := ing.Annotations[manifest.AnnotationIngressClass]
		if !ok || gceAnnotationClasses[v] {
			continue
		}
		field := "metadata.annotations." + manifest.AnnotationIngressClass
		msg := fmt.Sprintf("annotation %s is deprecated; replace it with spec.ingressClassName: %s", manifest.AnnotationIngressClass, v)
		if p.Set.IngressClass(v) == nil || ing.Spec.IngressClassName != nil {
			// Without the IngressClass in the input, moving the value
			// could leave the Ingress without a controller.
			p.reportUnfixable(IngressObject(ing), field, msg)
			continue
		}
		p.Report(ing, field, msg)
	}
}

// gceAnnotationClasses are the annotation values the GCE controller
// serves; it reads only the annotation (kubernetes/ingress-gce
// pkg/annotations/ingress.go and pkg/utils/utils.go IsGCEIngress).
var gceAnnotationClasses = map[string]bool{
	"gce":                   true,
	"gce-internal":          true,
	"gce-regional-external": true,
	"gce-multi-cluster":     true,
}
