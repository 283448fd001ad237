package manifest

import (
	"fmt"
	"sort"

	networkingv1 "k8s.io/api/networking/v1"
)

// Route is one path of one rule of an Ingress, or its defaultBackend, as
// declared: the rows of `ingresskit routes`.
type Route struct {
	Ingress *Ingress
	// Class is the IngressClass the Ingress asks for ("" when none and no
	// default class is marked).
	Class string
	// Host is the rule's host; "" for rules without host and for the
	// defaultBackend.
	Host     string
	Path     string
	PathType string
	Backend  networkingv1.IngressBackend
	// TLSSecret names the Secret of the spec.tls entry covering Host, "" if
	// none does.
	TLSSecret string
	// DefaultBackend marks the row of spec.defaultBackend.
	DefaultBackend bool
	// Pos is where the path (or defaultBackend) is written.
	Pos Pos
	// DataPlane and Profile name the data plane of the Ingress's class
	// and the profile that answers it; Routes leaves them empty and
	// simulate.IngressRoutes fills them in.
	DataPlane, Profile string
}

// Routes lists every route of the applied input (Applied), sorted by host (rules without host
// last), then path, then pathType, then namespace and name of the Ingress,
// and input position; defaultBackend rows come after the rules of all hosts.
func (s *Set) Routes() []Route {
	def := ""
	if c := s.DefaultClass(); c != nil {
		def = c.Name
	}
	var out []Route
	for _, ing := range s.Applied().Ingresses {
		class := ing.Class()
		if class == "" {
			class = def
		}
		for ri, r := range ing.Spec.Rules {
			if r.HTTP == nil {
				continue
			}
			tls := ""
			if i := ing.TLSFor(r.Host); i >= 0 {
				tls = ing.Spec.TLS[i].SecretName
			}
			for pi, p := range r.HTTP.Paths {
				pt := ""
				if p.PathType != nil {
					pt = string(*p.PathType)
				}
				out = append(out, Route{
					Ingress: ing, Class: class, Host: r.Host, Path: p.Path, PathType: pt,
					Backend: p.Backend, TLSSecret: tls,
					Pos: ing.Source.FieldPos(fmt.Sprintf("spec.rules[%d].http.paths[%d]", ri, pi)),
				})
			}
		}
		if b := ing.Spec.DefaultBackend; b != nil {
			tls := ""
			if len(ing.Spec.TLS) > 0 && len(ing.Spec.TLS[0].Hosts) == 0 {
				tls = ing.Spec.TLS[0].SecretName
			}
			out = append(out, Route{
				Ingress: ing, Class: class, Backend: *b, TLSSecret: tls, DefaultBackend: true,
				Pos: ing.Source.FieldPos("spec.defaultBackend"),
			})
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.DefaultBackend != b.DefaultBackend {
			return !a.DefaultBackend
		}
		if (a.Host == "") != (b.Host == "") {
			return a.Host != ""
		}
		if a.Host != b.Host {
			return a.Host < b.Host
		}
		if a.Path != b.Path {
			return a.Path < b.Path
		}
		if a.PathType != b.PathType {
			return a.PathType < b.PathType
		}
		if ka, kb := a.Ingress.Key(), b.Ingress.Key(); ka != kb {
			return ka < kb
		}
		if a.Pos.File != b.Pos.File {
			return a.Pos.File < b.Pos.File
		}
		return a.Pos.Line < b.Pos.Line
	})
	return out
}

// BackendString formats a backend as service:port, service:portName, or
// Kind/name for a resource backend (with its API group when set).
func BackendString(b networkingv1.IngressBackend) string {
	switch {
	case b.Service != nil:
		if b.Service.Port.Name != "" {
			return b.Service.Name + ":" + b.Service.Port.Name
		}
		return fmt.Sprintf("%s:%d", b.Service.Name, b.Service.Port.Number)
	case b.Resource != nil:
		s := b.Resource.Kind + "/" + b.Resource.Name
		if b.Resource.APIGroup != nil && *b.Resource.APIGroup != "" {
			s += " (" + *b.Resource.APIGroup + ")"
		}
		return s
	}
	return "<none>"
}
