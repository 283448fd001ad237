package lint

var backendServiceAndResource = &Rule{
	ID:       "backend-service-and-resource",
	Severity: Error,
	Default:  true,
	Summary:  "A backend sets both a Service and a resource.",
	Doc: `A backend is either a Service or a resource reference, never both; the API
server rejects the Ingress with "cannot set both resource and service
backends" (validateIngressBackend in kubernetes/kubernetes
pkg/apis/networking/validation/validation.go).

**What to do:** keep the one the controller should route to and delete the
other.`,
	Check: checkBackendServiceAndResource,
}

func checkBackendServiceAndResource(p *Pass) {
	for _, ing := range p.Set.Ingresses {
		for _, b := range p.backends(ing) {
			if b.backend.Service != nil && b.backend.Resource != nil {
				p.Reportf(ing, b.field()+".resource", "%s sets both service and resource, so the API server rejects it; keep one of them", b.field())
			}
		}
	}
}
