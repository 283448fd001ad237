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
must be a DNS label, a TLS secretName and spec.ingressClassName RFC 1123
subdomains, and a resource backend needs a kind and a name that are valid
path segments (validateIngressBackend, validateIngressTLS,
validateIngressTypedLocalObjectReference and ValidateIngressSpec in
kubernetes/kubernetes pkg/apis/networking/validation/validation.go).

Which DNS label depends on the Kubernetes version (` + "`--kube-version`" + `):

| Version | Backend Service name |
|---|---|
| 1.33 to 1.35 | RFC 1035 label: lowercase, starting with a letter, at most 63 characters (` + "`1web`" + ` is rejected) |
| 1.36 and later | RFC 1123 label: lowercase letters and digits, starting with either, at most 63 characters (` + "`1web`" + `, ` + "`123`" + ` are accepted) |

The RelaxedServiceNameValidation feature gate makes the difference: on by
default from 1.36 and locked on in 1.37 (pkg/features/kube_features.go).

**What to do:** use the referenced object's real name; Kubernetes object
names are lowercase.`,
	Check: checkInvalidReference,
}

func checkInvalidReference(p *Pass) {
	for _, ing := range p.Set.Ingresses {
		for _, b := range p.backends(ing) {
			if s := b.backend.Service; s != nil && s.Name != "" {
				if msgs := serviceNameErrors(p.KubeVersion(), s.Name); len(msgs) > 0 {
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
					p.Reportf(ing, f+".kind", "%s has no kind; add the kind of the referenced resource", f)
				} else if msgs := content.IsPathSegmentName(r.Kind); len(msgs) > 0 {
					p.Reportf(ing, f+".kind", "resource kind %q is invalid: %s", r.Kind, strings.Join(msgs, "; "))
				}
				if r.Name == "" {
					p.Reportf(ing, f+".name", "%s has no name; add the name of the referenced resource", f)
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

// serviceNameErrors checks a backend Service name as the API server of
// version v does (validateIngressBackend in
// pkg/apis/networking/validation/validation.go): NameIsDNSLabel with
// RelaxedServiceNameValidation, else ValidateServiceName, which is
// NameIsDNS1035Label (pkg/apis/core/validation/validation.go).
func serviceNameErrors(v KubeVersion, name string) []string {
	if v.AtLeast(relaxedServiceNames) {
		return apimachineryvalidation.NameIsDNSLabel(name, false)
	}
	return apimachineryvalidation.NameIsDNS1035Label(name, false)
}
