package main

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	networkingv1 "k8s.io/api/networking/v1"

	"github.com/ingresskit/ingresskit/cluster"
	"github.com/ingresskit/ingresskit/manifest"
	"github.com/ingresskit/ingresskit/printer"
	"github.com/ingresskit/ingresskit/proxy"
)

// portForwardWebsocketsEnv is kubectl's switch for WebSocket port-forwards:
// "false", in any case, makes kubectl use SPDY only (kubernetes/kubectl
// pkg/cmd/util/helpers.go, FeatureGate PortForwardWebsockets and
// IsDisabled, read by pkg/cmd/portforward/portforward.go createDialer).
// ingresskit honours it the same way.
const portForwardWebsocketsEnv = "KUBECTL_PORT_FORWARD_WEBSOCKETS"

// connectTimeout bounds the first connection attempt of each forward at
// start-up; a forward that does not connect in time keeps trying while the
// proxy serves.
const connectTimeout = 15 * time.Second

// proxyForwards loads the routing table of `proxy --port-forward`, the
// Ingresses from the files or, without -f, from the cluster, with a
// forward for each backend that has no upstream. Upstreams given with
// --upstream or --upstreams win. src.Forward is set, so that every reload
// of the files opens forwards for the backends an edit adds.
func proxyForwards(ctx context.Context, opts *proxyOptions, p *proxy.Proxy, src *proxy.Source, logf func(string, ...any)) (*forwards, error) {
	clients, _, err := opts.Cluster.clients()
	if err != nil {
		return nil, err
	}
	fw := &forwards{clients: clients, proto: forwardProtocol(opts.IO.getenv), logf: logf, ctx: ctx,
		byBackend: map[string]*cluster.Forwarder{}, cancel: map[*cluster.Forwarder]context.CancelFunc{},
		retired: map[*cluster.Forwarder]*atomic.Bool{}}
	src.Forward, src.ForwardDone = fw.ensure, fw.done
	if len(opts.Files.Filenames) > 0 {
		return fw, p.Load(ctx, *src)
	}
	snap, err := opts.Cluster.Load(ctx, opts.IO)
	if err != nil {
		return fw, err
	}
	return fw, p.LoadSet(ctx, snap.Set, *src)
}

// forwards are the port-forwards of `proxy --port-forward`. They run until
// ctx is done.
type forwards struct {
	clients *cluster.Clients
	proto   cluster.Protocol
	logf    func(format string, args ...any)
	ctx     context.Context

	mu        sync.Mutex
	list      []*cluster.Forwarder // sorted by name
	byBackend map[string]*cluster.Forwarder
	// cancel stops a forward's Run; retired is set before, so that its
	// Stopped event is not written after the line that says why.
	cancel  map[*cluster.Forwarder]context.CancelFunc
	retired map[*cluster.Forwarder]*atomic.Bool
	// need are the backends the last load needed a forward for.
	need     map[string]bool
	started  bool
	stopping bool
	wg       sync.WaitGroup
}

// ensure is the proxy.Source Forward hook: it opens a cluster.Forwarder
// for every Service backend of routes that has no upstream (an --upstream
// or upstreams-file entry wins) and no forward yet, and returns the
// upstreams of all the forwards. At start-up it makes a first connection
// attempt for each in parallel, so that the start-up table shows their
// state; the forwards a reload adds connect in the background. A
// forward whose backend an edit removed, or gave an upstream, is stopped
// by done once the new table is in place. State changes are written
// through logf.
func (fw *forwards) ensure(_ context.Context, routes []proxy.Route) ([]proxy.Upstream, error) {
	fw.mu.Lock()
	defer fw.mu.Unlock()
	if fw.stopping {
		return nil, errors.New("the proxy is stopping")
	}
	need := map[string]bool{}
	for _, r := range routes {
		if _, _, _, ok := splitBackend(r.Backend); ok && r.Upstream == "" {
			need[r.Backend] = true
		}
	}
	fw.need = need
	var added []*cluster.Forwarder
	for _, r := range routes {
		if !need[r.Backend] || fw.byBackend[r.Backend] != nil {
			continue
		}
		ns, svc, port, _ := splitBackend(r.Backend)
		gone := new(atomic.Bool)
		f, err := cluster.NewForwarder(fw.clients, ns, svc, port, cluster.ForwardOptions{
			Protocol: fw.proto,
			Events:   fw.events(gone),
		})
		if err != nil {
			// Run with a done context only closes the listeners of
			// the forwards made so far.
			done, cancel := context.WithCancel(fw.ctx)
			cancel()
			for _, f := range added {
				_ = f.Run(done)
			}
			for b, f := range fw.byBackend {
				if slices.Contains(added, f) {
					delete(fw.byBackend, b)
					delete(fw.retired, f)
				}
			}
			return nil, err
		}
		fw.byBackend[r.Backend] = f
		fw.retired[f] = gone
		added = append(added, f)
	}
	if !fw.started {
		fw.started = true
		var wg sync.WaitGroup
		for _, f := range added {
			wg.Add(1)
			go func() {
				defer wg.Done()
				cctx, cancel := context.WithTimeout(fw.ctx, connectTimeout)
				defer cancel()
				// A failure is kept as the forward's Status and shown
				// in the start-up table; Run keeps trying.
				_ = f.Connect(cctx)
			}()
		}
		wg.Wait()
	}
	for _, f := range added {
		ctx, cancel := context.WithCancel(fw.ctx)
		fw.cancel[f] = cancel
		fw.wg.Add(1)
		go func() {
			defer fw.wg.Done()
			_ = f.Run(ctx)
		}()
	}
	fw.list = append(fw.list, added...)
	sort.Slice(fw.list, func(i, j int) bool { return fw.list[i].Name() < fw.list[j].Name() })
	return fw.upstreamsLocked(), nil
}

