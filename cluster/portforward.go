package cluster

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/fields"
	"k8s.io/apimachinery/pkg/watch"
	"k8s.io/client-go/tools/portforward"
	"k8s.io/client-go/transport/spdy"
	streamhttp "k8s.io/streaming/pkg/httpstream"
)

// Protocol is how a port-forward connection to the API server is opened.
type Protocol string

// The protocols a Forwarder can use. Both carry the same SPDY streams:
// WebSocket tunnels them through a WebSocket connection, which proxies and
// load balancers pass more often than an SPDY upgrade
// (kubernetes/enhancements keps/sig-api-machinery/4006-transition-spdy-to-websockets).
const (
	// ProtocolAuto tries WebSocket and falls back to SPDY when the
	// upgrade is refused or an HTTPS proxy is in the way, as kubectl
	// port-forward does (kubernetes/kubectl pkg/cmd/portforward/portforward.go,
	// createDialer).
	ProtocolAuto Protocol = ""
	// ProtocolWebSocket uses WebSocket only.
	ProtocolWebSocket Protocol = "websocket"
	// ProtocolSPDY uses SPDY only, as kubectl does with
	// KUBECTL_PORT_FORWARD_WEBSOCKETS=false.
	ProtocolSPDY Protocol = "spdy"
)

// Defaults for ForwardOptions.
const (
	DefaultMinBackoff = 250 * time.Millisecond
	DefaultMaxBackoff = 5 * time.Second
)

// The names and values of the port-forward protocol's stream headers
// (k8s.io/api/core/v1 PortHeader, PortForwardRequestIDHeader, StreamType;
// served by k8s.io/cri-streaming pkg/streaming/portforward/httpstream.go).
const (
	streamTypeHeader = corev1.StreamType
	portHeader       = corev1.PortHeader
	requestIDHeader  = corev1.PortForwardRequestIDHeader
	streamTypeError  = corev1.StreamTypeError
	streamTypeData   = corev1.StreamTypeData
)

// DialFunc opens a port-forward connection to the Pod of t and returns it
// with the protocol that was used.
type DialFunc func(ctx context.Context, t Target) (streamhttp.Connection, Protocol, error)

// ForwardOptions configure a Forwarder. The zero value forwards through
// the API server as kubectl port-forward does.
type ForwardOptions struct {
	// Protocol picks WebSocket, SPDY, or WebSocket with a fallback to
	// SPDY (ProtocolAuto).
	Protocol Protocol
	// MinBackoff is the wait before the first reconnect attempt; each
	// failed attempt doubles it up to MaxBackoff. Zero means
	// DefaultMinBackoff and DefaultMaxBackoff.
	MinBackoff, MaxBackoff time.Duration
	// Events receives every change of state, from the Forwarder's own
	// goroutines; it must return quickly. nil discards them.
	Events func(ForwardEvent)
	// Dial opens the connection to a Pod; nil means the pods/portforward
	// subresource of the API server in Clients.Config, with Protocol.
	Dial DialFunc
}

// ForwardState is where a Forwarder is in its life.
type ForwardState int

// The states of a Forwarder.
const (
	// Connecting: no connection has been made yet.
	Connecting ForwardState = iota
	// Connected: requests are forwarded to the Pod.
	Connected
	// Reconnecting: the connection or the Pod went away and a new one is
	// being resolved and dialed.
	Reconnecting
	// Stopped: Run returned.
	Stopped
)

func (s ForwardState) String() string {
	switch s {
	case Connecting:
		return "connecting"
	case Connected:
		return "connected"
	case Reconnecting:
		return "reconnecting"
	default:
		return "stopped"
	}
}

// ForwardEvent is a Forwarder's state at one moment.
type ForwardEvent struct {
	// Forward is the Service port, NS/SERVICE:PORT.
	Forward string
	// State is the new state.
	State ForwardState
	// Target is the Pod and port forwarded to, or last forwarded to;
	// nil before the first connection.
	Target *Target
	// Protocol is the protocol of the current connection when Connected.
	Protocol Protocol
	// Err says why the Forwarder is not Connected; nil when it is.
	Err error
}

