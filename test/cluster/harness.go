// Package clustertest starts a real etcd and kube-apiserver on loopback
// ports for the tests that read live clusters. The binaries come from
// scripts/cluster-build.sh, which builds them from the pinned module in
// test/cluster/apiserver; scripts/cluster-test.sh (make test-cluster) sets
// INGRESSKIT_CLUSTER_BIN to their directory and runs the tests with the
// clustertest build tag.
//
// There is no controller-manager, scheduler or kubelet: tests create the
// namespaces and EndpointSlices they need themselves, and the ServiceAccount
// admission plugin is disabled since no token controller runs. The
// port-forward tests add a stand-in kubelet (test/kubelet) and a Node for it.
package clustertest

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/hex"
	"encoding/pem"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"
)

// BinEnv names the environment variable holding the directory with the
// kube-apiserver and etcd binaries.
const BinEnv = "INGRESSKIT_CLUSTER_BIN"

// Users known to the API server through its static token file. Admin is in
// system:masters, which RBAC always allows; Restricted and Nobody have no
// permissions until a test binds a role to them.
const (
	Admin      = "admin"
	Restricted = "dev"
	Nobody     = "nobody"
)

// Cluster is a running etcd and kube-apiserver.
type Cluster struct {
	// URL is the API server's https URL on 127.0.0.1.
	URL string
	// Dir holds the certificates, keys, data and logs.
	Dir string

	tokens map[string]string
	caData []byte
}

