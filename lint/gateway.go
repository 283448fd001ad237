package lint

import (
	"fmt"

	"k8s.io/apimachinery/pkg/runtime"
	gwv1 "sigs.k8s.io/gateway-api/apis/v1"

	"github.com/ingresskit/ingresskit/manifest"
	"github.com/ingresskit/ingresskit/simulate/gateway"
)

// gatewayObject is one Gateway API object of the input, as the rules on
// Gateway API kinds walk them.
type gatewayObject struct {
	obj Object
	// typed is the object's API type, for conversion to its unstructured
	// form.
	typed runtime.Object
	// namespaced is false for GatewayClass.
	namespaced bool
}

// GatewayClassObject describes a GatewayClass.
func GatewayClassObject(c *manifest.GatewayClass) Object {
	return Object{Kind: "GatewayClass", Name: c.Name, Source: &c.Source, Annotations: c.Annotations}
}

// GatewayObject describes a Gateway.
func GatewayObject(g *manifest.Gateway) Object {
	return Object{Kind: "Gateway", Namespace: g.Namespace, Name: g.Name, Source: &g.Source, Annotations: g.Annotations}
}

// HTTPRouteObject describes an HTTPRoute.
func HTTPRouteObject(r *manifest.HTTPRoute) Object {
	return Object{Kind: "HTTPRoute", Namespace: r.Namespace, Name: r.Name, Source: &r.Source, Annotations: r.Annotations}
}

// GRPCRouteObject describes a GRPCRoute.
func GRPCRouteObject(r *manifest.GRPCRoute) Object {
	return Object{Kind: "GRPCRoute", Namespace: r.Namespace, Name: r.Name, Source: &r.Source, Annotations: r.Annotations}
}

// ReferenceGrantObject describes a ReferenceGrant.
func ReferenceGrantObject(r *manifest.ReferenceGrant) Object {
	return Object{Kind: "ReferenceGrant", Namespace: r.Namespace, Name: r.Name, Source: &r.Source, Annotations: r.Annotations}
}

// BackendTLSPolicyObject describes a BackendTLSPolicy.
func BackendTLSPolicyObject(p *manifest.BackendTLSPolicy) Object {
	return Object{Kind: "BackendTLSPolicy", Namespace: p.Namespace, Name: p.Name, Source: &p.Source, Annotations: p.Annotations}
}

// gatewayObjects returns every Gateway API object of set, kind by kind in
// input order.
func gatewayObjects(set *manifest.Set) []gatewayObject {
	g := &set.GatewayObjects
	out := make([]gatewayObject, 0, g.Len())
	for _, o := range g.GatewayClasses {
		out = append(out, gatewayObject{GatewayClassObject(o), &o.GatewayClass, false})
	}
	for _, o := range g.Gateways {
		out = append(out, gatewayObject{GatewayObject(o), &o.Gateway, true})
	}
	for _, o := range g.HTTPRoutes {
		out = append(out, gatewayObject{HTTPRouteObject(o), &o.HTTPRoute, true})
	}
	for _, o := range g.GRPCRoutes {
		out = append(out, gatewayObject{GRPCRouteObject(o), &o.GRPCRoute, true})
	}
	for _, o := range g.ReferenceGrants {
		out = append(out, gatewayObject{ReferenceGrantObject(o), &o.ReferenceGrant, true})
	}
	for _, o := range g.BackendTLSPolicies {
		out = append(out, gatewayObject{BackendTLSPolicyObject(o), &o.BackendTLSPolicy, true})
	}
	return out
}

// refNamespace returns the namespace a reference points into: its own
// when set, else the referring object's, as the comment on
// BackendObjectReference.Namespace in apis/v1 shared_types.go defines it.
func refNamespace(ns *gwv1.Namespace, own string) string {
	if ns != nil && *ns != "" {
		return string(*ns)
	}
	return own
}

// gatewayModel returns the attachment and status of every route, computed
// once per run by the engine (simulate/gateway.Analyze): the rules on
// parentRefs, listeners and backendRefs report what it computed and never
// decide attachment themselves.
func (p *Pass) gatewayModel() *gateway.Model {
	s := p.shared
	s.gwOnce.Do(func() { s.gwModel = gateway.Analyze(s.set.Applied()) })
	return s.gwModel
}

// routeObject describes the route of a computed status.
func routeObject(st *gateway.RouteStatus) Object {
	if st.GRPCRoute != nil {
		return GRPCRouteObject(st.GRPCRoute)
	}
	return HTTPRouteObject(st.HTTPRoute)
}

// reportParents reports each parentRef whose Accepted condition has reason.
func (p *Pass) reportParents(reason, todo string) {
	for _, st := range p.gatewayModel().Routes {
		for _, ps := range st.Parents {
			if ps.Accepted.Status || ps.Accepted.Reason != reason {
				continue
			}
			p.ReportObject(routeObject(st), ps.Field, fmt.Sprintf("%s %s takes no traffic from this parentRef: %s; %s", st.Kind, st.Key(), ps.Accepted.Message, todo))
		}
	}
}

// reportRefs calls fn for each backendRef whose condition has reason.
func (p *Pass) reportRefs(reason string, fn func(st *gateway.RouteStatus, ref gateway.RefStatus) string) {
	for _, st := range p.gatewayModel().Routes {
		for _, ref := range st.Refs {
			if ref.Resolved.Status || ref.Resolved.Reason != reason {
				continue
			}
			p.ReportObject(routeObject(st), ref.Field, fn(st, ref))
		}
	}
}
