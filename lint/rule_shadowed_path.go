package lint

import (
	"fmt"

	"github.com/ingresskit/ingresskit/simulate"
)

var shadowedPath = &Rule{
	ID:       "shadowed-path",
	Severity: Warning,
	Default:  true,
	Summary:  "A path can never receive a request, because an equally specific rule before it matches every request it would.",
	Doc: `Under the Ingress matching rules (kubernetes.io docs, "Ingress", sections
"Path types" and "Multiple matches"), Prefix paths match by whole path
elements and ignore a trailing slash, so ` + "`/app`" + ` and ` + "`/app/`" + ` match the
same requests, and the same path declared again to the same backend in a
second Ingress adds nothing. The later rule is dead: its annotations and
backend never apply. lint asks the routing engine (simulate) which route
answers each set of requests; conflicting backends are reported by
path-conflict instead.

**What to do:** delete the dead rule, or change its path to what it was meant
to serve.`,
	Check:   checkShadowedPath,
	routing: true,
}

func checkShadowedPath(p *Pass) {
	for _, g := range p.shared.routes() {
		g.each(func(r simulate.Route) {
			if r.ShadowedBy < 0 || r.DefaultBackend || len(r.Conflict) > 0 {
				return
			}
			w := g.route(r.ShadowedBy)
			if w.Ingress == r.Ingress && w.Rule == r.Rule && w.Path == r.Path && w.PathType == r.PathType {
				return // the same path twice in one rule: duplicate-path reports it
			}
			where := "earlier in this Ingress"
			if w.Ingress != r.Ingress {
				where = "in Ingress " + w.Ingress.Key()
			}
			p.Report(r.Ingress, routeField(r.Ingress, r.Rule, r.PathIndex),
				fmt.Sprintf("%s path %s (%s) never receives a request: %s (%s) %s matches the same requests first; delete this path or change it",
					hostLabel(r.Host), r.Path, r.PathType, w.Path, w.PathType, where),
				Related{Pos: w.Ingress.Source.FieldPos(routeField(w.Ingress, w.Rule, w.PathIndex)), Message: "matched here first"})
		})
	}
}
