// Package kubelet is a stand-in kubelet for the port-forward tests: an
// HTTPS server on 127.0.0.1 that serves /portForward/{namespace}/{pod} with
// the kubelet's own server code (k8s.io/cri-streaming
// pkg/streaming/portforward, the package the kubelet's streaming server
// uses since v1.36), and forwards each stream to a local address registered
// for the Pod's port instead of a container.
//
// A Node object whose status points at it (Node) lets a real kube-apiserver
// proxy pods/portforward requests to it, as it does to a kubelet: the API
// server reads the address and port from the Node's status
// (kubernetes/kubernetes pkg/kubelet/client/kubelet_client.go,
// NodeConnectionInfoGetter.GetConnectionInfo).
package kubelet

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"io"
	"log"
	"math/big"
	"net"
	"net/http"
	"sync"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/cri-streaming/pkg/streaming/portforward"
)

// Kubelet is a running stand-in kubelet.
type Kubelet struct {
	// URL is https://127.0.0.1:PORT.
	URL string
	// Port is the port it listens on.
	Port int32
	// CA is the PEM certificate that signed the serving certificate.
	CA []byte

	srv *http.Server
	ln  *trackingListener

	mu      sync.Mutex
	pods    map[string]map[int32]string // namespace/pod -> port -> address
	refuse  string
	streams map[string]int // namespace/pod -> data streams forwarded
}

// Start starts a stand-in kubelet; it stops when the test ends.
func Start(t testing.TB) *Kubelet {
	t.Helper()
	cert, caPEM, err := selfSigned()
	if err != nil {
		t.Fatal(err)
	}
	raw, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	k := &Kubelet{
		CA:      caPEM,
		Port:    int32(raw.Addr().(*net.TCPAddr).Port),
		pods:    map[string]map[int32]string{},
		streams: map[string]int{},
		ln:      &trackingListener{Listener: raw, conns: map[net.Conn]bool{}},
	}
	k.URL = "https://" + raw.Addr().String()
	mux := http.NewServeMux()
	// The kubelet serves both forms; the API server sends the first
	// (kubernetes/kubernetes pkg/kubelet/server/server.go, InstallDebuggingHandlers).
	mux.HandleFunc("/portForward/{namespace}/{pod}", k.portForward)
	mux.HandleFunc("/portForward/{namespace}/{pod}/{uid}", k.portForward)
	k.srv = &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second, ErrorLog: log.New(io.Discard, "", 0),
		TLSConfig: &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}}
	go func() { _ = k.srv.Serve(tls.NewListener(k.ln, k.srv.TLSConfig)) }()
	t.Cleanup(func() {
		_ = k.srv.Close()
		k.DropStreams()
	})
	return k
}

// SetPod makes the Pod namespace/pod known: a stream for one of its ports
// is connected to the address given for that port.
func (k *Kubelet) SetPod(namespace, pod string, ports map[int32]string) {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.pods[namespace+"/"+pod] = ports
}

// RemovePod forgets a Pod; new port-forward requests for it get 404.
func (k *Kubelet) RemovePod(namespace, pod string) {
	k.mu.Lock()
	defer k.mu.Unlock()
	delete(k.pods, namespace+"/"+pod)
}

// Refuse makes new port-forward requests fail with 503 and reason, as a
// kubelet that is restarting would; an empty reason serves them again.
func (k *Kubelet) Refuse(reason string) {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.refuse = reason
}

// DropStreams closes every connection the stand-in has open, as a kubelet
// that restarts or a network that breaks does.
func (k *Kubelet) DropStreams() { k.ln.closeAll() }

// Streams returns the number of data streams forwarded for namespace/pod.
func (k *Kubelet) Streams(namespace, pod string) int {
	k.mu.Lock()
	defer k.mu.Unlock()
	return k.streams[namespace+"/"+pod]
}

func (k *Kubelet) portForward(w http.ResponseWriter, r *http.Request) {
	key := r.PathValue("namespace") + "/" + r.PathValue("pod")
	k.mu.Lock()
	refuse := k.refuse
	_, known := k.pods[key]
	k.mu.Unlock()
	switch {
	case refuse != "":
		http.Error(w, refuse, http.StatusServiceUnavailable)
		return
	case !known:
		http.Error(w, "pod "+key+" not found", http.StatusNotFound)
		return
	}
	opts, err := portforward.NewV4Options(r)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	// The kubelet's defaults: streaming-connection-idle-timeout 4h and a
	// 30s stream creation timeout (kubernetes/kubernetes
	// pkg/kubelet/apis/config/v1beta1/defaults.go,
	// pkg/kubelet/server/server.go).
	portforward.ServePortForward(w, r, forwarder{k}, key, r.PathValue("uid"), opts,
		4*time.Hour, 30*time.Second, portforward.SupportedProtocols)
}

