package manifest

import (
	"slices"
	"strings"

	yaml "go.yaml.in/yaml/v3"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
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

// GatewayKeys returns namespace/name of every Gateway of s, Gateway API
// then Istio, in input order: the Gateways a data plane can be asked for
// by name.
func (s *Set) GatewayKeys() []string {
	var keys []string
	for _, g := range s.Gateways {
		keys = append(keys, g.Key())
	}
	for _, g := range s.IstioGateways {
		keys = append(keys, g.Key())
	}
	return keys
}

// Gateway returns the Gateway namespace/name, or nil; the last of a name
// wins, as in Service.
func (s *Set) Gateway(namespace, name string) *Gateway {
	return lastNamed(s.Gateways, namespace, name)
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
	versions, ok := gatewayVersions[kind]
	if !ok {
		l.skip(kind)
		return
	}
	if !slices.Contains(versions, apiVersion) {
		l.unsupported(n, kind, apiVersion, versions...)
		return
	}
	g := &l.set.GatewayObjects
	switch kind {
	case "GatewayClass":
		loadGatewayKind(l, n, src, kind, &g.GatewayClasses, func(o *GatewayClass) gatewayParts {
			return gatewayParts{&o.GatewayClass, &o.Source, &o.TypeMeta, &o.ObjectMeta, true}
		})
	case "Gateway":
		loadGatewayKind(l, n, src, kind, &g.Gateways, func(o *Gateway) gatewayParts {
			return gatewayParts{&o.Gateway, &o.Source, &o.TypeMeta, &o.ObjectMeta, false}
		})
	case "HTTPRoute":
		loadGatewayKind(l, n, src, kind, &g.HTTPRoutes, func(o *HTTPRoute) gatewayParts {
			return gatewayParts{&o.HTTPRoute, &o.Source, &o.TypeMeta, &o.ObjectMeta, false}
		})
	case "GRPCRoute":
		loadGatewayKind(l, n, src, kind, &g.GRPCRoutes, func(o *GRPCRoute) gatewayParts {
			return gatewayParts{&o.GRPCRoute, &o.Source, &o.TypeMeta, &o.ObjectMeta, false}
		})
	case "ReferenceGrant":
		loadGatewayKind(l, n, src, kind, &g.ReferenceGrants, func(o *ReferenceGrant) gatewayParts {
			return gatewayParts{&o.ReferenceGrant, &o.Source, &o.TypeMeta, &o.ObjectMeta, false}
		})
	case "BackendTLSPolicy":
		loadGatewayKind(l, n, src, kind, &g.BackendTLSPolicies, func(o *BackendTLSPolicy) gatewayParts {
			return gatewayParts{&o.BackendTLSPolicy, &o.Source, &o.TypeMeta, &o.ObjectMeta, false}
		})
	}
}

// gatewayVersions are the versions the standard-channel CRDs of v1.6.0
// serve for each kind read (config/crd/standard).
var gatewayVersions = map[string][]string{
	"GatewayClass":     {GatewayV1, GatewayV1beta1},
	"Gateway":          {GatewayV1, GatewayV1beta1},
	"HTTPRoute":        {GatewayV1, GatewayV1beta1},
	"GRPCRoute":        {GatewayV1},
	"ReferenceGrant":   {GatewayV1, GatewayV1beta1},
	"BackendTLSPolicy": {GatewayV1},
}

// gatewayParts are the pieces of a loaded Gateway API object the loader
// fills: the API type to decode into, and where its source, type and
// object metadata live.
type gatewayParts struct {
	obj           any
	src           *Source
	typeMeta      *metav1.TypeMeta
	objectMeta    *metav1.ObjectMeta
	clusterScoped bool
}

// loadGatewayKind decodes n into a new object of the list's type, records
// it as v1 of kind in its namespace (none for cluster-scoped kinds), and
// appends it to list.
func loadGatewayKind[T any](l *docLoader, n *yaml.Node, src Source, kind string, list *[]*T, parts func(*T) gatewayParts) {
	o := new(T)
	p := parts(o)
	*p.src = src
	if !l.decode(n, p.obj, p.src, true) {
		return
	}
	p.typeMeta.APIVersion, p.typeMeta.Kind = GatewayV1, kind
	if p.clusterScoped {
		p.objectMeta.Namespace = ""
	} else {
		p.objectMeta.Namespace = l.namespace(p.objectMeta.Namespace)
	}
	*list = append(*list, o)
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
