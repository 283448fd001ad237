package lint

import "fmt"

var missingIngressClass = &Rule{
	ID:       "missing-ingress-class",
	Severity: Warning,
	Default:  true,
	Summary:  "spec.ingressClassName names an IngressClass that is not among the IngressClasses given.",
	Doc: `An Ingress whose ` + "`spec.ingressClassName`" + ` names no existing IngressClass is
ignored by every controller (each one watches only the classes whose
` + "`spec.controller`" + ` is its own; see the Kubernetes documentation, "Ingress",
section IngressClass). lint checks the name only when the input holds
IngressClass objects at all: with none given it cannot tell, and stays quiet.

**What to do:** fix the name, or add the IngressClass to the input.`,
	Check: checkMissingIngressClass,
}

func checkMissingIngressClass(p *Pass) {
	if len(p.Set.IngressClasses) == 0 {
		return
	}
	var names []string
	for _, c := range p.Set.IngressClasses {
		names = append(names, c.Name)
	}
	for _, ing := range p.Set.Ingresses {
		c := ing.Spec.IngressClassName
		if c == nil || *c == "" || p.Set.IngressClass(*c) != nil {
			continue
		}
		given := "the IngressClasses given"
		if p.shared.fromCluster {
			given = "the cluster's IngressClasses"
		}
		msg := fmt.Sprintf("IngressClass %q is not among %s, so no controller may serve this Ingress; fix the name or add the IngressClass", *c, given)
		if near := Suggest(*c, names); near != "" {
			msg = fmt.Sprintf("IngressClass %q is not among %s; did you mean %q?", *c, given, near)
		}
		p.Report(ing, "spec.ingressClassName", msg)
	}
}
