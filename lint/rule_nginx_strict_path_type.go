package lint

import (
	"fmt"

	networkingv1 "k8s.io/api/networking/v1"

	"github.com/ingresskit/ingresskit/simulate/nginx"
)

var nginxStrictPathType = &Rule{
	ID:       "nginx-strict-path-type",
	Severity: Error,
	Default:  true,
	Summary:  "An Exact or Prefix path holds characters that ingress-nginx's strict path validation rejects.",
	Doc: `ingress-nginx validates the path of every Exact and Prefix path: only letters,
digits, ` + "`.`" + `, ` + "`_`" + `, ` + "`-`" + ` and ` + "`/`" + ` are allowed, and the path must start with
` + "`/`" + ` (kubernetes/ingress-nginx internal/ingress/inspector/rules.go,
validPathType; the ConfigMap key ` + "`strict-validate-path-type`" + `, on by default in
internal/ingress/controller/config/config.go; docs/faq.md "Validation Of
path"). The admission webhook then rejects the whole Ingress, every path of
it, so regex paths written with pathType Prefix, common in manifests from
older releases, stop working after an upgrade.

**What to do:** give regex paths ` + "`pathType: ImplementationSpecific`" + ` (with
` + "`nginx.ingress.kubernetes.io/use-regex: \"true\"`" + `), or write a plain path.`,
	Check: checkNginxStrictPathType,
}

func checkNginxStrictPathType(p *Pass) {
	for _, ing := range p.Set.Ingresses {
		if p.controllerOf(ing) != controllerNginx {
			continue
		}
		for _, b := range p.backends(ing) {
			if b.path == nil || b.path.PathType == nil || *b.path.PathType == networkingv1.PathTypeImplementationSpecific {
				continue
			}
			if nginx.ValidPath(b.path.Path) {
				continue
			}
			p.Report(ing, b.pathField()+".path", fmt.Sprintf("ingress-nginx's strict path validation rejects path %q with pathType %s, and with it the whole Ingress; use pathType ImplementationSpecific for regex paths", b.path.Path, *b.path.PathType))
		}
	}
}
