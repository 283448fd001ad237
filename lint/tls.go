package lint

import (
	"crypto/x509"
	"encoding/pem"
	"errors"
	"strconv"

	"github.com/ingresskit/ingresskit/manifest"
)

// tlsUse is one Ingress TLS entry that names a Secret present in the input.
type tlsUse struct {
	ing    *manifest.Ingress
	index  int
	secret *manifest.Secret
}

// tlsUses lists the TLS entries whose Secret is in the input, grouped by
// Secret in input order, so that Secret-level findings are reported once.
func tlsUses(set *manifest.Set) (order []*manifest.Secret, uses map[*manifest.Secret][]tlsUse) {
	uses = make(map[*manifest.Secret][]tlsUse, len(set.Secrets))
	for _, ing := range set.Ingresses {
		for i, t := range ing.Spec.TLS {
			if t.SecretName == "" {
				continue
			}
			sec := set.Secret(ing.Namespace, t.SecretName)
			if sec == nil {
				continue
			}
			if _, ok := uses[sec]; !ok {
				order = append(order, sec)
			}
			uses[sec] = append(uses[sec], tlsUse{ing: ing, index: i, secret: sec})
		}
	}
	return order, uses
}

// tlsUses returns what tlsUses gives for the run's input, computed once
// for the rules that read it. The result is shared: rules must not modify
// it.
func (p *Pass) tlsUses() ([]*manifest.Secret, map[*manifest.Secret][]tlsUse) {
	if p.shared == nil {
		return tlsUses(p.Set)
	}
	s := p.shared
	s.tlsOnce.Do(func() { s.tlsOrder, s.tlsByUse = tlsUses(s.set) })
	return s.tlsOrder, s.tlsByUse
}

var errNoCert = errors.New("tls.crt holds no PEM CERTIFICATE block")

type certResult struct {
	cert *x509.Certificate
	err  error
}

// leafCert parses the first certificate of the Secret's tls.crt; ok is
// false when the Secret carries no tls.crt at all (the input cannot tell).
func leafCert(p *Pass, sec *manifest.Secret) (cert *x509.Certificate, ok bool, err error) {
	data, has := sec.Data["tls.crt"]
	if !has || len(data) == 0 {
		return nil, false, nil
	}
	if v, hit := p.shared.certs.Load(sec); hit {
		r := v.(certResult)
		return r.cert, true, r.err
	}
	var r certResult
	rest := data
	for {
		var b *pem.Block
		b, rest = pem.Decode(rest)
		if b == nil {
			r.err = errNoCert
			break
		}
		if b.Type == "CERTIFICATE" {
			r.cert, r.err = x509.ParseCertificate(b.Bytes)
			break
		}
	}
	p.shared.certs.Store(sec, r)
	return r.cert, true, r.err
}

func tlsRelated(uses []tlsUse) []Related {
	var out []Related
	for _, u := range uses {
		out = append(out, Related{Pos: u.ing.Source.FieldPos(tlsSecretField(u.index)), Message: "used by Ingress " + u.ing.Key()})
	}
	return out
}

func tlsSecretField(i int) string { return "spec.tls[" + strconv.Itoa(i) + "].secretName" }
