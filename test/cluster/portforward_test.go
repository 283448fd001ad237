//go:build clustertest

package clustertest

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	discoveryv1 "k8s.io/api/discovery/v1"
	networkingv1 "k8s.io/api/networking/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"

	"github.com/ingresskit/ingresskit/cluster"
	"github.com/ingresskit/ingresskit/test/kubelet"
)

// The port-forward tests run client-go's port-forward through the real API
// server to a stand-in kubelet (test/kubelet) serving the kubelet's own
// port-forward code. The API server reaches it as it reaches any kubelet:
// through the Node's InternalIP and kubelet endpoint port. The harness
// gives kube-apiserver no --kubelet-certificate-authority, so it does not
// verify the kubelet's serving certificate
// (kubernetes/kubernetes pkg/kubelet/client/kubelet_client.go,
// KubeletClientConfig.transportConfig: no CA means Insecure), as in many
// clusters.

// pfEnv is one port-forward test's namespace, Node and stand-in kubelet.
type pfEnv struct {
	ns      string
	node    string
	kubelet *kubelet.Kubelet
	cs      kubernetes.Interface
}

// newPFEnv creates namespace ns with the Ingress and Service of
// testdata/portforward.yaml, a Node for a new stand-in kubelet, and a
// Ready Pod pod behind the Service.
func newPFEnv(t *testing.T, c *Cluster, ns, pod string) *pfEnv {
	t.Helper()
	ctx := context.Background()
	e := &pfEnv{ns: ns, node: "standin-" + ns, kubelet: kubelet.Start(t), cs: c.Client(t, Admin)}
	if _, err := e.cs.CoreV1().Nodes().Create(ctx, e.kubelet.Node(e.node), metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.cs.CoreV1().Namespaces().Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ns}}, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	set := load(t, "testdata/portforward.yaml")
	for _, o := range set.Services {
		svc := o.Service
		svc.Namespace = ns
		if _, err := e.cs.CoreV1().Services(ns).Create(ctx, &svc, metav1.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	for _, o := range set.Ingresses {
		ing := o.Ingress
		ing.Namespace = ns
		if _, err := e.cs.NetworkingV1().Ingresses(ns).Create(ctx, &ing, metav1.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	e.addPod(t, pod)
	return e
}

// grant gives the Restricted user rules in e's namespace through a Role
// and RoleBinding called name, and waits until inEffect, asked as that
// user, succeeds: RBAC changes reach the authorizer through an informer.
func (e *pfEnv) grant(t *testing.T, c *Cluster, name string, rules []rbacv1.PolicyRule, inEffect func(kubernetes.Interface) error) {
	t.Helper()
	ctx := context.Background()
	role := &rbacv1.Role{ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: e.ns}, Rules: rules}
	if _, err := e.cs.RbacV1().Roles(e.ns).Create(ctx, role, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	binding := &rbacv1.RoleBinding{
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: e.ns},
		RoleRef:    rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "Role", Name: name},
		Subjects:   []rbacv1.Subject{{APIGroup: rbacv1.GroupName, Kind: rbacv1.UserKind, Name: Restricted}},
	}
	if _, err := e.cs.RbacV1().RoleBindings(e.ns).Create(ctx, binding, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	restricted := c.Client(t, Restricted)
	var err error
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		if err = inEffect(restricted); err == nil {
			return
		}
	}
	t.Fatalf("role %s not in effect: %v", name, err)
}

// addPod starts an HTTP server answering "POD PATH" for the Pod, creates
// the Pod on the stand-in's Node, sets it Running and Ready (the API
// server drops status on create, and no kubelet would set it), and points
// the Service's EndpointSlice at it, as the EndpointSlice controller would.
func (e *pfEnv) addPod(t *testing.T, name string) {
	t.Helper()
	ctx := context.Background()
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "%s %s", name, r.URL.Path)
	}), ReadHeaderTimeout: 5 * time.Second}
	ln := listen(t)
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(func() { srv.Close() })
	e.kubelet.SetPod(e.ns, name, map[int32]string{9090: ln.Addr().String()})

	pod := &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: e.ns, Labels: map[string]string{"app": "users"}},
		Spec: corev1.PodSpec{NodeName: e.node, Containers: []corev1.Container{{
			Name: "app", Image: "registry.example/users:1",
			Ports: []corev1.ContainerPort{{Name: "web", ContainerPort: 9090}},
		}}},
	}
	created, err := e.cs.CoreV1().Pods(e.ns).Create(ctx, pod, metav1.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	created.Status = corev1.PodStatus{Phase: corev1.PodRunning, Conditions: []corev1.PodCondition{{Type: corev1.PodReady, Status: corev1.ConditionTrue}}}
	if _, err := e.cs.CoreV1().Pods(e.ns).UpdateStatus(ctx, created, metav1.UpdateOptions{}); err != nil {
		t.Fatal(err)
	}
	ready := true
	portName, port := "http", int32(9090)
	slice := &discoveryv1.EndpointSlice{
		ObjectMeta:  metav1.ObjectMeta{Name: "users-1", Namespace: e.ns, Labels: map[string]string{discoveryv1.LabelServiceName: "users"}},
		AddressType: discoveryv1.AddressTypeIPv4,
		Endpoints: []discoveryv1.Endpoint{{Addresses: []string{"10.1.0.1"}, Conditions: discoveryv1.EndpointConditions{Ready: &ready},
			TargetRef: &corev1.ObjectReference{Kind: "Pod", Namespace: e.ns, Name: name}}},
		Ports: []discoveryv1.EndpointPort{{Name: &portName, Port: &port}},
	}
	_, err = e.cs.DiscoveryV1().EndpointSlices(e.ns).Update(ctx, slice, metav1.UpdateOptions{})
	if err != nil {
		_, err = e.cs.DiscoveryV1().EndpointSlices(e.ns).Create(ctx, slice, metav1.CreateOptions{})
	}
	if err != nil {
		t.Fatal(err)
	}
}

