package main

import (
	"bytes"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/ingresskit/ingresskit/manifest"
)

// TestCertgenFlags parses command lines into options without running
// anything.
func TestCertgenFlags(t *testing.T) {
	tests := []struct {
		name    string
		args    string
		want    certgenOptions
		wantErr string
	}{
		{
			name: "manifests",
			args: "-f examples/nginx-tls.yaml",
			want: certgenOptions{Files: fileFlags{Filenames: []string{"examples/nginx-tls.yaml"}}, Output: "yaml", KeyType: "ecdsa", Days: 365},
		},
		{
			name: "hosts",
			args: "--host a.example.com --host *.example.com --ip 127.0.0.1 --name my-tls -n web --key-type rsa --key-size 3072 --days 30 -o json --out-dir out --force",
			want: certgenOptions{
				Files: fileFlags{Namespace: "web"},
				Hosts: []string{"a.example.com", "*.example.com"}, IPs: []string{"127.0.0.1"},
				Name: "my-tls", OutDir: "out", Force: true, Output: "json",
				KeyType: "rsa", KeySize: 3072, Days: 30,
			},
		},
		{
			name: "existing ca",
			args: "--host a.example --ca-cert ca.pem --ca-key ca-key.pem",
			want: certgenOptions{Hosts: []string{"a.example"}, Output: "yaml", KeyType: "ecdsa", Days: 365, CA: caFlags{Cert: "ca.pem", Key: "ca-key.pem"}},
		},
		{
			name: "self-signed",
			args: "--host a.example --self-signed --days 398",
			want: certgenOptions{Hosts: []string{"a.example"}, Output: "yaml", KeyType: "ecdsa", Days: 398, SelfSigned: true},
		},
		{name: "cluster", args: "-A", want: certgenOptions{Output: "yaml", KeyType: "ecdsa", Days: 365, Cluster: clusterFlags{AllNamespaces: true}}},
		{name: "files and hosts", args: "-f x.yaml --host a.example", wantErr: "if any flags in the group [filename host] are set none of the others can be"},
		{name: "name without hosts", args: "-f x.yaml --name x", wantErr: "[filename name]"},
		{name: "force without out-dir", args: "--host a.example --force", wantErr: "--force applies to --out-dir"},
		{name: "days too long", args: "--host a.example --days 399", wantErr: "--days 399 is out of range: certificates last 1 to 398 days"},
		{name: "days zero", args: "--host a.example --days 0", wantErr: "out of range"},
		{name: "key size without rsa", args: "--host a.example --key-size 2048", wantErr: "--key-size applies to --key-type rsa"},
		{name: "bad key size", args: "--host a.example --key-type rsa --key-size 1024", wantErr: "must be one of 2048, 3072, 4096"},
		{name: "bad key type", args: "--host a.example --key-type dsa", wantErr: `invalid value "dsa": must be one of ecdsa, ed25519, rsa`},
		{name: "bad output", args: "--host a.example -o table", wantErr: "must be one of json, yaml"},
		{name: "bad ip", args: "--ip 300.1.1.1", wantErr: `--ip "300.1.1.1" is not an IP address`},
		{name: "bad host", args: "--host a..example", wantErr: `--host: "a..example" is not a valid host name`},
		{name: "bad name", args: "--host a.example --name My_TLS", wantErr: `--name "My_TLS" is not a valid Secret name`},
		{name: "ca cert alone", args: "--host a.example --ca-cert ca.pem", wantErr: "[ca-cert ca-key] are set they must all be set"},
		{name: "self-signed with ca", args: "--host a.example --self-signed --ca-dir d", wantErr: "[self-signed ca-dir]"},
		{name: "ca dir and ca cert", args: "--host a.example --ca-dir d --ca-cert c --ca-key k", wantErr: "[ca-dir ca-cert]"},
		{name: "positional argument", args: "example.com", wantErr: `unknown command "example.com"`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			io := newIO(strings.NewReader(""), io.Discard, io.Discard)
			var got *certgenOptions
			cmd := newCertgenCmd(io, func(o *certgenOptions) error { got = o; return nil })
			cmd.SetArgs(strings.Fields(tc.args))
			cmd.SetOut(io.Out)
			cmd.SetErr(io.ErrOut)
			err := cmd.Execute()
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err = %v, want %q", err, tc.wantErr)
				}
				if got := exitCode(err); got != exitError {
					t.Errorf("exit code %d, want %d", got, exitError)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff(tc.want, *got, cmpopts.IgnoreFields(certgenOptions{}, "IO", "now"), clusterFlagsOpt); d != "" {
				t.Errorf("options (-want +got):\n%s", d)
			}
		})
	}
}

