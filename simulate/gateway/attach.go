package gateway

import (
	"fmt"
	"sort"
	"strings"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	gwv1 "sigs.k8s.io/gateway-api/apis/v1"

	"github.com/ingresskit/ingresskit/manifest"
)

// Model is the computed attachment of every HTTPRoute and GRPCRoute of a
// set to the Gateways' listeners, with each route's status as a Gateway
// controller would write it. It is what the data planes route on, and
// what routes and lint report.
type Model struct {
	// Routes holds the status of every HTTPRoute, then every GRPCRoute,
	// in input order.
	Routes []*RouteStatus

	set    *manifest.Set
	routes []*route
	// byKey indexes Routes by kind, namespace and name (the first of
	// duplicates, as Route has always answered).
	byKey map[routeKey]*RouteStatus
	// attached lists, per Gateway and listener name, the routes attached
	// and their effective hostnames.
	attached map[*manifest.Gateway]map[string][]attached
}

type routeKey struct{ kind, namespace, name string }

// attached is one route on one listener.
type attached struct {
	route     *route
	hostnames []string // effective: intersections with the listener's hostname
}

// Analyze computes the attachment and status of every route of set, the
// applied view of a load (manifest.Set.Applied).
func Analyze(set *manifest.Set) *Model {
	m := &Model{set: set, attached: map[*manifest.Gateway]map[string][]attached{}}
	m.byKey = make(map[routeKey]*RouteStatus, len(set.HTTPRoutes)+len(set.GRPCRoutes))
	for _, hr := range set.HTTPRoutes {
		m.routes = append(m.routes, fromHTTPRoute(hr))
	}
	for _, gr := range set.GRPCRoutes {
		m.routes = append(m.routes, fromGRPCRoute(gr))
	}
	for _, r := range m.routes {
		st := &RouteStatus{Kind: r.kind, Namespace: r.namespace, Name: r.name, HTTPRoute: r.http, GRPCRoute: r.grpc, route: r}
		r.status = st
		st.ResolvedRefs, st.Refs = m.resolveRefs(r)
		for _, ru := range r.rules {
			ru.answer = ruleBackends(ru)
		}
		for i, pr := range r.parentRefs {
			if !refersToGateway(pr) {
				continue
			}
			ps := m.attach(r, i, pr)
			ps.ResolvedRefs = st.ResolvedRefs
			st.Parents = append(st.Parents, ps)
		}
		m.Routes = append(m.Routes, st)
		if k := (routeKey{r.kind, r.namespace, r.name}); m.byKey[k] == nil {
			m.byKey[k] = st
		}
	}
	return m
}

// Route returns the status of the route of kind namespace/name, or nil.
func (m *Model) Route(kind, namespace, name string) *RouteStatus {
	return m.byKey[routeKey{kind, namespace, name}]
}

// refersToGateway reports whether a parentRef names a Gateway: its group
// defaults to gateway.networking.k8s.io and its kind to Gateway
// (ParentReference in apis/v1 shared_types.go).
func refersToGateway(pr gwv1.ParentReference) bool {
	group, kind := manifest.GatewayGroup, "Gateway"
	if pr.Group != nil {
		group = string(*pr.Group)
	}
	if pr.Kind != nil {
		kind = string(*pr.Kind)
	}
	return group == manifest.GatewayGroup && kind == "Gateway"
}

// attach attaches route r through its parentRef i to the listeners of the
// Gateway it names (ParentReference.SectionName and Port select the
// listeners; Listener.AllowedRoutes and the hostnames decide).
func (m *Model) attach(r *route, i int, pr gwv1.ParentReference) ParentStatus {
	field := fmt.Sprintf("spec.parentRefs[%d]", i)
	ps := ParentStatus{Index: i, Field: field, Pos: r.src.FieldPos(field), Ref: pr}
	ns := r.namespace
	if pr.Namespace != nil {
		ns = string(*pr.Namespace)
	}
	gw := m.set.Gateway(ns, string(pr.Name))
	if gw == nil {
		ps.Accepted = Condition{Reason: ReasonNoMatchingParent,
			Message: fmt.Sprintf("Gateway %s/%s is not in the input", ns, pr.Name)}
		return ps
	}
	ps.Gateway = gw
	var selected []*gwv1.Listener
	for li := range gw.Spec.Listeners {
		l := &gw.Spec.Listeners[li]
		if pr.SectionName != nil && l.Name != *pr.SectionName {
			continue
		}
		if pr.Port != nil && l.Port != *pr.Port {
			continue
		}
		selected = append(selected, l)
	}
	if len(selected) == 0 {
		var what []string
		if pr.SectionName != nil {
			what = append(what, fmt.Sprintf("named %s", *pr.SectionName))
		}
		if pr.Port != nil {
			what = append(what, fmt.Sprintf("on port %d", *pr.Port))
		}
		ps.Accepted = Condition{Reason: ReasonNoMatchingParent,
			Message: fmt.Sprintf("Gateway %s has no listener %s", gw.Key(), strings.Join(what, " and "))}
		return ps
	}
	var allowed []*gwv1.Listener
	var why []string
	for _, l := range selected {
		if ok, reason := m.allows(gw, l, r); ok {
			allowed = append(allowed, l)
		} else {
			why = append(why, fmt.Sprintf("listener %s: %s", l.Name, reason))
		}
	}
	if len(allowed) == 0 {
		ps.Accepted = Condition{Reason: ReasonNotAllowedByListeners, Message: strings.Join(why, "; ")}
		return ps
	}
	for _, l := range allowed {
		lh := ""
		if l.Hostname != nil {
			lh = strings.ToLower(string(*l.Hostname))
		}
		var hosts []string
		if len(r.hostnames) == 0 {
			hosts = []string{lh}
		}
		for _, rh := range r.hostnames {
			// Route hostnames that do not match the listener's are
			// ignored (HTTPRouteSpec.Hostnames).
			if h, ok := intersect(lh, rh); ok {
				hosts = append(hosts, h)
			}
		}
		if len(hosts) == 0 {
			why = append(why, fmt.Sprintf("listener %s: hostname %s matches none of the route's hostnames %s", l.Name, lh, strings.Join(r.hostnames, ", ")))
			continue
		}
		hosts = dedupe(hosts)
		ps.Listeners = append(ps.Listeners, Attachment{Listener: string(l.Name), Port: int32(l.Port), Hostnames: hosts})
		byName := m.attached[gw]
		if byName == nil {
			byName = map[string][]attached{}
			m.attached[gw] = byName
		}
		byName[string(l.Name)] = append(byName[string(l.Name)], attached{route: r, hostnames: hosts})
	}
	if len(ps.Listeners) == 0 {
		// "If both the Listener and HTTPRoute have specified hostnames,
		// and none match ..., then the HTTPRoute is not accepted"
		// (HTTPRouteSpec.Hostnames).
		ps.Accepted = Condition{Reason: ReasonNoMatchingListenerHostname, Message: strings.Join(why, "; ")}
		return ps
	}
	names := make([]string, len(ps.Listeners))
	for i, a := range ps.Listeners {
		names[i] = a.Listener
	}
	ps.Accepted = Condition{Status: true, Reason: ReasonAccepted,
		Message: fmt.Sprintf("attached to listener %s of Gateway %s", strings.Join(names, ", "), gw.Key())}
	return ps
}