// ForwardError is what Status returns while a Forwarder has no connection.
// Its message is one line that names the Service port, the Pod and why.
type ForwardError struct {
	// Forward is the Service port, NS/SERVICE:PORT.
	Forward string
	// Pod is the Pod last forwarded to; empty before the first connection.
	Pod string
	// State is Connecting, Reconnecting or Stopped.
	State ForwardState
	// Err is the reason.
	Err error
}

func (e *ForwardError) Error() string {
	pod := ""
	if e.Pod != "" {
		pod = " (pod " + e.Pod + ")"
	}
	if e.State == Stopped {
		return fmt.Sprintf("port-forward to %s%s is stopped", e.Forward, pod)
	}
	return fmt.Sprintf("port-forward to %s%s is %s: %s", e.Forward, pod, e.State, firstLine(e.Err))
}

func (e *ForwardError) Unwrap() error { return e.Err }

// Forwarder forwards connections to one local address to a port of a Ready
// Pod behind a Service, through the API server's pods/portforward
// subresource, as `kubectl port-forward svc/NAME` does. Unlike kubectl it
// keeps its local listener for its whole life and, when the Pod goes away
// or the connection breaks, resolves the Service again and reconnects, so
// the local address stays valid.
//
// Each accepted local connection gets its own pair of streams (error and
// data) on the one connection to the Pod, with the streamType, port and
// requestID headers of the port-forward protocol, as client-go's
// PortForwarder opens them (k8s.io/client-go tools/portforward/portforward.go,
// handleConnection).
type Forwarder struct {
	c    *Clients
	ns   string
	svc  string
	port networkingv1.ServiceBackendPort
	name string
	opts ForwardOptions
	ln   net.Listener

	mu        sync.Mutex
	state     ForwardState
	target    *Target
	conn      streamhttp.Connection
	proto     Protocol
	err       error
	requestID int
}

// NewForwarder listens on an ephemeral port of 127.0.0.1 for the Service
// port namespace/service:port (port as an Ingress backend names it). No
// connection is made until Connect or Run.
func NewForwarder(c *Clients, namespace, service string, port networkingv1.ServiceBackendPort, opts ForwardOptions) (*Forwarder, error) {
	if opts.MinBackoff <= 0 {
		opts.MinBackoff = DefaultMinBackoff
	}
	if opts.MaxBackoff <= 0 {
		opts.MaxBackoff = DefaultMaxBackoff
	}
	if opts.MaxBackoff < opts.MinBackoff {
		opts.MaxBackoff = opts.MinBackoff
	}
	p := port.Name
	if p == "" {
		p = strconv.Itoa(int(port.Number))
	}
	name := namespace + "/" + service + ":" + p
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("port-forward to %s: %w", name, err)
	}
	f := &Forwarder{c: c, ns: namespace, svc: service, port: port, name: name, opts: opts, ln: ln,
		err: errors.New("not connected yet")}
	if f.opts.Dial == nil {
		f.opts.Dial = f.dialAPIServer
	}
	return f, nil
}

// Name returns the Service port, NS/SERVICE:PORT.
func (f *Forwarder) Name() string { return f.name }

// Addr returns the local address, 127.0.0.1:PORT. It never changes.
func (f *Forwarder) Addr() string { return f.ln.Addr().String() }

// Status returns nil while connections are forwarded and a *ForwardError
// saying why not otherwise. It is safe to call at any time, and cheap: the
// proxy asks it before every request (proxy.Upstream.Status).
func (f *Forwarder) Status() error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.state == Connected {
		return nil
	}
	return f.statusErrorLocked()
}

func (f *Forwarder) statusErrorLocked() error {
	e := &ForwardError{Forward: f.name, State: f.state, Err: f.err}
	if f.target != nil {
		e.Pod = f.target.Pod
	}
	return e
}

// State returns the current state.
func (f *Forwarder) State() ForwardEvent {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.eventLocked()
}