// Start starts etcd and kube-apiserver and waits until the API server is
// ready. They are stopped when the test ends. A missing binary fails the
// test with what to run.
func Start(t testing.TB) *Cluster {
	t.Helper()
	bin := os.Getenv(BinEnv)
	if bin == "" {
		t.Fatalf("%s is not set: run `make test-cluster` (scripts/cluster-test.sh builds kube-apiserver and etcd and sets it)", BinEnv)
	}
	for _, b := range []string{"etcd", "kube-apiserver"} {
		if _, err := os.Stat(filepath.Join(bin, b)); err != nil {
			t.Fatalf("%s: run scripts/cluster-build.sh to build it: %v", b, err)
		}
	}
	dir, err := os.MkdirTemp("", "ingresskit-cluster-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	c := &Cluster{Dir: dir, tokens: map[string]string{Admin: randomToken(t), Restricted: randomToken(t), Nobody: randomToken(t)}}

	etcdClient, etcdPeer := freePort(t), freePort(t)
	etcdURL := "http://127.0.0.1:" + strconv.Itoa(etcdClient)
	peerURL := "http://127.0.0.1:" + strconv.Itoa(etcdPeer)
	startProcess(t, dir, "etcd", filepath.Join(bin, "etcd"),
		"--name=default",
		"--data-dir="+filepath.Join(dir, "etcd"),
		"--listen-client-urls="+etcdURL,
		"--advertise-client-urls="+etcdURL,
		"--listen-peer-urls="+peerURL,
		"--initial-advertise-peer-urls="+peerURL,
		"--initial-cluster=default="+peerURL,
		"--unsafe-no-fsync",
	)

	saKey := writeServiceAccountKey(t, dir)
	tokenFile := filepath.Join(dir, "tokens.csv")
	// Static token file format: token,user,uid,"group1,group2"
	// (kubernetes.io/docs/reference/access-authn-authz/authentication/#static-token-file).
	tokens := fmt.Sprintf("%s,%s,1,\"system:masters\"\n%s,%s,2\n%s,%s,3\n",
		c.tokens[Admin], Admin, c.tokens[Restricted], Restricted, c.tokens[Nobody], Nobody)
	if err := os.WriteFile(tokenFile, []byte(tokens), 0o600); err != nil {
		t.Fatal(err)
	}
	port := freePort(t)
	c.URL = "https://127.0.0.1:" + strconv.Itoa(port)
	certDir := filepath.Join(dir, "certs")
	apiserver := startProcess(t, dir, "kube-apiserver", filepath.Join(bin, "kube-apiserver"),
		"--etcd-servers="+etcdURL,
		"--bind-address=127.0.0.1",
		"--advertise-address=127.0.0.1",
		"--secure-port="+strconv.Itoa(port),
		"--cert-dir="+certDir,
		"--token-auth-file="+tokenFile,
		"--authorization-mode=RBAC",
		"--service-account-issuer=https://kubernetes.default.svc",
		"--service-account-key-file="+saKey,
		"--service-account-signing-key-file="+saKey,
		"--service-cluster-ip-range=10.0.0.0/24",
		"--disable-admission-plugins=ServiceAccount",
		"--enable-priority-and-fairness=false",
		// The endpoint reconciler refuses a loopback advertise address,
		// and nothing here needs the kubernetes Service's endpoints.
		"--endpoint-reconciler-type=none",
	)
	c.waitReady(t, certDir, apiserver)
	return c
}

// Config returns a REST configuration for user (Admin or Restricted).
func (c *Cluster) Config(user string) *rest.Config {
	return &rest.Config{
		Host:            c.URL,
		BearerToken:     c.tokens[user],
		TLSClientConfig: rest.TLSClientConfig{CAData: c.caData},
	}
}

// Client returns a typed client for user.
func (c *Cluster) Client(t testing.TB, user string) kubernetes.Interface {
	t.Helper()
	cs, err := kubernetes.NewForConfig(c.Config(user))
	if err != nil {
		t.Fatal(err)
	}
	return cs
}

// Kubeconfig writes a kubeconfig file whose current context is user on this
// cluster, with namespace as the context's namespace, and returns its path.
func (c *Cluster) Kubeconfig(t testing.TB, user, namespace string) string {
	t.Helper()
	cfg := clientcmdapi.NewConfig()
	cfg.Clusters["test"] = &clientcmdapi.Cluster{Server: c.URL, CertificateAuthorityData: c.caData}
	cfg.AuthInfos[user] = &clientcmdapi.AuthInfo{Token: c.tokens[user]}
	cfg.Contexts["test"] = &clientcmdapi.Context{Cluster: "test", AuthInfo: user, Namespace: namespace}
	cfg.CurrentContext = "test"
	path := filepath.Join(c.Dir, user+"-"+namespace+".kubeconfig")
	if err := clientcmd.WriteToFile(*cfg, path); err != nil {
		t.Fatal(err)
	}
	return path
}

// waitReady polls /readyz until it answers ok, reading the serving
// certificate the API server generated in certDir.
func (c *Cluster) waitReady(t testing.TB, certDir string, exited <-chan struct{}) {
	t.Helper()
	deadline := time.Now().Add(90 * time.Second)
	var last error
	for time.Now().Before(deadline) {
		select {
		case <-exited:
			t.Fatalf("kube-apiserver exited before it was ready (log in the test output)")
		case <-time.After(250 * time.Millisecond):
		}
		if c.caData == nil {
			// kube-apiserver writes a self-signed apiserver.crt into
			// --cert-dir when no serving certificate is given.
			data, err := os.ReadFile(filepath.Join(certDir, "apiserver.crt"))
			if err != nil {
				last = err
				continue
			}
			c.caData = data
		}
		cs, err := kubernetes.NewForConfig(c.Config(Admin))
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		body, err := cs.Discovery().RESTClient().Get().AbsPath("/readyz").DoRaw(ctx)
		cancel()
		if err == nil && bytes.Equal(bytes.TrimSpace(body), []byte("ok")) {
			return
		}
		last = fmt.Errorf("readyz: %v %s", err, body)
	}
	t.Fatalf("kube-apiserver not ready after 90s: %v (logs in %s)", last, c.Dir)
}

// startProcess runs a binary with its output in dir/<name>.log and stops it
// when the test ends; the log is printed when the test failed. The channel
// is closed when the process exits.
func startProcess(t testing.TB, dir, name, path string, args ...string) <-chan struct{} {
	t.Helper()
	logPath := filepath.Join(dir, name+".log")
	log, err := os.Create(logPath)
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(path, args...)
	cmd.Stdout, cmd.Stderr = log, log
	if err := cmd.Start(); err != nil {
		t.Fatalf("start %s: %v", name, err)
	}
	done := make(chan error, 1)
	exited := make(chan struct{})
	go func() { done <- cmd.Wait(); close(exited) }()
	t.Cleanup(func() {
		_ = cmd.Process.Signal(os.Interrupt)
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			_ = cmd.Process.Kill()
			<-done
		}
		log.Close()
		if t.Failed() {
			data, _ := os.ReadFile(logPath)
			if len(data) > 8000 {
				data = data[len(data)-8000:]
			}
			t.Logf("%s log (tail):\n%s", name, data)
		}
	})
	return exited
}

func freePort(t testing.TB) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

func randomToken(t testing.TB) string {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return hex.EncodeToString(b)
}

// writeServiceAccountKey writes an RSA key the API server uses to sign and
// verify service account tokens; it is required even when none are issued.
func writeServiceAccountKey(t testing.TB, dir string) string {
	t.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	der, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "sa.key")
	if err := os.WriteFile(path, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}
