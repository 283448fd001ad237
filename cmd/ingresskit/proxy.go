package main

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	goio "io"
	"log"
	"net"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/spf13/cobra"

	"github.com/ingresskit/ingresskit/certgen"
	"github.com/ingresskit/ingresskit/cluster"
	"github.com/ingresskit/ingresskit/manifest"
	"github.com/ingresskit/ingresskit/printer"
	"github.com/ingresskit/ingresskit/proxy"
	"github.com/ingresskit/ingresskit/simulate"
)

type proxyOptions struct {
	IO            *IO
	Files         fileFlags
	Address       string
	HTTPPort      int
	HTTPSPort     int
	HTTPS         bool
	Upstreams     []string
	UpstreamsFile string
	Echo          bool
	LogFormat     string
	IngressClass  string
	Controller    string
	// Gateway serves one Gateway API or Istio Gateway, namespace/name.
	Gateway string
	// Listen maps listener ports to local ports: <listenerPort>=<localPort>.
	Listen []string
	// Seed seeds the choice among weighted backends.
	Seed  uint64
	CA    caFlags
	Watch bool
	// PortForward forwards every backend without an upstream to a Ready
	// Pod of its Service through the API server.
	PortForward bool
	Cluster     clusterFlags
	// Timeouts, as nginx's (docs/proxy.md, "Limits and timeouts").
	ReadTimeout       time.Duration
	ClientBodyTimeout time.Duration
	SendTimeout       time.Duration
	IdleTimeout       time.Duration
	// MaxConns caps the client connections held at once.
	MaxConns int

	upstreams []proxy.Upstream
	profile   simulate.Profile
	listen    map[int32]int
}