func (f *Forwarder) eventLocked() ForwardEvent {
	ev := ForwardEvent{Forward: f.name, State: f.state}
	if f.target != nil {
		t := *f.target
		ev.Target = &t
	}
	if f.state == Connected {
		ev.Protocol = f.proto
	} else {
		ev.Err = f.statusErrorLocked()
	}
	return ev
}

// setLocked changes the state and returns the event to emit once the lock
// is released.
func (f *Forwarder) setLocked(state ForwardState, err error) ForwardEvent {
	f.state, f.err = state, err
	return f.eventLocked()
}

func (f *Forwarder) emit(ev ForwardEvent) {
	if f.opts.Events != nil {
		f.opts.Events(ev)
	}
}

// Connect makes one attempt to resolve the Service to a Ready Pod and open
// a connection to it. On failure the Forwarder stays (or becomes) not
// connected with the error as its reason. Connecting while connected does
// nothing.
func (f *Forwarder) Connect(ctx context.Context) error {
	f.mu.Lock()
	if f.state == Connected || f.state == Stopped {
		f.mu.Unlock()
		return nil
	}
	f.mu.Unlock()
	t, err := ResolveTarget(ctx, f.c, f.ns, f.svc, f.port)
	var conn streamhttp.Connection
	var proto Protocol
	if err == nil {
		conn, proto, err = f.dial(ctx, *t)
	}
	f.mu.Lock()
	if f.state == Stopped {
		f.mu.Unlock()
		if conn != nil {
			conn.Close()
		}
		return &ForwardError{Forward: f.name, State: Stopped}
	}
	if err != nil {
		state := f.state
		if t != nil {
			f.target = t
		}
		ev := f.setLocked(state, err)
		f.mu.Unlock()
		f.emit(ev)
		return ev.Err
	}
	f.target, f.conn, f.proto = t, conn, proto
	ev := f.setLocked(Connected, nil)
	f.mu.Unlock()
	f.emit(ev)
	return nil
}

// dial runs opts.Dial so that ctx can abandon it: the dialers of client-go
// take no context. A connection that arrives after ctx is done is closed.
func (f *Forwarder) dial(ctx context.Context, t Target) (streamhttp.Connection, Protocol, error) {
	type result struct {
		conn  streamhttp.Connection
		proto Protocol
		err   error
	}
	done := make(chan result, 1)
	go func() {
		c, p, err := f.opts.Dial(ctx, t)
		done <- result{c, p, err}
	}()
	select {
	case r := <-done:
		if r.err != nil {
			return nil, "", dialError(t, r.err)
		}
		return r.conn, r.proto, nil
	case <-ctx.Done():
		go func() {
			if r := <-done; r.conn != nil {
				r.conn.Close()
			}
		}()
		return nil, "", ctx.Err()
	}
}

// dialError words a failed dial as one line, with what to do when RBAC
// refused it.
func dialError(t Target, err error) error {
	// The SPDY upgrade reports a refusal as text, "unable to upgrade
	// connection: pods "x" is forbidden: ...", the message of
	// apierrors.NewForbidden (k8s.io/streaming pkg/httpstream/spdy/roundtripper.go,
	// NewConnection).
	if apierrors.IsForbidden(err) || strings.Contains(err.Error(), " is forbidden: ") {
		return fmt.Errorf("pod %s: %s; port-forwarding needs the create verb on pods/portforward in namespace %q", t.Pod, firstLine(err), t.Namespace)
	}
	return fmt.Errorf("pod %s: %s", t.Pod, firstLine(err))
}

