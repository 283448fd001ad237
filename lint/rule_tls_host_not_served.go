package lint

import (
	"fmt"
	"strings"

	"github.com/ingresskit/ingresskit/manifest"
)

var tlsHostNotServed = &Rule{
	ID:       "tls-host-not-served",
	Severity: Warning,
	Default:  true,
	Summary:  "A TLS host has no rule that serves it.",
	Doc: `A host listed under ` + "`spec.tls[].hosts`" + ` only selects the certificate; traffic
is routed by ` + "`spec.rules`" + `. A TLS host that no rule matches (in this Ingress,
or with exactly that host in another Ingress of the input) usually means a
typo on one side, and its requests fall through to the default backend
(networking.k8s.io/v1 IngressTLS, k8s.io/api networking/v1/types.go: the hosts
must match those of the rules).

**What to do:** add a rule for the host, or fix the spelling on one side.`,
	Check: checkTLSHostNotServed,
}

func checkTLSHostNotServed(p *Pass) {
	ruleHosts := map[string]bool{}
	for _, ing := range p.Set.Ingresses {
		for _, r := range ing.Spec.Rules {
			ruleHosts[strings.ToLower(r.Host)] = true
		}
	}
	for _, ing := range p.Set.Ingresses {
		for i, t := range ing.Spec.TLS {
		host:
			for j, h := range t.Hosts {
				if ruleHosts[strings.ToLower(h)] {
					continue
				}
				for _, r := range ing.Spec.Rules {
					if r.Host == "" || matchHostPattern(r.Host, h) {
						continue host
					}
				}
				msg := fmt.Sprintf("TLS host %s is served by no rule; add a rule for it or fix the spelling", h)
				var hosts []string
				for _, r := range ing.Spec.Rules {
					if r.Host != "" {
						hosts = append(hosts, r.Host)
					}
				}
				if near := Suggest(h, hosts); near != "" {
					msg = fmt.Sprintf("TLS host %s is served by no rule; did you mean %s?", h, near)
				}
				p.Report(ing, fmt.Sprintf("spec.tls[%d].hosts[%d]", i, j), msg)
			}
		}
	}
}

// matchHostPattern reports whether a rule host serves a TLS host; a
// wildcard TLS host is served only by the same wildcard rule.
func matchHostPattern(ruleHost, tlsHost string) bool {
	if strings.HasPrefix(tlsHost, "*.") {
		return strings.EqualFold(ruleHost, tlsHost)
	}
	return manifest.MatchHost(ruleHost, tlsHost)
}
