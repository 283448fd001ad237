package lint

import (
	"fmt"
	"strings"
)

var albUnknownAnnotation = &Rule{
	ID:       "alb-unknown-annotation",
	Severity: Warning,
	Default:  true,
	Summary:  "An alb.ingress.kubernetes.io annotation is not one the AWS Load Balancer Controller reads.",
	Doc: `The AWS Load Balancer Controller ignores Ingress annotations it does not know,
so a misspelt one silently changes nothing. The list of known names comes from
kubernetes-sigs/aws-load-balancer-controller docs/guide/ingress/annotations.md
and pkg/annotations/constants.go; the ` + "`actions.`" + `, ` + "`conditions.`" + `,
` + "`transforms.`" + `, ` + "`listener-attributes.`" + ` and ` + "`target-control-port.`" + ` families
take a user-chosen suffix. The rule suggests the nearest known name.

**What to do:** fix the spelling, or delete the annotation.`,
	Check: checkALBUnknownAnnotation,
}

var albAnnotationNames = sortedKeys(albAnnotations)

func checkALBUnknownAnnotation(p *Pass) {
	for _, ing := range p.Set.Ingresses {
	keys:
		for _, k := range sortedKeys(keysWithPrefix(ing.Annotations, albPrefix)) {
			name := strings.TrimPrefix(k, albPrefix)
			if albAnnotations[name] {
				continue
			}
			for _, pre := range albAnnotationPrefixes {
				if strings.HasPrefix(name, pre) && len(name) > len(pre) {
					continue keys
				}
			}
			msg := fmt.Sprintf("annotation %s is not one the AWS Load Balancer Controller reads, so it has no effect; fix or delete it", k)
			if near := Suggest(name, albAnnotationNames); near != "" {
				msg = fmt.Sprintf("annotation %s is not one the AWS Load Balancer Controller reads; did you mean %s%s?", k, albPrefix, near)
			}
			p.Report(ing, "metadata.annotations."+k, msg)
		}
	}
}