// deletePod deletes the Pod and makes the stand-in forget it.
func (e *pfEnv) deletePod(t *testing.T, name string) {
	t.Helper()
	zero := int64(0)
	if err := e.cs.CoreV1().Pods(e.ns).Delete(context.Background(), name, metav1.DeleteOptions{GracePeriodSeconds: &zero}); err != nil {
		t.Fatal(err)
	}
	e.kubelet.RemovePod(e.ns, name)
}

// TestPortForwardProtocols forwards to the Pod through the API server over
// WebSocket and over SPDY, and checks that the default, like kubectl's,
// picks WebSocket against this API server (PortForwardWebsockets is on by
// default since v1.31: kubernetes/kubernetes pkg/features/kube_features.go).
func TestPortForwardProtocols(t *testing.T) {
	c := start(t)
	e := newPFEnv(t, c, "pf-protocols", "users-1")
	tests := []struct {
		name string
		opt  cluster.Protocol
		want cluster.Protocol
	}{
		{"websocket", cluster.ProtocolWebSocket, cluster.ProtocolWebSocket},
		{"spdy", cluster.ProtocolSPDY, cluster.ProtocolSPDY},
		{"auto", cluster.ProtocolAuto, cluster.ProtocolWebSocket},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := e.kubelet.Streams(e.ns, "users-1")
			f, err := cluster.NewForwarder(clients(t, c, Admin), e.ns, "users", networkingv1.ServiceBackendPort{Name: "http"}, cluster.ForwardOptions{Protocol: tt.opt})
			if err != nil {
				t.Fatal(err)
			}
			ctx, cancel := context.WithCancel(context.Background())
			done := make(chan error, 1)
			defer func() { cancel(); <-done }()
			if err := f.Connect(ctx); err != nil {
				t.Fatal(err)
			}
			go func() { done <- f.Run(ctx) }()
			ev := f.State()
			if ev.State != cluster.Connected || ev.Protocol != tt.want || ev.Target.String() != e.ns+"/users-1:9090" {
				t.Errorf("state = %s %s %v, want connected %s %s/users-1:9090", ev.State, ev.Protocol, ev.Target, tt.want, e.ns)
			}
			body, status := fetch(t, "http://"+f.Addr()+"/hello", "")
			if status != 200 || body != "users-1 /hello" {
				t.Errorf("GET = %d %q, want 200 %q", status, body, "users-1 /hello")
			}
			if got := e.kubelet.Streams(e.ns, "users-1"); got != before+1 {
				t.Errorf("the kubelet forwarded %d streams, want %d", got, before+1)
			}
		})
	}
}

