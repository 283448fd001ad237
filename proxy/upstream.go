package proxy

import (
	"bufio"
	"bytes"
	"fmt"
	"net"
	"net/url"
	"os"
	"sort"
	"strconv"
	"strings"

	"k8s.io/apimachinery/pkg/util/validation"

	"github.com/ingresskit/ingresskit/manifest"
)

// Upstream points one Service port at a local address.
type Upstream struct {
	// Namespace, Service and Port name the backend as an Ingress writes
	// it; Port is a number or a port name.
	Namespace, Service, Port string
	// URL is where requests for the backend go: http://host:port or
	// https://host:port.
	URL *url.URL
	// Pos is where the mapping was written (a file position, or the
	// flag for mappings given on the command line).
	Pos manifest.Pos
	// Status, when set, is asked before each request is forwarded; an
	// error answers the request 502 with the error's text and nothing is
	// dialed. A port-forward that is reconnecting reports itself here, so
	// clients read why instead of a bare connection failure.
	Status func() error
}

// Key returns NS/SERVICE:PORT.
func (u Upstream) Key() string { return u.ref().String() }

func (u Upstream) ref() backendRef { return backendRef{ns: u.Namespace, svc: u.Service, port: u.Port} }

// backendRef names a Service port as a backend writes it.
type backendRef struct{ ns, svc, port string }

// String returns NS/SERVICE:PORT.
func (b backendRef) String() string { return b.ns + "/" + b.svc + ":" + b.port }

// String returns NS/SERVICE:PORT=HOST:PORT, the form ParseUpstream reads.
func (u Upstream) String() string {
	target := u.URL.Host
	if u.URL.Scheme == "https" {
		target = u.URL.String()
	}
	return u.Key() + "=" + target
}

// ParseUpstream reads NS/SERVICE:PORT=HOST:PORT. The target may carry an
// http:// or https:// scheme; without one it is plain HTTP, as a
// `kubectl port-forward` serves it.
func ParseUpstream(s string) (Upstream, error) {
	left, right, ok := strings.Cut(strings.TrimSpace(s), "=")
	if !ok {
		return Upstream{}, fmt.Errorf("upstream %q: want NS/SERVICE:PORT=HOST:PORT", s)
	}
	left, right = strings.TrimSpace(left), strings.TrimSpace(right)
	ns, rest, ok := strings.Cut(left, "/")
	if !ok {
		return Upstream{}, fmt.Errorf("upstream %q: %q has no namespace; want NS/SERVICE:PORT", s, left)
	}
	svc, port, ok := strings.Cut(rest, ":")
	if !ok || port == "" {
		return Upstream{}, fmt.Errorf("upstream %q: %q has no port; want NS/SERVICE:PORT", s, left)
	}
	// Names follow the API server's rules so that a typo cannot silently
	// map nothing (k8s.io/apimachinery/pkg/util/validation).
	if errs := validation.IsDNS1123Label(ns); len(errs) > 0 {
		return Upstream{}, fmt.Errorf("upstream %q: namespace %q: %s", s, ns, errs[0])
	}
	if errs := validation.IsDNS1035Label(svc); len(errs) > 0 {
		return Upstream{}, fmt.Errorf("upstream %q: service %q: %s", s, svc, errs[0])
	}
	if n, err := strconv.Atoi(port); err == nil {
		if errs := validation.IsValidPortNum(n); len(errs) > 0 {
			return Upstream{}, fmt.Errorf("upstream %q: port %q: %s", s, port, errs[0])
		}
	} else if errs := validation.IsValidPortName(port); len(errs) > 0 {
		return Upstream{}, fmt.Errorf("upstream %q: port %q: %s", s, port, errs[0])
	}
	u, err := parseTarget(right)
	if err != nil {
		return Upstream{}, fmt.Errorf("upstream %q: %w", s, err)
	}
	return Upstream{Namespace: ns, Service: svc, Port: port, URL: u}, nil
}

