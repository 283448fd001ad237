package certgen

import (
	"context"
	"net"
	"path/filepath"
	"strings"
	"testing"
)

// TestOpenSSLVerify has openssl check every generated chain: the chain
// verifies against the CA for TLS servers, each SAN matches and other
// names do not, and the key belongs to the certificate.
func TestOpenSSLVerify(t *testing.T) {
	ca := newTestCA(t)
	tests := []struct {
		name       string
		opts       IssueOptions
		selfSigned bool
		match      []string
		noMatch    []string
		ips        []string
	}{
		{
			name:    "ecdsa",
			opts:    IssueOptions{Hosts: []string{"example.com", "www.example.com"}},
			match:   []string{"example.com", "www.example.com"},
			noMatch: []string{"test.com", "a.example.com"},
		},
		{
			name:    "rsa 2048",
			opts:    IssueOptions{Hosts: []string{"example.com"}, KeyType: KeyRSA, KeySize: 2048},
			match:   []string{"example.com"},
			noMatch: []string{"example.org"},
		},
		{
			name:    "ed25519",
			opts:    IssueOptions{Hosts: []string{"example.com"}, KeyType: KeyEd25519},
			match:   []string{"example.com"},
			noMatch: []string{"example.org"},
		},
		{
			name:    "wildcard covers one label",
			opts:    IssueOptions{Hosts: []string{"*.example.com"}},
			match:   []string{"a.example.com", "www.example.com"},
			noMatch: []string{"example.com", "a.b.example.com"},
		},
		{
			name:    "ip addresses",
			opts:    IssueOptions{Hosts: []string{"localhost", "::1"}, IPs: []net.IP{net.ParseIP("127.0.0.1")}},
			match:   []string{"localhost"},
			noMatch: []string{"example.com"},
			ips:     []string{"127.0.0.1", "::1"},
		},
		{
			name:    "internationalized name",
			opts:    IssueOptions{Hosts: []string{"bücher.example"}},
			match:   []string{"xn--bcher-kva.example"},
			noMatch: []string{"bucher.example"},
		},
		{
			name:       "self-signed",
			opts:       IssueOptions{Hosts: []string{"example.com"}},
			selfSigned: true,
			match:      []string{"example.com"},
			noMatch:    []string{"example.org"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var leaf *Leaf
			var err error
			if tc.selfSigned {
				leaf, err = SelfSigned(tc.opts)
			} else {
				leaf, err = ca.Issue(tc.opts)
			}
			if err != nil {
				t.Fatal(err)
			}
			dir := t.TempDir()
			writeFiles(t, dir, map[string][]byte{"ca.crt": leaf.CAPEM, "tls.crt": leaf.CertPEM, "tls.key": leaf.KeyPEM})

			out, ok := openssl(t, dir, "verify", "-purpose", "sslserver", "-CAfile", "ca.crt", "tls.crt")
			if !ok || strings.TrimSpace(out) != "tls.crt: OK" {
				t.Errorf("openssl verify: %s", out)
			}
			for _, h := range tc.match {
				out, _ := openssl(t, dir, "x509", "-in", "tls.crt", "-noout", "-checkhost", h)
				if !strings.Contains(out, "does match") {
					t.Errorf("openssl -checkhost %s: %s", h, out)
				}
			}
			for _, h := range tc.noMatch {
				out, _ := openssl(t, dir, "x509", "-in", "tls.crt", "-noout", "-checkhost", h)
				if !strings.Contains(out, "does NOT match") {
					t.Errorf("openssl -checkhost %s (must not match): %s", h, out)
				}
			}
			for _, ip := range tc.ips {
				out, _ := openssl(t, dir, "x509", "-in", "tls.crt", "-noout", "-checkip", ip)
				if !strings.Contains(out, "does match") {
					t.Errorf("openssl -checkip %s: %s", ip, out)
				}
			}
			certPub, ok1 := openssl(t, dir, "x509", "-in", "tls.crt", "-noout", "-pubkey")
			keyPub, ok2 := openssl(t, dir, "pkey", "-in", "tls.key", "-pubout")
			if !ok1 || !ok2 || certPub != keyPub {
				t.Errorf("key does not match certificate:\ncertificate: %s\nkey: %s", certPub, keyPub)
			}
		})
	}
}

