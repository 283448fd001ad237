package certgen

import (
	"context"
	"crypto/x509"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/ingresskit/ingresskit/manifest"
	corev1 "k8s.io/api/core/v1"
)

func loadFixture(t *testing.T, name string) *manifest.Set {
	t.Helper()
	set, err := manifest.Load(context.Background(), manifest.Options{Paths: []string{"testdata/" + name}})
	if err != nil {
		t.Fatal(err)
	}
	return set
}

func TestRequests(t *testing.T) {
	set := loadFixture(t, "requests.yaml")
	reqs, notes := Requests(set)
	wantReqs := []Request{
		{
			Namespace: "staging", Name: "shared-tls",
			Hosts:     []string{"staging.example.com"},
			Ingresses: []string{"staging/legacy"},
			Pos:       manifest.Pos{File: "testdata/requests.yaml", Line: 42, Col: 5},
		},
		{
			Namespace: "web", Name: "api-tls",
			Hosts:     []string{"api.example.com", "blog.example.com"},
			Ingresses: []string{"web/blog"},
			Pos:       manifest.Pos{File: "testdata/requests.yaml", Line: 29, Col: 5},
		},
		{
			Namespace: "web", Name: "shared-tls",
			Hosts:     []string{"shop.example.com", "*.shop.example.com", "blog.example.com"},
			Ingresses: []string{"web/shop", "web/blog"},
			Pos:       manifest.Pos{File: "testdata/requests.yaml", Line: 10, Col: 5},
		},
	}
	if d := cmp.Diff(wantReqs, reqs); d != "" {
		t.Errorf("requests (-want +got):\n%s", d)
	}
	var got []string
	for _, n := range notes {
		got = append(got, n.String())
	}
	wantNotes := []string{
		"testdata/requests.yaml:53:5: ingress default/odd: spec.tls[0] names no secretName; the controller's default certificate applies, nothing to generate",
		"testdata/requests.yaml:55:5: ingress default/odd: spec.tls[1] lists no hosts and no rule names one; nothing to certify for Secret no-hosts-tls",
		`testdata/requests.yaml:58:5: ingress default/odd: secretName "Bad_Name" is not a valid Secret name: a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')`,
		"testdata/requests.yaml:71:1: Secret web/api-tls is in the input already; the generated one replaces it when applied",
	}
	if d := cmp.Diff(wantNotes, got); d != "" {
		t.Errorf("notes (-want +got):\n%s", d)
	}
}

// TestRequestsExample runs on the nginx TLS example of the README: it
// asks for example-tls covering example.com only, not test.com.
func TestRequestsExample(t *testing.T) {
	set, err := manifest.Load(context.Background(), manifest.Options{Paths: []string{"../examples/nginx-tls.yaml"}})
	if err != nil {
		t.Fatal(err)
	}
	reqs, notes := Requests(set)
	want := []Request{{
		Namespace: "default", Name: "example-tls",
		Hosts:     []string{"example.com"},
		Ingresses: []string{"default/demo-ingress"},
		Pos:       reqs[0].Pos,
	}}
	if d := cmp.Diff(want, reqs); d != "" || len(notes) > 0 {
		t.Errorf("requests (-want +got):\n%s\nnotes: %v", d, notes)
	}
}

func TestGenerate(t *testing.T) {
	set := loadFixture(t, "requests.yaml")
	reqs, _ := Requests(set)
	ca := newTestCA(t)
	bundles, err := Generate(context.Background(), reqs, Options{CA: ca})
	if err != nil {
		t.Fatal(err)
	}
	if len(bundles) != len(reqs) {
		t.Fatalf("%d bundles for %d requests", len(bundles), len(reqs))
	}
	for _, b := range bundles {
		s := b.Secret()
		if s.Type != corev1.SecretTypeTLS || s.Name != b.Request.Name || s.Namespace != b.Request.Namespace {
			t.Errorf("secret %s/%s type %s", s.Namespace, s.Name, s.Type)
		}
		if d := cmp.Diff([]string{"ca.crt", "tls.crt", "tls.key"}, keys(s.Data)); d != "" {
			t.Errorf("secret keys (-want +got):\n%s", d)
		}
		cert, err := parseCert(s.Data[corev1.TLSCertKey])
		if err != nil {
			t.Fatal(err)
		}
		pool := x509.NewCertPool()
		pool.AppendCertsFromPEM(s.Data[CASecretKey])
		for _, h := range b.Request.Hosts {
			h = strings.ToLower(strings.Replace(h, "*", "x", 1))
			if _, err := cert.Verify(x509.VerifyOptions{Roots: pool, DNSName: h}); err != nil {
				t.Errorf("secret %s: %s: %v", b.Request.Key(), h, err)
			}
		}
	}

	t.Run("errors name the secret", func(t *testing.T) {
		_, err := Generate(context.Background(), reqs, Options{CA: ca, Issue: IssueOptions{Validity: MaxValidity + 24*time.Hour}})
		if err == nil || !strings.HasPrefix(err.Error(), "testdata/requests.yaml:42:5: secret staging/shared-tls: validity of 399 days is longer than the 398 days") {
			t.Errorf("err = %v", err)
		}
	})
	t.Run("no signer", func(t *testing.T) {
		if _, err := Generate(context.Background(), reqs, Options{}); err == nil {
			t.Error("no error without a CA")
		}
	})
	t.Run("self-signed", func(t *testing.T) {
		bs, err := Generate(context.Background(), reqs[:1], Options{SelfSigned: true})
		if err != nil {
			t.Fatal(err)
		}
		s := bs[0].Secret()
		if string(s.Data[CASecretKey]) != string(s.Data[corev1.TLSCertKey]) {
			t.Error("ca.crt of a self-signed certificate is not the certificate")
		}
	})
}

func keys(m map[string][]byte) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}