// TestPortForwardForbidden: a user who may read the Service and its Pods
// but not create pods/portforward gets a Status that says which verb is
// missing.
func TestPortForwardForbidden(t *testing.T) {
	c := start(t)
	e := newPFEnv(t, c, "pf-forbidden", "users-1")
	ctx := context.Background()
	e.grant(t, c, "reader", []rbacv1.PolicyRule{
		{APIGroups: []string{""}, Resources: []string{"services", "pods"}, Verbs: []string{"get", "list", "watch"}},
		{APIGroups: []string{"discovery.k8s.io"}, Resources: []string{"endpointslices"}, Verbs: []string{"get", "list"}},
	}, func(cs kubernetes.Interface) error {
		_, err := cs.CoreV1().Services(e.ns).Get(ctx, "users", metav1.GetOptions{})
		return err
	})
	f, err := cluster.NewForwarder(clients(t, c, Restricted), e.ns, "users", networkingv1.ServiceBackendPort{Name: "http"}, cluster.ForwardOptions{})
	if err != nil {
		t.Fatal(err)
	}
	err = f.Connect(ctx)
	want := `port-forward to pf-forbidden/users:http (pod users-1) is connecting: pod users-1: `
	if err == nil || !strings.HasPrefix(err.Error(), want) || !strings.Contains(err.Error(), "forbidden") ||
		!strings.HasSuffix(err.Error(), `port-forwarding needs the create verb on pods/portforward in namespace "pf-forbidden"`) {
		t.Errorf("Connect = %v\nwant %s...forbidden...port-forwarding needs the create verb on pods/portforward", err, want)
	}
	if e.kubelet.Streams(e.ns, "users-1") != 0 {
		t.Error("the kubelet forwarded a stream for a forbidden user")
	}
}

