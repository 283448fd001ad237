package proxy

import (
	"fmt"
	"net"
	"sort"
	"strconv"
	"strings"

	gwv1 "sigs.k8s.io/gateway-api/apis/v1"

	"github.com/ingresskit/ingresskit/manifest"
	"github.com/ingresskit/ingresskit/simulate"
	"github.com/ingresskit/ingresskit/simulate/gateway"
	"github.com/ingresskit/ingresskit/simulate/istio"
)

// portKey is a port of the data planes: the listener port a request
// arrives on as the manifests write it (80 and 443 for Ingress), and
// whether TLS is terminated there.
type portKey struct {
	port int32
	tls  bool
}

// defaultPortKey is the port a request is taken to arrive on when the
// server did not say (the handler used on its own): 80 for http, 443 for
// https, the ports the Ingress data planes serve.
func defaultPortKey(https bool) portKey {
	if https {
		return portKey{443, true}
	}
	return portKey{80, false}
}

// ListenerPort is one port the loaded data planes serve.
type ListenerPort struct {
	// Port is the listener port as the manifests write it: a Gateway
	// listener's port, an Istio server's port, or 80 and 443 for the
	// Ingress data planes.
	Port int32
	// TLS is true when TLS is terminated on the port: an HTTPS listener
	// or server, or 443 for Ingress.
	TLS bool
	// DataPlanes names the data planes the port serves, in the order they
	// answer (simulate's order).
	DataPlanes []string
}

// buildPlanes returns the data planes the proxy serves, in the order
// `ingresskit simulate` answers with them: the Ingress data planes (one
// per class, under its controller's profile), then one per Gateway API
// Gateway, then one per Istio Gateway. opts.Gateway keeps that Gateway's
// plane only; opts.IngressClass the plane of that class only.
func buildPlanes(set *manifest.Set, opts Options) ([]simulate.DataPlane, []*simulate.IngressPlane, error) {
	applied := set.Applied()
	var planes []simulate.DataPlane
	if opts.Gateway != "" {
		for _, p := range gateway.Build(applied) {
			if p.Gateway().Key() == opts.Gateway {
				planes = append(planes, p)
			}
		}
		for _, p := range istio.Build(applied) {
			if p.Gateway().Key() == opts.Gateway {
				planes = append(planes, p)
			}
		}
		if len(planes) == 0 {
			have := applied.GatewayKeys()
			if len(have) == 0 {
				return nil, nil, fmt.Errorf("gateway %s: the input has no Gateway", opts.Gateway)
			}
			return nil, nil, fmt.Errorf("gateway %s: no such Gateway in the input (have %s)", opts.Gateway, strings.Join(have, ", "))
		}
		return planes, nil, nil
	}
	var ingress []*simulate.IngressPlane
	gateways := len(applied.Gateways) + len(applied.IstioGateways)
	if opts.IngressClass != "" || len(applied.Ingresses) > 0 || gateways == 0 {
		ips, err := simulate.IngressPlanes(set, simulate.Options{IngressClass: opts.IngressClass, Profile: opts.Profile})
		if err != nil {
			return nil, nil, err
		}
		if len(ips) == 0 && (opts.IngressClass != "" || gateways == 0) {
			// Nothing to route: every request is answered "no match"
			// under the chosen profile.
			ips = append(ips, simulate.EmptyIngressPlane(opts.Profile))
		}
		for _, ip := range ips {
			planes = append(planes, ip)
		}
		ingress = ips
	}
	if opts.IngressClass == "" {
		for _, p := range gateway.Build(applied) {
			planes = append(planes, p)
		}
		for _, p := range istio.Build(applied) {
			planes = append(planes, p)
		}
	}
	return planes, ingress, nil
}

