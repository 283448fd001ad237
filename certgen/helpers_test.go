package certgen

import (
	"context"
	"crypto/x509"
	"errors"
	"io"
	"log"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// asHostnameError reports whether err is a host name mismatch.
func asHostnameError(err error) bool {
	var he x509.HostnameError
	var phe *x509.HostnameError
	return errors.As(err, &he) || errors.As(err, &phe)
}

// peer returns the path of a program the test needs; a missing one fails
// the test with the Debian package to install.
func peer(t testing.TB, name, debianPackage string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		t.Fatalf("%s is required for this test: install the Debian package %s (apt-get install %s)", name, debianPackage, debianPackage)
	}
	return p
}

// openssl runs openssl with args in dir and returns its combined output
// and whether it exited 0.
func openssl(t testing.TB, dir string, args ...string) (string, bool) {
	t.Helper()
	cmd := exec.Command(peer(t, "openssl", "openssl"), args...)
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	var ee *exec.ExitError
	if err != nil && !errors.As(err, &ee) {
		t.Fatalf("openssl %s: %v", strings.Join(args, " "), err)
	}
	return string(out), err == nil
}

// writeFiles writes name → content into dir.
func writeFiles(t testing.TB, dir string, files map[string][]byte) {
	t.Helper()
	for name, data := range files {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o600); err != nil {
			t.Fatal(err)
		}
	}
}

// newTestCA makes a CA in a temporary directory.
func newTestCA(t testing.TB) *CA {
	t.Helper()
	ca, err := LoadOrCreateCA(context.Background(), CAOptions{Dir: filepath.Join(t.TempDir(), "ca")})
	if err != nil {
		t.Fatal(err)
	}
	return ca
}

// quietLog keeps the handshakes that tests expect to fail out of the test
// log.
var quietLog = log.New(io.Discard, "", 0)
