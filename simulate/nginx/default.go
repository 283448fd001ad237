package nginx

import (
	"fmt"

	networkingv1 "k8s.io/api/networking/v1"

	"github.com/ingresskit/ingresskit/manifest"
	"github.com/ingresskit/ingresskit/simulate"
)

// nginxDefault returns what the root location of a server serves when no
// location of an Ingress path matches (controller.go createServers): for
// a host, the spec.defaultBackend of the host's first Ingress ("Using its
// backend as default upstream for all its rules"); for the catch-all
// server, the spec.defaultBackend of the first Ingress without rules
// ("Ingress with a backend but no rule"); else the controller's default
// backend, which answers 404 (nil).
func (st *nginxState) nginxDefault(srv *nginxServer) *manifest.Ingress {
	if srv.host != "" {
		root := srv.locs[0]
		for _, l := range srv.locs {
			if l.path == "/" && (l.isDef || l.pathType == networkingv1.PathTypePrefix) {
				root = l
			}
		}
		if root.ing != nil && root.ing.Spec.DefaultBackend != nil && root.ing.Spec.DefaultBackend.Service != nil {
			return root.ing
		}
		return nil
	}
	return st.catchAll
}

// applyDefault sets an unmatched decision to what nginx serves: the
// engine's spec.defaultBackend choice spans all Ingresses, nginx's does
// not.
func (st *nginxState) applyDefault(d *simulate.Decision, srv *nginxServer) {
	ing := st.nginxDefault(srv)
	if ing == nil {
		if d.Matched {
			d.Notes = append(d.Notes, fmt.Sprintf("ingress-nginx does not use the spec.defaultBackend of %s for this host", d.Ingress.Key()))
		}
		d.Matched, d.DefaultBackend, d.Ingress = false, false, nil
		d.Backend = networkingv1.IngressBackend{}
		d.Conflict = nil
		return
	}
	d.Matched, d.DefaultBackend, d.Ingress = true, true, ing
	d.Rule, d.PathIndex = -1, -1
	d.Backend = *ing.Spec.DefaultBackend
	d.Conflict = nil
	if srv.host != "" {
		d.Notes = append(d.Notes, fmt.Sprintf("no location matches: the server's root location uses the spec.defaultBackend of %s, the host's first Ingress", ing.Key()))
	} else {
		d.Notes = append(d.Notes, fmt.Sprintf("no server names the host: the catch-all server uses the spec.defaultBackend of %s, an Ingress without rules", ing.Key()))
	}
}
