package proxy

import (
	"strconv"

	"github.com/ingresskit/ingresskit/manifest"
	"github.com/ingresskit/ingresskit/simulate"
)

// Route is one row of the start-up banner: a compiled route and where
// its requests go.
type Route struct {
	// Ingress is namespace/name.
	Ingress string
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

// rows lists the routes of t, as Routes does.
func (t *table) rows() []Route {
	var out []Route
	for _, r := range t.index.Routes() {
		row := Route{Ingress: r.Ingress.Key(), Host: r.Host, Path: r.Path, PathType: string(r.PathType)}
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
			key := backendRef{ns: r.Ingress.Namespace, svc: s.Name, port: port}
			row.Backend = key.String()
			if u, ok := t.upstreams.resolve(t.set, key); ok {
				row.Upstream = u.URL.Host
				if u.URL.Scheme == "https" {
					row.Upstream = u.URL.String()
				}
			}
		} else if res := r.Backend.Resource; res != nil {
			row.Backend = res.Kind + "/" + res.Name
		}
		if r.Host != "" {
			d := t.index.Lookup(simulate.Request{Scheme: "https", Host: hostForTLS(r.Host), Path: "/"})
			row.TLS = d.TLS != nil
		}
		out = append(out, row)
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

// ServesTLS reports whether any Ingress of the loaded table has a
// spec.tls entry, so that HTTPS is worth serving.
func (p *Proxy) ServesTLS() bool {
	t := p.tab.Load()
	if t == nil {
		return false
	}
	excluded := map[*manifest.Ingress]bool{}
	for _, ing := range t.index.Excluded() {
		excluded[ing] = true
	}
	for _, ing := range t.set.Ingresses {
		if len(ing.Spec.TLS) > 0 && !excluded[ing] {
			return true
		}
	}
	return false
}
