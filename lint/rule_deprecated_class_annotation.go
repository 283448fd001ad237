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

**What to do:** replace the annotation with ` + "`spec.ingressClassName`" + ` naming
an IngressClass; ` + "`ingresskit lint --fix`" + ` does this when the field is not set
yet.`,
	Check: checkDeprecatedClassAnnotation,
	Fix:   fixDeprecatedClassAnnotation,
}

func checkDeprecatedClassAnnotation(p *Pass) {
	for _, ing := range p.Set.Ingresses {
		v, ok := ing.Annotations[manifest.AnnotationIngressClass]
		if !ok {
			continue
		}
		p.Report(ing, "metadata.annotations."+manifest.AnnotationIngressClass,
			fmt.Sprintf("annotation %s is deprecated; replace it with spec.ingressClassName: %s", manifest.AnnotationIngressClass, v))
	}
}
