package nginx

import (
	"strings"

	"github.com/ingresskit/ingresskit/manifest"
)

// ServedBy names the rule path whose location serves a path nginx
// dropped.
type ServedBy struct {
	// Ingress, Rule and Path name the rule path that serves it.
	Ingress    *manifest.Ingress
	Rule, Path int
}

// ServedBy reports, for a rule path that ingress-nginx drops because
// an Ingress it orders earlier (nginxLess: oldest creationTimestamp,
// then namespace/name in descending order) already has a location with
// the same path and pathType in the server, which rule path serves it
// instead (controller.go getBackendServers: "Location %q already
// configured for server %q", the first one wins). It is false for a
// path that has its own location, for canaries and for Ingresses the
// controller ignores.
func (m *Model) ServedBy(ing *manifest.Ingress, rule, path int) (ServedBy, bool) {
	r := m.state().routeFor(ing, rule, path)
	if r == nil || r.droppedFor == nil || r.droppedFor.ing == nil || r.droppedFor.rule < 0 {
		return ServedBy{}, false
	}
	l := r.droppedFor
	return ServedBy{Ingress: l.ing, Rule: l.rule, Path: l.index}, true
}

// HostCertificate reports whether ingress-nginx configures a
// certificate for requests to host, which makes ssl-redirect (on by
// default) redirect them to https: the host's server has one when an
// Ingress of the host has any spec.tls entry (controller.go
// createServers: the Secret named for the host, else the default
// certificate), else the wildcard server of its parent domain does
// (certificate.lua get_pem_cert_uid). host is a request or rule host.
func (m *Model) HostCertificate(host string) bool {
	return m.state().certFor(strings.ToLower(host))
}
