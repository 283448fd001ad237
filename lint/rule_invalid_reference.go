package lint

import (
	"fmt"
	"strings"

	"k8s.io/apimachinery/pkg/api/validate/content"
	apimachineryvalidation "k8s.io/apimachinery/pkg/api/validation"
	"k8s.io/apimachinery/pkg/util/validation"
)

var invalidReference = &Rule{
	ID:       "invalid-reference",
	Severity: Error,
	Default:  true,
	Summary:  "A Service, Secret, IngressClass or resource name in the Ingress is not a valid object name.",
	Doc: `The API server checks the names an Ingress refers to: a backend Service name
must be an RFC 1035 label (lowercase, starting with a letter, at most 63
characters), a TLS secretName and spec.ingressClassName RFC 1123 subdomains,
and a resource backend needs a kind and a name that are valid path segments
(validateIngressBackend, validateIngressTLS,
validateIngressTypedLocalObjectReference and ValidateIngressSpec in
kubernetes/kubernetes pkg/apis/networking/validation/validation.go).

**What to do:** use the referenced object's real name; Kubernetes object
names are lowercase.`,
	Check: checkInvalidReference,
}

func checkInvalidReference(p *Pass) {
	for _, ing := range p.Set.Ingresses {
		for _, b := range p.backends(ing) {
			if s := b.backend.Service; s != nil && s.Name != "" {
				if msgs := apimachineryvalidation.NameIsDNS1035Label(s.Name, false); len(msgs) > 0 {
					p.Reportf(ing, b.field()+".service.name", "Service name %q is invalid: %s; use the Service's real name", s.Name, strings.Join(msgs, "; "))
				}
			}
			if r := b.backend.Resource; r != nil {
				f := b.field() + ".resource"
				if r.APIGroup != nil {
					if msgs := validation.IsDNS1123Subdomain(*r.APIGroup); len(msgs) > 0 {
						p.Reportf(ing, f+".apiGroup", "resource apiGroup %q is invalid: %s", *r.APIGroup, strings.Join(msgs, "; "))
					}
				}
				if r.Kind == "" {
					p.Reportf(ing, f, "%s has no kind; add the kind of the referenced resource", f)
				} else if msgs := content.IsPathSegmentName(r.Kind); len(msgs) > 0 {
					p.Reportf(ing, f+".kind", "resource kind %q is invalid: %s", r.Kind, strings.Join(msgs, "; "))
				}
				if r.Name == "" {
					p.Reportf(ing, f, "%s has no name; add the name of the referenced resource", f)
				} else if msgs := content.IsPathSegmentName(r.Name); len(msgs) > 0 {
					p.Reportf(ing, f+".name", "resource name %q is invalid: %s", r.Name, strings.Join(msgs, "; "))
				}
			}
		}
		for i, t := range ing.Spec.TLS {
			if t.SecretName == "" {
				continue
			}
			if msgs := apimachineryvalidation.NameIsDNSSubdomain(t.SecretName, false); len(msgs) > 0 {
				p.Reportf(ing, fmt.Sprintf("spec.tls[%d].secretName", i), "secretName %q is invalid: %s; use the Secret's real name", t.SecretName, strings.Join(msgs, "; "))
			}
		}
		if c := ing.Spec.IngressClassName; c != nil {
			if msgs := apimachineryvalidation.NameIsDNSSubdomain(*c, false); len(msgs) > 0 {
				p.Reportf(ing, "spec.ingressClassName", "ingressClassName %q is invalid: %s; use the IngressClass's name", *c, strings.Join(msgs, "; "))
			}
		}
	}
}