// done is the proxy.Source ForwardDone hook: once a load is in place, the
// forwards of backends it no longer needs are stopped and their local
// ports closed. After a failed load they stay, since the previous table
// may still use them.
func (fw *forwards) done(applied bool) {
	if !applied {
		return
	}
	fw.mu.Lock()
	defer fw.mu.Unlock()
	stopped := map[*cluster.Forwarder]bool{}
	for b, f := range fw.byBackend {
		if fw.need[b] {
			continue
		}
		delete(fw.byBackend, b)
		stopped[f] = true
		fw.retired[f].Store(true)
		delete(fw.retired, f)
		fw.cancel[f]()
		delete(fw.cancel, f)
	}
	// fw.list is sorted by name, so the lines come in that order.
	fw.list = slices.DeleteFunc(fw.list, func(f *cluster.Forwarder) bool {
		if stopped[f] {
			fw.logf("port-forward to %s stopped: no route needs it any more\n", f.Name())
		}
		return stopped[f]
	})
}

// events returns the Events hook of one forward: only changes are
// written, so a forward that keeps failing for the same reason says so
// once.
func (fw *forwards) events(retired *atomic.Bool) func(cluster.ForwardEvent) {
	var mu sync.Mutex
	last := ""
	return func(ev cluster.ForwardEvent) {
		if ev.State == cluster.Stopped && retired.Load() {
			return
		}
		msg := forwardEventText(ev)
		mu.Lock()
		defer mu.Unlock()
		if msg == last {
			return
		}
		last = msg
		fw.logf("%s\n", msg)
	}
}

// stop waits for the forwards to end; their context must be done. A nil
// *forwards is safe to use.
func (fw *forwards) stop() {
	if fw != nil {
		fw.mu.Lock()
		fw.stopping = true
		fw.mu.Unlock()
		fw.wg.Wait()
	}
}

// upstreamsLocked maps each forwarded backend to its local address, with
// the forward's Status asked before every request.
func (fw *forwards) upstreamsLocked() []proxy.Upstream {
	out := make([]proxy.Upstream, 0, len(fw.list))
	for _, f := range fw.list {
		ns, svc, port, _ := splitBackend(f.Name())
		p := port.Name
		if p == "" {
			p = strconv.Itoa(int(port.Number))
		}
		out = append(out, proxy.Upstream{
			Namespace: ns, Service: svc, Port: p,
			URL:    &url.URL{Scheme: "http", Host: f.Addr()},
			Pos:    manifest.Pos{File: "--port-forward"},
			Status: f.Status,
		})
	}
	return out
}

// banner describes the forwards for the start-up table.
func (fw *forwards) banner() []printer.ProxyForward {
	if fw == nil {
		return nil
	}
	fw.mu.Lock()
	defer fw.mu.Unlock()
	out := make([]printer.ProxyForward, 0, len(fw.list))
	for _, f := range fw.list {
		ev := f.State()
		row := printer.ProxyForward{Service: ev.Forward, Local: f.Addr(), Protocol: string(ev.Protocol)}
		if ev.Target != nil {
			row.Pod = ev.Target.Pod + ":" + strconv.Itoa(int(ev.Target.Port))
		}
		if ev.Err != nil {
			row.Error = ev.Err.Error()
		}
		out = append(out, row)
	}
	return out
}

// forwardEventText is the line written when a forward changes state.
func forwardEventText(ev cluster.ForwardEvent) string {
	switch {
	case ev.State == cluster.Connected:
		return fmt.Sprintf("port-forward to %s: connected to pod %s port %d (%s)", ev.Forward, ev.Target.Pod, ev.Target.Port, ev.Protocol)
	case ev.Err != nil:
		return ev.Err.Error()
	default:
		return fmt.Sprintf("port-forward to %s is %s", ev.Forward, ev.State)
	}
}

// splitBackend reads NS/SERVICE:PORT, the form of proxy.Route.Backend for
// a Service backend; a resource backend (KIND/NAME) is not one.
func splitBackend(s string) (ns, svc string, port networkingv1.ServiceBackendPort, ok bool) {
	ns, rest, ok1 := strings.Cut(s, "/")
	svc, p, ok2 := strings.Cut(rest, ":")
	if !ok1 || !ok2 || ns == "" || svc == "" || p == "" {
		return "", "", port, false
	}
	if n, err := strconv.Atoi(p); err == nil {
		port.Number = int32(n)
	} else {
		port.Name = p
	}
	return ns, svc, port, true
}

// forwardProtocol is the protocol kubectl would use given its environment.
func forwardProtocol(getenv func(string) string) cluster.Protocol {
	if strings.EqualFold(getenv(portForwardWebsocketsEnv), "false") {
		return cluster.ProtocolSPDY
	}
	return cluster.ProtocolAuto
}
