package lint

import (
	"fmt"
	"strings"

	"github.com/ingresskit/ingresskit/manifest"
)

var hostMultipleNamespaces = &Rule{
	ID:       "host-multiple-namespaces",
	Severity: Warning,
	Default:  true,
	Summary:  "Ingresses of the same class in different namespaces claim the same host.",
	Doc: `Controllers that merge Ingresses into one proxy, such as ingress-nginx, build
one server per host from every Ingress of their class, whatever its namespace
(docs/how-it-works.md in kubernetes/ingress-nginx, "Building the NGINX
model"). A second namespace that names the same host can then take over paths
of the first, or change its TLS and annotations; the cluster has no owner for
a host.

**What to do:** keep each host in one namespace, or make the sharing
explicit and suppress the finding with the ` + "`ingresskit.dev/ignore`" + `
annotation on the Ingresses that are meant to share it.`,
	Check: checkHostMultipleNamespaces,
}

func checkHostMultipleNamespaces(p *Pass) {
	type claim struct {
		ing  *manifest.Ingress
		rule int
	}
	// first claim per class+host, and per class+host+namespace.
	first := make(map[string]claim, len(p.Set.Ingresses))
	seenNS := make(map[string]bool, len(p.Set.Ingresses))
	for _, ing := range p.Set.Ingresses {
		for i, r := range ing.Spec.Rules {
			if r.Host == "" {
				continue
			}
			host := strings.ToLower(r.Host)
			key := ing.Class() + "\x00" + host
			nsKey := key + "\x00" + ing.Namespace
			if seenNS[nsKey] {
				continue
			}
			seenNS[nsKey] = true
			c, ok := first[key]
			if !ok {
				first[key] = claim{ing, i}
				continue
			}
			p.Report(ing, hostField(i), fmt.Sprintf("host %s is also claimed by Ingress %s in namespace %s; keep each host in one namespace", r.Host, c.ing.Key(), c.ing.Namespace),
				Related{Pos: c.ing.Source.FieldPos(hostField(c.rule)), Message: "first claimed by Ingress " + c.ing.Key()})
		}
	}
}

// hostField returns the field path of the host of spec.rules[i].
func hostField(i int) string { return fmt.Sprintf("spec.rules[%d].host", i) }
