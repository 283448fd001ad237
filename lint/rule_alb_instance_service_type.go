package lint

import (
	"fmt"
	"strings"

	"github.com/ingresskit/ingresskit/manifest"
)

const (
	albPrefix           = "alb.ingress.kubernetes.io/"
	annotationALBTarget = albPrefix + "target-type"
)

var albInstanceServiceType = &Rule{
	ID:       "alb-instance-service-type",
	Severity: Error,
	Default:  true,
	Summary:  "An ALB Ingress in instance target mode routes to a Service that has no node port.",
	Doc: `The AWS Load Balancer Controller's default target type, ` + "`instance`" + `, registers
the nodes on the Service's node port, so the Service must be of type NodePort
or LoadBalancer; with a ClusterIP Service the controller fails to build the
target group (kubernetes-sigs/aws-load-balancer-controller
docs/guide/ingress/annotations.md, target-type; pkg/ingress/model_build_target_group.go).
The ` + "`alb.ingress.kubernetes.io/target-type`" + ` annotation on the Service
overrides the Ingress's.

**What to do:** set ` + "`alb.ingress.kubernetes.io/target-type: ip`" + ` (pods are
registered directly; needs the VPC CNI), or make the Service type NodePort.`,
	Check: checkALBInstanceServiceType,
}

func checkALBInstanceServiceType(p *Pass) {
	p.serviceBackends(controllerALB, func(ing *manifest.Ingress, b backendRef, svc *manifest.Service) {
		target := "instance"
		if v, ok := ing.Annotations[annotationALBTarget]; ok {
			target = strings.TrimSpace(v)
		}
		if v, ok := svc.Annotations[annotationALBTarget]; ok {
			target = strings.TrimSpace(v)
		}
		if target != "instance" || nodePortCapable(svc.Spec.Type) {
			return
		}
		p.Report(ing, b.field()+".service.name", fmt.Sprintf("ALB target type instance needs a node port, but Service %s is of type %s; set %s: ip or make the Service type NodePort", svc.Key(), serviceType(svc.Spec.Type), annotationALBTarget),
			Related{Pos: svc.Source.FieldPos("spec.type"), Message: "Service " + svc.Key()})
	})
}
