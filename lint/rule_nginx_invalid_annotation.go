package lint

import (
	"fmt"

	"github.com/ingresskit/ingresskit/simulate/nginx"
)

var nginxInvalidAnnotation = &Rule{
	ID:       "nginx-invalid-annotation",
	Severity: Error,
	Default:  true,
	Summary:  "An ingress-nginx annotation has a value the controller drops, or one for which it ignores the whole Ingress.",
	Doc: `ingress-nginx validates annotation values before it parses them
(kubernetes/ingress-nginx internal/ingress/annotations/parser/validators.go and
checkAnnotation in parser/main.go; ` + "`--enable-annotation-validation`" + ` is on by
default). ` + "`rewrite-target`" + ` and ` + "`app-root`" + ` must be paths of letters, digits,
` + "`-._~/:`" + ` and ` + "`$`" + ` (RegexPathWithCapture): a ` + "`?`" + ` or a space makes the controller log
a warning and use no rewrite at all, so the host is not even a regex host
(annotations/rewrite/main.go). Booleans and integers must parse exactly, without
surrounding spaces, or the default is used; canary-* values must be plain
characters. For ` + "`permanent-redirect`" + `, ` + "`temporal-redirect`" + `, their codes,
` + "`from-to-www-redirect`" + `, ` + "`relative-redirects`" + ` and ` + "`server-alias`" + ` the parser returns
the validation error, annotations.go Extract fails, and the store never adds the
Ingress: none of its paths is served. The only trace is a line in the
controller's log.

**What to do:** write the value the controller accepts (the message says which
characters), or remove the annotation.`,
	Check: checkNginxInvalidAnnotation,
}

func checkNginxInvalidAnnotation(p *Pass) {
	for _, ing := range p.Set.Ingresses {
		if p.controllerOf(ing) != controllerNginx {
			continue
		}
		for _, d := range nginx.DroppedAnnotations(ing) {
			name := nginx.AnnotationPrefix + d.Name
			p.Report(ing, "metadata.annotations."+name, fmt.Sprintf("%s: value %q %s", name, d.Value, d.Why))
		}
	}
}
