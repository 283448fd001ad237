package lint

import (
	"fmt"
	"time"
)

var tlsCertExpired = &Rule{
	ID:       "tls-cert-expired",
	Severity: Error,
	Default:  true,
	Summary:  "The certificate in a TLS Secret has expired or is not valid yet.",
	Doc: `Clients reject a certificate outside its validity period (RFC 5280, section
4.1.2.5). The check runs only when the Secret in the input carries
` + "`tls.crt`" + `; the first certificate of the chain is the one served.

**What to do:** renew the certificate and update the Secret.`,
	Check: checkTLSCertExpired,
}

func checkTLSCertExpired(p *Pass) {
	order, uses := p.tlsUses()
	for _, sec := range order {
		cert, ok, err := leafCert(p, sec)
		if !ok || err != nil {
			continue
		}
		switch {
		case p.Now.After(cert.NotAfter):
			p.ReportObject(SecretObject(sec), "data", fmt.Sprintf("certificate in Secret %s expired on %s; renew it", sec.Key(), cert.NotAfter.UTC().Format(time.DateOnly)), tlsRelated(uses[sec])...)
		case p.Now.Before(cert.NotBefore):
			p.ReportObject(SecretObject(sec), "data", fmt.Sprintf("certificate in Secret %s is not valid before %s; check the issuing clock or wait", sec.Key(), cert.NotBefore.UTC().Format(time.RFC3339)), tlsRelated(uses[sec])...)
		}
	}
}
