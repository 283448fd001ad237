package gateway

import (
	"fmt"
	"strings"

	gwv1 "sigs.k8s.io/gateway-api/apis/v1"

	"github.com/ingresskit/ingresskit/manifest"
)

// resolveRefs resolves every backendRef of r, and the backendRefs of its
// RequestMirror filters, and returns the route's ResolvedRefs condition
// (RouteConditionResolvedRefs in apis/v1 shared_types.go): false with
// InvalidKind for a kind other than Service, RefNotPermitted for a
// reference into another namespace that no ReferenceGrant allows, and
// BackendNotFound for a missing Service or port.
func (m *Model) resolveRefs(r *route) (Condition, []RefStatus) {
	var refs []RefStatus
	cond := Condition{Status: true, Reason: ReasonResolvedRefs, Message: "every backendRef resolves"}
	for _, ru := range r.rules {
		for _, b := range ru.backends {
			b.status.Resolved = m.resolve(r, b.ref)
			refs = append(refs, *b.status)
			if !b.status.Resolved.Status && cond.Status {
				cond = Condition{Reason: b.status.Resolved.Reason,
					Message: b.status.Field + ": " + b.status.Resolved.Message}
			}
		}
	}
	return cond, refs
}

// resolve resolves one reference made by route r.
func (m *Model) resolve(r *route, ref gwv1.BackendObjectReference) Condition {
	group, kind := "", "Service" // BackendObjectReference defaults
	if ref.Group != nil {
		group = string(*ref.Group)
	}
	if ref.Kind != nil {
		kind = string(*ref.Kind)
	}
	ns := r.namespace
	if ref.Namespace != nil {
		ns = string(*ref.Namespace)
	}
	if (group != "" && group != "core") || kind != "Service" {
		return Condition{Reason: ReasonInvalidKind,
			Message: fmt.Sprintf("backendRef kind %s is not supported (only Service)", groupKind(group, kind))}
	}
	if ns != r.namespace && !m.granted(r, ns, "", "Service", string(ref.Name)) {
		return Condition{Reason: ReasonRefNotPermitted,
			Message: fmt.Sprintf("no ReferenceGrant in namespace %s allows %s from namespace %s to refer to Service %s", ns, r.kind, r.namespace, ref.Name)}
	}
	svc := m.set.Service(ns, string(ref.Name))
	if svc == nil {
		return Condition{Reason: ReasonBackendNotFound, Message: fmt.Sprintf("Service %s/%s is not in the input", ns, ref.Name)}
	}
	if ref.Port == nil {
		// BackendRef: "Port is required when the referent is a
		// Kubernetes Service".
		return Condition{Reason: ReasonBackendNotFound, Message: fmt.Sprintf("backendRef to Service %s/%s gives no port", ns, ref.Name)}
	}
	for _, p := range svc.Spec.Ports {
		if p.Port == int32(*ref.Port) {
			return Condition{Status: true, Reason: ReasonResolvedRefs}
		}
	}
	return Condition{Reason: ReasonBackendNotFound, Message: fmt.Sprintf("Service %s/%s has no port %d", ns, ref.Name, *ref.Port)}
}

// granted reports whether a ReferenceGrant in namespace ns allows routes
// of r's kind in r's namespace to refer to the object group/kind/name
// (ReferenceGrantSpec in apis/v1 referencegrant_types.go: From lists the
// referring group, kind and namespace; To the referent's group and kind,
// and optionally its name).
func (m *Model) granted(r *route, ns, group, kind, name string) bool {
	for _, g := range m.set.ReferenceGrants {
		if g.Namespace != ns {
			continue
		}
		from := false
		for _, f := range g.Spec.From {
			if string(f.Group) == manifest.GatewayGroup && string(f.Kind) == r.kind && string(f.Namespace) == r.namespace {
				from = true
			}
		}
		if !from {
			continue
		}
		for _, t := range g.Spec.To {
			tg := string(t.Group)
			if tg == "core" {
				tg = ""
			}
			if tg == group && string(t.Kind) == kind && (t.Name == nil || string(*t.Name) == name) {
				return true
			}
		}
	}
	return false
}

func groupKind(group, kind string) string {
	if group == "" {
		return kind
	}
	return strings.Join([]string{kind, group}, ".")
}
