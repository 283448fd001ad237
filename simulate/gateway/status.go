package gateway

import (
	gwv1 "sigs.k8s.io/gateway-api/apis/v1"

	"github.com/ingresskit/ingresskit/manifest"
)

// Condition is a computed status condition of a route for one parent
// (RouteParentStatus.Conditions in apis/v1 shared_types.go).
type Condition struct {
	// Status is the condition's truth.
	Status bool
	// Reason is the condition's reason, one of the RouteConditionReason
	// values of apis/v1 shared_types.go ("Accepted", "NotAllowedByListeners",
	// "NoMatchingListenerHostname", "NoMatchingParent", "ResolvedRefs",
	// "RefNotPermitted", "InvalidKind", "BackendNotFound").
	Reason string
	// Message says why, for people.
	Message string
}

// Reasons of the Accepted and ResolvedRefs conditions (RouteConditionReason
// in apis/v1 shared_types.go).
const (
	ReasonAccepted                   = string(gwv1.RouteReasonAccepted)
	ReasonNotAllowedByListeners      = string(gwv1.RouteReasonNotAllowedByListeners)
	ReasonNoMatchingListenerHostname = string(gwv1.RouteReasonNoMatchingListenerHostname)
	ReasonNoMatchingParent           = string(gwv1.RouteReasonNoMatchingParent)
	ReasonResolvedRefs               = string(gwv1.RouteReasonResolvedRefs)
	ReasonRefNotPermitted            = string(gwv1.RouteReasonRefNotPermitted)
	ReasonInvalidKind                = string(gwv1.RouteReasonInvalidKind)
	ReasonBackendNotFound            = string(gwv1.RouteReasonBackendNotFound)
)

// RouteStatus is the computed status of one HTTPRoute or GRPCRoute: for
// each of its parentRefs whether it is accepted and to which listeners it
// attaches, and whether its backendRefs resolve.
type RouteStatus struct {
	// Kind is "HTTPRoute" or "GRPCRoute".
	Kind string
	// Namespace and Name name the route.
	Namespace, Name string
	// HTTPRoute or GRPCRoute is the route, according to Kind.
	HTTPRoute *manifest.HTTPRoute
	GRPCRoute *manifest.GRPCRoute
	// Parents holds one entry per spec.parentRefs entry that names a
	// Gateway (parentRefs to other kinds, such as a Service for a mesh,
	// are not a Gateway's concern and are left out).
	Parents []ParentStatus
	// ResolvedRefs says whether every backendRef resolves; the same for
	// every parent.
	ResolvedRefs Condition
	// Refs lists every backendRef of every rule, resolved or not.
	Refs []RefStatus

	route *route
}

// Key returns namespace/name.
func (r *RouteStatus) Key() string { return r.Namespace + "/" + r.Name }

// Source returns the route's source.
func (r *RouteStatus) Source() *manifest.Source { return r.route.src }

// ParentStatus is the status of a route for one parentRef.
type ParentStatus struct {
	// Index indexes spec.parentRefs; Field is the API-server path of the
	// entry ("spec.parentRefs[0]") and Pos its position.
	Index int
	Field string
	Pos   manifest.Pos
	// Ref is the parentRef as written.
	Ref gwv1.ParentReference
	// Gateway is the Gateway named, nil when it is not in the input.
	Gateway *manifest.Gateway
	// Listeners are the listeners the route attaches to, with the
	// hostnames the route serves on each.
	Listeners []Attachment
	// Accepted is true when the route attaches to at least one listener.
	Accepted Condition
	// ResolvedRefs is RouteStatus.ResolvedRefs, repeated per parent as
	// the API reports it.
	ResolvedRefs Condition
}

// Attachment is a route attached to one listener.
type Attachment struct {
	// Listener is the listener's name; Port its port.
	Listener string
	Port     int32
	// Hostnames are the intersections of the listener's hostname and the
	// route's hostnames; "" stands for every host.
	Hostnames []string
}

// RefStatus is one backendRef of a route.
type RefStatus struct {
	// Rule and Index index spec.rules and its backendRefs; Field is the
	// API-server path and Pos its position.
	Rule, Index int
	Field       string
	Pos         manifest.Pos
	// Ref is the reference as written.
	Ref gwv1.BackendObjectReference
	// Resolved is the reference's condition: ResolvedRefs, or the reason it
	// does not resolve.
	Resolved Condition
}
