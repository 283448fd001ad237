package main

import (
	"context"
	"fmt"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
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
		byBackend: map[string]*cluster.Forwarder{}, cancel: map[*cluster.Forwarder]context.CancelFunc{}}
	src.Forward = fw.ensure
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
	// cancel stops a forward's Run.
	cancel  map[*cluster.Forwarder]context.CancelFunc
	started bool
	wg      sync.WaitGroup
}

// ensure is the proxy.Source Forward hook: it opens a cluster.Forwarder
// for every Service backend of routes that has no upstream (an --upstream
// or upstreams-file entry wins) and no forward yet, and returns the
// upstreams of all the forwards. At start-up it makes a first connection
// attempt for each in parallel, so that the start-up table shows their
// state; the forwards a reload adds connect in the background. A
// forward whose backend an edit removed, or gave an upstream, is stopped
// and its local port closed. State changes are written through logf.
func (fw *forwards) ensure(_ context.Context, routes []proxy.Route) ([]proxy.Upstream, error) {
	fw.mu.Lock()
	defer fw.mu.Unlock()
	need := map[string]bool{}
	for _, r := range routes {
		if _, _, _, ok := splitBackend(r.Backend); ok && r.Upstream == "" {
			need[r.Backend] = true
		}
	}
	fw.stopUnusedLocked(need)
	var added []*cluster.Forwarder
	for _, r := range routes {
		if !need[r.Backend] || fw.byBackend[r.Backend] != nil {
			continue
		}
		ns, svc, port, _ := splitBackend(r.Backend)
		f, err := cluster.NewForwarder(fw.clients, ns, svc, port, cluster.ForwardOptions{
			Protocol: fw.proto,
			Events:   fw.events(),
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
				}
			}
			return nil, err
		}
		fw.byBackend[r.Backend] = f
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

// stopUnusedLocked stops the forwards of backends not in need.
func (fw *forwards) stopUnusedLocked(need map[string]bool) {
	stopped := map[*cluster.Forwarder]bool{}
	for b, f := range fw.byBackend {
		if need[b] {
			continue
		}
		delete(fw.byBackend, b)
		stopped[f] = true
		if cancel := fw.cancel[f]; cancel != nil {
			cancel()
			delete(fw.cancel, f)
		}
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
func (fw *forwards) events() func(cluster.ForwardEvent) {
	var mu sync.Mutex
	last := ""
	return func(ev cluster.ForwardEvent) {
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