// allows reports whether listener l of gw admits route r: its protocol
// carries the route's kind and AllowedRoutes admits the kind and the
// route's namespace (Listener.AllowedRoutes in apis/v1 gateway_types.go).
func (m *Model) allows(gw *manifest.Gateway, l *gwv1.Listener, r *route) (bool, string) {
	if !kindAllowed(l, r.kind) {
		return false, fmt.Sprintf("%s routes are not allowed (protocol %s, allowedRoutes.kinds)", r.kind, l.Protocol)
	}
	from := gwv1.NamespacesFromSame // RouteNamespaces.From defaults to Same
	var sel *metav1.LabelSelector
	if ar := l.AllowedRoutes; ar != nil && ar.Namespaces != nil {
		if ar.Namespaces.From != nil {
			from = *ar.Namespaces.From
		}
		sel = ar.Namespaces.Selector
	}
	switch from {
	case gwv1.NamespacesFromAll:
		return true, ""
	case gwv1.NamespacesFromSame:
		if r.namespace != gw.Namespace {
			return false, fmt.Sprintf("routes from namespace %s are not allowed (allowedRoutes.namespaces.from Same: only %s)", r.namespace, gw.Namespace)
		}
		return true, ""
	case gwv1.NamespacesFromSelector:
		if sel == nil {
			return false, "allowedRoutes.namespaces.from is Selector but no selector is given"
		}
		s, err := metav1.LabelSelectorAsSelector(sel)
		if err != nil {
			return false, fmt.Sprintf("allowedRoutes.namespaces.selector is invalid: %v", err)
		}
		// The labels are those of the Namespace in the input, and the
		// label every namespace carries with its own name,
		// kubernetes.io/metadata.name (Kubernetes "Well-Known Labels,
		// Annotations and Taints"), when the input has no Namespace.
		set := labels.Set{"kubernetes.io/metadata.name": r.namespace}
		known := "only its kubernetes.io/metadata.name label is known: the Namespace is not in the input"
		if nso := m.set.Namespace(r.namespace); nso != nil {
			for k, v := range nso.Labels {
				set[k] = v
			}
			known = "labels " + set.String()
		}
		if !s.Matches(set) {
			return false, fmt.Sprintf("namespace %s does not match allowedRoutes.namespaces.selector %s (%s)", r.namespace, s, known)
		}
		return true, ""
	case gwv1.NamespacesFromNone:
		return false, "allowedRoutes.namespaces.from is None"
	}
	return false, fmt.Sprintf("allowedRoutes.namespaces.from %q is not supported", from)
}

// kindAllowed reports whether a listener takes routes of kind. Without
// allowedRoutes.kinds the protocol decides: HTTP and HTTPS listeners take
// HTTPRoutes and GRPCRoutes (Listener.AllowedRoutes, AllowedRoutes.Kinds:
// "the set of Route kinds ... is determined by the Listener protocol").
func kindAllowed(l *gwv1.Listener, kind string) bool {
	httpish := l.Protocol == gwv1.HTTPProtocolType || l.Protocol == gwv1.HTTPSProtocolType
	if !httpish {
		return false
	}
	if l.AllowedRoutes == nil || len(l.AllowedRoutes.Kinds) == 0 {
		return true
	}
	for _, k := range l.AllowedRoutes.Kinds {
		group := manifest.GatewayGroup
		if k.Group != nil {
			group = string(*k.Group)
		}
		if group == manifest.GatewayGroup && string(k.Kind) == kind {
			return true
		}
	}
	return false
}

func dedupe(ss []string) []string {
	sort.Strings(ss)
	out := ss[:0]
	for i, s := range ss {
		if i == 0 || s != ss[i-1] {
			out = append(out, s)
		}
	}
	return out
}
