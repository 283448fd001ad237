package certgen

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"testing"
)

// TestIssueHandshake serves a certificate from the local CA and connects
// to it with crypto/tls trusting only the CA.
func TestIssueHandshake(t *testing.T) {
	ca, err := LoadOrCreateCA(context.Background(), CAOptions{Dir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	leaf, err := ca.Issue(IssueOptions{Hosts: []string{"example.com", "*.example.com"}, IPs: []net.IP{net.ParseIP("127.0.0.1")}})
	if err != nil {
		t.Fatal(err)
	}
	cert, err := leaf.TLSCertificate()
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, "ok")
	}))
	srv.TLS = &tls.Config{Certificates: []tls.Certificate{cert}}
	srv.StartTLS()
	defer srv.Close()

	for _, tc := range []struct {
		name   string
		server string
		ok     bool
	}{
		{"apex", "example.com", true},
		{"one label", "a.example.com", true},
		{"two labels", "a.b.example.com", false},
		{"other host", "example.org", false},
		{"ip", "", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			conn, err := tls.Dial("tcp", srv.Listener.Addr().String(), &tls.Config{RootCAs: ca.Pool(), ServerName: tc.server})
			if err == nil {
				conn.Close()
			}
			if (err == nil) != tc.ok {
				t.Errorf("handshake for %q: err = %v, want ok = %v", tc.server, err, tc.ok)
			}
			if !tc.ok {
				var he x509.HostnameError
				if !asHostnameError(err, &he) {
					t.Errorf("error %v is not a host name mismatch", err)
				}
			}
		})
	}
}
