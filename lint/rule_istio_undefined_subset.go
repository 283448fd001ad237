package lint

import (
	"fmt"

	"github.com/ingresskit/ingresskit/simulate/istio"
)

var istioUndefinedSubset = &Rule{
	ID:       "istio-undefined-subset",
	Severity: Error,
	Default:  true,
	Summary:  "A VirtualService route destination names a subset that no DestinationRule for its host defines.",
	Doc: `A destination's ` + "`subset`" + ` selects the endpoints of a subset that a
DestinationRule for the destination's host defines (Destination.subset in
https://istio.io/latest/docs/reference/config/networking/virtual-service/,
DestinationRule.subsets in
https://istio.io/latest/docs/reference/config/networking/destination-rule/).
Without one there is no cluster for the subset and the gateway answers the
requests routed there with 503; ` + "`istioctl analyze`" + ` reports it as IST0101
ReferencedResourceNotFound (istio/istio
pkg/config/analysis/analyzers/virtualservice/destinationrules.go). Hosts are
compared as that analyzer reads them: ` + "`name.namespace.svc.cluster.local`" + ` names
its namespace, any other host is a name in the object's own namespace. Mirror
destinations are checked the same way. Pass
the DestinationRules too (` + "`-f app/ -R`" + `).

**What to do:** add the DestinationRule with that subset to the input, or fix
the subset's name. ` + "`ingresskit simulate`" + ` shows the destination as unresolved.`,
	Check: checkIstioUndefinedSubset,
}

func checkIstioUndefinedSubset(p *Pass) {
	for _, vs := range p.Set.VirtualServices {
		for i, route := range vs.Spec.HTTP {
			for j, dest := range route.Route {
				d := dest.Destination
				if istio.SubsetDefined(p.Set, vs.Namespace, d.Host, d.Subset) {
					continue
				}
				p.ReportObject(VirtualServiceObject(vs), fmt.Sprintf("spec.http[%d].route[%d].destination.subset", i, j),
					fmt.Sprintf("no DestinationRule for host %s defines subset %q (Istio's IST0101); add one with that subset, or fix the name", d.Host, d.Subset))
			}
			// The analyzer checks mirror destinations the same way.
			if m := route.Mirror; m != nil && !istio.SubsetDefined(p.Set, vs.Namespace, m.Host, m.Subset) {
				p.ReportObject(VirtualServiceObject(vs), fmt.Sprintf("spec.http[%d].mirror.subset", i),
					fmt.Sprintf("no DestinationRule for mirror host %s defines subset %q (Istio's IST0101); add one with that subset, or fix the name", m.Host, m.Subset))
			}
		}
	}
}
