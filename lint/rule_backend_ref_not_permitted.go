package lint

import (
	"github.com/ingresskit/ingresskit/simulate/gateway"
)

var backendRefNotPermitted = &Rule{
	ID:       "backend-ref-not-permitted",
	Severity: Error,
	Default:  true,
	Summary:  "A route's backendRef points into another namespace and no ReferenceGrant there allows it.",
	Doc: `A reference across namespaces is valid only when a ReferenceGrant in
the target namespace allows references from the route's kind and namespace to
the Service (ReferenceGrant in sigs.k8s.io/gateway-api apis/v1
referencegrant_types.go). Without one the route's ResolvedRefs condition is
false (reason RefNotPermitted) and the requests for that backend are answered
with a 500.

**What to do:** add a ReferenceGrant in the Service's namespace whose
` + "`from`" + ` names the route's kind (group ` + "`gateway.networking.k8s.io`" + `) and namespace
and whose ` + "`to`" + ` names kind Service (group ` + "`\"\"`" + `), or move the Service.`,
	Check: func(p *Pass) {
		p.reportRefs(gateway.ReasonRefNotPermitted, func(st *gateway.RouteStatus, ref gateway.RefStatus) string {
			return ref.Resolved.Message + "; add one, or requests for this backend are answered with 500"
		})
	},
}
