package lint

import (
	"fmt"
	"strings"

	"github.com/ingresskit/ingresskit/manifest"
	"github.com/ingresskit/ingresskit/simulate/istio"
)

var istioMissingDestination = &Rule{
	ID:       "istio-missing-destination",
	Severity: Error,
	Default:  true,
	Summary:  "A VirtualService route destination names a Service that is not in the input, or a port the Service does not have.",
	Doc: `A route destination's ` + "`host`" + ` names a Service the way istiod reads it: a short
name (no dot) is a Service in the VirtualService's namespace, and
` + "`name.namespace.svc.cluster.local`" + ` names its namespace; a host with a dot is taken
as fully qualified, as is, so ` + "`name.namespace`" + ` and ` + "`name.namespace.svc`" + ` are external
hosts, not Services (ResolveShortnameToFQDN in istio/istio
pilot/pkg/model/config.go; Destination in
https://istio.io/latest/docs/reference/config/networking/virtual-service/).
` + "`port.number`" + ` must be a port of the Service. Istio answers a request routed to
a missing Service or port with 503. lint checks short names and
` + "`.svc.cluster.local`" + ` names, and reports ` + "`name.namespace`" + ` or ` + "`name.namespace.svc`" + `
when some object of the input lives in that namespace; other hosts are
taken for external names and are not checked. A host a ServiceEntry of the
input declares (one of its ` + "`hosts`" + `, wildcards included, exported to the
Gateway's namespace) is in Istio's registry beside the Services and is not
reported either, a short name included when the ServiceEntry declares its
` + "`name.namespace.svc.cluster.local`" + ` (ServiceEntry in
https://istio.io/latest/docs/reference/config/networking/service-entry/).
Pass the Services and ServiceEntries too (` + "`-f app/ -R`" + `).

**What to do:** add the Service's manifest to the input, or fix the host
(the short name, or ` + "`name.namespace.svc.cluster.local`" + `) or the port.`,
	Check: checkIstioMissingDestination,
}

func checkIstioMissingDestination(p *Pass) {
	namespaces := map[string]bool{}
	for _, s := range p.Set.Services {
		namespaces[s.Namespace] = true
	}
	for _, vs := range p.Set.VirtualServices {
		namespaces[vs.Namespace] = true
	}
	for _, vs := range p.Set.VirtualServices {
		o := VirtualServiceObject(vs)
		for i, route := range vs.Spec.HTTP {
			for j, dest := range route.Route {
				host := dest.Destination.Host
				ns, name, ok := istio.DestinationService(host, vs.Namespace)
				if !ok || p.Set.Service(ns, name) == nil {
					// A ServiceEntry adds hosts to the registry beside
					// the Services: a destination it declares is there.
					if declaredForAnyGateway(p.Set, vs, host) {
						continue
					}
				}
				if !ok {
					uns, uname, partial := istio.UnexpandedService(host)
					if partial && namespaces[uns] {
						p.ReportObject(o, fmt.Sprintf("spec.http[%d].route[%d].destination.host", i, j),
							fmt.Sprintf("Istio expands only short names and takes %s as an external host, not Service %s/%s; write %s.%s.svc.%s or, in namespace %s, %s",
								host, uns, uname, uname, uns, istio.DomainSuffix, uns, uname))
					}
					continue
				}
				field := fmt.Sprintf("spec.http[%d].route[%d].destination", i, j)
				svc := p.Set.Service(ns, name)
				if svc == nil {
					where, todo := p.missingFrom("add its manifest (-f)", "create it there")
					p.ReportObject(o, field+".host", fmt.Sprintf("Service %s/%s is not in %s; %s, or fix the host", ns, name, where, todo))
					continue
				}
				if dest.Destination.Port == nil || dest.Destination.Port.Number == 0 {
					continue
				}
				found := false
				var ports []string
				for _, sp := range svc.Spec.Ports {
					found = found || uint32(sp.Port) == dest.Destination.Port.Number
					ports = append(ports, fmt.Sprint(sp.Port))
				}
				if !found {
					p.ReportObject(o, field+".port.number", fmt.Sprintf("Service %s/%s has no port %d (its ports: %s); use one of its ports",
						ns, name, dest.Destination.Port.Number, strings.Join(ports, ", ")))
				}
			}
		}
	}
}

// declaredForAnyGateway reports whether a ServiceEntry declares host for
// a Gateway vs is bound to (the one gateway namespace a ServiceEntry
// exported with "." is seen in), or for any gateway when vs names none
// of the input.
func declaredForAnyGateway(set *manifest.Set, vs *manifest.VirtualService, host string) bool {
	seen := false
	for _, g := range vs.Spec.Gateways {
		ns, _, mesh := istio.GatewayRef(vs, g)
		if mesh {
			continue
		}
		seen = true
		if istio.DeclaredBy(set, host, vs.Namespace, ns) != nil {
			return true
		}
	}
	return !seen && istio.DeclaredBy(set, host, vs.Namespace, vs.Namespace) != nil
}