// dialAPIServer is the default DialFunc: POST (SPDY) or GET (WebSocket) on
// the Pod's portforward subresource, the request kubectl port-forward makes
// (kubernetes/kubectl pkg/cmd/portforward/portforward.go,
// RunPortForwardContext and createDialer).
func (f *Forwarder) dialAPIServer(_ context.Context, t Target) (streamhttp.Connection, Protocol, error) {
	cfg := f.c.Config
	if cfg == nil {
		return nil, "", errors.New("no REST configuration to port-forward with")
	}
	u := f.c.Kube.CoreV1().RESTClient().Post().
		Resource("pods").Namespace(t.Namespace).Name(t.Pod).SubResource("portforward").URL()
	spdyDial := func() (streamhttp.Connection, Protocol, error) {
		transport, upgrader, err := spdy.RoundTripperFor(cfg)
		if err != nil {
			return nil, "", err
		}
		d := spdy.NewDialerForStreaming(upgrader, &http.Client{Transport: transport}, http.MethodPost, u)
		conn, _, err := d.Dial(portforward.PortForwardProtocolV1Name)
		return conn, ProtocolSPDY, err
	}
	if f.opts.Protocol == ProtocolSPDY {
		return spdyDial()
	}
	d, err := portforward.NewSPDYOverWebsocketDialerForStreaming(u, cfg)
	if err != nil {
		return nil, "", err
	}
	conn, _, err := d.Dial(portforward.PortForwardProtocolV1Name)
	if err == nil {
		return conn, ProtocolWebSocket, nil
	}
	// kubectl falls back to SPDY on exactly these two failures: an API
	// server or proxy that does not upgrade to WebSocket
	// (kubernetes/kubectl pkg/cmd/portforward/portforward.go, createDialer).
	if f.opts.Protocol == ProtocolAuto && (streamhttp.IsUpgradeFailure(err) || streamhttp.IsHTTPSProxyError(err)) {
		return spdyDial()
	}
	return nil, "", err
}

// Run accepts local connections and keeps a connection to a Ready Pod
// until ctx is done: when the connection breaks or the Pod is deleted or no
// longer Ready, it marks itself Reconnecting, resolves the Service again
// and dials, waiting MinBackoff doubling to MaxBackoff between failed
// attempts. It closes the listener when it returns; it returns nil when
// ctx ends it.
func (f *Forwarder) Run(ctx context.Context) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		f.accept(ctx)
	}()
	backoff := f.opts.MinBackoff
	for ctx.Err() == nil {
		f.mu.Lock()
		conn, target := f.conn, f.target
		f.mu.Unlock()
		if conn == nil {
			if err := f.Connect(ctx); err != nil {
				select {
				case <-ctx.Done():
				case <-time.After(backoff):
				}
				backoff = min(2*backoff, f.opts.MaxBackoff)
			} else {
				backoff = f.opts.MinBackoff
			}
			continue
		}
		watchCtx, stopWatch := context.WithCancel(ctx)
		gone := f.watchPod(watchCtx, *target)
		select {
		case <-ctx.Done():
		case <-conn.CloseChan():
			f.lost(conn, errors.New("lost connection to pod"))
		case err := <-gone:
			f.lost(conn, err)
		}
		stopWatch()
	}
	f.ln.Close()
	f.mu.Lock()
	conn := f.conn
	f.conn = nil
	ev := f.setLocked(Stopped, nil)
	f.mu.Unlock()
	if conn != nil {
		conn.Close()
	}
	wg.Wait()
	f.emit(ev)
	return nil
}

// lost drops conn, when it is still the current connection, and marks the
// Forwarder Reconnecting with reason.
func (f *Forwarder) lost(conn streamhttp.Connection, reason error) {
	f.mu.Lock()
	if f.conn != conn || f.state == Stopped {
		f.mu.Unlock()
		return
	}
	f.conn = nil
	ev := f.setLocked(Reconnecting, reason)
	f.mu.Unlock()
	conn.Close()
	f.emit(ev)
}

// watchPod reports on the returned channel when the Pod of t is deleted or
// stops being Running and Ready: the kubelet of a deleted Pod may keep the
// stream open while the container drains, and requests would go to a Pod
// the Service no longer sends traffic to. A watch the user may not make is
// given up: a broken stream is still noticed through the connection.
func (f *Forwarder) watchPod(ctx context.Context, t Target) <-chan error {
	out := make(chan error, 1)
	go func() {
		for ctx.Err() == nil {
			w, err := f.c.Kube.CoreV1().Pods(t.Namespace).Watch(ctx, metav1.ListOptions{
				FieldSelector: fields.OneTermEqualSelector("metadata.name", t.Pod).String(),
			})
			if err != nil {
				if apierrors.IsForbidden(err) || ctx.Err() != nil {
					return
				}
				select {
				case <-ctx.Done():
				case <-time.After(f.opts.MaxBackoff):
				}
				continue
			}
			if reason := podGone(w, t); reason != nil {
				w.Stop()
				out <- reason
				return
			}
			w.Stop()
		}
	}()
	return out
}

