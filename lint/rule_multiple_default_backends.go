package lint

import (
	"fmt"

	"github.com/ingresskit/ingresskit/manifest"
)

var multipleDefaultBackends = &Rule{
	ID:       "multiple-default-backends",
	Severity: Warning,
	Default:  true,
	Summary:  "Several ingress-nginx Ingresses without rules set spec.defaultBackend, but only the oldest serves the catch-all.",
	Doc: `ingress-nginx serves unmatched hosts from one catch-all server. An Ingress
with ` + "`spec.defaultBackend`" + ` and no rules configures that server, and only the
first such Ingress in the controller's order, the oldest by
creationTimestamp, does; the others are silently ignored
(kubernetes/ingress-nginx internal/ingress/controller/controller.go,
createServers; docs/how-it-works.md, "Building the NGINX model"). An Ingress
that has rules as well uses its defaultBackend for its own rules only, so it is
not counted. The cloud controllers give every Ingress its own load balancer,
so the rule looks only at Ingresses of an ingress-nginx class.

**What to do:** keep one catch-all Ingress per ingress-nginx class, or use the
controller's ` + "`--default-backend-service`" + ` flag.`,
	Check: checkMultipleDefaultBackends,
}

func checkMultipleDefaultBackends(p *Pass) {
	first := map[string]*manifest.Ingress{}
	for _, ing := range p.Set.Ingresses {
		if ing.Spec.DefaultBackend == nil || len(ing.Spec.Rules) > 0 || controllerOf(p.Set, ing) != controllerNginx {
			continue
		}
		class := ing.Class()
		f, ok := first[class]
		if !ok {
			first[class] = ing
			continue
		}
		p.Report(ing, "spec.defaultBackend", fmt.Sprintf("Ingress %s is also a catch-all (spec.defaultBackend without rules) for this ingress-nginx class, and only the oldest takes effect; keep one", f.Key()),
			Related{Pos: f.Source.FieldPos("spec.defaultBackend"), Message: "other defaultBackend"})
	}
}
