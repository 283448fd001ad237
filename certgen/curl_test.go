package certgen

import (
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"os/exec"
	"path/filepath"
	"testing"
)

// curlExitPeerVerify is curl's exit code when the server's certificate
// does not verify or does not name the host (curl man page, EXIT CODES:
// 60).
const curlExitPeerVerify = 60

// TestCurlHandshake has curl, trusting only the CA file, connect to a
// local server with a generated certificate under each name. --resolve
// sends the name in SNI and checks it against the certificate while
// connecting to 127.0.0.1.
func TestCurlHandshake(t *testing.T) {
	curl := peer(t, "curl", "curl")
	ca := newTestCA(t)
	leaf, err := ca.Issue(IssueOptions{Hosts: []string{"example.com", "*.apps.example.com"}})
	if err != nil {
		t.Fatal(err)
	}
	cert, err := leaf.TLSCertificate()
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "hello %s\n", r.Host)
	}))
	srv.TLS = &tls.Config{Certificates: []tls.Certificate{cert}}
	// Refused handshakes are the point of some cases; keep them out of
	// the test log.
	srv.Config.ErrorLog = quietLog
	srv.StartTLS()
	defer srv.Close()
	_, port, err := net.SplitHostPort(srv.Listener.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	writeFiles(t, dir, map[string][]byte{"ca.crt": ca.CertPEM})
	other := newTestCA(t)
	writeFiles(t, dir, map[string][]byte{"other.crt": other.CertPEM})

	for _, tc := range []struct {
		name   string
		host   string
		cacert string
		exit   int
	}{
		{"host in the certificate", "example.com", "ca.crt", 0},
		{"one label under the wildcard", "web.apps.example.com", "ca.crt", 0},
		{"two labels under the wildcard", "a.web.apps.example.com", "ca.crt", curlExitPeerVerify},
		{"another host", "test.com", "ca.crt", curlExitPeerVerify},
		{"another CA", "example.com", "other.crt", curlExitPeerVerify},
	} {
		t.Run(tc.name, func(t *testing.T) {
			url := fmt.Sprintf("https://%s:%s/", tc.host, port)
			cmd := exec.Command(curl, "--silent", "--show-error", "--max-time", "10",
				"--cacert", filepath.Join(dir, tc.cacert),
				"--resolve", fmt.Sprintf("%s:%s:127.0.0.1", tc.host, port), url)
			out, err := cmd.CombinedOutput()
			code := 0
			var ee *exec.ExitError
			if errors.As(err, &ee) {
				code = ee.ExitCode()
			} else if err != nil {
				t.Fatal(err)
			}
			if code != tc.exit {
				t.Fatalf("curl %s: exit %d, want %d: %s", url, code, tc.exit, out)
			}
			if code == 0 && string(out) != "hello "+tc.host+":"+port+"\n" {
				t.Errorf("curl %s: %q", url, out)
			}
		})
	}
}
