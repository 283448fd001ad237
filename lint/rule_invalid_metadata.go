package lint

import (
	apimachineryvalidation "k8s.io/apimachinery/pkg/api/validation"
	"k8s.io/apimachinery/pkg/util/validation/field"
)

var invalidMetadata = &Rule{
	ID:       "invalid-metadata",
	Severity: Error,
	Default:  true,
	Summary:  "The Ingress name, namespace, labels or annotations break the API server's object metadata rules.",
	Doc: `The API server validates every object's metadata before anything else
(validateIngress calls ValidateObjectMeta with NameIsDNSSubdomain as the name
rule, in kubernetes/kubernetes pkg/apis/networking/validation/validation.go):
the name must be a lowercase RFC 1123 subdomain, the namespace an RFC 1123
label, label and annotation keys qualified names, label values at most 63
characters, and all annotations together at most 256 KiB.

**What to do:** rename the object or fix the key or value that the message
names.`,
	Check: checkInvalidMetadata,
}

func checkInvalidMetadata(p *Pass) {
	for _, ing := range p.Set.Ingresses {
		errs := apimachineryvalidation.ValidateObjectMeta(&ing.ObjectMeta, true, apimachineryvalidation.NameIsDNSSubdomain, field.NewPath("metadata"))
		reportFieldErrors(p, IngressObject(ing), errs, "the API server rejects this Ingress")
	}
}
