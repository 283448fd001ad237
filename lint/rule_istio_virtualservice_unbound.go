package lint

import (
	"fmt"
	"strings"

	"github.com/ingresskit/ingresskit/manifest"
	"github.com/ingresskit/ingresskit/simulate/istio"
)

var istioVirtualServiceUnbound = &Rule{
	ID:       "istio-virtualservice-unbound",
	Severity: Error,
	Default:  true,
	Summary:  "A VirtualService names an Istio Gateway that is not in the input, or one none of whose servers lists any of its hosts.",
	Doc: `A VirtualService applies to the gateways its ` + "`spec.gateways`" + ` names
(` + "`<namespace>/<name>`" + `, or ` + "`<name>`" + ` in the VirtualService's namespace; the
reserved ` + "`mesh`" + ` means the sidecars and is not checked), and there only to
the hosts that both its ` + "`spec.hosts`" + ` and a server of the Gateway list. A server
host ` + "`ns/host`" + ` admits VirtualServices of namespace ` + "`ns`" + ` only (` + "`*/`" + ` any
namespace, ` + "`./`" + ` the Gateway's own). A VirtualService whose Gateway does not exist,
or none of whose hosts a server of the Gateway admits, takes no traffic from that
gateway (VirtualService.gateways and Server.hosts,
https://istio.io/latest/docs/reference/config/networking/virtual-service/ and
https://istio.io/latest/docs/reference/config/networking/gateway/). lint looks
for the Gateway among the manifests it was given, so pass the Gateways too.

**What to do:** fix the gateway name, add the Gateway's manifest, or list the
host on a server of the Gateway (or the VirtualService's host to match one).`,
	Check: checkIstioVirtualServiceUnbound,
}

func checkIstioVirtualServiceUnbound(p *Pass) {
	for _, vs := range p.Set.VirtualServices {
		o := VirtualServiceObject(vs)
		for i, ref := range vs.Spec.Gateways {
			ns, name, mesh := istio.GatewayRef(vs, ref)
			if mesh {
				continue
			}
			field := fmt.Sprintf("spec.gateways[%d]", i)
			gw := istioGateway(p.Set, ns, name)
			if gw == nil {
				p.ReportObject(o, field, fmt.Sprintf("Istio Gateway %s/%s is not in the input; add its manifest (-f), or fix the name", ns, name))
				continue
			}
			if !admitsAny(gw, vs) {
				p.ReportObject(o, field, fmt.Sprintf("no server of Gateway %s admits any of the hosts %s (a server host ns/host admits VirtualServices of namespace ns only), so the VirtualService takes no traffic from it; list the host on a server of the Gateway, or fix spec.hosts",
					gw.Key(), strings.Join(vs.Spec.Hosts, ", ")))
			}
		}
	}
}

// admitsAny reports whether a server of gw admits a host of vs.
func admitsAny(gw *manifest.IstioGateway, vs *manifest.VirtualService) bool {
	for _, s := range gw.Spec.Servers {
		for _, sh := range s.Hosts {
			for _, h := range vs.Spec.Hosts {
				if istio.ServerAdmits(gw.Namespace, sh, vs.Namespace, h) {
					return true
				}
			}
		}
	}
	return false
}
