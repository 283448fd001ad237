package istioingress

import (
	"fmt"
	"strings"

	"github.com/ingresskit/ingresskit/manifest"
	"github.com/ingresskit/ingresskit/simulate"
)

// server is a port-443 server of a generated Gateway.
type server struct {
	ing   *manifest.Ingress
	index int      // in ing.Spec.TLS
	hosts []string // lower-cased; "*" for an entry without hosts
}

// httpsServers returns the HTTPS servers istiod writes, one per spec.tls
// entry with a secretName, in Ingress order (istio/istio
// pilot/pkg/config/kube/ingress/gateways.go, convertIngressV1alpha3):
// port 443, the entry's hosts or "*" when it lists none, SIMPLE TLS with
// the Secret as credentialName. An entry without secretName gets no
// server. Every Gateway also has an HTTP server on port 80 for "*".
func httpsServers(ings []*manifest.Ingress) []server {
	var out []server
	for _, ing := range ings {
		for i, t := range ing.Spec.TLS {
			if t.SecretName == "" {
				continue
			}
			s := server{ing: ing, index: i}
			for _, h := range t.Hosts {
				s.hosts = append(s.hosts, strings.ToLower(h))
			}
			if len(s.hosts) == 0 {
				s.hosts = []string{"*"}
			}
			out = append(out, s)
		}
	}
	return out
}

// serverFor returns the server whose hosts take the TLS server name, as
// the gateway's filter chains match it: an exact name first, then the
// longest wildcard, then "*"; among equals the first in Ingress order.
func (b *bound) serverFor(host string) *server {
	var best *server
	bestScore := -1
	for i := range b.servers {
		s := &b.servers[i]
		for _, h := range s.hosts {
			score := -1
			switch {
			case h == host:
				score = 1 << 20
			case h == "*":
				score = 0
			case strings.HasPrefix(h, "*.") && strings.HasSuffix(host, h[1:]) && len(host) > len(h)-1:
				score = len(h)
			}
			if score > bestScore {
				best, bestScore = s, score
			}
		}
	}
	return best
}

// admits reports whether a server's hosts and a VirtualService host
// share a name.
func (s *server) admits(host string) bool {
	for _, h := range s.hosts {
		if hostsIntersect(h, host) {
			return true
		}
	}
	return false
}

func hostsIntersect(a, b string) bool {
	match := func(pattern, h string) bool {
		switch {
		case pattern == "*":
			return true
		case strings.HasPrefix(pattern, "*."):
			return strings.HasSuffix(h, pattern[1:])
		}
		return pattern == h
	}
	return match(a, b) || match(b, a)
}

// serveHTTPS answers an https request as the generated Gateways serve
// it: the server of the spec.tls entry that names the host serves the
// certificate, and only the VirtualServices bound to that server's
// Gateway answer on it. A generated VirtualService is bound to the
// Gateway of the Ingress with the host's first rule
// (virtualservices.go), so a host whose TLS entry is in another Ingress
// gets a 404 over https. It returns false when no server takes the
// host: the TLS handshake fails and there is no HTTP answer.
func (p Profile) serveHTTPS(d *simulate.Decision) bool {
	s := p.b.serverFor(d.RequestHost)
	if s == nil {
		unmatch(d)
		d.TLS = nil
		d.Notes = append(d.Notes, fmt.Sprintf("istio: no generated Gateway has a port-443 server for %s (istiod writes one per spec.tls entry with a secretName): the TLS handshake fails", d.RequestHost))
		return false
	}
	d.TLS = &simulate.TLS{Ingress: s.ing, Index: s.index, SecretName: s.ing.Spec.TLS[s.index].SecretName}
	want := p.b.choose(d.RequestHost, func(h string) bool {
		return p.b.owner[h] == s.ing && s.admits(h)
	})
	have := p.b.choose(d.RequestHost, nil)
	if want == have {
		return true
	}
	if want == "" {
		unmatch(d)
	} else {
		p.reroute(d, want)
	}
	d.Notes = append(d.Notes, fmt.Sprintf("istio: the https server is in the Gateway of %s, but the VirtualService for %s is bound to the Gateway of %s, whose rule for it is oldest", s.ing.Key(), have, p.b.owner[have].Key()))
	return true
}
