package proxy

import (
	"crypto/tls"
	"errors"
	"fmt"
	"strings"

	corev1 "k8s.io/api/core/v1"

	"github.com/ingresskit/ingresskit/simulate"
)

// defaultServerName is the name certified for clients that send no SNI
// (a request to https://127.0.0.1:8443/).
const defaultServerName = "localhost"

// GetCertificate picks the certificate for a TLS handshake (use it as
// tls.Config.GetCertificate). The engine names the spec.tls entry that
// covers the SNI host; its Secret's tls.crt and tls.key are served when
// the manifests carry them and the certificate is valid for the host,
// as ingress-nginx serves the Secret of the covering entry and its
// default certificate otherwise (docs/user-guide/tls.md, "Default SSL
// Certificate"). Everything else gets a certificate from
// Options.Certificate.
func (p *Proxy) GetCertificate(hello *tls.ClientHelloInfo) (*tls.Certificate, error) {
	host := strings.ToLower(strings.TrimSuffix(hello.ServerName, "."))
	if host == "" {
		host = defaultServerName
	}
	t := p.tab.Load()
	if t != nil {
		if c, ok := t.certs.Load(host); ok {
			return c.(*tls.Certificate), nil
		}
		if c, err := t.secretCertificate(host); err == nil && c != nil {
			t.certs.Store(host, c)
			return c, nil
		} else if err != nil && p.opts.ErrorLog != nil {
			p.opts.ErrorLog.Printf("tls %s: %v; serving a local certificate", host, err)
		}
	}
	return p.issuedCertificate(host)
}

// secretCertificate returns the covering entry's Secret as a
// certificate, nil with no error when there is no such Secret data.
func (t *table) secretCertificate(host string) (*tls.Certificate, error) {
	d := t.index.Lookup(simulate.Request{Scheme: "https", Host: host, Path: "/"})
	if d.TLS == nil || d.TLS.SecretName == "" {
		return nil, nil
	}
	ns := d.TLS.Ingress.Namespace
	s := t.set.Secret(ns, d.TLS.SecretName)
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

func (p *Proxy) issuedCertificate(host string) (*tls.Certificate, error) {
	if c, ok := p.issued.Load(host); ok {
		return c.(*tls.Certificate), nil
	}
	if p.opts.Certificate == nil {
		return nil, errors.New("no certificate for " + host)
	}
	c, err := p.opts.Certificate(host)
	if err != nil {
		return nil, fmt.Errorf("certificate for %s: %w", host, err)
	}
	actual, _ := p.issued.LoadOrStore(host, c)
	return actual.(*tls.Certificate), nil
}