// TestCmdProxyPortForward runs `ingresskit proxy --port-forward` against
// the cluster: requests reach the Pod's server through a real port-forward
// stream; when the kubelet drops the stream, and when the Pod is deleted
// and replaced, requests in the gap get a 502 that names the reconnect,
// and flow again after it. KUBECTL_PORT_FORWARD_WEBSOCKETS=false switches
// the proxy to SPDY, as it does kubectl.
func TestCmdProxyPortForward(t *testing.T) {
	c := start(t)
	e := newPFEnv(t, c, "pf-cmd", "users-1")
	kubeconfig := c.Kubeconfig(t, Admin, e.ns)

	t.Run("spdy", func(t *testing.T) {
		p := startProxy(t, kubeconfig, "KUBECTL_PORT_FORWARD_WEBSOCKETS=false")
		if !p.banner(regexp.MustCompile(`^pf-cmd/users:http\s+users-1:9090\s+127\.0\.0\.1:\d+\s+connected \(spdy\)$`)) {
			t.Errorf("no port-forward row over spdy in:\n%s", p.stderr())
		}
		if body, status := fetch(t, p.url+"/spdy", "users.example"); status != 200 || body != "users-1 /spdy" {
			t.Errorf("GET = %d %q", status, body)
		}
	})

	t.Run("upstream wins", func(t *testing.T) {
		ln := listen(t)
		srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			fmt.Fprintf(w, "local %s", r.URL.Path)
		}), ReadHeaderTimeout: 5 * time.Second}
		go func() { _ = srv.Serve(ln) }()
		defer srv.Close()
		p := startProxy(t, kubeconfig, "", "--upstream", "pf-cmd/users:http="+ln.Addr().String())
		if strings.Contains(p.stderr(), "SERVICE") {
			t.Errorf("a port-forward was opened for a backend with an --upstream:\n%s", p.stderr())
		}
		if body, status := fetch(t, p.url+"/u", "users.example"); status != 200 || body != "local /u" {
			t.Errorf("GET = %d %q, want 200 %q", status, body, "local /u")
		}
	})

	p := startProxy(t, kubeconfig, "")
	if !p.banner(regexp.MustCompile(`^pf-cmd/users:http\s+users-1:9090\s+127\.0\.0\.1:\d+\s+connected \(websocket\)$`)) {
		t.Errorf("no port-forward row over websocket in:\n%s", p.stderr())
	}
	if body, status := fetch(t, p.url+"/a", "users.example"); status != 200 || body != "users-1 /a" {
		t.Fatalf("GET = %d %q, want 200 %q", status, body, "users-1 /a")
	}

	t.Run("an edit adds and removes a backend", func(t *testing.T) {
		dir := t.TempDir()
		file := dir + "/ingress.yaml"
		rule := func(path, port string) string {
			return "      - path: " + path + "\n        pathType: Prefix\n        backend:\n          service:\n            name: users\n            port:\n              " + port + "\n"
		}
		head := "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: edited\n  namespace: pf-cmd\nspec:\n  rules:\n  - host: users.example\n    http:\n      paths:\n"
		if err := os.WriteFile(file, []byte(head+rule("/old", "name: http")), 0o644); err != nil {
			t.Fatal(err)
		}
		q := startProxy(t, kubeconfig, "", "-f", file)
		if body, status := fetch(t, q.url+"/old/f", "users.example"); status != 200 || body != "users-1 /old/f" {
			t.Fatalf("GET = %d %q, want 200 %q; proxy stderr:\n%s", status, body, "users-1 /old/f", q.stderr())
		}
		if _, status := fetch(t, q.url+"/num/x", "users.example"); status != 404 {
			t.Fatalf("GET /num/x before the edit = %d, want 404", status)
		}
		// The new path names the Service port by number: a backend the
		// table had no forward for, so the reload opens one.
		if err := os.WriteFile(file, []byte(head+rule("/num", "number: 80")+rule("/old", "name: http")), 0o644); err != nil {
			t.Fatal(err)
		}
		eventually(t, q.url+"/num/x", func(status int, body string) bool { return status == 200 && body == "users-1 /num/x" })
		// Removing /old leaves its backend unused: its forward stops,
		// and the other one keeps serving.
		if err := os.WriteFile(file, []byte(head+rule("/num", "number: 80")), 0o644); err != nil {
			t.Fatal(err)
		}
		eventually(t, q.url+"/old/f", func(status int, body string) bool { return status == 404 })
		if body, status := fetch(t, q.url+"/num/y", "users.example"); status != 200 || body != "users-1 /num/y" {
			t.Fatalf("GET /num/y after the removal = %d %q, want 200", status, body)
		}
		q.stop(t)
		log := q.stderr()
		for _, want := range []string{
			"port-forward to pf-cmd/users:80: connected to pod users-1 port 9090",
			"port-forward to pf-cmd/users:http stopped: no route needs it any more",
		} {
			if !strings.Contains(log, want) {
				t.Errorf("stderr lacks %q:\n%s", want, log)
			}
		}
	})

	t.Run("the cluster's Ingresses are followed", func(t *testing.T) {
		ctx := context.Background()
		prefix := networkingv1.PathTypePrefix
		ing := &networkingv1.Ingress{
			ObjectMeta: metav1.ObjectMeta{Name: "watched", Namespace: e.ns},
			Spec: networkingv1.IngressSpec{Rules: []networkingv1.IngressRule{{
				Host: "watched.example",
				IngressRuleValue: networkingv1.IngressRuleValue{HTTP: &networkingv1.HTTPIngressRuleValue{
					Paths: []networkingv1.HTTPIngressPath{{
						Path: "/w", PathType: &prefix,
						Backend: networkingv1.IngressBackend{Service: &networkingv1.IngressServiceBackend{
							Name: "users", Port: networkingv1.ServiceBackendPort{Name: "http"},
						}},
					}},
				}},
			}}},
		}
		if _, status := fetch(t, p.url+"/w/x", "watched.example"); status != 404 {
			t.Fatalf("GET watched.example/w/x before the Ingress exists = %d, want 404", status)
		}
		if _, err := e.cs.NetworkingV1().Ingresses(e.ns).Create(ctx, ing, metav1.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
		eventuallyHost(t, p.url+"/w/x", "watched.example", func(status int, body string) bool {
			return status == 200 && body == "users-1 /w/x"
		})
		if err := e.cs.NetworkingV1().Ingresses(e.ns).Delete(ctx, "watched", metav1.DeleteOptions{}); err != nil {
			t.Fatal(err)
		}
		eventuallyHost(t, p.url+"/w/x", "watched.example", func(status int, body string) bool { return status == 404 })
		if !strings.Contains(p.stderr(), "Reloaded ") {
			t.Errorf("stderr says nothing of the reloads:\n%s", p.stderr())
		}
	})

	t.Run("kubelet drops the stream", func(t *testing.T) {
		e.kubelet.Refuse("kubelet is restarting")
		e.kubelet.DropStreams()
		gap := eventually(t, p.url+"/b", func(status int, body string) bool {
			return status == 502 && strings.Contains(body, "port-forward to pf-cmd/users:http (pod users-1) is reconnecting: ")
		})
		t.Logf("during the gap: %s", gap)
		e.kubelet.Refuse("")
		eventually(t, p.url+"/c", func(status int, body string) bool { return status == 200 && body == "users-1 /c" })
	})

	t.Run("pod replaced", func(t *testing.T) {
		e.deletePod(t, "users-1")
		gap := eventually(t, p.url+"/d", func(status int, body string) bool {
			return status == 502 && strings.Contains(body, "port-forward to pf-cmd/users:http (pod users-1) is reconnecting: ")
		})
		t.Logf("during the gap: %s", gap)
		e.addPod(t, "users-2")
		eventually(t, p.url+"/e", func(status int, body string) bool { return status == 200 && body == "users-2 /e" })
	})

	p.stop(t)
	log := p.stderr()
	for _, want := range []string{
		"port-forward to pf-cmd/users:http (pod users-1) is reconnecting: lost connection to pod",
		"port-forward to pf-cmd/users:http (pod users-1) is reconnecting: pod users-1 is being deleted",
		"port-forward to pf-cmd/users:http: connected to pod users-2 port 9090 (websocket)",
	} {
		if !strings.Contains(log, want) {
			t.Errorf("stderr lacks %q:\n%s", want, log)
		}
	}
}

