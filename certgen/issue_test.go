package certgen

import (
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rsa"
	"crypto/x509"
	"errors"
	"fmt"
	"math/big"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestNormalizeHosts(t *testing.T) {
	tests := []struct {
		name    string
		in      []string
		hosts   []string
		ips     []string
		wantErr string
	}{
		{name: "names", in: []string{"Example.COM", "www.example.com."}, hosts: []string{"example.com", "www.example.com"}},
		{name: "duplicates", in: []string{"a.example", "A.example", "a.example."}, hosts: []string{"a.example"}},
		{name: "wildcard", in: []string{"*.Example.com"}, hosts: []string{"*.example.com"}},
		{name: "punycode", in: []string{"bücher.example"}, hosts: []string{"xn--bcher-kva.example"}},
		{name: "underscore", in: []string{"_acme.example.com"}, hosts: []string{"_acme.example.com"}},
		{name: "ip literals", in: []string{"127.0.0.1", "::1", "::ffff:127.0.0.1"}, ips: []string{"127.0.0.1", "::1"}},
		{name: "inner wildcard", in: []string{"a.*.example.com"}, wantErr: "a wildcard must be the whole leftmost label"},
		{name: "partial wildcard", in: []string{"a*.example.com"}, wantErr: "a wildcard must be the whole leftmost label"},
		{name: "bare wildcard", in: []string{"*"}, wantErr: `"*" is not a valid host name`},
		{name: "empty", in: []string{""}, wantErr: `"" is not a valid host name`},
		{name: "space", in: []string{"exa mple.com"}, wantErr: "not a valid host name"},
		{name: "leading dash", in: []string{"-a.example.com"}, wantErr: "not a valid host name"},
		{name: "empty label", in: []string{"a..example.com"}, wantErr: "not a valid host name"},
		{name: "port", in: []string{"example.com:443"}, wantErr: "not a valid host name"},
		{name: "long label", in: []string{strings.Repeat("a", 64) + ".example"}, wantErr: "not a valid host name"},
		{name: "long name", in: []string{strings.Repeat("abcdefgh.", 29) + "com"}, wantErr: "longer than the 253 characters"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			hosts, ips, err := NormalizeHosts(tc.in)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err = %v, want %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var gotIPs []string
			for _, ip := range ips {
				gotIPs = append(gotIPs, ip.String())
			}
			if d := cmp.Diff(tc.hosts, hosts); d != "" {
				t.Errorf("hosts (-want +got):\n%s", d)
			}
			if d := cmp.Diff(tc.ips, gotIPs); d != "" {
				t.Errorf("ips (-want +got):\n%s", d)
			}
		})
	}
}

