package main

import (
	"context"
	"fmt"
	"net/url"
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
// Ingresses from the files or, without -f, from the cluster, starts a
// forward for each backend with no upstream, and loads the table again
// with the forwards as upstreams. Upstreams given with --upstream or
// --upstreams win. src.Upstreams gets the forwards, so reloads of the
// files keep them.
func proxyForwards(ctx context.Context, opts *proxyOptions, p *proxy.Proxy, src *proxy.Source, logf func(string, ...any)) (*forwards, error) {
	clients, _, err := opts.Cluster.clients()
	if err != nil {
		return nil, err
	}
	// The input is read once (it may be standard input) and the table
	// built twice, as proxy.Proxy.Load builds it: the upstreams file,
	// then the flags.
	var set *manifest.Set
	if len(opts.Files.Filenames) == 0 {
		snap, err := opts.Cluster.Load(ctx, opts.IO)
		if err != nil {
			return nil, err
		}
		set = snap.Set
	} else if set, err = manifest.Load(ctx, src.Manifests); err != nil {
		return nil, err
	}
	var fromFile []proxy.Upstream
	if src.UpstreamsFile != "" {
		if fromFile, err = proxy.ReadUpstreamsFile(src.UpstreamsFile); err != nil {
			return nil, err
		}
	}
	if err := p.Update(set, fromFile, src.Upstreams); err != nil {
		return nil, err
	}
	fw, err := startForwards(ctx, clients, p.Routes(), forwardProtocol(opts.IO.getenv), logf)
	if err != nil {
		return nil, err
	}
	// The flags come last: later upstreams win (proxy.Source).
	src.Upstreams = append(fw.upstreams(), opts.upstreams...)
	return fw, p.Update(set, fromFile, src.Upstreams)
}

// forwards are the port-forwards of `proxy --port-forward`.
type forwards struct {
	list []*cluster.Forwarder
	wg   sync.WaitGroup
}

// startForwards opens a cluster.Forwarder for every Service backend of
// routes that has no upstream yet (an --upstream or upstreams-file entry
// wins), makes a first connection attempt for each in parallel, and runs
// them until ctx is done. State changes after start-up are written to
// errOut through logf.
func startForwards(ctx context.Context, clients *cluster.Clients, routes []proxy.Route, proto cluster.Protocol, logf func(format string, args ...any)) (*forwards, error) {
	fw := &forwards{}
	seen := map[string]bool{}
	for _, r := range routes {
		if r.Upstream != "" || seen[r.Backend] {
			continue
		}
		ns, svc, port, ok := splitBackend(r.Backend)
		if !ok {
			continue
		}
		seen[r.Backend] = true
		// Only changes are written: a forward that keeps failing for the
		// same reason says so once.
		var mu sync.Mutex
		last := ""
		f, err := cluster.NewForwarder(clients, ns, svc, port, cluster.ForwardOptions{
			Protocol: proto,
			Events: func(ev cluster.ForwardEvent) {
				msg := forwardEventText(ev)
				mu.Lock()
				defer mu.Unlock()
				if msg == last {
					return
				}
				last = msg
				logf("%s\n", msg)
			},
		})
		if err != nil {
			// Run with a done context only closes the listeners of
			// the forwards made so far.
			done, cancel := context.WithCancel(ctx)
			cancel()
			for _, f := range fw.list {
				_ = f.Run(done)
			}
			return nil, err
		}
		fw.list = append(fw.list, f)
	}
	sort.Slice(fw.list, func(i, j int) bool { return fw.list[i].Name() < fw.list[j].Name() })
	var wg sync.WaitGroup
	for _, f := range fw.list {
		wg.Add(1)
		go func() {
			defer wg.Done()
			cctx, cancel := context.WithTimeout(ctx, connectTimeout)
			defer cancel()
			// A failure is kept as the forward's Status and shown in the
			// start-up table; Run keeps trying.
			_ = f.Connect(cctx)
		}()
	}
	wg.Wait()
	for _, f := range fw.list {
		fw.wg.Add(1)
		go func() {
			defer fw.wg.Done()
			_ = f.Run(ctx)
		}()
	}
	return fw, nil
}

// stop waits for the forwards to end; their context must be done. A nil
// *forwards is safe to use.
func (fw *forwards) stop() {
	if fw != nil {
		fw.wg.Wait()
	}
}

// upstreams maps each forwarded backend to its local address, with the
// forward's Status asked before every request.
func (fw *forwards) upstreams() []proxy.Upstream {
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
