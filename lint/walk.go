package lint

import (
	"fmt"
	"strconv"

	networkingv1 "k8s.io/api/networking/v1"

	"github.com/ingresskit/ingresskit/manifest"
)

// backendRef is one backend of an Ingress and where it is written.
type backendRef struct {
	backend *networkingv1.IngressBackend
	// host is the rule's host; "" for the default backend and catch-all
	// rules.
	host string
	// path is nil for the default backend.
	path *networkingv1.HTTPIngressPath
	// rule and index locate path in spec.rules[rule].http.paths[index];
	// rule is -1 for the default backend.
	rule, index int
}

// field returns the backend's field path. Rules need it only for what
// they report, so it is built on demand rather than for every backend.
func (b backendRef) field() string {
	if b.rule < 0 {
		return "spec.defaultBackend"
	}
	return b.pathField() + ".backend"
}

// pathField returns the path's field path.
func (b backendRef) pathField() string {
	return "spec.rules[" + strconv.Itoa(b.rule) + "].http.paths[" + strconv.Itoa(b.index) + "]"
}

// backends lists the default backend and every path backend of an
// Ingress, in order. The engine computes them once per run (see
// shared.backendsOf); rules call p.backends.
func backends(ing *manifest.Ingress) []backendRef {
	n := 1
	for ri := range ing.Spec.Rules {
		if r := &ing.Spec.Rules[ri]; r.HTTP != nil {
			n += len(r.HTTP.Paths)
		}
	}
	out := make([]backendRef, 0, n)
	if b := ing.Spec.DefaultBackend; b != nil {
		out = append(out, backendRef{backend: b, rule: -1, index: -1})
	}
	for ri := range ing.Spec.Rules {
		r := &ing.Spec.Rules[ri]
		if r.HTTP == nil {
			continue
		}
		for pi := range r.HTTP.Paths {
			p := &r.HTTP.Paths[pi]
			out = append(out, backendRef{backend: &p.Backend, host: r.Host, path: p, rule: ri, index: pi})
		}
	}
	return out
}

// servicePortField returns the field path of a service backend's port.
func servicePortField(b backendRef) string {
	if b.backend.Service.Port.Name != "" {
		return b.field() + ".service.port.name"
	}
	return b.field() + ".service.port.number"
}

// portString formats a service backend port for messages.
func portString(p networkingv1.ServiceBackendPort) string {
	if p.Name != "" {
		return p.Name
	}
	return fmt.Sprint(p.Number)
}

// pathType returns the path type, or "" when it is unset.
func pathType(p *networkingv1.HTTPIngressPath) string {
	if p.PathType == nil {
		return ""
	}
	return string(*p.PathType)
}
