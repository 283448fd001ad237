package proxy

import (
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"strconv"
	"strings"
	"sync"

	corev1 "k8s.io/api/core/v1"

	"github.com/ingresskit/ingresskit/simulate"
	"github.com/ingresskit/ingresskit/simulate/gateway"
	"github.com/ingresskit/ingresskit/simulate/istio"
)

// defaultServerName is the name certified for clients that send no SNI
// (a request to https://127.0.0.1:8443/).
const defaultServerName = "localhost"

// GetCertificate picks the certificate for a TLS handshake on port 443
// (use it as tls.Config.GetCertificate); CertificateFor picks it for
// another listener port.
func (p *Proxy) GetCertificate(hello *tls.ClientHelloInfo) (*tls.Certificate, error) {
	return p.certificate(hello, defaultPortKey(true))
}

// CertificateFor returns the tls.Config.GetCertificate of the HTTPS
// listener port port.
func (p *Proxy) CertificateFor(port int32) func(*tls.ClientHelloInfo) (*tls.Certificate, error) {
	k := portKey{port, true}
	return func(hello *tls.ClientHelloInfo) (*tls.Certificate, error) { return p.certificate(hello, k) }
}

// certificate picks the certificate for a handshake on port k. The data
// plane that answers the SNI host names the Secret: for Ingress the
// spec.tls entry the engine says covers the host, whose Secret's tls.crt
// and tls.key are served when the manifests carry them and the
// certificate is valid for the host, as ingress-nginx serves the Secret
// of the covering entry and its default certificate otherwise
// (docs/user-guide/tls.md, "Default SSL Certificate"); for a Gateway the
// certificateRefs of the listener that takes the host
// (GatewayTLSConfig.CertificateRefs in apis/v1 gateway_types.go); for an
// Istio Gateway the credentialName of the server (ServerTLSSettings
// credentialName, a Secret of the Gateway's namespace as lint's
// istio-missing-credential reads it). Everything else gets a
// certificate from Options.Certificate.
func (p *Proxy) certificate(hello *tls.ClientHelloInfo, k portKey) (*tls.Certificate, error) {
	host := strings.ToLower(strings.TrimSuffix(hello.ServerName, "."))
	if host == "" {
		host = defaultServerName
	}
	t := p.tab.Load()
	if t != nil {
		key := host
		if k != defaultPortKey(true) {
			key = host + ":" + strconv.Itoa(int(k.port))
		}
		if c := t.certs.get(key); c != nil {
			return c, nil
		}
		if c, err := t.secretCertificate(host, k); err == nil && c != nil {
			return t.certs.add(key, c), nil
		} else if err != nil && p.opts.ErrorLog != nil {
			p.opts.ErrorLog.Printf("tls %s: %v; serving a local certificate", host, err)
		}
	}
	return p.issuedCertificate(t, host)
}

// secretCertificate returns the certificate of the Secret the data plane
// that takes host on port k names, nil with no error when there is no
// such Secret data.
func (t *table) secretCertificate(host string, k portKey) (*tls.Certificate, error) {
	req := simulate.Request{Scheme: "https", Host: host, Path: "/"}
	d, ingress := t.decide(req, k)
	if ingress {
		if d.TLS == nil || d.TLS.SecretName == "" {
			return nil, nil
		}
		return t.loadSecret(d.TLS.Ingress.Namespace, d.TLS.SecretName, host)
	}
	for _, dp := range t.byPort[k] {
		if dp.Name() != d.DataPlane {
			continue
		}
		switch p := dp.(type) {
		case *gateway.Plane:
			gw := p.Gateway()
			for _, l := range gw.Spec.Listeners {
				if string(l.Name) != d.Listener || l.TLS == nil {
					continue
				}
				var first error
				for _, ref := range l.TLS.CertificateRefs {
					if ref.Kind != nil && *ref.Kind != "Secret" || ref.Group != nil && *ref.Group != "" {
						continue
					}
					ns := gw.Namespace
					if ref.Namespace != nil {
						ns = string(*ref.Namespace)
					}
					if !gateway.SecretGranted(t.set, gw, ns, string(ref.Name)) {
						// The Gateway may not use it: the listener has
						// no certificate, and the local CA's serves.
						if first == nil {
							first = fmt.Errorf("listener %s: no ReferenceGrant in namespace %s allows Gateway %s to use Secret %s", l.Name, ns, gw.Key(), ref.Name)
						}
						continue
					}
					c, err := t.loadSecret(ns, string(ref.Name), host)
					if c != nil {
						return c, nil
					}
					if first == nil {
						first = err
					}
				}
				return nil, first
			}
		case *istio.Plane:
			if s, ok := p.ServerFor(planeRequest(req, k)); ok && s.TLS != nil && s.TLS.CredentialName != "" {
				return t.loadSecret(p.Gateway().Namespace, s.TLS.CredentialName, host)
			}
		}
	}
	return nil, nil
}

