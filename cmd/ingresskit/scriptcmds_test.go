package main

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"sort"
	"strings"
	"syscall"
	"time"

	"github.com/rogpeppe/go-internal/testscript"
)

// scriptCmds are the commands the txtar scripts have beside exec: what
// a script needs to talk to a proxy it started in the background.
var scriptCmds = map[string]func(ts *testscript.TestScript, neg bool, args []string){
	"freeport": cmdFreeport,
	"httpget":  cmdHTTPGet,
}

// cmdFreeport sets each named environment variable to a free loopback
// port.
//
//	freeport NAME...
func cmdFreeport(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) == 0 {
		ts.Fatalf("usage: freeport NAME...")
	}
	for _, name := range args {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		ts.Check(err)
		_, port, _ := net.SplitHostPort(ln.Addr().String())
		ts.Check(ln.Close())
		ts.Setenv(name, port)
	}
}

// cmdHTTPGet sends one request to 127.0.0.1 for the URL's host, as
// `curl --resolve host:port:127.0.0.1` does (SNI and Host are the URL's),
// waiting up to 10 seconds for the port to open; redirects are not
// followed. It writes the status line, the Location header when there is
// one, the headers named with -show, a blank line and the body to
// stdout. -cacert verifies the server's certificate with a CA file;
// without it any certificate is taken.
//
//	httpget [-H 'Name: value']... [-show Name]... [-cacert file] URL
func cmdHTTPGet(ts *testscript.TestScript, neg bool, args []string) {
	if neg {
		ts.Fatalf("unsupported: ! httpget")
	}
	header := http.Header{}
	var show []string
	var roots *x509.CertPool
	for len(args) > 1 {
		switch args[0] {
		case "-H":
			k, v, ok := strings.Cut(args[1], ":")
			if !ok {
				ts.Fatalf("httpget -H %q: want 'Name: value'", args[1])
			}
			header.Add(strings.TrimSpace(k), strings.TrimSpace(v))
		case "-show":
			show = append(show, args[1])
		case "-cacert":
			pem, err := os.ReadFile(ts.MkAbs(args[1]))
			ts.Check(err)
			roots = x509.NewCertPool()
			if !roots.AppendCertsFromPEM(pem) {
				ts.Fatalf("httpget -cacert %s: no certificate", args[1])
			}
		default:
			ts.Fatalf("usage: httpget [-H 'Name: value']... [-show Name]... [-cacert file] URL")
		}
		args = args[2:]
	}
	if len(args) != 1 {
		ts.Fatalf("usage: httpget [-H 'Name: value']... [-show Name]... [-cacert file] URL")
	}
	u, err := url.Parse(args[0])
	ts.Check(err)
	dial := func(ctx context.Context, network, addr string) (net.Conn, error) {
		_, port, err := net.SplitHostPort(addr)
		if err != nil {
			return nil, err
		}
		d := net.Dialer{}
		deadline := time.Now().Add(10 * time.Second)
		for {
			c, err := d.DialContext(ctx, network, net.JoinHostPort("127.0.0.1", port))
			if err == nil || !errors.Is(err, syscall.ECONNREFUSED) || time.Now().After(deadline) {
				return c, err
			}
			time.Sleep(50 * time.Millisecond)
		}
	}
	tr := &http.Transport{DialContext: dial, ForceAttemptHTTP2: true,
		TLSClientConfig: &tls.Config{ServerName: u.Hostname(), RootCAs: roots, InsecureSkipVerify: roots == nil}}
	defer tr.CloseIdleConnections()
	c := &http.Client{Transport: tr, Timeout: 20 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	req, err := http.NewRequest(http.MethodGet, u.String(), nil)
	ts.Check(err)
	req.Header = header
	resp, err := c.Do(req)
	ts.Check(err)
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	ts.Check(err)
	out := ts.Stdout()
	fmt.Fprintf(out, "%s %s\n", resp.Proto, resp.Status)
	if loc := resp.Header.Get("Location"); loc != "" {
		fmt.Fprintf(out, "Location: %s\n", loc)
	}
	sort.Strings(show)
	for _, k := range show {
		for _, v := range resp.Header.Values(k) {
			fmt.Fprintf(out, "%s: %s\n", http.CanonicalHeaderKey(k), v)
		}
	}
	fmt.Fprintf(out, "\n%s", body)
}
