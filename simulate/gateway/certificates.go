package gateway

import "github.com/ingresskit/ingresskit/manifest"

// SecretGranted reports whether a listener of gw may use Secret ns/name
// as a certificate: a Secret of the Gateway's own namespace always, one
// of another namespace when a ReferenceGrant there allows Gateways of
// gw's namespace to refer to it (GatewayTLSConfig.CertificateRefs in
// apis/v1 gateway_types.go, ReferenceGrantSpec in
// referencegrant_types.go).
func SecretGranted(set *manifest.Set, gw *manifest.Gateway, ns, name string) bool {
	if ns == gw.Namespace {
		return true
	}
	for _, g := range set.ReferenceGrants {
		if g.Namespace != ns {
			continue
		}
		from := false
		for _, f := range g.Spec.From {
			if string(f.Group) == manifest.GatewayGroup && f.Kind == "Gateway" && string(f.Namespace) == gw.Namespace {
				from = true
			}
		}
		if !from {
			continue
		}
		for _, t := range g.Spec.To {
			if t.Group == "" && t.Kind == "Secret" && (t.Name == nil || string(*t.Name) == name) {
				return true
			}
		}
	}
	return false
}
