package lint

import (
	apimachineryvalidation "k8s.io/apimachinery/pkg/api/validation"
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
characters, all annotations together at most 256 KiB, and every finalizer
either a standard one (` + "`kubernetes`" + `, ` + "`orphan`" + `, ` + "`foregroundDeletion`" + `) or
domain-qualified (` + "`example.com/cleanup`" + `; validateKubeFinalizerName in
pkg/apis/core/validation/validation.go).

As the API server does on create, lint first names an object that has only
` + "`generateName`" + ` (checking the prefix and the generated name) and sets
` + "`generation`" + ` to 1, so neither a missing name nor a negative generation is
reported (the generic registry's Create in k8s.io/apiserver
pkg/registry/generic/registry/store.go, and PrepareForCreate in
pkg/registry/networking/ingress/strategy.go).

**What to do:** rename the object or fix the key or value that the message
names.`,
	Check: checkInvalidMetadata,
}

func checkInvalidMetadata(p *Pass) {
	for _, ing := range p.Set.Ingresses {
		errs := validateObjectMeta(createMeta(&ing.ObjectMeta), true, apimachineryvalidation.NameIsDNSSubdomain)
		reportFieldErrors(p, IngressObject(ing), errs, "the API server rejects this Ingress")
	}
}
