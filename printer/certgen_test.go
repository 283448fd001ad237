package printer

import (
	"bytes"
	"context"
	"crypto/tls"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/yaml"

	"github.com/ingresskit/ingresskit/certgen"
	"github.com/ingresskit/ingresskit/internal/golden"
	"github.com/ingresskit/ingresskit/manifest"
)

// fixedSecrets are Secrets with fixed stand-in data, so that the goldens
// show the structure without random key bytes.
func fixedSecrets() []*corev1.Secret {
	mk := func(ns, name string) *corev1.Secret {
		return &corev1.Secret{
			TypeMeta:   metav1.TypeMeta{APIVersion: "v1", Kind: "Secret"},
			ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: ns},
			Type:       corev1.SecretTypeTLS,
			Data: map[string][]byte{
				"tls.crt": []byte("certificate of " + name + "\n"),
				"tls.key": []byte("key of " + name + "\n"),
				"ca.crt":  []byte("local CA\n"),
			},
		}
	}
	return []*corev1.Secret{mk("default", "example-tls"), mk("web", "shop-tls")}
}

func TestSecretsGolden(t *testing.T) {
	for _, tc := range []struct {
		name   string
		n      int
		format func(*bytes.Buffer, []*corev1.Secret) error
	}{
		{"certgen_secrets.yaml", 2, func(b *bytes.Buffer, s []*corev1.Secret) error { return SecretsYAML(b, s) }},
		{"certgen_secret.json", 1, func(b *bytes.Buffer, s []*corev1.Secret) error { return SecretsJSON(b, s) }},
		{"certgen_secrets.json", 2, func(b *bytes.Buffer, s []*corev1.Secret) error { return SecretsJSON(b, s) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var b bytes.Buffer
			if err := tc.format(&b, fixedSecrets()[:tc.n]); err != nil {
				t.Fatal(err)
			}
			golden.Assert(t, b.Bytes(), "testdata/"+tc.name+".golden")
		})
	}
}

