package lint

import (
	"fmt"

	"github.com/ingresskit/ingresskit/simulate"
)

var pathConflict = &Rule{
	ID:       "path-conflict",
	Severity: Error,
	Default:  true,
	Summary:  "Two rules declare the same host, path and pathType with different backends.",
	Doc: `When Ingresses served together (one ingress-nginx class, one ALB
IngressGroup, or one Ingress) declare the same host, path and pathType with
different backends, only one of them receives the traffic, and which one is
decided by the controller, not by the manifests: ingress-nginx picks the
older Ingress (kubernetes/ingress-nginx docs/how-it-works.md, "Building the
NGINX model"), so the winner can change when an Ingress is recreated. lint finds
these with the routing engine (simulate), which groups the rules the same way
the controller matches them, with the controller's profile, so what is not a
conflict on that data plane is not reported:

- an ingress-nginx canary (` + "`nginx.ingress.kubernetes.io/canary: \"true\"`" + `)
  declares its primary's host and path on purpose: the controller merges its
  backend into the primary's as an alternative (controller.go,
  mergeAlternativeBackends); the nginx-canary-* rules check canaries;
- Ingresses of different ALB IngressGroups, or GCE Ingresses, each get a load
  balancer of their own;
- a spec.defaultBackend is not a path: multiple-default-backends reports
  Ingresses that compete for one.

**What to do:** remove one of the two rules, or give them different paths or
hosts.`,
	Check:   checkPathConflict,
	routing: true,
}

func checkPathConflict(p *Pass) {
	for _, g := range p.shared.routes() {
		g.each(func(r simulate.Route) {
			if len(r.Conflict) == 0 || r.ShadowedBy < 0 || r.DefaultBackend {
				// Which defaultBackend a data plane uses is not a matter
				// of host and path: multiple-default-backends reports the
				// cases where Ingresses compete for one.
				// The route that wins lists its losers; report on the
				// losers, so each conflict is told once.
				return
			}
			for _, c := range sortedConflicts(r.Conflict) {
				if c.Ingress == r.Ingress && c.Rule == r.Rule {
					continue // the same rule twice: duplicate-path reports it
				}
				winner := c.Ingress
				p.Report(r.Ingress, routeField(r.Ingress, r.Rule, r.PathIndex),
					fmt.Sprintf("%s path %s (%s) goes to %s, but Ingress %s declares the same path to %s, and the controller sends the requests to only one of them; remove one",
						hostLabel(r.Host), r.Path, r.PathType, backendString(r.Ingress.Namespace, r.Backend), winner.Key(), backendString(winner.Namespace, c.Backend)),
					Related{Pos: winner.Source.FieldPos(routeField(winner, c.Rule, c.PathIndex)), Message: "declared here by Ingress " + winner.Key()})
			}
		})
	}
}