// planePorts returns the ports a data plane serves: 80 and 443 for an
// Ingress plane; the HTTP and HTTPS listeners of a Gateway (other
// protocols carry no HTTP the proxy can route: GatewaySpec.Listeners,
// ProtocolType in apis/v1 gateway_types.go); the servers of an Istio
// Gateway, HTTPS for a server of protocol HTTPS or TLS with tls
// settings, as the istio data plane reads them (simulate/istio), plain
// for HTTP, HTTP2 and GRPC. skipped describes the listeners left out.
func planePorts(dp simulate.DataPlane) (keys []portKey, skipped []string) {
	add := func(k portKey) {
		for _, have := range keys {
			if have == k {
				return
			}
		}
		keys = append(keys, k)
	}
	switch p := dp.(type) {
	case *gateway.Plane:
		for _, l := range p.Gateway().Spec.Listeners {
			switch l.Protocol {
			case gwv1.HTTPProtocolType:
				add(portKey{int32(l.Port), false})
			case gwv1.HTTPSProtocolType:
				add(portKey{int32(l.Port), true})
			default:
				skipped = append(skipped, fmt.Sprintf("%s listener %s (port %d, %s): the proxy serves HTTP and HTTPS listeners only", dp.Name(), l.Name, l.Port, l.Protocol))
			}
		}
	case *istio.Plane:
		for _, s := range p.Gateway().Spec.Servers {
			proto := strings.ToUpper(s.Port.Protocol)
			switch {
			case proto == "HTTPS" || proto == "TLS" && s.TLS != nil:
				if s.TLS != nil && strings.EqualFold(s.TLS.Mode, "PASSTHROUGH") {
					skipped = append(skipped, fmt.Sprintf("%s server %s (port %d): tls mode PASSTHROUGH hands the TLS stream to the backend, which the proxy does not do", dp.Name(), s.Port.Name, s.Port.Number))
					continue
				}
				add(portKey{int32(s.Port.Number), true})
			case proto == "HTTP" || proto == "HTTP2" || proto == "GRPC":
				add(portKey{int32(s.Port.Number), false})
			default:
				skipped = append(skipped, fmt.Sprintf("%s server %s (port %d, %s): the proxy serves HTTP and HTTPS servers only", dp.Name(), s.Port.Name, s.Port.Number, s.Port.Protocol))
			}
		}
	default:
		add(portKey{80, false})
		add(portKey{443, true})
	}
	return keys, skipped
}

// planeRequest is req as a data plane reads it on port k: the Gateway
// data planes pick a listener by the port in the Host header
// (simulate/gateway and simulate/istio parse it so), which locally is
// the port the proxy listens on, so it is replaced by the listener port
// the request came in for. Ingress ignores ports.
func planeRequest(req simulate.Request, k portKey) simulate.Request {
	// Query parameter matches and redirects read the query, which the
	// proxy keeps in URL, the request-target as received.
	if i := strings.IndexByte(req.URL, '?'); i >= 0 && !strings.Contains(req.Path, "?") {
		req.Path += req.URL[i:]
	}
	req.Host = net.JoinHostPort(hostOnly(req.Host), strconv.Itoa(int(k.port)))
	if k.tls {
		req.Scheme = "https"
	} else {
		req.Scheme = "http"
	}
	return req
}

// decide answers req, arriving on port k, as `ingresskit simulate` does:
// the first data plane of the port that serves the request answers
// (simulate lists every one that does, in the same order; the route
// table names the hosts several claim). When none serves it, the one
// plane of the port gives its own unmatched answer, or simulate.Answer
// says no data plane serves the host. A port no data plane serves
// answers 404. ingress is true when the answer is an Ingress data
// plane's, or no plane's on a port only Ingress planes serve.
func (t *table) decide(req simulate.Request, k portKey) (d simulate.Decision, ingress bool) {
	ingress = t.decideInto(&d, req, k)
	return d, ingress
}

// decideInto is decide writing the answer into d, which spares the
// fast path a copy of the decision per request.
func (t *table) decideInto(d *simulate.Decision, req simulate.Request, k portKey) (ingress bool) {
	var planes []simulate.DataPlane
	switch k {
	case portKey{80, false}:
		planes = t.http
	case portKey{443, true}:
		planes = t.https
	default:
		planes = t.byPort[k]
	}
	if len(planes) == 1 {
		if ip, ok := planes[0].(*simulate.IngressPlane); ok {
			// The common case, kept as cheap as the index itself: the
			// fast path asks it for every request.
			*d = ip.Index().Lookup(req)
			d.DataPlane = ip.Name()
			return true
		}
	}
	var greq simulate.Request
	ask := func(dp simulate.DataPlane) (simulate.Request, bool) {
		if _, ok := dp.(*simulate.IngressPlane); ok {
			return req, true
		}
		if greq.Host == "" {
			greq = planeRequest(req, k)
		}
		return greq, false
	}
	switch len(planes) {
	case 0:
		host := simulate.CanonicalHost(req.Host)
		*d = simulate.Decision{URL: req.String(), Rule: -1, PathIndex: -1, MatchIndex: -1, RequestHost: host,
			NormalizedPath: simulate.NormalizePath(pathOnly(req.Path)), Status: 404,
			Notes: []string{fmt.Sprintf("no data plane serves port %d", k.port)}}
		return false
	case 1:
		r, ing := ask(planes[0])
		*d = planes[0].Lookup(r)
		d.DataPlane = planes[0].Name()
		return ing
	}
	all := true
	for _, dp := range planes {
		r, ing := ask(dp)
		all = all && ing
		if dp.Serves(r) {
			*d = dp.Lookup(r)
			d.DataPlane = dp.Name()
			return ing
		}
	}
	r, _ := ask(planes[len(planes)-1])
	*d = simulate.Answer(planes, r, false)[0]
	if !all && d.Status == 0 && !d.Matched {
		d.Status = 404
	}
	return all
}

