package lint

import (
	"fmt"
	"sort"

	networkingv1 "k8s.io/api/networking/v1"

	"github.com/ingresskit/ingresskit/manifest"
	"github.com/ingresskit/ingresskit/simulate/alb"
)

var missingService = &Rule{
	ID:       "missing-service",
	Severity: Error,
	Default:  true,
	Summary:  "A backend names a Service that is not in the input.",
	Doc: `Every Service backend must name a Service in the Ingress's namespace;
controllers answer requests for a missing Service with an error (ingress-nginx
serves 503, the cloud load balancers fail their health checks). lint looks
for the Service among the manifests it was given, so pass the Services too
(` + "`-f app/ -R`" + `), or suppress the rule for Services managed elsewhere.
On an Ingress the AWS Load Balancer Controller serves, a backend whose port is
` + "`name: use-annotation`" + ` names an action annotation, not a Service, and is
not reported (alb-action-annotation checks it).

**What to do:** add the Service's manifest to the input, or fix the name.`,
	Check: checkMissingService,
}

// maxSuggestServices bounds the did-you-mean search so that many misses in
// a namespace with many Services stay linear.
const maxSuggestServices = 200

func checkMissingService(p *Pass) {
	byNS := map[string][]string{}
	for _, s := range p.Set.Services {
		byNS[s.Namespace] = append(byNS[s.Namespace], s.Name)
	}
	for _, names := range byNS {
		sort.Strings(names)
	}
	for _, ing := range p.Set.Ingresses {
		for _, b := range p.backends(ing) {
			s := b.backend.Service
			if s == nil || s.Name == "" || b.backend.Resource != nil || p.albAction(ing, s) {
				continue
			}
			if p.Set.Service(ing.Namespace, s.Name) != nil {
				continue
			}
			where, todo := p.missingFrom("add its manifest (-f)", "create it there")
			msg := fmt.Sprintf("Service %s/%s is not in %s; %s, or fix the name", ing.Namespace, s.Name, where, todo)
			if names := byNS[ing.Namespace]; len(names) <= maxSuggestServices {
				if near := Suggest(s.Name, names); near != "" {
					msg = fmt.Sprintf("Service %s/%s is not in %s; did you mean %q?", ing.Namespace, s.Name, where, near)
				}
			}
			p.Report(ing, b.field()+".service.name", msg)
		}
	}
}

// albAction reports whether s is an ALB action reference rather than a
// Service: port name use-annotation on an Ingress the AWS Load Balancer
// Controller serves, where the service name names the annotation
// alb.ingress.kubernetes.io/actions.<name>
// (kubernetes-sigs/aws-load-balancer-controller
// docs/guide/ingress/annotations.md, actions).
func (p *Pass) albAction(ing *manifest.Ingress, s *networkingv1.IngressServiceBackend) bool {
	return s.Port.Name == alb.UseAnnotation && p.controllerOf(ing) == controllerALB
}
