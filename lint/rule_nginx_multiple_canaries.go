package lint

import "fmt"

var nginxMultipleCanaries = &Rule{
	ID:       "nginx-multiple-canaries",
	Severity: Error,
	Default:  true,
	Summary:  "Two ingress-nginx canaries serve one primary backend, but the controller uses only the first.",
	Doc: `ingress-nginx merges a canary's backend into the primary's upstream as an
alternative backend (kubernetes/ingress-nginx
internal/ingress/controller/controller.go, mergeAlternativeBackends), and the
load balancer sends traffic to the first alternative only
(rootfs/etc/nginx/lua/balancer.lua, route_to_alternative_balancer: "support
traffic shaping for n > 1 alternative backends" is still to do). A second
canary of the same primary never receives a request, whatever its weight,
header or cookie. With the admission webhook on, the controller rejects the
second canary Ingress outright: two canaries may not declare the same host and
path (controller.go, checkOverlap).

**What to do:** keep one canary Ingress per primary path; to try two
versions, route one of them by header or cookie from the same canary, or
give them different paths.`,
	Check:      checkNginxMultipleCanaries,
	nginxModel: true,
}

func checkNginxMultipleCanaries(p *Pass) {
	for _, c := range p.shared.nginxCanaries() {
		if c.First == nil {
			continue
		}
		f := c.First
		first := "this Ingress's path " + orSlash(f.Path)
		if f.Ingress != c.Ingress {
			first = "Ingress " + f.Ingress.Key()
		}
		p.Report(c.Ingress, routeField(c.Ingress, c.Rule, c.PathIndex), fmt.Sprintf(
			"canary %s is a second canary of %s (Ingress %s): %s, first in the controller's order (oldest, then namespace/name descending), is already its canary, and ingress-nginx sends traffic to the first canary only, so this one never receives a request, and the admission webhook rejects whichever of the two comes later; keep one canary per primary",
			canaryPlace(c), backendString(c.Primary.Namespace, c.PrimaryBackend), c.Primary.Key(), first),
			Related{Pos: f.Ingress.Source.FieldPos(routeField(f.Ingress, f.Rule, f.PathIndex)), Message: "the canary in use, of Ingress " + f.Ingress.Key()},
			Related{Pos: c.Primary.Source.FieldPos(routeField(c.Primary, c.PrimaryRule, c.PrimaryPathIndex)), Message: "the primary, of Ingress " + c.Primary.Key()})
	}
}