// podGone reads w until the Pod of t is deleted or not Ready (the reason is
// returned) or the watch ends (nil).
func podGone(w watch.Interface, t Target) error {
	for ev := range w.ResultChan() {
		pod, ok := ev.Object.(*corev1.Pod)
		if !ok || pod.Name != t.Pod || pod.Namespace != t.Namespace {
			continue
		}
		switch {
		case ev.Type == watch.Deleted:
			return fmt.Errorf("pod %s was deleted", t.Pod)
		case pod.DeletionTimestamp != nil:
			return fmt.Errorf("pod %s is being deleted", t.Pod)
		case !podReady(pod):
			return fmt.Errorf("pod %s is no longer Running and Ready", t.Pod)
		}
	}
	return nil
}

func (f *Forwarder) accept(ctx context.Context) {
	var wg sync.WaitGroup
	defer wg.Wait()
	for {
		local, err := f.ln.Accept()
		if err != nil {
			if ctx.Err() != nil || errors.Is(err, net.ErrClosed) {
				return
			}
			// A transient failure (out of file descriptors) is retried
			// after a pause rather than in a busy loop.
			time.Sleep(10 * time.Millisecond)
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			f.handle(ctx, local)
		}()
	}
}

// handle forwards one local connection over a new stream pair. Without a
// connection the local one is closed at once: the proxy asks Status first,
// so this happens only in the moment a connection breaks.
func (f *Forwarder) handle(ctx context.Context, local net.Conn) {
	defer local.Close()
	f.mu.Lock()
	conn, target := f.conn, f.target
	f.requestID++
	id := f.requestID
	f.mu.Unlock()
	if conn == nil {
		return
	}
	h := http.Header{}
	h.Set(streamTypeHeader, streamTypeError)
	h.Set(portHeader, strconv.Itoa(int(target.Port)))
	h.Set(requestIDHeader, strconv.Itoa(id))
	errStream, err := conn.CreateStream(h)
	if err != nil {
		f.lost(conn, fmt.Errorf("create error stream: %w", err))
		return
	}
	defer conn.RemoveStreams(errStream)
	// Nothing is written to the error stream; the kubelet writes to it
	// when it cannot reach the port in the Pod.
	errStream.Close()
	remoteErr := make(chan error, 1)
	go func() {
		msg, err := io.ReadAll(errStream)
		switch {
		case err != nil:
			remoteErr <- fmt.Errorf("read error stream: %w", err)
		case len(msg) > 0:
			remoteErr <- fmt.Errorf("pod %s port %d: %s", target.Pod, target.Port, msg)
		default:
			remoteErr <- nil
		}
	}()
	h.Set(streamTypeHeader, streamTypeData)
	data, err := conn.CreateStream(h)
	if err != nil {
		f.lost(conn, fmt.Errorf("create data stream: %w", err))
		return
	}
	defer conn.RemoveStreams(data)

	remoteDone := make(chan struct{})
	localFailed := make(chan struct{})
	go func() {
		defer close(remoteDone)
		_, _ = io.Copy(local, data)
	}()
	go func() {
		// Closing the data stream tells the kubelet no more data comes.
		defer data.Close()
		if _, err := io.Copy(data, local); err != nil {
			close(localFailed)
		}
	}()
	select {
	case <-remoteDone:
	case <-localFailed:
	case <-ctx.Done():
	}
	// Reset discards unsent data so that the kubelet's answer on the
	// error stream is not stuck behind it (the order client-go keeps).
	_ = data.Reset()
	local.Close()
	select {
	case err := <-remoteErr:
		if err != nil {
			// client-go closes the connection after an error on the
			// error stream, since the kubelet's side of it may be
			// unusable; reconnecting resolves the Pod again.
			f.lost(conn, err)
		}
	case <-ctx.Done():
	}
}
