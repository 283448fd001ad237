package lint

import (
	"fmt"
	"sort"
	"strings"
)

var tlsCertHostMismatch = &Rule{
	ID:       "tls-cert-host-mismatch",
	Severity: Error,
	Default:  true,
	Summary:  "A TLS host is not covered by the certificate in its Secret.",
	Doc: `Clients check that the certificate names the host they asked for, in its
subject alternative names (RFC 6125; Go's x509.Certificate.VerifyHostname
implements the same matching, where ` + "`*.example.com`" + ` covers exactly one
label). A TLS host the certificate does not cover gets a certificate error in
every browser. The check runs only when the Secret in the input carries
` + "`tls.crt`" + `.

**What to do:** issue a certificate that covers the host (ingresskit certgen
takes several hosts), or move the host to a TLS entry whose Secret covers it.`,
	Check: checkTLSCertHostMismatch,
}

func checkTLSCertHostMismatch(p *Pass) {
	for _, ing := range p.Set.Ingresses {
		for i, t := range ing.Spec.TLS {
			if t.SecretName == "" {
				continue
			}
			sec := p.Set.Secret(ing.Namespace, t.SecretName)
			if sec == nil {
				continue
			}
			cert, ok, err := leafCert(p, sec)
			if !ok || err != nil {
				continue
			}
			for j, h := range t.Hosts {
				probe := h
				if rest, ok := strings.CutPrefix(h, "*."); ok {
					// A wildcard TLS host is served for any one label; a
					// certificate covers them all only with the same wildcard.
					probe = "ingresskit-wildcard-probe." + rest
				}
				if cert.VerifyHostname(probe) == nil {
					continue
				}
				names := append([]string(nil), cert.DNSNames...)
				sort.Strings(names)
				covers := strings.Join(names, ", ")
				if covers == "" {
					covers = "no DNS names"
				}
				p.Report(ing, fmt.Sprintf("spec.tls[%d].hosts[%d]", i, j),
					fmt.Sprintf("certificate in Secret %s does not cover %s (it covers %s); issue one that does", sec.Key(), h, covers),
					Related{Pos: sec.Source.Pos, Message: "Secret " + sec.Key()})
			}
		}
	}
}