func parseTarget(s string) (*url.URL, error) {
	if s == "" {
		return nil, fmt.Errorf("no target; want HOST:PORT")
	}
	if !strings.Contains(s, "://") {
		s = "http://" + s
	}
	u, err := url.Parse(s)
	if err != nil {
		return nil, fmt.Errorf("target: %w", err)
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return nil, fmt.Errorf("target %q: scheme must be http or https", s)
	}
	if (u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.User != nil {
		return nil, fmt.Errorf("target %q: want HOST:PORT with no path", s)
	}
	host, port, err := net.SplitHostPort(u.Host)
	if err != nil || host == "" {
		return nil, fmt.Errorf("target %q: want HOST:PORT", s)
	}
	if n, err := strconv.Atoi(port); err != nil || n < 1 || n > 65535 {
		return nil, fmt.Errorf("target %q: port %q is not 1-65535", s, port)
	}
	return &url.URL{Scheme: u.Scheme, Host: u.Host}, nil
}

// ReadUpstreams parses an upstreams file: one NS/SERVICE:PORT=HOST:PORT a
// line; blank lines and lines starting with # are ignored. Every bad
// line is reported, with its position, in a *manifest.LoadError.
func ReadUpstreams(name string, data []byte) ([]Upstream, error) {
	var ups []Upstream
	var errs []*manifest.InputError
	sc := bufio.NewScanner(bytes.NewReader(data))
	for line := 1; sc.Scan(); line++ {
		text := strings.TrimSpace(sc.Text())
		if text == "" || strings.HasPrefix(text, "#") {
			continue
		}
		u, err := ParseUpstream(text)
		pos := manifest.Pos{File: name, Line: line}
		if err != nil {
			errs = append(errs, &manifest.InputError{Pos: pos, Msg: err.Error()})
			continue
		}
		u.Pos = pos
		ups = append(ups, u)
	}
	if err := sc.Err(); err != nil {
		errs = append(errs, &manifest.InputError{Pos: manifest.Pos{File: name}, Msg: err.Error()})
	}
	if len(errs) > 0 {
		return ups, &manifest.LoadError{Errors: errs}
	}
	return ups, nil
}

// ReadUpstreamsFile reads and parses the upstreams file at path.
func ReadUpstreamsFile(path string) ([]Upstream, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read upstreams: %w", err)
	}
	return ReadUpstreams(path, data)
}

// upstreamMap resolves backends to upstreams. Later entries win, so a
// flag given after a file overrides it.
type upstreamMap map[backendRef]Upstream

func newUpstreamMap(lists ...[]Upstream) upstreamMap {
	m := upstreamMap{}
	for _, l := range lists {
		for _, u := range l {
			m[u.ref()] = u
		}
	}
	return m
}

// resolve finds the upstream of a Service backend. A backend may name its
// port by number or by name and the mapping may use the other form; the
// Service in the manifests, when present, links the two, as the
// controllers resolve service.port.name through the Service's ports
// (k8s.io/api/networking/v1 ServiceBackendPort).
func (m upstreamMap) resolve(set *manifest.Set, b backendRef) (Upstream, bool) {
	if u, ok := m[b]; ok {
		return u, true
	}
	if set == nil {
		return Upstream{}, false
	}
	s := set.Service(b.ns, b.svc)
	if s == nil {
		return Upstream{}, false
	}
	for _, p := range s.Spec.Ports {
		num := strconv.Itoa(int(p.Port))
		var other string
		switch b.port {
		case num:
			other = p.Name
		case p.Name:
			other = num
		}
		if other == "" {
			continue
		}
		if u, ok := m[backendRef{ns: b.ns, svc: b.svc, port: other}]; ok {
			return u, true
		}
	}
	return Upstream{}, false
}

// sorted returns the upstreams ordered by key.
func (m upstreamMap) sorted() []Upstream {
	out := make([]Upstream, 0, len(m))
	for _, u := range m {
		out = append(out, u)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Key() < out[j].Key() })
	return out
}