// A user who may read Ingresses but not watch them gets the proxy all the
// same, and one warning that it does not follow the cluster's changes.
func TestCmdProxyWatchRefused(t *testing.T) {
	c := start(t)
	e := newPFEnv(t, c, "pf-nowatch", "users-1")
	ctx := context.Background()
	e.grant(t, c, "no-watch", []rbacv1.PolicyRule{
		{APIGroups: []string{""}, Resources: []string{"services", "pods"}, Verbs: []string{"get", "list", "watch"}},
		{APIGroups: []string{""}, Resources: []string{"pods/portforward"}, Verbs: []string{"create"}},
		{APIGroups: []string{"discovery.k8s.io"}, Resources: []string{"endpointslices"}, Verbs: []string{"get", "list"}},
		{APIGroups: []string{"networking.k8s.io"}, Resources: []string{"ingresses"}, Verbs: []string{"get", "list"}},
	}, func(cs kubernetes.Interface) error {
		_, err := cs.NetworkingV1().Ingresses(e.ns).List(ctx, metav1.ListOptions{})
		return err
	})
	p := startProxy(t, c.Kubeconfig(t, Restricted, e.ns), "")
	if body, status := fetch(t, p.url+"/a", "users.example"); status != 200 || body != "users-1 /a" {
		t.Fatalf("GET = %d %q, want 200 %q; proxy stderr:\n%s", status, body, "users-1 /a", p.stderr())
	}
	const want = "warning: not following changes to the cluster's Ingresses: "
	waitStderr := time.Now().Add(15 * time.Second)
	for !strings.Contains(p.stderr(), want) && time.Now().Before(waitStderr) {
		time.Sleep(20 * time.Millisecond)
	}
	p.stop(t)
	log := p.stderr()
	if strings.Count(log, want) != 1 || !strings.Contains(log, "forbidden") {
		t.Errorf("stderr should say once, with the refusal, that changes are not followed:\n%s", log)
	}
}

