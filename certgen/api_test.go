package certgen

import (
	"crypto/tls"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"testing"
)

// TestIssueHandshake serves a certificate from the local CA and connects
// to it with crypto/tls trusting only the CA, as the proxy does.
func TestIssueHandshake(t *testing.T) {
	ca := newTestCA(t)
	for _, kt := range KeyTypes {
		t.Run(string(kt), func(t *testing.T) {
			leaf, err := ca.Issue(IssueOptions{
				Hosts:   []string{"example.com", "*.example.com"},
				IPs:     []net.IP{net.ParseIP("127.0.0.1")},
				KeyType: kt,
			})
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
			srv.Config.ErrorLog = quietLog
			srv.StartTLS()
			defer srv.Close()

			for _, tc := range []struct {
				name   string
				server string
				ok     bool
			}{
				{"apex", "example.com", true},
				{"one label under the wildcard", "a.example.com", true},
				{"two labels under the wildcard", "a.b.example.com", false},
				{"other host", "example.org", false},
				{"ip address", "", true},
			} {
				t.Run(tc.name, func(t *testing.T) {
					conn, err := tls.Dial("tcp", srv.Listener.Addr().String(), &tls.Config{RootCAs: ca.Pool(), ServerName: tc.server})
					if err == nil {
						conn.Close()
					}
					if (err == nil) != tc.ok {
						t.Fatalf("handshake for %q: err = %v, want ok = %v", tc.server, err, tc.ok)
					}
					if !tc.ok && !asHostnameError(err) {
						t.Errorf("error %v is not a host name mismatch", err)
					}
				})
			}
		})
	}
}

// TestHandshakeUntrusted checks that a client without the CA refuses the
// certificate: trust comes from the CA, not from the certificate.
func TestHandshakeUntrusted(t *testing.T) {
	ca, other := newTestCA(t), newTestCA(t)
	leaf, err := ca.Issue(IssueOptions{Hosts: []string{"example.com"}})
	if err != nil {
		t.Fatal(err)
	}
	cert, err := leaf.TLSCertificate()
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewUnstartedServer(http.NotFoundHandler())
	srv.TLS = &tls.Config{Certificates: []tls.Certificate{cert}}
	srv.Config.ErrorLog = quietLog
	srv.StartTLS()
	defer srv.Close()
	conn, err := tls.Dial("tcp", srv.Listener.Addr().String(), &tls.Config{RootCAs: other.Pool(), ServerName: "example.com"})
	if err == nil {
		conn.Close()
		t.Fatal("handshake trusting another CA succeeded")
	}
}
