package lint

import (
	"fmt"
)

var missingBackend = &Rule{
	ID:       "missing-backend",
	Severity: Error,
	Default:  true,
	Summary:  "The Ingress, a rule or a path has no backend to send traffic to.",
	Doc: `The API server rejects an Ingress whose spec has neither rules nor a
defaultBackend, an http rule with no paths, and a backend that names neither a
Service nor a resource, or a Service without a name
(ValidateIngressSpec, validateHTTPIngressRuleValue and validateIngressBackend
in kubernetes/kubernetes pkg/apis/networking/validation/validation.go).

**What to do:** add the missing backend: a ` + "`service`" + ` with a ` + "`name`" + ` and a
` + "`port`" + `, or a ` + "`resource`" + ` reference.`,
	Check: checkMissingBackend,
}

func checkMissingBackend(p *Pass) {
	for _, ing := range p.Set.Ingresses {
		if len(ing.Spec.Rules) == 0 && ing.Spec.DefaultBackend == nil {
			p.Report(ing, "spec", "spec has neither rules nor a defaultBackend, so the API server rejects it; add rules or spec.defaultBackend")
		}
		for ri, r := range ing.Spec.Rules {
			if r.HTTP != nil && len(r.HTTP.Paths) == 0 {
				p.Reportf(ing, fmt.Sprintf("spec.rules[%d].http", ri), "spec.rules[%d].http has no paths, so the API server rejects it; add a path or remove http", ri)
			}
		}
		for _, b := range p.backends(ing) {
			switch {
			case b.backend.Service == nil && b.backend.Resource == nil:
				p.Reportf(ing, b.field(), "%s names neither a service nor a resource, so the API server rejects it; add service.name and service.port", b.field())
			case b.backend.Service != nil && b.backend.Service.Name == "":
				p.Reportf(ing, b.field()+".service.name", "%s.service has no name, so the API server rejects it; add service.name", b.field())
			}
		}
	}
}