func newProxyCmd(io *IO, runF func(*proxyOptions) error) *cobra.Command {
	opts := &proxyOptions{IO: io}
	cmd := &cobra.Command{
		Use:   "proxy [-f <file>...] [--port-forward] [--upstream <ns>/<service>:<port>=<host>:<port>]... [--gateway <namespace>/<name>] [--listen <listenerPort>=<localPort>]... [--echo]",
		Short: "serve the Ingress, Gateway API and Istio routing locally as a reverse proxy",
		Long: `Serve the routing of the manifests on this machine: every request is
routed by the same data planes as 'ingresskit simulate' and forwarded to the
upstream given for its backend Service, for example a running
'kubectl port-forward'.

The Ingresses of each class are routed under their own controller's profile;
each Gateway API Gateway and each Istio Gateway routes the requests of its
listeners, with its filters, redirects, rewrites and weighted backends. When
several data planes serve one host on one port, the first in simulate's order
answers, and the route table says so. --gateway <namespace>/<name> serves one
Gateway only, --ingress-class the Ingresses of one class only.

HTTP is served on --http-port (listener port 80), and HTTPS (HTTP/1.1 and
HTTP/2) on --https-port (listener port 443) when an Ingress has a tls section,
a Gateway has an HTTPS listener on 443, or --https is given. Other listener
ports are served on the local port of the same number, or where
--listen <listenerPort>=<localPort> says; a reload that adds or removes a
listener port opens or closes its local port. gRPC calls of a GRPCRoute are
served over HTTP/2 (h2c on plain ports) and forwarded to the backend over
HTTP/2. A host whose TLS Secret is in the
manifests (spec.tls, a listener's certificateRefs, a server's credentialName)
gets that certificate; every other host gets one signed by the local CA (see
'ingresskit certgen'), made on first use.

With --port-forward every backend without an upstream gets a port-forward
of its own, as 'kubectl port-forward svc/<service>' would open: the
Service's targetPort is resolved (named ports through the Pod's container
ports), a Running and Ready Pod is picked from its EndpointSlices, and the
connection goes through the API server over WebSocket, or SPDY when the
server refuses WebSocket (KUBECTL_PORT_FORWARD_WEBSOCKETS=false forces SPDY,
as for kubectl). Each forward keeps one local port on 127.0.0.1; when its Pod
goes away or the stream breaks it resolves the Service again and
reconnects, and requests meanwhile get 502 saying so. Without -f the
Ingresses are read from the cluster too (-n, the context's namespace, or
-A); with -f they come from the files. The kubectl flags (--kubeconfig,
--context, ...) pick the cluster.

A backend without an upstream answers 503 naming the flag to add; --echo
answers every request with its routing decision in JSON instead. Requests
no rule matches get 404, or go to the defaultBackend. The manifests and the
upstreams file are watched: an edit is served at once, and a broken edit
keeps the last good table.

One access-log line per request goes to stdout; the route table and errors go
to stderr. Listens on 127.0.0.1 unless --address names another address.`,
		Args: cobra.NoArgs,
		Example: `  # Answer every request with its routing decision
  ingresskit proxy -f examples/nginx-tls.yaml --echo
  curl --resolve example.com:8080:127.0.0.1 http://example.com:8080/foo

  # Forward example.com/foo to a port-forward of service-foo
  kubectl port-forward svc/service-foo 9001:80 &
  ingresskit proxy -f examples/nginx-tls.yaml --upstream default/service-foo:80=127.0.0.1:9001

  # Serve a Gateway's listeners: 80 on 8080, 443 on 8443
  ingresskit proxy -f examples/gateway-api.yaml --gateway infra/prod --echo

  # Serve an Istio Gateway with its HTTPS server on local port 9443
  ingresskit proxy -f examples/istio-gateway.yaml --listen 443=9443 --echo

  # Every example at once, on other ports, access log as JSON
  ingresskit proxy -f examples/ --echo --http-port 9080 --https-port 9443 --log-format json

  # Upstreams from a file of <ns>/<service>:<port>=<host>:<port> lines
  ingresskit proxy -f examples/nginx-tls.yaml --upstreams upstreams.txt

  # Serve the Ingresses of namespace shop, each backend port-forwarded
  ingresskit proxy --port-forward -n shop

  # Serve the routing of a file, with the backends port-forwarded from the cluster
  ingresskit proxy -f examples/nginx-tls.yaml --port-forward`,
		RunE: func(cmd *cobra.Command, args []string) error {
			if opts.Cluster.Cluster {
				return usageErrorf("proxy has no --cluster: --port-forward reads the Services and Pods from the cluster")
			}
			if opts.Cluster.AllNamespaces && (!opts.PortForward || len(opts.Files.Filenames) > 0) {
				return usageErrorf("-A reads the Ingresses of every namespace: use it with --port-forward and without -f")
			}
			if len(opts.Files.Filenames) == 0 && !opts.PortForward {
				return usageErrorf("no input: give manifests with -f <file>, -f <dir> or -f - for stdin, or read the cluster's Ingresses with --port-forward")
			}
			for _, d := range []struct {
				name string
				v    time.Duration
			}{{"read-timeout", opts.ReadTimeout}, {"client-body-timeout", opts.ClientBodyTimeout}, {"send-timeout", opts.SendTimeout}, {"idle-timeout", opts.IdleTimeout}} {
				if d.v <= 0 {
					return usageErrorf("--%s %v is not a positive duration", d.name, d.v)
				}
			}
			if opts.MaxConns < 0 {
				return usageErrorf("--max-conns %d is negative", opts.MaxConns)
			}
			if ip := net.ParseIP(opts.Address); ip == nil {
				return usageErrorf("--address %q is not an IP address", opts.Address)
			}
			for _, port := range []struct {
				name string
				v    int
			}{{"http-port", opts.HTTPPort}, {"https-port", opts.HTTPSPort}} {
				if port.v < 0 || port.v > 65535 {
					return usageErrorf("--%s %d is not 0-65535", port.name, port.v)
				}
			}
			if opts.Gateway != "" {
				if ns, name, ok := strings.Cut(opts.Gateway, "/"); !ok || ns == "" || name == "" || strings.Contains(name, "/") {
					return usageErrorf("invalid --gateway %q: want namespace/name", opts.Gateway)
				}
			}
			for _, l := range opts.Listen {
				if opts.listen == nil {
					opts.listen = map[int32]int{}
				}
				lp, local, err := parseListen(l)
				if err != nil {
					return &usageError{err: err}
				}
				if prev, dup := opts.listen[lp]; dup && prev != local {
					return usageErrorf("--listen %s: listener port %d is already mapped to %d", l, lp, prev)
				}
				opts.listen[lp] = local
			}
			if opts.Controller != "" {
				p, err := simulate.ParseProfile(opts.Controller)
				if err != nil {
					return &usageError{err: err}
				}
				opts.profile = p
			}
			for _, s := range opts.Upstreams {
				u, err := proxy.ParseUpstream(s)
				if err != nil {
					return &usageError{err: err}
				}
				u.Pos = manifest.Pos{File: "--upstream"}
				opts.upstreams = append(opts.upstreams, u)
			}
			if runF != nil {
				return runF(opts)
			}
			return proxyRun(cmd.Context(), opts)
		},
	}
	opts.Files.addFlags(cmd)
	f := cmd.Flags()
	// Loopback only unless asked: the proxy forwards to local services that
	// were never meant to be reachable from the network.
	f.StringVar(&opts.Address, "address", "127.0.0.1", "IP address to listen on")
	f.IntVar(&opts.HTTPPort, "http-port", 8080, "HTTP port (0 picks a free port)")
	f.IntVar(&opts.HTTPSPort, "https-port", 8443, "HTTPS port (0 picks a free port)")
	f.BoolVar(&opts.HTTPS, "https", false, "serve HTTPS even when no Ingress has a tls section")
	f.StringArrayVar(&opts.Upstreams, "upstream", nil, "send a backend's requests to an address: <ns>/<service>:<port>=<host>:<port> (repeatable)")
	f.StringVar(&opts.UpstreamsFile, "upstreams", "", "file of <ns>/<service>:<port>=<host>:<port> lines")
	f.BoolVar(&opts.Echo, "echo", false, "answer every request with its routing decision as JSON instead of forwarding it")
	enumFlag(cmd, &opts.LogFormat, "log-format", "", "text", printer.AccessLogFormats, "access log format")
	f.StringVar(&opts.IngressClass, "ingress-class", "", "serve only the Ingresses of this IngressClass (default every data plane)")
	f.StringVar(&opts.Gateway, "gateway", "", "serve only the Gateway API or Istio Gateway namespace/name (default every data plane)")
	f.StringArrayVar(&opts.Listen, "listen", nil, "serve a listener port on a local port: <listenerPort>=<localPort> (repeatable; default 80 on --http-port, 443 on --https-port, others on the same number)")
	f.Uint64Var(&opts.Seed, "seed", 0, "seed the choice among weighted backends, for repeatable runs (0: random)")
	controllerFlag(cmd, &opts.Controller, "controller semantics (default: inferred from the IngressClasses, else spec)")
	opts.CA.addFlags(cmd, "issue host certificates with")
	f.BoolVar(&opts.Watch, "watch", true, "reload when the manifests or the upstreams file change, or, with --port-forward and no -f, the cluster's Ingresses")
	f.BoolVar(&opts.PortForward, "port-forward", false, "port-forward every backend without an upstream to a Ready Pod of its Service")
	f.DurationVar(&opts.ReadTimeout, "read-timeout", proxy.DefaultReadTimeout, "close a response whose upstream sends nothing for this long mid-body (nginx proxy_read_timeout)")
	f.DurationVar(&opts.ClientBodyTimeout, "client-body-timeout", proxy.DefaultClientBodyTimeout, "answer 408 when a client sends nothing of its request body for this long (nginx client_body_timeout)")
	f.DurationVar(&opts.SendTimeout, "send-timeout", proxy.DefaultSendTimeout, "close a connection whose client takes nothing of a response for this long (nginx send_timeout)")
	f.DurationVar(&opts.IdleTimeout, "idle-timeout", proxy.DefaultIdleTimeout, "close kept-alive client connections idle for this long (nginx keepalive_timeout)")
	f.IntVar(&opts.MaxConns, "max-conns", 0, fmt.Sprintf("client connections held at once; beyond it the oldest idle ones are closed (0: %d, or half the open-file limit when lower)", proxy.DefaultMaxConns))
	bindClusterFlags(cmd, &opts.Cluster, &opts.Files)
	// --cluster is the checking commands' mode; --port-forward is the
	// proxy's way to read the cluster.
	_ = f.MarkHidden("cluster")
	cmd.MarkFlagsMutuallyExclusive("echo", "port-forward")
	cmd.MarkFlagsMutuallyExclusive("gateway", "ingress-class")
	cmd.MarkFlagsMutuallyExclusive("gateway", "controller")
	_ = cmd.MarkFlagFilename("upstreams")
	return cmd
}

