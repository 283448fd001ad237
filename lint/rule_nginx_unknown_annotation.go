package lint

import (
	"fmt"
	"sort"
	"strings"
)

var nginxUnknownAnnotation = &Rule{
	ID:       "nginx-unknown-annotation",
	Severity: Warning,
	Default:  true,
	Summary:  "An nginx.ingress.kubernetes.io annotation is not one ingress-nginx reads.",
	Doc: `ingress-nginx ignores annotations it does not know, without an event or a log
line, so a misspelt or removed annotation silently changes nothing. The list
of known names comes from kubernetes/ingress-nginx
docs/user-guide/nginx-configuration/annotations.md and the annotation parsers
in internal/ingress/annotations; the rule suggests the nearest known name.

**What to do:** fix the spelling, or delete an annotation that the current
release no longer reads.`,
	Check: checkNginxUnknownAnnotation,
}

var nginxAnnotationNames = sortedKeys(nginxAnnotations)

func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func checkNginxUnknownAnnotation(p *Pass) {
	for _, ing := range p.Set.Ingresses {
		for _, k := range sortedKeys(keysWithPrefix(ing.Annotations, nginxPrefix)) {
			name := strings.TrimPrefix(k, nginxPrefix)
			if nginxAnnotations[name] {
				continue
			}
			msg := fmt.Sprintf("annotation %s is not one ingress-nginx reads, so it has no effect; fix or delete it", k)
			if near := Suggest(name, nginxAnnotationNames); near != "" {
				msg = fmt.Sprintf("annotation %s is not one ingress-nginx reads; did you mean %s%s?", k, nginxPrefix, near)
			}
			p.Report(ing, "metadata.annotations."+k, msg)
		}
	}
}

func keysWithPrefix(ann map[string]string, prefix string) map[string]bool {
	out := map[string]bool{}
	for k := range ann {
		if strings.HasPrefix(k, prefix) {
			out[k] = true
		}
	}
	return out
}
