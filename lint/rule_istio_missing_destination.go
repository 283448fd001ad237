package lint

import (
	"fmt"
	"strings"

	"github.com/ingresskit/ingresskit/simulate/istio"
)

var istioMissingDestination = &Rule{
	ID:       "istio-missing-destination",
	Severity: Error,
	Default:  true,
	Summary:  "A VirtualService route destination names a Service that is not in the input, or a port the Service does not have.",
	Doc: `A route destination's ` + "`host`" + ` names a Service: a short name is a Service
in the VirtualService's namespace, ` + "`name.namespace`" + ` and
` + "`name.namespace.svc.cluster.local`" + ` name its namespace; ` + "`port.number`" + ` must be a
port of that Service (Destination in
https://istio.io/latest/docs/reference/config/networking/virtual-service/).
Istio answers a request routed to a missing Service or port with 503. lint
checks short names, ` + "`.svc`" + ` names, and ` + "`name.namespace`" + ` when some object of
the input lives in that namespace; other hosts are taken for external names
(ServiceEntry) and are not checked. Pass the Services too (` + "`-f app/ -R`" + `).

**What to do:** add the Service's manifest to the input, or fix the host or
the port.`,
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
				parts := strings.Split(host, ".")
				ns, name := istio.ServiceOf(host, vs.Namespace)
				if host == "" || (len(parts) == 2 && !namespaces[ns]) || (len(parts) > 2 && parts[2] != "svc") {
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