// loadSecret returns Secret ns/name of the manifests as a certificate
// for host: nil with no error when the manifests lack it or its data, an
// error when it does not parse or does not certify host.
func (t *table) loadSecret(ns, name, host string) (*tls.Certificate, error) {
	s := t.set.Secret(ns, name)
	if s == nil {
		return nil, nil
	}
	crt, key := s.Data[corev1.TLSCertKey], s.Data[corev1.TLSPrivateKeyKey]
	if len(crt) == 0 && len(key) == 0 {
		crt, key = []byte(s.StringData[corev1.TLSCertKey]), []byte(s.StringData[corev1.TLSPrivateKeyKey])
	}
	if len(crt) == 0 || len(key) == 0 {
		return nil, nil
	}
	c, err := tls.X509KeyPair(crt, key)
	if err != nil {
		return nil, fmt.Errorf("secret %s/%s (%s): %w", ns, s.Name, s.Source.Pos, err)
	}
	if err := c.Leaf.VerifyHostname(host); err != nil {
		return nil, fmt.Errorf("secret %s/%s (%s): %w", ns, s.Name, s.Source.Pos, err)
	}
	return &c, nil
}

// maxIssued bounds each certificate cache: a client can send any SNI
// name, and nothing it sends may grow the proxy without bound.
const maxIssued = 256

// issuedCertificate returns the local certificate for host, made by
// Options.Certificate. It is made only for localhost, an IP address, or
// a host a rule of the loaded table names (a "*.x" wildcard covers one
// label): a local CA that the machine trusts must not certify
// www.google.com because a client asked for it.
func (p *Proxy) issuedCertificate(t *table, host string) (*tls.Certificate, error) {
	if c := p.issued.get(host); c != nil {
		return c, nil
	}
	if p.opts.Certificate == nil {
		return nil, errors.New("no certificate for " + host)
	}
	if !t.serves(host) {
		return nil, fmt.Errorf("no certificate for %s: no rule names that host", host)
	}
	c, err := p.opts.Certificate(host)
	if err != nil {
		return nil, fmt.Errorf("certificate for %s: %w", host, err)
	}
	return p.issued.add(host, c), nil
}

// serves reports whether a local certificate may be made for host:
// localhost, an IP address or a host the rules name; t may be nil.
func (t *table) serves(host string) bool {
	if host == defaultServerName || net.ParseIP(host) != nil {
		return true
	}
	if t == nil {
		return false
	}
	if t.hosts[host] {
		return true
	}
	i := strings.IndexByte(host, '.')
	return i > 0 && t.hosts["*"+host[i:]]
}

// certCache holds up to max certificates by host and drops the least
// recently used one to make room.
type certCache struct {
	mu    sync.Mutex
	max   int
	tick  uint64
	items map[string]*certItem
}

type certItem struct {
	c    *tls.Certificate
	used uint64
}

func newCertCache(max int) *certCache {
	return &certCache{max: max, items: map[string]*certItem{}}
}

func (cc *certCache) get(host string) *tls.Certificate {
	cc.mu.Lock()
	defer cc.mu.Unlock()
	it := cc.items[host]
	if it == nil {
		return nil
	}
	cc.tick++
	it.used = cc.tick
	return it.c
}

// add stores c for host unless another was stored meanwhile, and
// returns the one kept.
func (cc *certCache) add(host string, c *tls.Certificate) *tls.Certificate {
	cc.mu.Lock()
	defer cc.mu.Unlock()
	cc.tick++
	if it := cc.items[host]; it != nil {
		it.used = cc.tick
		return it.c
	}
	if len(cc.items) >= cc.max {
		// A linear scan: the cache is small and additions are rare.
		var oldest string
		var at uint64
		for h, it := range cc.items {
			if oldest == "" || it.used < at {
				oldest, at = h, it.used
			}
		}
		delete(cc.items, oldest)
	}
	cc.items[host] = &certItem{c: c, used: cc.tick}
	return c
}

// len returns the number of certificates held.
func (cc *certCache) len() int {
	cc.mu.Lock()
	defer cc.mu.Unlock()
	return len(cc.items)
}