// forwarder is the stand-in's portforward.PortForwarder: where the kubelet
// enters the Pod's network namespace, it dials the registered address.
type forwarder struct{ k *Kubelet }

var _ portforward.PortForwarder = forwarder{}

func (f forwarder) PortForward(ctx context.Context, name, _ string, port int32, stream io.ReadWriteCloser) error {
	f.k.mu.Lock()
	addr, ok := f.k.pods[name][port]
	if ok {
		f.k.streams[name]++
	}
	f.k.mu.Unlock()
	if !ok {
		return fmt.Errorf("pod %s has no port %d", name, port)
	}
	var d net.Dialer
	conn, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		return err
	}
	defer conn.Close()
	done := make(chan struct{}, 2)
	go func() {
		_, _ = io.Copy(conn, stream)
		if tc, ok := conn.(*net.TCPConn); ok {
			_ = tc.CloseWrite()
		}
		done <- struct{}{}
	}()
	go func() {
		_, _ = io.Copy(stream, conn)
		done <- struct{}{}
	}()
	<-done
	return nil
}

// Node returns a Node for the stand-in: Ready, with the InternalIP
// 127.0.0.1 and the kubelet endpoint port the API server dials.
func (k *Kubelet) Node(name string) *corev1.Node {
	return &corev1.Node{
		ObjectMeta: metav1.ObjectMeta{Name: name},
		Status: corev1.NodeStatus{
			Addresses:       []corev1.NodeAddress{{Type: corev1.NodeInternalIP, Address: "127.0.0.1"}},
			DaemonEndpoints: corev1.NodeDaemonEndpoints{KubeletEndpoint: corev1.DaemonEndpoint{Port: k.Port}},
			Conditions:      []corev1.NodeCondition{{Type: corev1.NodeReady, Status: corev1.ConditionTrue}},
		},
	}
}

// trackingListener remembers the connections it accepted so that
// DropStreams can break them, upgraded ones included.
type trackingListener struct {
	net.Listener
	mu    sync.Mutex
	conns map[net.Conn]bool
}

func (l *trackingListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	l.mu.Lock()
	l.conns[c] = true
	l.mu.Unlock()
	return &trackedConn{Conn: c, l: l}, nil
}

func (l *trackingListener) closeAll() {
	l.mu.Lock()
	defer l.mu.Unlock()
	for c := range l.conns {
		_ = c.Close()
		delete(l.conns, c)
	}
}

type trackedConn struct {
	net.Conn
	l *trackingListener
}

func (c *trackedConn) Close() error {
	c.l.mu.Lock()
	delete(c.l.conns, c.Conn)
	c.l.mu.Unlock()
	return c.Conn.Close()
}

// selfSigned makes a CA and a serving certificate for 127.0.0.1 signed by
// it, and returns the CA certificate as PEM.
func selfSigned() (tls.Certificate, []byte, error) {
	caKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return tls.Certificate{}, nil, err
	}
	now := time.Now()
	caTmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "stand-in kubelet CA"},
		NotBefore: now.Add(-time.Hour), NotAfter: now.Add(24 * time.Hour),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign,
	}
	caDER, err := x509.CreateCertificate(rand.Reader, caTmpl, caTmpl, &caKey.PublicKey, caKey)
	if err != nil {
		return tls.Certificate{}, nil, err
	}
	ca, err := x509.ParseCertificate(caDER)
	if err != nil {
		return tls.Certificate{}, nil, err
	}
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return tls.Certificate{}, nil, err
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(2), Subject: pkix.Name{CommonName: "127.0.0.1"},
		NotBefore: now.Add(-time.Hour), NotAfter: now.Add(24 * time.Hour),
		IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)}, DNSNames: []string{"localhost"},
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca, &key.PublicKey, caKey)
	if err != nil {
		return tls.Certificate{}, nil, err
	}
	cert := tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}
	return cert, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: caDER}), nil
}
