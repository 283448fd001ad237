package certgen

import (
	"context"
	"crypto/x509"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestCAReuse creates the CA once and reuses it: a second load returns the
// same CA, and certificates from either verify against the other.
func TestCAReuse(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "config", "ingresskit", "ca")
	ctx := context.Background()
	first, err := LoadOrCreateCA(ctx, CAOptions{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	if !first.Created {
		t.Error("first load did not create the CA")
	}
	second, err := LoadOrCreateCA(ctx, CAOptions{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	if second.Created {
		t.Error("second load created a new CA")
	}
	if first.Fingerprint() != second.Fingerprint() {
		t.Errorf("fingerprints differ: %s, %s", first.Fingerprint(), second.Fingerprint())
	}
	loaded, err := LoadCA(ctx, CAOptions{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	if loaded.Fingerprint() != first.Fingerprint() {
		t.Error("LoadCA read another CA")
	}
	leaf, err := second.Issue(IssueOptions{Hosts: []string{"example.com"}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := leaf.Cert.Verify(x509.VerifyOptions{Roots: first.Pool(), DNSName: "example.com"}); err != nil {
		t.Errorf("certificate from the reused CA does not verify: %v", err)
	}

	for _, tc := range []struct {
		path string
		mode os.FileMode
	}{
		{dir, 0o700 | os.ModeDir},
		{filepath.Join(dir, CAKeyFile), 0o600},
		{filepath.Join(dir, CACertFile), 0o644},
	} {
		st, err := os.Stat(tc.path)
		if err != nil {
			t.Fatal(err)
		}
		if st.Mode() != tc.mode {
			t.Errorf("%s: mode %v, want %v", filepath.Base(tc.path), st.Mode(), tc.mode)
		}
	}
	if entries, _ := os.ReadDir(filepath.Dir(dir)); len(entries) != 1 {
		t.Errorf("temporary files left beside the CA directory: %v", entries)
	}
}

// TestCAConcurrentCreate starts several creators on one empty directory;
// they must all end up with the same CA.
func TestCAConcurrentCreate(t *testing.T) {
	for _, tc := range []struct {
		name  string
		setup func(dir string) error
	}{
		{"missing directory", func(string) error { return nil }},
		{"empty directory", func(dir string) error { return os.MkdirAll(dir, 0o700) }},
		{"directory with other files", func(dir string) error {
			if err := os.MkdirAll(dir, 0o700); err != nil {
				return err
			}
			return os.WriteFile(filepath.Join(dir, "README"), nil, 0o644)
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "ca")
			if err := tc.setup(dir); err != nil {
				t.Fatal(err)
			}
			const n = 8
			var wg sync.WaitGroup
			fps := make([]string, n)
			errs := make([]error, n)
			for i := range n {
				wg.Go(func() {
					ca, err := LoadOrCreateCA(context.Background(), CAOptions{Dir: dir})
					errs[i] = err
					if err == nil {
						fps[i] = ca.Fingerprint()
					}
				})
			}
			wg.Wait()
			for i := range n {
				if errs[i] != nil {
					t.Fatalf("creator %d: %v", i, errs[i])
				}
				if fps[i] != fps[0] {
					t.Errorf("creator %d got CA %s, creator 0 got %s", i, fps[i], fps[0])
				}
			}
			ca, err := LoadCA(context.Background(), CAOptions{Dir: dir})
			if err != nil {
				t.Fatal(err)
			}
			if ca.Fingerprint() != fps[0] {
				t.Error("the CA on disk is not the one the creators use")
			}
		})
	}
}

// TestCAErrors covers broken CA directories and files. No message may
// quote key material.
func TestCAErrors(t *testing.T) {
	good := newTestCA(t)
	other := newTestCA(t)
	goodKey, _ := os.ReadFile(good.KeyPath)
	otherKey, _ := os.ReadFile(other.KeyPath)
	leaf, err := good.Issue(IssueOptions{Hosts: []string{"example.com"}})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name  string
		files map[string][]byte
		opts  func(dir string) CAOptions
		want  string
	}{
		{
			name:  "key without certificate",
			files: map[string][]byte{CAKeyFile: goodKey},
			want:  "exists without ca.crt",
		},
		{
			name:  "certificate without key",
			files: map[string][]byte{CACertFile: good.CertPEM},
			want:  "does not exist; certificates cannot be signed without it",
		},
		{
			name:  "key of another CA",
			files: map[string][]byte{CACertFile: good.CertPEM, CAKeyFile: otherKey},
			want:  "does not match certificate",
		},
		{
			name:  "leaf certificate as CA",
			files: map[string][]byte{CACertFile: leaf.CertPEM, CAKeyFile: leaf.KeyPEM},
			want:  "is not a CA certificate",
		},
		{
			name:  "garbage key",
			files: map[string][]byte{CACertFile: good.CertPEM, CAKeyFile: []byte("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n")},
			want:  "parse PRIVATE KEY",
		},
		{
			name:  "certificate where the key belongs",
			files: map[string][]byte{CACertFile: good.CertPEM, CAKeyFile: good.CertPEM},
			want:  "is not a private key",
		},
		{
			name:  "cert file without key file",
			files: map[string][]byte{"my.crt": good.CertPEM},
			opts:  func(dir string) CAOptions { return CAOptions{CertFile: filepath.Join(dir, "my.crt")} },
			want:  "give both or neither",
		},
		{
			name: "unknown key type",
			opts: func(dir string) CAOptions { return CAOptions{Dir: dir, KeyType: "dsa"} },
			want: `unknown key type "dsa"`,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			writeFiles(t, dir, tc.files)
			// Old files, so that LoadOrCreateCA does not wait for a
			// concurrent creator to finish.
			old := time.Now().Add(-time.Hour)
			for name := range tc.files {
				if err := os.Chtimes(filepath.Join(dir, name), old, old); err != nil {
					t.Fatal(err)
				}
			}
			opts := CAOptions{Dir: dir}
			if tc.opts != nil {
				opts = tc.opts(dir)
			}
			_, err := LoadOrCreateCA(context.Background(), opts)
			if err == nil {
				t.Fatal("no error")
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %q does not contain %q", err, tc.want)
			}
			for _, key := range [][]byte{goodKey, otherKey, leaf.KeyPEM} {
				if body := pemBody(key); strings.Contains(err.Error(), body[:16]) {
					t.Errorf("error quotes key material: %v", err)
				}
			}
			if strings.Contains(err.Error(), "BEGIN") {
				t.Errorf("error quotes PEM: %v", err)
			}
		})
	}
}

// pemBody returns the base64 lines of a PEM block.
func pemBody(p []byte) string {
	lines := strings.Split(strings.TrimSpace(string(p)), "\n")
	return strings.Join(lines[1:len(lines)-1], "")
}

// TestDefaultCADir checks the environment override and the config
// directory default.
func TestDefaultCADir(t *testing.T) {
	t.Setenv(EnvCADir, "")
	t.Setenv("XDG_CONFIG_HOME", "/tmp/xdg")
	t.Setenv("HOME", "/tmp/home")
	want := "/tmp/xdg/ingresskit/ca"
	if got, err := os.UserConfigDir(); err != nil || got != "/tmp/xdg" {
		// os.UserConfigDir honours XDG_CONFIG_HOME on Unix but not on
		// macOS or Windows.
		want = filepath.Join(got, "ingresskit", "ca")
	}
	if got, err := DefaultCADir(); err != nil || got != want {
		t.Errorf("DefaultCADir() = %q, %v; want %q", got, err, want)
	}
	t.Setenv(EnvCADir, "/tmp/override")
	if got, err := DefaultCADir(); err != nil || got != "/tmp/override" {
		t.Errorf("DefaultCADir() with %s = %q, %v", EnvCADir, got, err)
	}
}

// TestCAConstraints checks the CA certificate as crypto/x509 reads it.
func TestCAConstraints(t *testing.T) {
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	ca, err := NewCA(CAOptions{Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	c := ca.Cert
	if !c.IsCA || !c.BasicConstraintsValid || !c.MaxPathLenZero || c.MaxPathLen != 0 {
		t.Errorf("basic constraints: IsCA %v valid %v MaxPathLenZero %v MaxPathLen %d", c.IsCA, c.BasicConstraintsValid, c.MaxPathLenZero, c.MaxPathLen)
	}
	if c.KeyUsage != x509.KeyUsageCertSign|x509.KeyUsageCRLSign {
		t.Errorf("key usage %b", c.KeyUsage)
	}
	if len(c.SubjectKeyId) == 0 {
		t.Error("no subject key identifier")
	}
	if !strings.HasPrefix(c.Subject.CommonName, "ingresskit ") {
		t.Errorf("common name %q", c.Subject.CommonName)
	}
	if !c.NotBefore.Equal(now.Add(-backdate)) || !c.NotAfter.Equal(now.Add(-backdate).Add(CAValidity)) {
		t.Errorf("validity %v to %v", c.NotBefore, c.NotAfter)
	}
	if ca.CertPath != "" || ca.Created {
		t.Error("NewCA claims to have saved the CA")
	}
}
