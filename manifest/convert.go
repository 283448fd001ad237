package manifest

import (
	networkingv1 "k8s.io/api/networking/v1"
	networkingv1beta1 "k8s.io/api/networking/v1beta1"
	"k8s.io/apimachinery/pkg/util/intstr"
)

// The conversions below follow the API server's own, in
// kubernetes/kubernetes pkg/apis/networking/v1beta1/conversion.go and
// pkg/apis/extensions/v1beta1/conversion.go (serviceName/servicePort to
// service.name and service.port.number or .name, backend to
// defaultBackend), with the defaults of pkg/apis/networking/v1beta1/defaults.go
// and pkg/apis/extensions/v1beta1/defaults.go (a missing pathType becomes
// ImplementationSpecific). extensions/v1beta1 Ingress has the same fields
// as networking.k8s.io/v1beta1, so both are read into the latter.

// ConvertBackend maps a v1beta1 backend (service name and IntOrString port,
// or resource) to its networking.k8s.io/v1 form.
func ConvertBackend(serviceName string, servicePort intstr.IntOrString, resource *networkingv1.IngressBackend) networkingv1.IngressBackend {
	var out networkingv1.IngressBackend
	if resource != nil {
		out.Resource = resource.Resource
	}
	if serviceName != "" || servicePort.IntVal != 0 || servicePort.StrVal != "" || servicePort.Type == intstr.String {
		out.Service = &networkingv1.IngressServiceBackend{Name: serviceName}
		if servicePort.Type == intstr.String {
			out.Service.Port.Name = servicePort.StrVal
		} else {
			out.Service.Port.Number = servicePort.IntVal
		}
	}
	return out
}

func ingressFromNetworkingV1beta1(in *networkingv1beta1.Ingress) networkingv1.Ingress {
	out := networkingv1.Ingress{TypeMeta: in.TypeMeta, ObjectMeta: in.ObjectMeta}
	out.Spec.IngressClassName = in.Spec.IngressClassName
	if b := in.Spec.Backend; b != nil {
		cb := ConvertBackend(b.ServiceName, b.ServicePort, &networkingv1.IngressBackend{Resource: b.Resource})
		out.Spec.DefaultBackend = &cb
	}
	for _, t := range in.Spec.TLS {
		out.Spec.TLS = append(out.Spec.TLS, networkingv1.IngressTLS{Hosts: t.Hosts, SecretName: t.SecretName})
	}
	for _, r := range in.Spec.Rules {
		rule := networkingv1.IngressRule{Host: r.Host}
		if r.HTTP != nil {
			rule.HTTP = &networkingv1.HTTPIngressRuleValue{Paths: []networkingv1.HTTPIngressPath{}}
			for _, p := range r.HTTP.Paths {
				rule.HTTP.Paths = append(rule.HTTP.Paths, networkingv1.HTTPIngressPath{
					Path:     p.Path,
					PathType: defaultPathType((*networkingv1.PathType)(p.PathType)),
					Backend:  ConvertBackend(p.Backend.ServiceName, p.Backend.ServicePort, &networkingv1.IngressBackend{Resource: p.Backend.Resource}),
				})
			}
		}
		out.Spec.Rules = append(out.Spec.Rules, rule)
	}
	return out
}

func defaultPathType(pt *networkingv1.PathType) *networkingv1.PathType {
	if pt != nil {
		return pt
	}
	t := networkingv1.PathTypeImplementationSpecific
	return &t
}
