package lint

import (
	"encoding/json"
	"fmt"

	"github.com/ingresskit/ingresskit/manifest"
	corev1 "k8s.io/api/core/v1"
)

// annotationNEG enables container-native load balancing for a Service on
// GKE (cloud.google.com docs, "Container-native load balancing through
// Ingress"; kubernetes/ingress-gce pkg/annotations/service.go NEGAnnotationKey).
const annotationNEG = "cloud.google.com/neg"

var gceServiceType = &Rule{
	ID:       "gce-service-type",
	Severity: Warning,
	Default:  true,
	Summary:  "A GCE Ingress routes to a ClusterIP Service without container-native load balancing.",
	Doc: `The GCE Ingress controller sends traffic to a Service through its node port
unless the Service uses network endpoint groups, so the Service must be of
type NodePort or LoadBalancer, or carry
` + "`cloud.google.com/neg: '{\"ingress\": true}'`" + ` (cloud.google.com docs,
"GKE Ingress for Application Load Balancers", section "Services" and
"Container-native load balancing"). GKE adds that annotation by itself on
VPC-native clusters that meet its conditions, so the rule is a warning: the
input cannot show the cluster.

**What to do:** make the Service type NodePort, or add the NEG annotation.`,
	Check: checkGCEServiceType,
}

func checkGCEServiceType(p *Pass) {
	p.serviceBackends(controllerGCE, func(ing *manifest.Ingress, b backendRef, svc *manifest.Service) {
		if nodePortCapable(svc.Spec.Type) || negIngress(svc.Annotations[annotationNEG]) {
			return
		}
		p.Report(ing, b.field()+".service.name", fmt.Sprintf("GCE routes through node ports, but Service %s is of type %s without the %s annotation; make it type NodePort or add %s: '{\"ingress\": true}'", svc.Key(), serviceType(svc.Spec.Type), annotationNEG, annotationNEG),
			Related{Pos: svc.Source.FieldPos("spec.type"), Message: "Service " + svc.Key()})
	})
}

func nodePortCapable(t corev1.ServiceType) bool {
	return t == corev1.ServiceTypeNodePort || t == corev1.ServiceTypeLoadBalancer
}

func serviceType(t corev1.ServiceType) string {
	if t == "" {
		return string(corev1.ServiceTypeClusterIP) + " (the default)"
	}
	return string(t)
}

func negIngress(v string) bool {
	var neg struct {
		Ingress bool `json:"ingress"`
	}
	return v != "" && json.Unmarshal([]byte(v), &neg) == nil && neg.Ingress
}
