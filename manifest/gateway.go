package manifest

import (
	"strings"

	yaml "go.yaml.in/yaml/v3"
	corev1 "k8s.io/api/core/v1"
	gwv1 "sigs.k8s.io/gateway-api/apis/v1"
)

// GatewayGroup is the API group of the Gateway API
// (sigs.k8s.io/gateway-api apis/v1 doc.go).
const GatewayGroup = "gateway.networking.k8s.io"

// Gateway API versions. v1beta1 objects of the kinds read here have the
// same shape as v1 (apis/v1beta1 declares them as the v1 types), so they
// are decoded as v1 and keep the version as written in Source.APIVersion.
const (
	GatewayV1      = GatewayGroup + "/v1"
	GatewayV1beta1 = GatewayGroup + "/v1beta1"
)

// GatewayClass is a gateway.networking.k8s.io GatewayClass.
type GatewayClass struct {
	gwv1.GatewayClass
	Source Source
}

// Gateway is a gateway.networking.k8s.io Gateway.
type Gateway struct {
	gwv1.Gateway
	Source Source
}

// HTTPRoute is a gateway.networking.k8s.io HTTPRoute.
type HTTPRoute struct {
	gwv1.HTTPRoute
	Source Source
}

// GRPCRoute is a gateway.networking.k8s.io GRPCRoute.
type GRPCRoute struct {
	gwv1.GRPCRoute
	Source Source
}

// ReferenceGrant is a gateway.networking.k8s.io ReferenceGrant.
type ReferenceGrant struct {
	gwv1.ReferenceGrant
	Source Source
}

// BackendTLSPolicy is a gateway.networking.k8s.io BackendTLSPolicy.
type BackendTLSPolicy struct {
	gwv1.BackendTLSPolicy
	Source Source
}

// Namespace is a v1 Namespace, read for its labels: Gateway listeners
// admit routes from the namespaces their allowedRoutes.namespaces.selector
// selects (RouteNamespaces in sigs.k8s.io/gateway-api apis/v1
// gateway_types.go).
type Namespace struct {
	corev1.Namespace
	Source Source
}

// Key returns namespace/name.
func (g *Gateway) Key() string { return g.Namespace + "/" + g.Name }

// Key returns namespace/name.
func (r *HTTPRoute) Key() string { return r.Namespace + "/" + r.Name }

// Key returns namespace/name.
func (r *GRPCRoute) Key() string { return r.Namespace + "/" + r.Name }

// Key returns namespace/name.
func (r *ReferenceGrant) Key() string { return r.Namespace + "/" + r.Name }

// Key returns namespace/name.
func (p *BackendTLSPolicy) Key() string { return p.Namespace + "/" + p.Name }

// GatewayObjects are the Gateway API objects of a load, in input order.
// Set embeds it, so set.HTTPRoutes reads them.
type GatewayObjects struct {
	GatewayClasses     []*GatewayClass
	Gateways           []*Gateway
	HTTPRoutes         []*HTTPRoute
	GRPCRoutes         []*GRPCRoute
	ReferenceGrants    []*ReferenceGrant
	BackendTLSPolicies []*BackendTLSPolicy
	// Namespaces are the v1 Namespaces of the input.
	Namespaces []*Namespace
}

// Len returns how many objects g holds.
func (g *GatewayObjects) Len() int {
	return len(g.GatewayClasses) + len(g.Gateways) + len(g.HTTPRoutes) + len(g.GRPCRoutes) +
		len(g.ReferenceGrants) + len(g.BackendTLSPolicies) + len(g.Namespaces)
}

// appendAll appends the objects of o to g.
func (g *GatewayObjects) appendAll(o *GatewayObjects) {
	g.GatewayClasses = append(g.GatewayClasses, o.GatewayClasses...)
	g.Gateways = append(g.Gateways, o.Gateways...)
	g.HTTPRoutes = append(g.HTTPRoutes, o.HTTPRoutes...)
	g.GRPCRoutes = append(g.GRPCRoutes, o.GRPCRoutes...)
	g.ReferenceGrants = append(g.ReferenceGrants, o.ReferenceGrants...)
	g.BackendTLSPolicies = append(g.BackendTLSPolicies, o.BackendTLSPolicies...)
	g.Namespaces = append(g.Namespaces, o.Namespaces...)
}

// applied keeps the last object of each name, as Set.Applied does, and
// reports whether any was dropped.
func (g *GatewayObjects) applied() (GatewayObjects, bool) {
	var out GatewayObjects
	var d [7]bool
	out.GatewayClasses, d[0] = lastOf(g.GatewayClasses, func(c *GatewayClass) string { return c.Name })
	out.Gateways, d[1] = lastOf(g.Gateways, (*Gateway).Key)
	out.HTTPRoutes, d[2] = lastOf(g.HTTPRoutes, (*HTTPRoute).Key)
	out.GRPCRoutes, d[3] = lastOf(g.GRPCRoutes, (*GRPCRoute).Key)
	out.ReferenceGrants, d[4] = lastOf(g.ReferenceGrants, (*ReferenceGrant).Key)
	out.BackendTLSPolicies, d[5] = lastOf(g.BackendTLSPolicies, (*BackendTLSPolicy).Key)
	out.Namespaces, d[6] = lastOf(g.Namespaces, func(n *Namespace) string { return n.Name })
	return out, d[0] || d[1] || d[2] || d[3] || d[4] || d[5] || d[6]
}