// TestCertgenExampleCurl is the end-to-end check: the Secret that
// `ingresskit certgen -f examples/nginx-tls.yaml` prints serves
// example.com to curl trusting the CA, and curl refuses it for test.com,
// which the example routes without TLS. A second run reuses the CA.
func TestCertgenExampleCurl(t *testing.T) {
	curl, err := exec.LookPath("curl")
	if err != nil {
		t.Fatal("curl is required for this test: install the Debian package curl")
	}
	caDir := filepath.Join(t.TempDir(), "ca")
	runCertgen := func() (*manifest.Set, string) {
		var out, errOut bytes.Buffer
		code := run([]string{"certgen", "-f", "../../examples/nginx-tls.yaml", "--ca-dir", caDir}, strings.NewReader(""), &out, &errOut)
		if code != 0 {
			t.Fatalf("exit %d: %s", code, errOut.String())
		}
		set, err := manifest.Parse("stdout", out.Bytes(), manifest.Options{})
		if err != nil {
			t.Fatal(err)
		}
		if len(set.Secrets) != 1 || set.Secrets[0].Key() != "default/example-tls" {
			t.Fatalf("want one Secret default/example-tls, got %d", len(set.Secrets))
		}
		return set, errOut.String()
	}
	set, stderr := runCertgen()
	if !strings.Contains(stderr, "Created a new local CA") {
		t.Errorf("first run did not report the new CA:\n%s", stderr)
	}
	secret := set.Secrets[0]
	_, stderr = runCertgen()
	if strings.Contains(stderr, "Created a new local CA") {
		t.Errorf("second run made another CA:\n%s", stderr)
	}
	caFile := filepath.Join(caDir, "ca.crt")
	caPEM, err := os.ReadFile(caFile)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(caPEM, secret.Data["ca.crt"]) {
		t.Error("the Secret's ca.crt is not the local CA")
	}

	cert, err := tls.X509KeyPair(secret.Data["tls.crt"], secret.Data["tls.key"])
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintln(w, "served", r.Host)
	}))
	srv.TLS = &tls.Config{Certificates: []tls.Certificate{cert}}
	srv.Config.ErrorLog = log.New(io.Discard, "", 0)
	srv.StartTLS()
	defer srv.Close()
	_, port, err := net.SplitHostPort(srv.Listener.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		host string
		exit int
	}{
		{"example.com", 0},
		{"test.com", 60}, // curl EXIT CODES: 60, the peer certificate cannot be authenticated
	} {
		t.Run(tc.host, func(t *testing.T) {
			cmd := exec.Command(curl, "--silent", "--show-error", "--max-time", "10", "--cacert", caFile,
				"--resolve", tc.host+":"+port+":127.0.0.1", "https://"+tc.host+":"+port+"/")
			out, err := cmd.CombinedOutput()
			code := 0
			var ee *exec.ExitError
			if errors.As(err, &ee) {
				code = ee.ExitCode()
			} else if err != nil {
				t.Fatal(err)
			}
			if code != tc.exit {
				t.Fatalf("curl https://%s: exit %d, want %d: %s", tc.host, code, tc.exit, out)
			}
		})
	}
}