func TestIssueOptions(t *testing.T) {
	now := time.Date(2026, 11, 22, 1, 2, 3, 0, time.UTC)
	clock := func() time.Time { return now }
	ca, err := NewCA(CAOptions{Now: clock})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name     string
		opts     IssueOptions
		check    func(t *testing.T, l *Leaf)
		wantErr  string
		warnings []string
	}{
		{
			name: "defaults",
			opts: IssueOptions{Hosts: []string{"example.com", "www.example.com"}},
			check: func(t *testing.T, l *Leaf) {
				c := l.Cert
				if _, ok := c.PublicKey.(*ecdsa.PublicKey); !ok {
					t.Errorf("key %T, want ECDSA", c.PublicKey)
				}
				if got := c.NotAfter.Sub(c.NotBefore) + time.Second; got != DefaultValidity {
					t.Errorf("validity %v, want %v", got, DefaultValidity)
				}
				if !c.NotBefore.Equal(now.Add(-backdate)) {
					t.Errorf("not before %v", c.NotBefore)
				}
				if c.IsCA || !c.BasicConstraintsValid {
					t.Error("leaf is a CA")
				}
				if d := cmp.Diff([]x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}, c.ExtKeyUsage); d != "" {
					t.Errorf("ext key usage (-want +got):\n%s", d)
				}
				if c.KeyUsage != x509.KeyUsageDigitalSignature {
					t.Errorf("key usage %b", c.KeyUsage)
				}
				if c.Subject.CommonName != "example.com" {
					t.Errorf("common name %q", c.Subject.CommonName)
				}
				if string(l.CAPEM) != string(ca.CertPEM) {
					t.Error("CAPEM is not the CA")
				}
			},
		},
		{
			// 3072 and 4096 bits take seconds to generate; checkKey accepts
			// them by the same table as 2048.
			name: "rsa 3072",
			opts: IssueOptions{Hosts: []string{"example.com"}, KeyType: KeyRSA, KeySize: 3072},
			check: func(t *testing.T, l *Leaf) {
				k, ok := l.Cert.PublicKey.(*rsa.PublicKey)
				if !ok || k.N.BitLen() != 3072 {
					t.Errorf("key %T, want RSA 3072", l.Cert.PublicKey)
				}
				if l.Cert.KeyUsage != x509.KeyUsageDigitalSignature|x509.KeyUsageKeyEncipherment {
					t.Errorf("key usage %b", l.Cert.KeyUsage)
				}
			},
		},
		{
			name: "rsa default size",
			opts: IssueOptions{Hosts: []string{"example.com"}, KeyType: KeyRSA},
			check: func(t *testing.T, l *Leaf) {
				if k, ok := l.Cert.PublicKey.(*rsa.PublicKey); !ok || k.N.BitLen() != DefaultRSAKeySize {
					t.Errorf("key %T, want RSA %d", l.Cert.PublicKey, DefaultRSAKeySize)
				}
			},
		},
		{
			name: "ed25519 warns",
			opts: IssueOptions{Hosts: []string{"example.com"}, KeyType: KeyEd25519},
			check: func(t *testing.T, l *Leaf) {
				if _, ok := l.Cert.PublicKey.(ed25519.PublicKey); !ok {
					t.Errorf("key %T, want Ed25519", l.Cert.PublicKey)
				}
			},
			warnings: []string{"browsers do not accept Ed25519 certificates; use it only with clients that do (Go, curl with OpenSSL)"},
		},
		{
			name:     "top-level wildcard warns",
			opts:     IssueOptions{Hosts: []string{"*.test"}},
			warnings: []string{`many browsers do not accept a wildcard for a whole top-level domain like "*.test"`},
		},
		{
			name: "maximum validity",
			opts: IssueOptions{Hosts: []string{"example.com"}, Validity: MaxValidity},
			check: func(t *testing.T, l *Leaf) {
				if got := l.Cert.NotAfter.Sub(l.Cert.NotBefore) + time.Second; got != MaxValidity {
					t.Errorf("validity %v", got)
				}
			},
		},
		{
			name: "ip only",
			opts: IssueOptions{IPs: []net.IP{net.ParseIP("10.0.0.1")}},
			check: func(t *testing.T, l *Leaf) {
				if l.Cert.Subject.CommonName != "10.0.0.1" || len(l.Cert.DNSNames) != 0 {
					t.Errorf("common name %q, DNS names %v", l.Cert.Subject.CommonName, l.Cert.DNSNames)
				}
			},
		},
		{
			name: "long first host has no common name",
			opts: IssueOptions{Hosts: []string{strings.Repeat("a", 60) + ".example.com"}},
			check: func(t *testing.T, l *Leaf) {
				if l.Cert.Subject.CommonName != "" {
					t.Errorf("common name %q longer than 64", l.Cert.Subject.CommonName)
				}
			},
		},
		{name: "too long", opts: IssueOptions{Hosts: []string{"example.com"}, Validity: MaxValidity + time.Second}, wantErr: "validity of 9552h0m1s is longer than the 398 days browsers accept"},
		{name: "negative", opts: IssueOptions{Hosts: []string{"example.com"}, Validity: -24 * time.Hour}, wantErr: "validity of -24h0m0s is negative"},
		{name: "no names", opts: IssueOptions{}, wantErr: "no host or IP address to certify"},
		{name: "bad rsa size", opts: IssueOptions{Hosts: []string{"a.example"}, KeyType: KeyRSA, KeySize: 1024}, wantErr: "rsa key size 1024 is not supported"},
		{name: "size without rsa", opts: IssueOptions{Hosts: []string{"a.example"}, KeySize: 2048}, wantErr: "a key size applies only to rsa keys"},
		{name: "bad key type", opts: IssueOptions{Hosts: []string{"a.example"}, KeyType: "dsa"}, wantErr: `unknown key type "dsa"`},
		{name: "bad host", opts: IssueOptions{Hosts: []string{"a b"}}, wantErr: `"a b" is not a valid host name`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tc.opts.Now = clock
			l, err := ca.Issue(tc.opts)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err = %v, want %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if _, err := l.Cert.Verify(x509.VerifyOptions{Roots: ca.Pool(), CurrentTime: now}); err != nil {
				t.Errorf("does not verify: %v", err)
			}
			if d := cmp.Diff(tc.warnings, l.Warnings); d != "" {
				t.Errorf("warnings (-want +got):\n%s", d)
			}
			if tc.check != nil {
				tc.check(t, l)
			}
		})
	}
}