func proxyRun(ctx context.Context, opts *proxyOptions) error {
	io := opts.IO
	errStyles := io.ErrStyles()
	var logMu sync.Mutex
	// The access log is gathered and flushed every 100ms, sparing a write
	// per request under load while lines still show up at once to a
	// person watching. A request takes no lock but the batch's own to
	// add its line; the batches are written under logMu, so that they
	// never interleave with the messages on stderr.
	accessLog := newBatchWriter(lockedWriter{mu: &logMu, w: io.Out}, 64<<10)
	flushLog := func() { _ = accessLog.Flush() }
	defer flushLog()
	go func() {
		tick := time.NewTicker(100 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-tick.C:
				flushLog()
			}
		}
	}()
	var ca *certgen.CA
	var caErr error
	var caOnce sync.Once
	loadCA := func() (*certgen.CA, error) {
		caOnce.Do(func() {
			ca, caErr = certgen.LoadOrCreateCA(ctx, opts.CA.options())
		})
		return ca, caErr
	}
	p := proxy.New(proxy.Options{
		IngressClass:      opts.IngressClass,
		Profile:           opts.profile,
		Gateway:           opts.Gateway,
		Seed:              opts.Seed,
		Echo:              opts.Echo,
		ReadTimeout:       opts.ReadTimeout,
		ClientBodyTimeout: opts.ClientBodyTimeout,
		SendTimeout:       opts.SendTimeout,
		AccessLog: func(e *proxy.Entry) {
			_ = printer.AccessLog(accessLog, opts.LogFormat, e)
		},
		ErrorLog: log.New(lockedWriter{mu: &logMu, w: io.ErrOut}, "proxy: ", 0),
		Certificate: func(host string) (*tls.Certificate, error) {
			ca, err := loadCA()
			if err != nil {
				return nil, err
			}
			leaf, err := ca.Issue(certgen.IssueOptions{Hosts: []string{host}})
			if err != nil {
				return nil, err
			}
			c, err := leaf.TLSCertificate()
			return &c, err
		},
	})
	src := proxy.Source{
		Manifests: manifest.Options{
			Paths: opts.Files.Filenames, Recursive: opts.Files.Recursive,
			Stdin: io.In, Namespace: opts.Files.Namespace,
		},
		Upstreams:     opts.upstreams,
		UpstreamsFile: opts.UpstreamsFile,
	}
	var fw *forwards
	var started atomic.Bool
	if opts.PortForward {
		fctx, stopForwards := context.WithCancel(ctx)
		var err error
		fw, err = proxyForwards(fctx, opts, p, &src, func(format string, args ...any) {
			if !started.Load() {
				return
			}
			logMu.Lock()
			defer logMu.Unlock()
			fmt.Fprintf(io.ErrOut, format, args...)
		})
		defer func() {
			stopForwards()
			fw.stop()
		}()
		if err != nil {
			return err
		}
	} else if err := p.Load(ctx, src); err != nil {
		return err
	}
	https := opts.HTTPS || p.ServesTLS()
	plan := proxy.PlanPorts(p.ListenerPorts(), opts.listen, opts.HTTPPort, opts.HTTPSPort, https)
	if plan.HTTPSPort >= 0 || slices.ContainsFunc(plan.Ports, func(sp proxy.ServePort) bool { return sp.TLS }) {
		ca, err := loadCA()
		if err != nil {
			return fmt.Errorf("local CA for https: %w", err)
		}
		if ca.Created {
			fmt.Fprintf(io.ErrOut, "Created a local CA: %s. Trust it to use https without warnings (curl --cacert %s).\n", ca.CertPath, ca.CertPath)
		}
	}
	banner := printer.ProxyBanner{Routes: p.Routes(), Upstreams: p.Upstreams(), Echo: opts.Echo, Forwards: fw.banner(),
		Notes: append(p.Notes(), plan.Notes...)}
	if err := printer.ProxyRoutes(io.ErrOut, errStyles, banner); err != nil {
		return err
	}
	started.Store(true)
	if !net.ParseIP(opts.Address).IsLoopback() {
		fmt.Fprintf(io.ErrOut, "%s listening on %s: other machines can reach the proxy and the services behind it\n", errStyles.Warning("warning:"), opts.Address)
	}
	reloaded := func(err error) {
		logMu.Lock()
		defer logMu.Unlock()
		if ctx.Err() != nil {
			// Shutting down: a load cut short is no news.
			return
		}
		if err != nil {
			fmt.Fprintf(io.ErrOut, "%s reload failed; still serving the last good routes:\n", errStyles.Error("error:"))
			printError(io.ErrOut, err, "")
			return
		}
		fmt.Fprintf(io.ErrOut, "Reloaded %d routes.\n", len(p.Routes()))
	}
	if opts.Watch && len(opts.Files.Filenames) > 0 && !slices.Contains(opts.Files.Filenames, "-") {
		go p.Watch(ctx, src, proxy.WatchOptions{Reloaded: reloaded})
	}
	if opts.Watch && opts.PortForward && len(opts.Files.Filenames) == 0 {
		// The Ingresses came from the cluster: follow their changes.
		warn := func(format string, args ...any) {
			logMu.Lock()
			defer logMu.Unlock()
			fmt.Fprintf(io.ErrOut, "%s %s\n", errStyles.Warning("warning:"), fmt.Sprintf(format, args...))
		}
		go watchClusterIngresses(ctx, opts, io, p, src, reloaded, warn)
	}
	err := p.Serve(ctx, proxy.ServeOptions{
		Address:   opts.Address,
		HTTPPort:  plan.HTTPPort,
		HTTPSPort: plan.HTTPSPort,
		Ports:     plan.Ports,
		Ready: func(httpAddr, httpsAddr string) {
			logMu.Lock()
			defer logMu.Unlock()
			_ = printer.ProxyListening(io.ErrOut, errStyles, httpAddr, httpsAddr)
		},
		Bound: func(bound []proxy.BoundPort) {
			logMu.Lock()
			defer logMu.Unlock()
			_ = printer.ProxyListenerPorts(io.ErrOut, errStyles, bound)
		},
		// A reload that adds a listener port serves it, by --listen or
		// on the same number, and one that removes it closes its port.
		Replan: func(ports []proxy.ListenerPort) []proxy.ServePort {
			return proxy.PlanPorts(ports, opts.listen, opts.HTTPPort, opts.HTTPSPort, https).Ports
		},
		Rebound: func(opened, closed []proxy.BoundPort, err error) {
			logMu.Lock()
			defer logMu.Unlock()
			_ = printer.ProxyClosedPorts(io.ErrOut, errStyles, closed)
			_ = printer.ProxyListenerPorts(io.ErrOut, errStyles, opened)
			if err != nil {
				fmt.Fprintf(io.ErrOut, "%s %v\n", errStyles.Error("error:"), err)
			}
		},
		ShutdownTimeout: 10 * time.Second,
		IdleTimeout:     opts.IdleTimeout,
		MaxConns:        opts.MaxConns,
	})
	if err == nil {
		logMu.Lock()
		fmt.Fprintln(io.ErrOut, "Stopped.")
		logMu.Unlock()
	}
	var le *proxy.ListenError
	if errors.As(err, &le) {
		return fmt.Errorf("%w; serve it on another port with --listen %d=<port>", err, le.Listener)
	}
	return err
}

