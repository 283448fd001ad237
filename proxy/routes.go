package proxy

import (
	"fmt"
	"strconv"
	"strings"

	gwv1 "sigs.k8s.io/gateway-api/apis/v1"

	"github.com/ingresskit/ingresskit/manifest"
	"github.com/ingresskit/ingresskit/simulate"
	"github.com/ingresskit/ingresskit/simulate/gateway"
	"github.com/ingresskit/ingresskit/simulate/istio"
)

// Route is one row of the start-up banner: a compiled route and where
// its requests go.
type Route struct {
	// DataPlane names the data plane of the route (simulate.DataPlane
	// Name: "ingress class nginx", "gateway infra/prod").
	DataPlane string
	// Ingress is namespace/name of an Ingress route; empty for the
	// routes of other data planes, which Kind and Object name.
	Ingress string
	// Kind and Object name a Gateway API or Istio route: "HTTPRoute" or
	// "VirtualService", and namespace/name.
	Kind, Object string
	// Weight is the backend's weight in a rule that splits traffic
	// (Gateway API backendRefs, Istio destinations); 0 for Ingress. A
	// rule of several backends has one row per backend.
	Weight int32
	// Redirect describes a redirect the route answers with instead of
	// a backend.
	Redirect string
	// Host is the rule's host ("*" for every host); Path and PathType
	// are as written, both empty for a defaultBackend.
	Host, Path, PathType string
	// Backend is NS/SERVICE:PORT, or KIND/NAME for a resource backend.
	Backend string
	// Upstream is the mapped HOST:PORT (with scheme when https); empty
	// when the backend has no upstream.
	Upstream string
	// TLS is true when a spec.tls entry covers the host.
	TLS bool
}

// Routes lists the loaded table in the engine's order (simulate.Index.Routes),
// nil before the first Load.
func (p *Proxy) Routes() []Route {
	t := p.tab.Load()
	if t == nil {
		return nil
	}
	return t.rows()
}

// rows lists the routes of t, as Routes does: the data planes in
// simulate's order, each plane's routes in its own order.
func (t *table) rows() []Route {
	var out []Route
	for _, dp := range t.planes {
		switch p := dp.(type) {
		case *simulate.IngressPlane:
			out = append(out, t.ingressRows(p)...)
		case *gateway.Plane:
			out = append(out, t.gatewayRows(p)...)
		case *istio.Plane:
			out = append(out, t.istioRows(p)...)
		}
	}
	return out
}

// ingressRows lists the routes of an Ingress data plane.
func (t *table) ingressRows(ip *simulate.IngressPlane) []Route {
	var out []Route
	for _, r := range ip.Index().Routes() {
		row := Route{DataPlane: ip.Name(), Ingress: r.Ingress.Key(), Host: r.Host, Path: r.Path, PathType: string(r.PathType)}
		if r.Host == "" {
			row.Host = "*"
		}
		if r.DefaultBackend {
			row.Path, row.PathType = "", ""
		}
		if s := r.Backend.Service; s != nil {
			port := s.Port.Name
			if port == "" {
				port = strconv.Itoa(int(s.Port.Number))
			}
			t.upstreamOf(&row, backendRef{ns: r.Ingress.Namespace, svc: s.Name, port: port})
		} else if res := r.Backend.Resource; res != nil {
			row.Backend = res.Kind + "/" + res.Name
		}
		if r.Host != "" {
			d := ip.Lookup(simulate.Request{Scheme: "https", Host: hostForTLS(r.Host), Path: "/"})
			row.TLS = d.TLS != nil
		}
		out = append(out, row)
	}
	return out
}

// upstreamOf fills the backend of row and the upstream it resolves to.
func (t *table) upstreamOf(row *Route, key backendRef) {
	row.Backend = key.String()
	if u, ok := t.upstreams.resolve(t.set, key); ok {
		row.Upstream = u.URL.Host
		if u.URL.Scheme == "https" {
			row.Upstream = u.URL.String()
		}
	}
}

