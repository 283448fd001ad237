package lint

import (
	"fmt"
	"strconv"

	corev1 "k8s.io/api/core/v1"

	"github.com/ingresskit/ingresskit/simulate/gateway"
)

var listenerCertificateRef = &Rule{
	ID:       "listener-certificate-ref",
	Severity: Error,
	Default:  true,
	Summary:  "A listener's certificateRef names a Secret that is missing, not of type kubernetes.io/tls, or in another namespace without a ReferenceGrant.",
	Doc: `An HTTPS listener terminates TLS with the Secrets its
` + "`tls.certificateRefs`" + ` name: core Secrets of type ` + "`kubernetes.io/tls`" + `, in the
Gateway's namespace unless a ReferenceGrant in theirs allows the Gateway to
refer to them (GatewayTLSConfig.CertificateRefs in sigs.k8s.io/gateway-api
apis/v1 gateway_types.go). Otherwise the listener's ResolvedRefs condition is
false (InvalidCertificateRef or RefNotPermitted) and it serves no TLS.

**What to do:** create the Secret with ` + "`kubectl create secret tls`" + ` or
` + "`ingresskit certgen`" + `, fix the name, or add the ReferenceGrant.`,
	Check: checkListenerCertificateRef,
}

func checkListenerCertificateRef(p *Pass) {
	for _, gw := range p.Set.Gateways {
		o := GatewayObject(gw)
		for i, l := range gw.Spec.Listeners {
			if l.TLS == nil {
				continue
			}
			for j, ref := range l.TLS.CertificateRefs {
				field := "spec.listeners[" + strconv.Itoa(i) + "].tls.certificateRefs[" + strconv.Itoa(j) + "]"
				if (ref.Group != nil && *ref.Group != "") || (ref.Kind != nil && *ref.Kind != "Secret") {
					// Other kinds are implementation-specific.
					continue
				}
				ns := refNamespace(ref.Namespace, gw.Namespace)
				if ns != gw.Namespace && !gateway.SecretGranted(p.Set, gw, ns, string(ref.Name)) {
					p.ReportObject(o, field, fmt.Sprintf("listener %s: no ReferenceGrant in namespace %s allows Gateway %s to use Secret %s; add one or move the Secret", l.Name, ns, gw.Key(), ref.Name))
					continue
				}
				sec := p.Set.Secret(ns, string(ref.Name))
				if sec == nil {
					where, todo := p.missingFrom("add its manifest (-f)", "create it there")
					p.ReportObject(o, field, fmt.Sprintf("listener %s: Secret %s/%s is not in %s; %s, or fix the name", l.Name, ns, ref.Name, where, todo))
					continue
				}
				if sec.Type != corev1.SecretTypeTLS {
					t := string(sec.Type)
					if t == "" {
						t = string(corev1.SecretTypeOpaque) + " (the default)"
					}
					p.ReportObject(o, field, fmt.Sprintf("listener %s: Secret %s is of type %s, not kubernetes.io/tls; recreate it as a TLS Secret", l.Name, sec.Key(), t), Related{Pos: sec.Source.FieldPos("type"), Message: "the Secret"})
				}
			}
		}
	}
}
