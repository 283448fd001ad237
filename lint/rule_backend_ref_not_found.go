package lint

import (
	"fmt"

	"github.com/ingresskit/ingresskit/simulate/gateway"
)

var backendRefNotFound = &Rule{
	ID:       "backend-ref-not-found",
	Severity: Error,
	Default:  true,
	Summary:  "A route's backendRef names a Service, or a Service port, that is not in the input.",
	Doc: `A backendRef that does not resolve makes the route's ResolvedRefs
condition false (reason BackendNotFound), and the requests its rule would
send there are answered with a 500 (HTTPRouteRule.BackendRefs in
sigs.k8s.io/gateway-api apis/v1 httproute_types.go). lint looks for the
Service among the manifests it was given (and in the cluster with no ` + "`-f`" + `),
so pass the Services too, or suppress the rule for Services managed
elsewhere.

**What to do:** add the Service's manifest, or fix the name, namespace or
port.`,
	Check: func(p *Pass) {
		p.reportRefs(gateway.ReasonBackendNotFound, func(st *gateway.RouteStatus, ref gateway.RefStatus) string {
			ns := refNamespace(ref.Ref.Namespace, st.Namespace)
			if p.Set.Service(ns, string(ref.Ref.Name)) == nil {
				where, todo := p.missingFrom("add its manifest (-f)", "create it there")
				return fmt.Sprintf("Service %s/%s is not in %s; %s, or fix the name", ns, ref.Ref.Name, where, todo)
			}
			return ref.Resolved.Message + "; requests for this backend are answered with 500, fix the port"
		})
	},
}
