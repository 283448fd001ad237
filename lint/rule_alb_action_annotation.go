package lint

import (
	"fmt"
	"sort"
	"strings"

	"github.com/ingresskit/ingresskit/manifest"
	"github.com/ingresskit/ingresskit/simulate/alb"
)

var albActionAnnotation = &Rule{
	ID:       "alb-action-annotation",
	Severity: Error,
	Default:  true,
	Summary:  "An ALB use-annotation backend has no valid actions annotation, or an action is not reached.",
	Doc: `With the AWS Load Balancer Controller a backend whose port is
` + "`name: use-annotation`" + ` is not a Service: its service name names the annotation
` + "`alb.ingress.kubernetes.io/actions.<name>`" + ` holding a forward, redirect or
fixed-response action in JSON (kubernetes-sigs/aws-load-balancer-controller
docs/guide/ingress/annotations.md, "actions"). Without that annotation, or with
JSON the controller cannot read, it fails to build the whole IngressGroup. A
backend that names an action but gives a numbered port is sent to a Service of
that name instead of running the action. Such backends are not missing
Services: ` + "`ingresskit simulate --controller alb`" + ` shows the action they run.

**What to do:** add the ` + "`actions.<name>`" + ` annotation for every use-annotation
backend, fix its JSON, or set the backend's port to ` + "`name: use-annotation`" + `.`,
	Check: checkALBActionAnnotation,
}

const albActionsPrefix = alb.AnnotationPrefix + "actions."

func checkALBActionAnnotation(p *Pass) {
	for _, ing := range p.Set.Ingresses {
		if p.controllerOf(ing) != controllerALB {
			continue
		}
		for _, b := range p.backends(ing) {
			s := b.backend.Service
			if s == nil {
				continue
			}
			field := b.field() + ".service"
			_, hasAction := ing.Annotations[albActionsPrefix+s.Name]
			if s.Port.Name != alb.UseAnnotation {
				if hasAction {
					p.Report(ing, servicePortField(b), fmt.Sprintf("annotation %s%s exists but this backend's port is not use-annotation, so the ALB forwards to a Service named %q; set port name: use-annotation", albActionsPrefix, s.Name, s.Name),
						Related{Pos: ing.Source.FieldPos("metadata.annotations." + albActionsPrefix + s.Name), Message: "the action"})
				}
				continue
			}
			if _, err := alb.ParseAction(ing, s.Name); err != nil {
				p.Report(ing, "metadata.annotations."+albActionsPrefix+s.Name, err.Error()+"; the controller fails to build the IngressGroup",
					Related{Pos: ing.Source.FieldPos(field + ".name"), Message: "the backend using it"})
				continue
			}
			if !hasAction {
				msg := fmt.Sprintf("port use-annotation needs the annotation %s%s, which is missing; the controller fails to build the IngressGroup", albActionsPrefix, s.Name)
				if near := Suggest(s.Name, albActionNames(ing)); near != "" {
					msg += fmt.Sprintf(" (did you mean the action %q?)", near)
				}
				p.Report(ing, field+".name", msg)
			}
		}
	}
}

// albActionNames lists the action names of ing's actions.* annotations,
// sorted.
func albActionNames(ing *manifest.Ingress) []string {
	var names []string
	for k := range ing.Annotations {
		if n, ok := strings.CutPrefix(k, albActionsPrefix); ok {
			names = append(names, n)
		}
	}
	sort.Strings(names)
	return names
}
