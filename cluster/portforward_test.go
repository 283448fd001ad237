package cluster

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/watch"
	"k8s.io/client-go/kubernetes/fake"
	"k8s.io/client-go/rest"
	k8stesting "k8s.io/client-go/testing"
	"k8s.io/client-go/tools/portforward"
	"k8s.io/client-go/transport/spdy"
	streamhttp "k8s.io/streaming/pkg/httpstream"

	"github.com/ingresskit/ingresskit/test/kubelet"
)

// appServer is an HTTP server standing in for a container: it answers
// "NAME PATH".
func appServer(t *testing.T, name string) string {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "%s %s", name, r.URL.Path)
	}))
	t.Cleanup(srv.Close)
	return srv.Listener.Addr().String()
}

// dialKubelet opens the port-forward connection straight to the stand-in
// kubelet over SPDY, the protocol the API server speaks to kubelets.
func dialKubelet(k *kubelet.Kubelet) DialFunc {
	return func(_ context.Context, t Target) (streamhttp.Connection, Protocol, error) {
		cfg := &rest.Config{Host: k.URL, TLSClientConfig: rest.TLSClientConfig{CAData: k.CA}}
		transport, upgrader, err := spdy.RoundTripperFor(cfg)
		if err != nil {
			return nil, "", err
		}
		u, err := url.Parse(k.URL + "/portForward/" + t.Namespace + "/" + t.Pod)
		if err != nil {
			return nil, "", err
		}
		d := spdy.NewDialerForStreaming(upgrader, &http.Client{Transport: transport}, http.MethodPost, u)
		conn, _, err := d.Dial(portforward.PortForwardProtocolV1Name)
		return conn, ProtocolSPDY, err
	}
}

// get fetches path through addr on a new connection, so each request
// opens a new stream pair.
func get(addr, path string) (string, error) {
	c := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}, Timeout: 5 * time.Second}
	resp, err := c.Get("http://" + addr + path)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return string(b), err
}

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// events records a Forwarder's events.
type events struct {
	mu  sync.Mutex
	all []ForwardEvent
}

func (e *events) add(ev ForwardEvent) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.all = append(e.all, ev)
}

func (e *events) find(state ForwardState, errText string) bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	for _, ev := range e.all {
		if ev.State == state && (errText == "" || ev.Err != nil && strings.Contains(ev.Err.Error(), errText)) {
			return true
		}
	}
	return false
}

// TestForwarderKubelet forwards through the kubelet's real port-forward
// server code: bytes reach the Pod's server, a dropped stream and a
// replaced Pod are reconnected, and an error the kubelet reports on the
// error stream makes the Forwarder reconnect.
func TestForwarderKubelet(t *testing.T) {
	k := kubelet.Start(t)
	k.SetPod("web", "shop-1", map[int32]string{9090: appServer(t, "shop-1")})
	yes := true
	cs := fake.NewClientset(
		&corev1.Service{ObjectMeta: metav1.ObjectMeta{Namespace: "web", Name: "shop"}, Spec: corev1.ServiceSpec{Ports: []corev1.ServicePort{{Name: "http", Port: 80}}}},
		slice("shop-1", 9090, &yes, "shop-1"),
		pod("shop-1", corev1.PodRunning, true),
	)
	var watches atomic.Int32
	cs.PrependWatchReactor("pods", func(k8stesting.Action) (bool, watch.Interface, error) {
		watches.Add(1)
		return false, nil, nil
	})
	var evs events
	f, err := NewForwarder(&Clients{Kube: cs}, "web", "shop", networkingv1.ServiceBackendPort{Name: "http"},
		ForwardOptions{Dial: dialKubelet(k), MinBackoff: 10 * time.Millisecond, MaxBackoff: 50 * time.Millisecond, Events: evs.add})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- f.Run(ctx) }()
	defer func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Run: %v", err)
		}
	}()
	connected := func() bool { return f.Status() == nil }
	waitFor(t, "connected", connected)
	if got, err := get(f.Addr(), "/a"); err != nil || got != "shop-1 /a" {
		t.Fatalf("get = %q, %v; want %q", got, err, "shop-1 /a")
	}
	if n := k.Streams("web", "shop-1"); n != 1 {
		t.Errorf("kubelet forwarded %d streams, want 1", n)
	}

	t.Run("peer drops the stream", func(t *testing.T) {
		k.Refuse("kubelet is restarting")
		k.DropStreams()
		waitFor(t, "reconnecting", func() bool {
			err := f.Status()
			return err != nil && strings.HasPrefix(err.Error(), "port-forward to web/shop:http (pod shop-1) is reconnecting: ")
		})
		if !evs.find(Reconnecting, "lost connection to pod") {
			t.Errorf("no Reconnecting event naming the lost connection: %v", evs.all)
		}
		if got, err := get(f.Addr(), "/b"); err == nil {
			t.Errorf("get while reconnecting = %q, want an error", got)
		}
		k.Refuse("")
		waitFor(t, "connected again", connected)
		if got, err := get(f.Addr(), "/c"); err != nil || got != "shop-1 /c" {
			t.Errorf("get after reconnect = %q, %v", got, err)
		}
	})

	t.Run("pod deleted and replaced", func(t *testing.T) {
		before := watches.Load()
		waitFor(t, "pod watch", func() bool { return watches.Load() > before || before > 0 })
		if err := cs.CoreV1().Pods("web").Delete(context.Background(), "shop-1", metav1.DeleteOptions{}); err != nil {
			t.Fatal(err)
		}
		waitFor(t, "reconnecting after delete", func() bool { return evs.find(Reconnecting, "pod shop-1 was deleted") })
		k.SetPod("web", "shop-2", map[int32]string{9090: appServer(t, "shop-2")})
		if _, err := cs.CoreV1().Pods("web").Create(context.Background(), pod("shop-2", corev1.PodRunning, true), metav1.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
		if _, err := cs.DiscoveryV1().EndpointSlices("web").Update(context.Background(), slice("shop-1", 9090, &yes, "shop-2"), metav1.UpdateOptions{}); err != nil {
			t.Fatal(err)
		}
		waitFor(t, "connected to shop-2", func() bool {
			ev := f.State()
			return ev.State == Connected && ev.Target.Pod == "shop-2"
		})
		if got, err := get(f.Addr(), "/d"); err != nil || got != "shop-2 /d" {
			t.Errorf("get after replace = %q, %v", got, err)
		}
	})

	t.Run("kubelet reports an error", func(t *testing.T) {
		closed, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		addr := closed.Addr().String()
		closed.Close()
		k.SetPod("web", "shop-2", map[int32]string{9090: addr})
		if got, err := get(f.Addr(), "/e"); err == nil {
			t.Errorf("get to a closed port = %q, want an error", got)
		}
		waitFor(t, "reconnecting after error", func() bool {
			return evs.find(Reconnecting, "error forwarding port 9090 to pod web/shop-2")
		})
	})
}

