package lint

import (
	"github.com/ingresskit/ingresskit/manifest"
)

// Controllers, as named in IngressClass spec.controller.
const (
	controllerNginx = "k8s.io/ingress-nginx"
	controllerALB   = "ingress.k8s.aws/alb"
	controllerGCE   = "k8s.io/ingress-gce"
)

// wellKnownClasses maps the class names the controllers' installs create
// to their controller, for inputs without IngressClass objects:
// ingress-nginx's chart creates "nginx" (charts/ingress-nginx/values.yaml
// controller.ingressClassResource), the AWS Load Balancer Controller's
// "alb" (helm/aws-load-balancer-controller/values.yaml ingressClass), and
// GKE reads the "gce" and "gce-internal" annotation values
// (kubernetes/ingress-gce pkg/annotations/ingress.go).
var wellKnownClasses = map[string]string{
	"nginx":        controllerNginx,
	"alb":          controllerALB,
	"gce":          controllerGCE,
	"gce-internal": controllerGCE,

	"gce-regional-external": controllerGCE,
}

// controllerOf returns the controller that serves the Ingress, or "" when
// the input cannot tell.
func controllerOf(set *manifest.Set, ing *manifest.Ingress) string {
	name := ing.Class()
	if name == "" {
		if d := set.DefaultClass(); d != nil {
			return d.Spec.Controller
		}
		return ""
	}
	if c := set.IngressClass(name); c != nil {
		return c.Spec.Controller
	}
	return wellKnownClasses[name]
}