// TestOpenSSLExtensions reads the extensions back with openssl: the CA is
// a CA that may sign leaves only, the leaf is not a CA and serves TLS.
func TestOpenSSLExtensions(t *testing.T) {
	ca := newTestCA(t)
	leaf, err := ca.Issue(IssueOptions{Hosts: []string{"example.com"}})
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	writeFiles(t, dir, map[string][]byte{"ca.crt": ca.CertPEM, "tls.crt": leaf.CertPEM})
	for _, tc := range []struct {
		file string
		want []string
	}{
		{"ca.crt", []string{
			"X509v3 Basic Constraints: critical\n    CA:TRUE, pathlen:0",
			"X509v3 Key Usage: critical\n    Certificate Sign, CRL Sign",
		}},
		{"tls.crt", []string{
			"X509v3 Basic Constraints: critical\n    CA:FALSE",
			"X509v3 Key Usage: critical\n    Digital Signature",
			"X509v3 Extended Key Usage: \n    TLS Web Server Authentication",
			"X509v3 Subject Alternative Name: \n    DNS:example.com",
		}},
	} {
		t.Run(tc.file, func(t *testing.T) {
			out, ok := openssl(t, dir, "x509", "-in", tc.file, "-noout", "-ext", "basicConstraints,keyUsage,extendedKeyUsage,subjectAltName")
			if !ok {
				t.Fatal(out)
			}
			for _, w := range tc.want {
				if !strings.Contains(out, w) {
					t.Errorf("openssl -ext output lacks %q:\n%s", w, out)
				}
			}
		})
	}
}

// TestFingerprintOpenSSL compares Fingerprint with openssl's.
func TestFingerprintOpenSSL(t *testing.T) {
	ca := newTestCA(t)
	out, ok := openssl(t, filepath.Dir(ca.CertPath), "x509", "-in", CACertFile, "-noout", "-fingerprint", "-sha256")
	if !ok {
		t.Fatal(out)
	}
	_, got, _ := strings.Cut(strings.TrimSpace(out), "=")
	if got != ca.Fingerprint() {
		t.Errorf("openssl fingerprint %s, Fingerprint %s", got, ca.Fingerprint())
	}
}

// TestOpenSSLMadeCA signs with a CA that openssl made, as --ca-cert and
// --ca-key do, and has openssl verify the result.
func TestOpenSSLMadeCA(t *testing.T) {
	for _, tc := range []struct {
		name   string
		newkey []string
	}{
		{"rsa pkcs8", []string{"-newkey", "rsa:2048"}},
		{"ec", []string{"-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			args := append([]string{"req", "-x509", "-nodes", "-days", "30", "-subj", "/CN=openssl test CA",
				"-keyout", "my.key", "-out", "my.crt",
				"-addext", "basicConstraints=critical,CA:TRUE",
				"-addext", "keyUsage=critical,keyCertSign,cRLSign"}, tc.newkey...)
			if out, ok := openssl(t, dir, args...); !ok {
				t.Fatal(out)
			}
			ca, err := LoadCA(context.Background(), CAOptions{CertFile: filepath.Join(dir, "my.crt"), KeyFile: filepath.Join(dir, "my.key")})
			if err != nil {
				t.Fatal(err)
			}
			// The CA lasts 30 days; a longer certificate is refused.
			if _, err := ca.Issue(IssueOptions{Hosts: []string{"example.com"}}); err == nil || !strings.Contains(err.Error(), "the CA expires") {
				t.Errorf("issue beyond the CA's expiry: err = %v", err)
			}
			leaf, err := ca.Issue(IssueOptions{Hosts: []string{"example.com"}, Validity: 7 * 24 * 3600e9})
			if err != nil {
				t.Fatal(err)
			}
			writeFiles(t, dir, map[string][]byte{"tls.crt": leaf.CertPEM})
			if out, ok := openssl(t, dir, "verify", "-CAfile", "my.crt", "tls.crt"); !ok {
				t.Errorf("openssl verify: %s", out)
			}
		})
	}
}