// TestForwarderStatus covers what Status says when no connection can be
// made, without a cluster.
func TestForwarderStatus(t *testing.T) {
	yes := true
	svc := &corev1.Service{ObjectMeta: metav1.ObjectMeta{Namespace: "web", Name: "shop"}, Spec: corev1.ServiceSpec{Ports: []corev1.ServicePort{{Name: "http", Port: 80}}}}
	forbidden := apierrors.NewForbidden(schema.GroupResource{Resource: "pods/portforward"}, "shop-1",
		errors.New(`User "dev" cannot create resource "pods/portforward" in API group "" in the namespace "web"`))
	okDial := func(context.Context, Target) (streamhttp.Connection, Protocol, error) {
		return nil, "", errors.New("unexpected dial")
	}
	tests := []struct {
		name string
		objs []runtime.Object
		port networkingv1.ServiceBackendPort
		dial DialFunc
		want string
	}{
		{
			name: "no service",
			port: networkingv1.ServiceBackendPort{Number: 80},
			dial: okDial,
			want: "port-forward to web/shop:80 is connecting: service web/shop does not exist",
		},
		{
			name: "no ready pod",
			objs: []runtime.Object{svc, slice("shop-1", 9090, &yes, "shop-1"), pod("shop-1", corev1.PodRunning, false)},
			port: networkingv1.ServiceBackendPort{Name: "http"},
			dial: okDial,
			want: "port-forward to web/shop:http is connecting: service web/shop has no Running and Ready Pod",
		},
		{
			name: "forbidden",
			objs: []runtime.Object{svc, slice("shop-1", 9090, &yes, "shop-1"), pod("shop-1", corev1.PodRunning, true)},
			port: networkingv1.ServiceBackendPort{Name: "http"},
			dial: func(context.Context, Target) (streamhttp.Connection, Protocol, error) { return nil, "", forbidden },
			want: `port-forward to web/shop:http (pod shop-1) is connecting: pod shop-1: pods/portforward "shop-1" is forbidden: ` +
				`User "dev" cannot create resource "pods/portforward" in API group "" in the namespace "web"; ` +
				`port-forwarding needs the create verb on pods/portforward in namespace "web"`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, err := NewForwarder(&Clients{Kube: fake.NewClientset(tt.objs...)}, "web", "shop", tt.port, ForwardOptions{Dial: tt.dial})
			if err != nil {
				t.Fatal(err)
			}
			if err := f.Status(); err == nil || !strings.HasSuffix(err.Error(), " is connecting: not connected yet") {
				t.Errorf("Status before Connect = %v", err)
			}
			err = f.Connect(context.Background())
			if err == nil || err.Error() != tt.want {
				t.Errorf("Connect = %v\nwant %s", err, tt.want)
			}
			if err := f.Status(); err == nil || err.Error() != tt.want {
				t.Errorf("Status = %v\nwant %s", err, tt.want)
			}
			var fe *ForwardError
			if !errors.As(f.Status(), &fe) || fe.State != Connecting {
				t.Errorf("Status is not a Connecting *ForwardError: %#v", f.Status())
			}
		})
	}
}

// TestForwarderStop: when ctx ends, Run returns, the listener is closed
// and Status says the forward is stopped.
func TestForwarderStop(t *testing.T) {
	f, err := NewForwarder(&Clients{Kube: fake.NewClientset()}, "web", "shop", networkingv1.ServiceBackendPort{Number: 80},
		ForwardOptions{MinBackoff: time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- f.Run(ctx) }()
	time.Sleep(20 * time.Millisecond)
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("Run = %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Run did not return after cancel")
	}
	if got, want := fmt.Sprint(f.Status()), "port-forward to web/shop:80 is stopped"; got != want {
		t.Errorf("Status = %q, want %q", got, want)
	}
	if c, err := net.Dial("tcp", f.Addr()); err == nil {
		c.Close()
		t.Error("listener still accepts after Run returned")
	}
}