// TestSerials checks that serials are positive, at most 128 bits, and
// differ between certificates.
func TestSerials(t *testing.T) {
	ca := newTestCA(t)
	seen := map[string]bool{ca.Cert.SerialNumber.String(): true}
	limit := new(big.Int).Lsh(big.NewInt(1), 128)
	for range 20 {
		l, err := ca.Issue(IssueOptions{Hosts: []string{"example.com"}})
		if err != nil {
			t.Fatal(err)
		}
		s := l.Cert.SerialNumber
		if s.Sign() <= 0 || s.Cmp(limit) >= 0 {
			t.Errorf("serial %v out of range", s)
		}
		if seen[s.String()] {
			t.Errorf("serial %v repeated", s)
		}
		seen[s.String()] = true
	}
}

// TestKeyRedacted formats leaves, CAs and keys in every way a log line
// or error might, and looks for key material.
func TestKeyRedacted(t *testing.T) {
	ca := newTestCA(t)
	for _, kt := range KeyTypes {
		t.Run(string(kt), func(t *testing.T) {
			l, err := ca.Issue(IssueOptions{Hosts: []string{"example.com"}, KeyType: kt})
			if err != nil {
				t.Fatal(err)
			}
			body := pemBody(l.KeyPEM)
			for _, f := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%X", "%d"} {
				for _, v := range []any{l, *l, l.KeyPEM, ca, *ca} {
					out := fmt.Sprintf(f, v)
					if strings.Contains(out, "PRIVATE KEY") || strings.Contains(out, body[:20]) || strings.Contains(out, fmt.Sprintf("%x", []byte(l.KeyPEM))[:40]) {
						t.Errorf("%s of %T shows the key", f, v)
					}
				}
			}
			err = fmt.Errorf("wrapped: %v", l.KeyPEM)
			if !errors.Is(err, err) || strings.Contains(err.Error(), "KEY") {
				t.Errorf("error shows the key: %v", err)
			}
			if got := fmt.Sprint(l.KeyPEM); got != "[private key redacted]" {
				t.Errorf("Sprint(KeyPEM) = %q", got)
			}
		})
	}
}

func TestSelfSigned(t *testing.T) {
	l, err := SelfSigned(IssueOptions{Hosts: []string{"example.com"}})
	if err != nil {
		t.Fatal(err)
	}
	if string(l.CAPEM) != string(l.CertPEM) {
		t.Error("CAPEM is not the certificate itself")
	}
	if l.Cert.Issuer.String() != l.Cert.Subject.String() {
		t.Errorf("issuer %s, subject %s", l.Cert.Issuer, l.Cert.Subject)
	}
	pool := x509.NewCertPool()
	pool.AddCert(l.Cert)
	if _, err := l.Cert.Verify(x509.VerifyOptions{Roots: pool, DNSName: "example.com"}); err != nil {
		t.Errorf("does not verify against itself: %v", err)
	}
	var nilLeaf *Leaf
	if _, err := nilLeaf.TLSCertificate(); err == nil {
		t.Error("nil leaf gave a certificate")
	}
	var nilCA *CA
	if _, err := nilCA.Issue(IssueOptions{Hosts: []string{"a.example"}}); err == nil {
		t.Error("nil CA issued a certificate")
	}
}
