package certgen_test

import (
	"context"
	"crypto/tls"
	"fmt"
	"log"
	"os"

	"github.com/ingresskit/ingresskit/certgen"
)

// A server that presents a certificate from the local CA, and a client
// that trusts only that CA.
func ExampleCA_Issue() {
	dir, err := os.MkdirTemp("", "ca")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)

	ca, err := certgen.LoadOrCreateCA(context.Background(), certgen.CAOptions{Dir: dir})
	if err != nil {
		log.Fatal(err)
	}
	leaf, err := ca.Issue(certgen.IssueOptions{Hosts: []string{"example.com", "*.example.com"}})
	if err != nil {
		log.Fatal(err)
	}
	cert, err := leaf.TLSCertificate()
	if err != nil {
		log.Fatal(err)
	}
	server := &tls.Config{Certificates: []tls.Certificate{cert}}
	client := &tls.Config{RootCAs: ca.Pool(), ServerName: "www.example.com"}
	_, _ = server, client

	fmt.Println(leaf.Cert.DNSNames)
	fmt.Println(leaf.KeyPEM) // keys print redacted
	// Output:
	// [example.com *.example.com]
	// [private key redacted]
}
