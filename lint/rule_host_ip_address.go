package lint

import (
	"fmt"

	netutils "k8s.io/utils/net"
)

var hostIPAddress = &Rule{
	ID:       "host-ip-address",
	Severity: Error,
	Default:  true,
	Summary:  "A rule host is an IP address, which the API server rejects.",
	Doc: `Ingress rules match the HTTP Host header against DNS names; the API server
rejects an IP address as a rule host with "must be a DNS name, not an IP
address" (validateIngressRules in kubernetes/kubernetes
pkg/apis/networking/validation/validation.go, which parses with
k8s.io/utils/net ParseIPSloppy, so 010.1.2.3 counts as an address too).

**What to do:** remove the host to match requests for any host, including
the bare address, or use a DNS name that resolves to the load balancer.`,
	Check: checkHostIPAddress,
}

func isIPHost(h string) bool { return netutils.ParseIPSloppy(h) != nil }

func checkHostIPAddress(p *Pass) {
	for _, ing := range p.Set.Ingresses {
		for i, r := range ing.Spec.Rules {
			if r.Host != "" && isIPHost(r.Host) {
				p.Reportf(ing, fmt.Sprintf("spec.rules[%d].host", i), "host %q must be a DNS name, not an IP address; remove the host to match any host, or use a DNS name", r.Host)
			}
		}
	}
}
