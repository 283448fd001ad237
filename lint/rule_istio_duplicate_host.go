package lint

import (
	"fmt"
	"strings"

	"github.com/ingresskit/ingresskit/manifest"
	"github.com/ingresskit/ingresskit/simulate/istio"
)

var istioDuplicateHost = &Rule{
	ID:       "istio-duplicate-host",
	Severity: Warning,
	Default:  true,
	Summary:  "Two VirtualServices bound to one Istio Gateway name the same host, so their routes are merged in creation order.",
	Doc: `On an ingress gateway Istio merges the http routes of VirtualServices that
name the same host: the routes of the oldest VirtualService (by creation time)
come first, and first match wins, so a route of the newer one is reached only
when no route of the older one matches, and the outcome changes when the
objects are re-created in another order (IST0109 at
https://istio.io/latest/docs/reference/config/analysis/ist0109/ notes the
merging on ingress gateways; "Multiple virtual services and destination rules
for the same host" in Istio's deployment guidelines,
https://istio.io/v1.1/help/ops/traffic-management/deploy-guidelines/, gives
the creation order and recommends a single root). lint reads
creationTimestamp when the manifests carry it, and otherwise takes input
order as creation order. A catch-all route (no match, or a match whose only
condition is the uri prefix ` + "`/`" + ` or regex ` + "`.*`" + `) is the exception: istiod
moves every catch-all behind the other routes of the host (SortVHostRoutes in
istio/istio pilot/pkg/networking/core/route/route.go), so the older
VirtualService's catch-all does not hide the newer one's routes, while any
other overlapping route does. A VirtualService that delegates to the other is
not reported.

**What to do:** merge the routes into one VirtualService, or keep one as the
root and make the other a delegate (no ` + "`gateways`" + `, named by the root's
` + "`delegate`" + `, HTTPRoute.delegate in
https://istio.io/latest/docs/reference/config/networking/virtual-service/).`,
	Check: checkIstioDuplicateHost,
}

func checkIstioDuplicateHost(p *Pass) {
	for _, gw := range p.Set.IstioGateways {
		type claim struct {
			vs  *manifest.VirtualService
			idx int
		}
		byHost := map[string][]claim{}
		var hosts []string
		for _, vs := range p.Set.VirtualServices {
			if !istio.Bound(vs, gw) {
				continue
			}
			for k, h := range vs.Spec.Hosts {
				h = strings.ToLower(h)
				if _, seen := byHost[h]; !seen {
					hosts = append(hosts, h)
				}
				byHost[h] = append(byHost[h], claim{vs, k})
			}
		}
		for _, h := range hosts {
			claims := byHost[h]
			if len(claims) < 2 {
				continue
			}
			win := 0
			for i, c := range claims {
				if older(c.vs, claims[win].vs) {
					win = i
				}
			}
			w := claims[win].vs
			for i, c := range claims {
				if i == win || delegates(w, c.vs) || delegates(c.vs, w) {
					continue
				}
				p.ReportObject(VirtualServiceObject(c.vs), fmt.Sprintf("spec.hosts[%d]", c.idx),
					fmt.Sprintf("VirtualService %s also names host %s on Gateway %s and is older (creationTimestamp, else input order), so Istio evaluates its routes before these and a request reaches these only when none of its routes match; merge the routes into one VirtualService, or make one a delegate of the other",
						w.Key(), h, gw.Key()), Related{Pos: w.Source.Pos, Message: "the VirtualService whose routes come first"})
			}
		}
	}
}

// older reports whether a was created strictly before b; without
// timestamps neither is, and input order decides.
func older(a, b *manifest.VirtualService) bool {
	ta, tb := a.CreationTimestamp, b.CreationTimestamp
	return !ta.IsZero() && (tb.IsZero() || ta.Before(&tb))
}

// delegates reports whether a route of from delegates to to.
func delegates(from, to *manifest.VirtualService) bool {
	for _, r := range from.Spec.HTTP {
		if d := r.Delegate; d != nil {
			ns := d.Namespace
			if ns == "" {
				ns = from.Namespace
			}
			if ns == to.Namespace && d.Name == to.Name {
				return true
			}
		}
	}
	return false
}
