package lint

import (
	"fmt"
	"strings"

	networkingv1 "k8s.io/api/networking/v1"
)

var nginxRewriteDropsPath = &Rule{
	ID:       "nginx-rewrite-drops-path",
	Severity: Warning,
	Default:  true,
	Summary:  "An ingress-nginx rewrite-target without capture groups sends every request under a path to the same URI.",
	Doc: `ingress-nginx writes rewrite-target as ` + "`rewrite \"(?i)<path>\" <target> break;`" + `: the
target replaces the whole request path (internal/ingress/controller/template/
template.go, buildProxyPass). Since release 0.22.0 nothing of the request is
kept unless the target names a capture group of the path as ` + "`$1`" + `, ` + "`$2`" + `, …
(kubernetes/ingress-nginx docs/examples/rewrite/README.md). A target without
one, such as ` + "`/`" + ` on the path ` + "`/api`" + `, sends ` + "`/api/users/1`" + ` and ` + "`/api/orders`" + `
to the backend as the same ` + "`/`" + `; manifests written for older releases, and
migrations that copy the annotation, break this way.
` + "`ingresskit simulate --controller nginx`" + ` shows the upstream path.

**What to do:** capture the rest of the path and use it:
` + "`path: /api(/|$)(.*)`" + ` with ` + "`pathType: ImplementationSpecific`" + `,
` + "`nginx.ingress.kubernetes.io/use-regex: \"true\"`" + ` and ` + "`rewrite-target: /$2`" + `.`,
	Check: checkNginxRewriteDropsPath,
}

func checkNginxRewriteDropsPath(p *Pass) {
	for _, ing := range p.Set.Ingresses {
		if p.controllerOf(ing) != controllerNginx {
			continue
		}
		target, ok := ing.Annotations[annotationRewrite]
		target = strings.TrimSpace(target)
		if !ok || target == "" || captureRef.MatchString(target) {
			continue
		}
		for _, b := range p.backends(ing) {
			if b.path == nil || b.path.Path == target {
				continue
			}
			if b.path.PathType != nil && *b.path.PathType == networkingv1.PathTypeExact {
				continue
			}
			p.Report(ing, b.pathField()+".path", fmt.Sprintf("rewrite-target %q names no capture group, so every request under %q reaches the backend as %q; capture the rest of the path, as in %s(/|$)(.*) with rewrite-target /$2", target, b.path.Path, target, strings.TrimSuffix(b.path.Path, "/")),
				Related{Pos: ing.Source.FieldPos("metadata.annotations." + annotationRewrite), Message: "rewrite-target"})
		}
	}
}
