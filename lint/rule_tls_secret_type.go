package lint

import (
	"fmt"

	corev1 "k8s.io/api/core/v1"
)

var tlsSecretType = &Rule{
	ID:       "tls-secret-type",
	Severity: Warning,
	Default:  true,
	Summary:  "A TLS Secret is not of type kubernetes.io/tls, lacks tls.crt or tls.key, or holds no certificate.",
	Doc: `The Ingress documentation asks for TLS Secrets of type
` + "`kubernetes.io/tls`" + ` with the keys ` + "`tls.crt`" + ` and ` + "`tls.key`" + ` (kubernetes.io docs,
"Ingress", section TLS, and "Secrets", section TLS Secrets); the API server
checks both keys only for that type, so an Opaque Secret can reach the cluster
without them and the controller then falls back to its default certificate.

**What to do:** recreate the Secret with
` + "`kubectl create secret tls <name> --cert=<file> --key=<file>`" + ` or
` + "`ingresskit certgen`" + `.`,
	Check: checkTLSSecretType,
}

func checkTLSSecretType(p *Pass) {
	order, uses := p.tlsUses()
	for _, sec := range order {
		o := SecretObject(sec)
		rel := tlsRelated(uses[sec])
		if sec.Type != corev1.SecretTypeTLS {
			t := string(sec.Type)
			if t == "" {
				t = string(corev1.SecretTypeOpaque) + " (the default)"
			}
			p.ReportObject(o, "type", fmt.Sprintf("Secret %s is used for TLS but its type is %s; make it type kubernetes.io/tls", sec.Key(), t), rel...)
		}
		if len(sec.Data) == 0 {
			// A Secret without data is a placeholder: the input cannot tell.
			continue
		}
		for _, k := range []string{"tls.crt", "tls.key"} {
			if _, ok := sec.Data[k]; !ok {
				p.ReportObject(o, "data", fmt.Sprintf("Secret %s is used for TLS but has no %s; add the PEM %s", sec.Key(), k, map[string]string{"tls.crt": "certificate chain", "tls.key": "private key"}[k]), rel...)
			}
		}
		if _, ok, err := leafCert(p, sec); ok && err != nil {
			p.ReportObject(o, "data", fmt.Sprintf("Secret %s tls.crt cannot be read: %v; store a PEM certificate chain", sec.Key(), err), rel...)
		}
	}
}
