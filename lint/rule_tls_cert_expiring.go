package lint

import (
	"fmt"
	"time"
)

// expiryWindow is how early tls-cert-expiring warns: Let's Encrypt renews
// at 30 days before expiry, the ACME clients' common default
// (letsencrypt.org docs, "FAQ": renew every 60 days of a 90-day lifetime).
const expiryWindow = 30 * 24 * time.Hour

var tlsCertExpiring = &Rule{
	ID:       "tls-cert-expiring",
	Severity: Warning,
	Default:  true,
	Summary:  "The certificate in a TLS Secret expires within 30 days.",
	Doc: `A certificate close to its end date usually means renewal is not running;
automated issuers renew 30 days ahead (Let's Encrypt FAQ, "renew every 60
days"). The check runs only when the Secret in the input carries ` + "`tls.crt`" + `.

**What to do:** renew the certificate, or check why the automatic renewal
did not.`,
	Check: checkTLSCertExpiring,
}

func checkTLSCertExpiring(p *Pass) {
	order, uses := p.tlsUses()
	for _, sec := range order {
		cert, ok, err := leafCert(p, sec)
		if !ok || err != nil || p.Now.After(cert.NotAfter) || p.Now.Before(cert.NotBefore) {
			continue
		}
		left := cert.NotAfter.Sub(p.Now)
		if left <= expiryWindow {
			days := int(left.Hours() / 24)
			p.ReportObject(SecretObject(sec), "data", fmt.Sprintf("certificate in Secret %s expires on %s, in %d days; renew it", sec.Key(), cert.NotAfter.UTC().Format(time.DateOnly), days), tlsRelated(uses[sec])...)
		}
	}
}