// realSecrets generates Secrets with real certificates and keys.
func realSecrets(t *testing.T) []*corev1.Secret {
	t.Helper()
	ca, err := certgen.LoadOrCreateCA(context.Background(), certgen.CAOptions{Dir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	bundles, err := certgen.Generate(context.Background(), []certgen.Request{
		{Namespace: "default", Name: "example-tls", Hosts: []string{"example.com"}},
		{Namespace: "web", Name: "shop-tls", Hosts: []string{"shop.example.com", "*.shop.example.com"}},
	}, certgen.Options{CA: ca})
	if err != nil {
		t.Fatal(err)
	}
	out := make([]*corev1.Secret, len(bundles))
	for i, b := range bundles {
		out[i] = b.Secret()
	}
	return out
}

// TestSecretsYAMLDecode reads the YAML back the ways kubectl and
// ingresskit do: through the manifest loader, and strictly through
// sigs.k8s.io/yaml into corev1.Secret (what kubectl apply --dry-run=client
// decodes into). The certificate and key must still pair up.
func TestSecretsYAMLDecode(t *testing.T) {
	want := realSecrets(t)
	var b bytes.Buffer
	if err := SecretsYAML(&b, want); err != nil {
		t.Fatal(err)
	}

	t.Run("manifest", func(t *testing.T) {
		set, err := manifest.Parse("secrets.yaml", b.Bytes(), manifest.Options{})
		if err != nil {
			t.Fatal(err)
		}
		if len(set.Secrets) != len(want) || len(set.Ingresses)+len(set.Services) > 0 {
			t.Fatalf("loaded %d Secrets, want %d", len(set.Secrets), len(want))
		}
		for i, s := range set.Secrets {
			if d := cmp.Diff(*want[i], s.Secret); d != "" {
				t.Errorf("secret %d (-want +got):\n%s", i, d)
			}
			if _, err := tls.X509KeyPair(s.Data["tls.crt"], s.Data["tls.key"]); err != nil {
				t.Errorf("secret %s: certificate and key do not pair: %v", s.Key(), err)
			}
		}
	})

	t.Run("sigs.k8s.io/yaml", func(t *testing.T) {
		docs := strings.Split(b.String(), "---\n")
		if len(docs) != len(want) {
			t.Fatalf("%d documents, want %d", len(docs), len(want))
		}
		for i, doc := range docs {
			var s corev1.Secret
			if err := yaml.UnmarshalStrict([]byte(doc), &s); err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff(*want[i], s); d != "" {
				t.Errorf("secret %d (-want +got):\n%s", i, d)
			}
			// Round trip: printing the decoded Secret gives the same text.
			var again bytes.Buffer
			if err := SecretsYAML(&again, []*corev1.Secret{&s}); err != nil {
				t.Fatal(err)
			}
			if again.String() != doc {
				t.Errorf("round trip changed the document:\n%s", cmp.Diff(doc, again.String()))
			}
		}
	})
}

func TestSecretsJSONDecode(t *testing.T) {
	want := realSecrets(t)
	var b bytes.Buffer
	if err := SecretsJSON(&b, want); err != nil {
		t.Fatal(err)
	}
	var list struct {
		APIVersion string          `json:"apiVersion"`
		Kind       string          `json:"kind"`
		Items      []corev1.Secret `json:"items"`
	}
	if err := json.Unmarshal(b.Bytes(), &list); err != nil {
		t.Fatal(err)
	}
	if list.APIVersion != "v1" || list.Kind != "List" {
		t.Errorf("list %s %s", list.APIVersion, list.Kind)
	}
	for i := range want {
		if d := cmp.Diff(*want[i], list.Items[i]); d != "" {
			t.Errorf("secret %d (-want +got):\n%s", i, d)
		}
	}
	// One Secret prints as the object itself, which the loader reads.
	b.Reset()
	if err := SecretsJSON(&b, want[:1]); err != nil {
		t.Fatal(err)
	}
	set, err := manifest.Parse("secret.json", b.Bytes(), manifest.Options{})
	if err != nil || len(set.Secrets) != 1 {
		t.Fatalf("loading one Secret as JSON: %v, %d Secrets", err, len(set.Secrets))
	}
	if d := cmp.Diff(*want[0], set.Secrets[0].Secret); d != "" {
		t.Errorf("secret (-want +got):\n%s", d)
	}
}

func TestCertReports(t *testing.T) {
	reports := []CertReport{
		{
			Secret:   "default/example-tls",
			Names:    []string{"example.com", "*.example.com"},
			NotAfter: time.Date(2027, 11, 22, 1, 2, 3, 0, time.UTC),
		},
		{
			Secret:   "web/shop-tls",
			Names:    []string{"shop.example.com", "10.0.0.1"},
			NotAfter: time.Date(2027, 1, 2, 0, 0, 0, 0, time.UTC),
			Files:    []string{"out/shop-tls.crt", "out/shop-tls.key", "out/shop-tls.yaml"},
			Warnings: []string{"browsers do not accept Ed25519 certificates"},
		},
	}
	for _, tc := range []struct {
		name  string
		color bool
	}{
		{"certgen_report.txt", false},
		{"certgen_report.color.txt", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var b bytes.Buffer
			if err := CertReports(&b, NewStyles(&b, tc.color), reports); err != nil {
				t.Fatal(err)
			}
			golden.Assert(t, b.Bytes(), "testdata/"+tc.name+".golden")
		})
	}
}

func TestCAInfo(t *testing.T) {
	info := CAInfo{
		CertFile:  "/home/dev/.config/ingresskit/ca/ca.crt",
		KeyFile:   "/home/dev/.config/ingresskit/ca/ca.key",
		Subject:   "CN=ingresskit dev@laptop,OU=dev@laptop,O=ingresskit development CA",
		SHA256:    "5E:B1:DA:5D:1C:D1:38:7C:D3:73:57:03:5C:B9:81:8B:88:A7:FF:65:2B:13:CA:31:C8:3F:89:CB:56:77:5B:10",
		NotBefore: time.Date(2026, 11, 22, 0, 0, 0, 0, time.UTC),
		NotAfter:  time.Date(2036, 11, 19, 0, 0, 0, 0, time.UTC),
	}
	now := time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		name  string
		goos  string
		color bool
		info  func(CAInfo) CAInfo
	}{
		{name: "certgen_ca.linux.txt", goos: "linux"},
		{name: "certgen_ca.linux.color.txt", goos: "linux", color: true},
		{name: "certgen_ca.darwin.txt", goos: "darwin"},
		{name: "certgen_ca.windows.txt", goos: "windows", info: func(i CAInfo) CAInfo {
			i.CertFile, i.KeyFile = `C:\Users\dev\AppData\Roaming\ingresskit\ca\ca.crt`, `C:\Users\dev\AppData\Roaming\ingresskit\ca\ca.key`
			return i
		}},
		{name: "certgen_ca.quoted.txt", goos: "linux", info: func(i CAInfo) CAInfo {
			i.CertFile = "/home/dev/My CA's/ca.crt"
			return i
		}},
		{name: "certgen_ca.expired.txt", goos: "linux", info: func(i CAInfo) CAInfo {
			i.NotAfter = now.Add(-time.Hour)
			return i
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in := info
			if tc.info != nil {
				in = tc.info(in)
			}
			var b bytes.Buffer
			if err := CAInfoText(&b, NewStyles(&b, tc.color), in, tc.goos, now); err != nil {
				t.Fatal(err)
			}
			golden.Assert(t, b.Bytes(), "testdata/"+tc.name+".golden")
		})
	}
	t.Run("json", func(t *testing.T) {
		var b bytes.Buffer
		if err := CAInfoJSON(&b, info); err != nil {
			t.Fatal(err)
		}
		golden.Assert(t, b.Bytes(), "testdata/certgen_ca.json.golden")
	})
}