// gatewayRows lists the matches of the routes attached to a Gateway, as
// `ingresskit routes` does (gateway.Model.Rules), one row per backend.
func (t *table) gatewayRows(p *gateway.Plane) []Route {
	tls := map[string]bool{}
	for _, l := range p.Gateway().Spec.Listeners {
		tls[string(l.Name)] = l.Protocol == gwv1.HTTPSProtocolType
	}
	var out []Route
	for _, r := range p.Rules() {
		row := Route{DataPlane: p.Name(), Kind: r.Kind, Object: r.Namespace + "/" + r.Name, Host: strings.Join(r.Hostnames, ","),
			Path: r.Path, PathType: r.PathType, Redirect: r.Redirect}
		if row.Host == "" {
			row.Host = "*"
		}
		for _, l := range r.Listeners {
			row.TLS = row.TLS || tls[l]
		}
		if len(r.Backends) == 0 || r.Redirect != "" {
			out = append(out, row)
			continue
		}
		for _, b := range r.Backends {
			br := row
			if len(r.Backends) > 1 {
				br.Weight = b.Weight
			}
			t.upstreamOf(&br, backendRef{ns: b.Namespace, svc: b.Name, port: strconv.Itoa(int(b.Port))})
			out = append(out, br)
		}
	}
	return out
}

// istioRows lists the http routes of the VirtualServices bound to an
// Istio Gateway, one row per destination.
func (t *table) istioRows(p *istio.Plane) []Route {
	tlsHosts := false
	for _, s := range p.Gateway().Spec.Servers {
		if proto := strings.ToUpper(s.Port.Protocol); proto == "HTTPS" || proto == "TLS" {
			tlsHosts = true
		}
	}
	var out []Route
	for _, vs := range p.VirtualServices() {
		for _, h := range vs.Spec.HTTP {
			row := Route{DataPlane: p.Name(), Kind: "VirtualService", Object: vs.Key(), Host: strings.Join(vs.Spec.Hosts, ","), TLS: tlsHosts}
			row.Path = "/"
			row.PathType = "Prefix"
			if len(h.Match) > 0 && h.Match[0].URI != nil {
				u := h.Match[0].URI
				switch {
				case u.Exact != "":
					row.Path, row.PathType = u.Exact, "Exact"
				case u.Prefix != "":
					row.Path, row.PathType = u.Prefix, "Prefix"
				case u.Regex != "":
					row.Path, row.PathType = u.Regex, "Regex"
				}
			}
			if len(h.Match) > 1 {
				row.PathType += fmt.Sprintf(" (+%d matches)", len(h.Match)-1)
			}
			switch {
			case h.Redirect != nil:
				row.Redirect = "redirect"
				out = append(out, row)
				continue
			case h.DirectResponse != nil:
				row.Redirect = fmt.Sprintf("directResponse %d", h.DirectResponse.Status)
				out = append(out, row)
				continue
			case h.Delegate != nil:
				row.Redirect = "delegate " + h.Delegate.Name
				out = append(out, row)
				continue
			}
			for _, dest := range h.Route {
				br := row
				if len(h.Route) > 1 {
					br.Weight = dest.Weight
				}
				ns, name := istio.ServiceOf(dest.Destination.Host, vs.Namespace)
				port := int32(0)
				if dest.Destination.Port != nil {
					port = int32(dest.Destination.Port.Number)
				} else if svc := t.set.Service(ns, name); svc != nil && len(svc.Spec.Ports) == 1 {
					port = svc.Spec.Ports[0].Port
				}
				t.upstreamOf(&br, backendRef{ns: ns, svc: name, port: strconv.Itoa(int(port))})
				out = append(out, br)
			}
		}
	}
	return out
}

// hostForTLS turns a wildcard pattern into a host it covers.
func hostForTLS(pattern string) string {
	if len(pattern) > 2 && pattern[:2] == "*." {
		return "x" + pattern[1:]
	}
	return pattern
}

// Upstreams lists the loaded upstream mappings, sorted by backend.
func (p *Proxy) Upstreams() []Upstream {
	t := p.tab.Load()
	if t == nil {
		return nil
	}
	return t.upstreams.sorted()
}

// ServesTLS reports whether the loaded table has HTTPS to serve on port
// 443: an Ingress with a spec.tls entry, or an HTTPS listener or server
// on 443.
func (p *Proxy) ServesTLS() bool {
	t := p.tab.Load()
	if t == nil {
		return false
	}
	for _, dp := range t.byPort[portKey{443, true}] {
		if _, ok := dp.(*simulate.IngressPlane); !ok {
			return true
		}
	}
	for _, ip := range t.ingress {
		excluded := map[*manifest.Ingress]bool{}
		for _, ing := range ip.Index().Excluded() {
			excluded[ing] = true
		}
		for _, ing := range t.set.Ingresses {
			if len(ing.Spec.TLS) > 0 && !excluded[ing] {
				return true
			}
		}
	}
	return false
}
