package lint

import "fmt"

var nginxCanaryWithoutPrimary = &Rule{
	ID:       "nginx-canary-without-primary",
	Severity: Warning,
	Default:  true,
	Summary:  "An ingress-nginx canary path has no primary Ingress with the same host, path and pathType, so it never receives traffic.",
	Doc: `A canary Ingress (` + "`nginx.ingress.kubernetes.io/canary: \"true\"`" + `) creates no
server and no location of its own: ingress-nginx merges each of its backends
into the upstream of the location that another, non-canary Ingress of the
class declares for the same host, path and pathType. When there is no such
location, the controller deletes the canary backend ("unable to find real
backend for alternative backend") and the canary never receives a request
(kubernetes/ingress-nginx internal/ingress/controller/controller.go,
createServers skips canaries; mergeAlternativeBackends). Paths are compared
as written: a canary for ` + "`/app`" + ` does not join a primary for ` + "`/app/`" + `, and a
Prefix canary does not join an ImplementationSpecific primary.

**What to do:** give the canary exactly the host, path and pathType of the
primary Ingress it is meant to shadow, or create that primary.`,
	Check:      checkNginxCanaryWithoutPrimary,
	nginxModel: true,
}

func checkNginxCanaryWithoutPrimary(p *Pass) {
	for _, c := range p.shared.nginxCanaries() {
		if c.Primary != nil {
			continue
		}
		p.Report(c.Ingress, routeField(c.Ingress, c.Rule, c.PathIndex), fmt.Sprintf(
			"canary %s has no primary: no other Ingress of this class declares that host, path and pathType, so ingress-nginx drops the canary backend and it never receives a request; use the primary's exact host, path and pathType",
			canaryPlace(c)))
	}
}
