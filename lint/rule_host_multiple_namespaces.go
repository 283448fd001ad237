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
		ing   *manifest.Ingress
		field string
	}
	// first claim per class+host, and per class+host+namespace.
	first := map[string]claim{}
	seenNS := map[string]bool{}
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
			field := fmt.Sprintf("spec.rules[%d].host", i)
			c, ok := first[key]
			if !ok {
				first[key] = claim{ing, field}
				continue
			}
			p.Report(ing, field, fmt.Sprintf("host %s is also claimed by Ingress %s in namespace %s; keep each host in one namespace", r.Host, c.ing.Key(), c.ing.Namespace),
				Related{Pos: c.ing.Source.FieldPos(c.field), Message: "first claimed by Ingress " + c.ing.Key()})
		}
	}
}