// Gateway returns the Gateway namespace/name, or nil; the last of a name
// wins, as in Service.
func (s *Set) Gateway(namespace, name string) *Gateway {
	var found *Gateway
	for _, g := range s.Gateways {
		if g.Namespace == namespace && g.Name == name {
			found = g
		}
	}
	return found
}

// Namespace returns the Namespace name, or nil; the last of a name wins.
func (s *Set) Namespace(name string) *Namespace {
	var found *Namespace
	for _, n := range s.Namespaces {
		if n.Name == name {
			found = n
		}
	}
	return found
}

// GatewayClass returns the GatewayClass name, or nil.
func (s *Set) GatewayClass(name string) *GatewayClass {
	var found *GatewayClass
	for _, c := range s.GatewayClasses {
		if c.Name == name {
			found = c
		}
	}
	return found
}

// isGatewayAPI reports whether apiVersion is of the Gateway API group.
func isGatewayAPI(apiVersion string) bool {
	return strings.HasPrefix(apiVersion, GatewayGroup+"/")
}

// gatewayObject loads one object of the Gateway API group. Every field's
// position is kept: lint reports on any of them.
func (l *docLoader) gatewayObject(n *yaml.Node, kind, apiVersion string, src Source) {
	served := func(versions ...string) bool {
		for _, v := range versions {
			if apiVersion == v {
				return true
			}
		}
		l.unsupported(n, kind, apiVersion, versions...)
		return false
	}
	g := &l.set.GatewayObjects
	switch kind {
	case "GatewayClass":
		if !served(GatewayV1, GatewayV1beta1) {
			return
		}
		o := &GatewayClass{Source: src}
		if l.decode(n, &o.GatewayClass, &o.Source, true) {
			o.APIVersion, o.Kind, o.Namespace = GatewayV1, kind, ""
			g.GatewayClasses = append(g.GatewayClasses, o)
		}
	case "Gateway":
		if !served(GatewayV1, GatewayV1beta1) {
			return
		}
		o := &Gateway{Source: src}
		if l.decode(n, &o.Gateway, &o.Source, true) {
			o.APIVersion, o.Kind, o.Namespace = GatewayV1, kind, l.namespace(o.Namespace)
			g.Gateways = append(g.Gateways, o)
		}
	case "HTTPRoute":
		if !served(GatewayV1, GatewayV1beta1) {
			return
		}
		o := &HTTPRoute{Source: src}
		if l.decode(n, &o.HTTPRoute, &o.Source, true) {
			o.APIVersion, o.Kind, o.Namespace = GatewayV1, kind, l.namespace(o.Namespace)
			g.HTTPRoutes = append(g.HTTPRoutes, o)
		}
	case "GRPCRoute":
		if !served(GatewayV1) {
			return
		}
		o := &GRPCRoute{Source: src}
		if l.decode(n, &o.GRPCRoute, &o.Source, true) {
			o.APIVersion, o.Kind, o.Namespace = GatewayV1, kind, l.namespace(o.Namespace)
			g.GRPCRoutes = append(g.GRPCRoutes, o)
		}
	case "ReferenceGrant":
		if !served(GatewayV1, GatewayV1beta1) {
			return
		}
		o := &ReferenceGrant{Source: src}
		if l.decode(n, &o.ReferenceGrant, &o.Source, true) {
			o.APIVersion, o.Kind, o.Namespace = GatewayV1, kind, l.namespace(o.Namespace)
			g.ReferenceGrants = append(g.ReferenceGrants, o)
		}
	case "BackendTLSPolicy":
		if !served(GatewayV1) {
			return
		}
		o := &BackendTLSPolicy{Source: src}
		if l.decode(n, &o.BackendTLSPolicy, &o.Source, true) {
			o.APIVersion, o.Kind, o.Namespace = GatewayV1, kind, l.namespace(o.Namespace)
			g.BackendTLSPolicies = append(g.BackendTLSPolicies, o)
		}
	default:
		l.skip(kind)
	}
}

// namespaceObject loads a v1 Namespace.
func (l *docLoader) namespaceObject(n *yaml.Node, apiVersion string, src Source) {
	if apiVersion != "v1" {
		l.unsupported(n, "Namespace", apiVersion, "v1")
		return
	}
	o := &Namespace{Source: src}
	if l.decode(n, &o.Namespace, &o.Source, false) {
		o.APIVersion, o.Kind = "v1", "Namespace"
		l.set.Namespaces = append(l.set.Namespaces, o)
	}
}