// pathOnly is the path of a request-target without query or fragment.
func pathOnly(p string) string {
	if i := strings.IndexAny(p, "?#"); i >= 0 {
		p = p[:i]
	}
	if p == "" {
		return "/"
	}
	return p
}

// ListenerPorts lists the ports the loaded data planes serve, sorted by
// port, plain before TLS; nil before the first Load.
func (p *Proxy) ListenerPorts() []ListenerPort {
	t := p.tab.Load()
	if t == nil {
		return nil
	}
	out := make([]ListenerPort, 0, len(t.byPort))
	for k, planes := range t.byPort {
		lp := ListenerPort{Port: k.port, TLS: k.tls}
		for _, dp := range planes {
			lp.DataPlanes = append(lp.DataPlanes, dp.Name())
		}
		out = append(out, lp)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Port != out[j].Port {
			return out[i].Port < out[j].Port
		}
		return !out[i].TLS && out[j].TLS
	})
	return out
}

// Notes are remarks about the loaded table for the route table on
// stderr: the hosts several data planes claim on one port and which one
// answers, and the listeners the proxy does not serve.
func (p *Proxy) Notes() []string {
	t := p.tab.Load()
	if t == nil {
		return nil
	}
	return append([]string(nil), t.notes...)
}

// maxClaimNotes bounds the hosts claimed by several data planes that the
// notes name per port, as simulate bounds its conflict lists.
const maxClaimNotes = 10

// claims returns, for each port with several data planes, the hosts
// more than one of them serves, as notes naming the one that answers: at
// most maxClaimNotes per port, then how many more.
func (t *table) claims() []string {
	keys := make([]portKey, 0, len(t.byPort))
	for k := range t.byPort {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		if keys[i].port != keys[j].port {
			return keys[i].port < keys[j].port
		}
		return !keys[i].tls && keys[j].tls
	})
	var out []string
	for _, k := range keys {
		planes := t.byPort[k]
		if len(planes) < 2 {
			continue
		}
		var hosts []string
		seen := map[string]bool{}
		for _, dp := range planes {
			for _, h := range t.planeHosts(dp) {
				if !seen[h] {
					seen[h] = true
					hosts = append(hosts, h)
				}
			}
		}
		sort.Strings(hosts)
		scheme := "http"
		if k.tls {
			scheme = "https"
		}
		shown, more := 0, 0
		for _, h := range hosts {
			req := simulate.Request{Scheme: scheme, Host: hostForTLS(h), Path: "/"}
			// The Gateway planes read the port: one request for all.
			onPort := planeRequest(req, k)
			var by []string
			for _, dp := range planes {
				r := onPort
				if _, ok := dp.(*simulate.IngressPlane); ok {
					r = req
				}
				if dp.Serves(r) {
					by = append(by, dp.Name())
				}
			}
			switch {
			case len(by) < 2:
			case shown == maxClaimNotes:
				more++
			default:
				shown++
				out = append(out, fmt.Sprintf("host %s on port %d (%s) is claimed by %s: %s answers, as it is simulate's first answer",
					h, k.port, scheme, strings.Join(by, ", "), by[0]))
			}
		}
		if more > 0 {
			out = append(out, fmt.Sprintf("%d more hosts on port %d (%s) are claimed by several data planes; `ingresskit simulate` lists every answer for a URL", more, k.port, scheme))
		}
	}
	return out
}

// planeHosts lists the hosts a data plane's routes name ("*" for a rule
// of every host), for the claims check.
func (t *table) planeHosts(dp simulate.DataPlane) []string {
	var out []string
	switch p := dp.(type) {
	case *simulate.IngressPlane:
		for _, r := range p.Index().Routes() {
			if r.Host != "" {
				out = append(out, strings.ToLower(r.Host))
			}
		}
	case *gateway.Plane:
		for _, r := range p.Rules() {
			for _, h := range r.Hostnames {
				out = append(out, strings.ToLower(h))
			}
		}
		for _, l := range p.Gateway().Spec.Listeners {
			if l.Hostname != nil {
				out = append(out, strings.ToLower(string(*l.Hostname)))
			}
		}
	case *istio.Plane:
		for _, vs := range p.VirtualServices() {
			for _, h := range vs.Spec.Hosts {
				if h != "*" {
					out = append(out, strings.ToLower(istio.ServerHost(h)))
				}
			}
		}
	}
	return out
}