// parseListen reads a --listen value, <listenerPort>=<localPort>.
func parseListen(s string) (int32, int, error) {
	lp, local, ok := strings.Cut(s, "=")
	if !ok {
		return 0, 0, fmt.Errorf("--listen %q: want <listenerPort>=<localPort>", s)
	}
	l, err := strconv.Atoi(lp)
	if err != nil || l < 1 || l > 65535 {
		return 0, 0, fmt.Errorf("--listen %q: listener port %q is not 1-65535", s, lp)
	}
	n, err := strconv.Atoi(local)
	if err != nil || n < 0 || n > 65535 {
		return 0, 0, fmt.Errorf("--listen %q: local port %q is not 0-65535", s, local)
	}
	return int32(l), n, nil
}

// lockedWriter serializes writes with the access log and reload
// messages, so lines never interleave.
type lockedWriter struct {
	mu *sync.Mutex
	w  interface{ Write([]byte) (int, error) }
}

func (l lockedWriter) Write(b []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(b)
}

// watchClusterIngresses reloads the routing table from the cluster after
// the Ingresses change, until ctx is done. Changes that come in a burst
// (an apply of several objects) make one reload. The first reload, which
// catches up with changes made while the proxy started, is reported only
// when it changed the routes. The warnings of reading the cluster were
// written at start-up and are not repeated. A watch the cluster refuses
// is reported once through warn; the proxy goes on with the routes it has.
func watchClusterIngresses(ctx context.Context, opts *proxyOptions, io *IO, p *proxy.Proxy, src proxy.Source, reloaded func(error), warn func(string, ...any)) {
	clients, namespace, err := opts.Cluster.clients()
	if err != nil {
		warn("not following changes to the cluster's Ingresses: %v", err)
		return
	}
	quiet := *io
	quiet.ErrOut = goio.Discard
	kick := make(chan struct{}, 1)
	go func() {
		err := cluster.WatchIngresses(ctx, clients, namespace, func() {
			select {
			case kick <- struct{}{}:
			default:
			}
		})
		if err != nil && ctx.Err() == nil {
			warn("not following changes to the cluster's Ingresses: %v", err)
		}
	}()
	const settle = 200 * time.Millisecond
	for first := true; ; first = false {
		select {
		case <-ctx.Done():
			return
		case <-kick:
		}
		// Let the rest of a burst arrive.
		t := time.NewTimer(settle)
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case <-t.C:
		}
		select {
		case <-kick:
		default:
		}
		var before []proxy.Route
		if first {
			before = p.Routes()
		}
		snap, err := opts.Cluster.Load(ctx, &quiet)
		if ctx.Err() != nil {
			return
		}
		if err == nil {
			err = p.LoadSet(ctx, snap.Set, src)
		}
		if first && err == nil && slices.Equal(before, p.Routes()) {
			continue
		}
		reloaded(err)
	}
}
