package lint

import (
	"fmt"
	"strings"

	"k8s.io/apimachinery/pkg/util/validation"

	"github.com/ingresskit/ingresskit/manifest"
)

var invalidHost = &Rule{
	ID:       "invalid-host",
	Severity: Error,
	Default:  true,
	Summary:  "A rule or TLS host is not a valid DNS name, or its wildcard is not a whole first label.",
	Doc: `Rule hosts and TLS hosts must be lowercase RFC 1123 subdomains. A wildcard
is allowed only as the whole first label (` + "`*.example.com`" + `), never inside a
label (` + "`a*.example.com`" + `), further right (` + "`foo.*.com`" + `) or alone (` + "`*`" + `).
Ports are not allowed either. The API server rejects the Ingress otherwise
(validateIngressRules and validateIngressTLS in kubernetes/kubernetes
pkg/apis/networking/validation/validation.go, with IsDNS1123Subdomain and
IsWildcardDNS1123Subdomain from k8s.io/apimachinery/pkg/util/validation).

**What to do:** write the host in lowercase without a port; for every
subdomain write ` + "`*.example.com`" + `, which matches exactly one extra label.`,
	Check: checkInvalidHost,
}

func checkInvalidHost(p *Pass) {
	for _, ing := range p.Set.Ingresses {
		for i, r := range ing.Spec.Rules {
			if r.Host != "" && !isIPHost(r.Host) {
				reportHost(p, ing, fmt.Sprintf("spec.rules[%d].host", i), r.Host)
			}
		}
		for i, t := range ing.Spec.TLS {
			for j, h := range t.Hosts {
				reportHost(p, ing, fmt.Sprintf("spec.tls[%d].hosts[%d]", i, j), h)
			}
		}
	}
}

func reportHost(p *Pass, ing *manifest.Ingress, field, host string) {
	var msgs []string
	if strings.Contains(host, "*") {
		if validWildcard(host) {
			return
		}
		msgs = validation.IsWildcardDNS1123Subdomain(host)
	} else {
		msgs = validation.IsDNS1123Subdomain(host)
	}
	if len(msgs) == 0 {
		return
	}
	advice := "write a lowercase DNS name without a port"
	if strings.Contains(host, "*") {
		advice = "a wildcard must be the whole first label, as in *.example.com"
	}
	p.Reportf(ing, field, "host %q is invalid: %s; %s", host, strings.Join(msgs, "; "), advice)
}

// validWildcard reports whether validation.IsWildcardDNS1123Subdomain
// accepts host, without calling it: it compiles its regular expression on
// every call (k8s.io/apimachinery pkg/util/validation/validation.go), which
// was most of this rule's time on large inputs. Its expression is "\*\."
// followed by a DNS-1123 subdomain, and the whole host may be at most
// DNS1123SubdomainMaxLength long.
func validWildcard(host string) bool {
	rest, ok := strings.CutPrefix(host, "*.")
	return ok && len(host) <= validation.DNS1123SubdomainMaxLength && len(validation.IsDNS1123Subdomain(rest)) == 0
}
