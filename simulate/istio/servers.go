package istio

import (
	"github.com/ingresskit/ingresskit/manifest"
	"github.com/ingresskit/ingresskit/simulate"
)

// ServerFor returns the server of the Gateway that takes req (its port,
// protocol and a host it lists, as Lookup picks it), for callers that
// terminate the server's TLS: `proxy` serves its credentialName.
func (p *Plane) ServerFor(req simulate.Request) (*manifest.IstioServer, bool) {
	return p.server(parse(req))
}

// VirtualServices returns the VirtualServices bound to the Gateway, in
// input order.
func (p *Plane) VirtualServices() []*manifest.VirtualService { return p.vss }
