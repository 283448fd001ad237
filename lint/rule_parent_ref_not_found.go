package lint

import "github.com/ingresskit/ingresskit/simulate/gateway"

var parentRefNotFound = &Rule{
	ID:       "parent-ref-not-found",
	Severity: Error,
	Default:  true,
	Summary:  "A route's parentRef names a Gateway that is not in the input, or a listener (sectionName or port) the Gateway lacks.",
	Doc: `A route attaches to the Gateways its ` + "`spec.parentRefs`" + ` name; ` + "`sectionName`" + `
and ` + "`port`" + ` narrow the parentRef to listeners of that name and port
(ParentReference in sigs.k8s.io/gateway-api apis/v1 shared_types.go). When
the Gateway or the listener does not exist the route is not accepted for that
parent (reason NoMatchingParent) and takes no traffic from it. lint looks for
the Gateway among the manifests it was given (and in the cluster with no
` + "`-f`" + `), so pass the Gateways too.

**What to do:** fix the parentRef's name, namespace, sectionName or port, or
add the Gateway's manifest.`,
	Check: func(p *Pass) {
		p.reportParents(gateway.ReasonNoMatchingParent, "fix the parentRef or add the Gateway to the input")
	},
}
