package certgen

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/ingresskit/ingresskit/manifest"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/validation"
)

// CASecretKey is the Secret key holding the issuer's certificate, beside
// tls.crt and tls.key; cert-manager fills the same key in the Secrets it
// issues (cert-manager docs, "Certificate resources": ca.crt).
const CASecretKey = "ca.crt"

// Request is one TLS Secret to make and the names its certificate covers.
type Request struct {
	// Namespace and Name name the Secret (spec.tls[].secretName).
	Namespace, Name string
	// Hosts are the names to certify, in the order first seen.
	Hosts []string
	// Ingresses are the namespace/name of the Ingresses that use the
	// Secret, in input order.
	Ingresses []string
	// Pos is where the first spec.tls entry naming the Secret was read.
	Pos manifest.Pos
}

// Key returns namespace/name.
func (r *Request) Key() string { return r.Namespace + "/" + r.Name }

// Note is something in the input that produced no certificate.
type Note struct {
	// Pos is the position of the spec.tls entry.
	Pos manifest.Pos
	// Msg says what was skipped and why.
	Msg string
}

func (n Note) String() string {
	if n.Pos.IsZero() {
		return n.Msg
	}
	return n.Pos.String() + ": " + n.Msg
}

// Requests turns every spec.tls entry of the Ingresses in set into a
// Request. The hosts of an entry are its own hosts or, when it lists
// none, the hosts of the Ingress's rules, which the controllers then
// serve with that certificate (manifest.Ingress.TLSFor). Entries that
// name the same Secret in one namespace share one certificate covering
// the union of their hosts. The result is sorted by namespace and name.
func Requests(set *manifest.Set) ([]Request, []Note) {
	var reqs []*Request
	var notes []Note
	byKey := map[string]*Request{}
	// Only the last definition of an Ingress takes effect (Applied).
	for _, ing := range set.Applied().Ingresses {
		for i, t := range ing.Spec.TLS {
			field := fmt.Sprintf("spec.tls[%d]", i)
			pos := ing.Source.FieldPos(field)
			if t.SecretName == "" {
				// ingress-nginx serves its --default-ssl-certificate for
				// such an entry (kubernetes/ingress-nginx
				// docs/user-guide/tls.md, "Default SSL Certificate").
				notes = append(notes, Note{pos, fmt.Sprintf("ingress %s: %s names no secretName; the controller's default certificate applies, nothing to generate", ing.Key(), field)})
				continue
			}
			if errs := validation.IsDNS1123Subdomain(t.SecretName); len(errs) > 0 {
				notes = append(notes, Note{ing.Source.FieldPos(field + ".secretName"), fmt.Sprintf("ingress %s: secretName %q is not a valid Secret name: %s", ing.Key(), t.SecretName, strings.Join(errs, "; "))})
				continue
			}
			hosts := t.Hosts
			if len(hosts) == 0 {
				for _, r := range ing.Spec.Rules {
					if r.Host != "" {
						hosts = append(hosts, r.Host)
					}
				}
			}
			if len(hosts) == 0 {
				notes = append(notes, Note{pos, fmt.Sprintf("ingress %s: %s lists no hosts and no rule names one; nothing to certify for Secret %s", ing.Key(), field, t.SecretName)})
				continue
			}
			key := ing.Namespace + "/" + t.SecretName
			r := byKey[key]
			if r == nil {
				r = &Request{Namespace: ing.Namespace, Name: t.SecretName, Pos: pos}
				byKey[key] = r
				reqs = append(reqs, r)
			}
			for _, h := range hosts {
				r.Hosts = appendFold(r.Hosts, h)
			}
			r.Ingresses = appendFold(r.Ingresses, ing.Key())
		}
	}
	for _, r := range reqs {
		if sec := set.Secret(r.Namespace, r.Name); sec != nil {
			notes = append(notes, Note{sec.Source.Pos, fmt.Sprintf("Secret %s is in the input already; the generated one replaces it when applied", r.Key())})
		}
	}
	sort.SliceStable(reqs, func(i, j int) bool {
		if reqs[i].Namespace != reqs[j].Namespace {
			return reqs[i].Namespace < reqs[j].Namespace
		}
		return reqs[i].Name < reqs[j].Name
	})
	out := make([]Request, len(reqs))
	for i, r := range reqs {
		out[i] = *r
	}
	return out, notes
}

func appendFold(list []string, s string) []string {
	for _, x := range list {
		if strings.EqualFold(x, s) {
			return list
		}
	}
	return append(list, s)
}

// DefaultSecretName derives a Secret name from the first host, for
// certificates asked for by host rather than by an Ingress:
// "*.example.com" gives "wildcard.example.com-tls", an IPv6 address has
// its colons replaced.
func DefaultSecretName(hosts []string) string {
	if len(hosts) == 0 {
		return ""
	}
	n := strings.ToLower(hosts[0])
	n = strings.Replace(n, "*", "wildcard", 1)
	n = strings.NewReplacer(":", "-", "[", "", "]", "").Replace(n)
	n = strings.Trim(n, "-.")
	return n + "-tls"
}

// Options configures Generate.
type Options struct {
	// CA signs the certificates. It is required unless SelfSigned is set.
	CA *CA
	// SelfSigned makes each certificate sign itself instead.
	SelfSigned bool
	// Issue gives the key type, key size, validity and clock; its Hosts
	// and IPs are ignored.
	Issue IssueOptions
}

// Bundle is a generated certificate and the Secret it belongs in.
type Bundle struct {
	Request Request
	Leaf    *Leaf
}

// Generate issues a certificate for every request, in order. It stops at
// the first error, which names the Secret.
func Generate(ctx context.Context, reqs []Request, opts Options) ([]*Bundle, error) {
	if opts.CA == nil && !opts.SelfSigned {
		return nil, fmt.Errorf("no CA to sign with")
	}
	out := make([]*Bundle, 0, len(reqs))
	for _, r := range reqs {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		issue := opts.Issue
		issue.Hosts, issue.IPs = r.Hosts, nil
		var leaf *Leaf
		var err error
		if opts.SelfSigned {
			leaf, err = SelfSigned(issue)
		} else {
			leaf, err = opts.CA.Issue(issue)
		}
		if err != nil {
			if r.Pos.IsZero() {
				return nil, fmt.Errorf("secret %s: %w", r.Key(), err)
			}
			return nil, fmt.Errorf("%s: secret %s: %w", r.Pos, r.Key(), err)
		}
		out = append(out, &Bundle{Request: r, Leaf: leaf})
	}
	return out, nil
}

// Secret returns the kubernetes.io/tls Secret holding the certificate
// (tls.crt), its key (tls.key) and the issuer (ca.crt), as
// `kubectl create secret tls` shapes it.
func (b *Bundle) Secret() *corev1.Secret {
	return &corev1.Secret{
		TypeMeta:   metav1.TypeMeta{APIVersion: "v1", Kind: "Secret"},
		ObjectMeta: metav1.ObjectMeta{Name: b.Request.Name, Namespace: b.Request.Namespace},
		Type:       corev1.SecretTypeTLS,
		Data: map[string][]byte{
			corev1.TLSCertKey:       b.Leaf.CertPEM,
			corev1.TLSPrivateKeyKey: b.Leaf.KeyPEM,
			CASecretKey:             b.Leaf.CAPEM,
		},
	}
}