// proxyProc is a running `ingresskit proxy`.
type proxyProc struct {
	cmd *exec.Cmd
	url string
	mu  sync.Mutex
	err strings.Builder
	out chan struct{}
}

// startProxy runs `ingresskit proxy --port-forward` on a free port with
// kubeconfig, one extra environment variable (none when empty) and extra
// arguments, and waits until it listens.
func startProxy(t *testing.T, kubeconfig, env string, args ...string) *proxyProc {
	t.Helper()
	cmd := exec.Command(ingresskitBin(t), append([]string{"proxy", "--port-forward", "--http-port", "0"}, args...)...)
	cmd.Env = append(os.Environ(), "KUBECONFIG="+kubeconfig, "NO_COLOR=1")
	if env != "" {
		cmd.Env = append(cmd.Env, env)
	}
	cmd.Stdout = io.Discard
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	p := &proxyProc{cmd: cmd, out: make(chan struct{})}
	listening := make(chan string, 1)
	go func() {
		defer close(p.out)
		sc := bufio.NewScanner(stderr)
		re := regexp.MustCompile(`^Listening on http://(\S+)`)
		for sc.Scan() {
			p.mu.Lock()
			p.err.WriteString(sc.Text() + "\n")
			p.mu.Unlock()
			if m := re.FindStringSubmatch(sc.Text()); m != nil {
				listening <- m[1]
			}
		}
	}()
	t.Cleanup(func() { p.stop(t) })
	select {
	case addr := <-listening:
		p.url = "http://" + addr
	case <-p.out:
		t.Fatalf("proxy exited before listening:\n%s", p.stderr())
	case <-time.After(60 * time.Second):
		t.Fatalf("proxy not listening after 60s:\n%s", p.stderr())
	}
	return p
}

func (p *proxyProc) stderr() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.err.String()
}

// banner reports whether a line of the start-up output matches re.
func (p *proxyProc) banner(re *regexp.Regexp) bool {
	for _, l := range strings.Split(p.stderr(), "\n") {
		if re.MatchString(strings.TrimSpace(l)) {
			return true
		}
	}
	return false
}

// stop interrupts the proxy and waits for it; it may be called twice.
func (p *proxyProc) stop(t *testing.T) {
	if p.cmd.ProcessState != nil {
		return
	}
	_ = p.cmd.Process.Signal(syscall.SIGINT)
	select {
	case <-p.out:
	case <-time.After(15 * time.Second):
		_ = p.cmd.Process.Kill()
		<-p.out
		t.Errorf("proxy did not stop on SIGINT")
	}
	_ = p.cmd.Wait()
}

// fetch GETs url on a new connection with host as the Host header (none
// when empty) and returns the body and status.
func fetch(t *testing.T, url, host string) (string, int) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	if host != "" {
		req.Host = host
	}
	client := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}, Timeout: 10 * time.Second}
	resp, err := client.Do(req)
	if err != nil {
		return err.Error(), 0
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return string(b), resp.StatusCode
}

// eventually GETs url (Host users.example) until ok accepts the answer,
// and returns it; it fails the test after 30s.
func eventually(t *testing.T, url string, ok func(status int, body string) bool) string {
	t.Helper()
	return eventuallyHost(t, url, "users.example", ok)
}

// eventuallyHost is eventually with another Host.
func eventuallyHost(t *testing.T, url, host string, ok func(status int, body string) bool) string {
	t.Helper()
	var body string
	var status int
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		body, status = fetch(t, url, host)
		if ok(status, body) {
			return fmt.Sprintf("%d %s", status, strings.TrimSpace(body))
		}
	}
	t.Fatalf("GET %s: last answer %d %q", url, status, body)
	return ""
}

func listen(t *testing.T) net.Listener {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	return ln
}
