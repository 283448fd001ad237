package gateway

import (
	"fmt"
	"sort"
	"strings"
	"sync"

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
	// hostIndex indexes each Gateway's listeners by hostname (attachFast).
	hostIndex map[*manifest.Gateway]*listenerHosts

	// rulesOnce computes rules, every row of Rules, and byPlane, the rows
	// by data plane name, once per model: each Gateway's data plane asks
	// for its own rows, and filtering every row per plane would cost
	// gateways × rules.
	rulesOnce sync.Once
	rules     []Rule
	byPlane   map[string][]Rule
}

// listenerHosts indexes the listeners of one Gateway: the indexes of those
// with an exact hostname by hostname, and of the others (wildcard or no
// hostname), in spec order.
type listenerHosts struct {
	exact  map[string][]int
	others []int
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
	m := &Model{set: set, attached: map[*manifest.Gateway]map[string][]attached{}, hostIndex: map[*manifest.Gateway]*listenerHosts{}}
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
	if pr.SectionName == nil && pr.Port == nil {
		if done := m.attachFast(r, gw, &ps); done {
			return ps
		}
	}
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
		lh, hosts := attachHosts(l, r)
		if len(hosts) == 0 {
			why = append(why, fmt.Sprintf("listener %s: hostname %s matches none of the route's hostnames %s", l.Name, lh, strings.Join(r.hostnames, ", ")))
			continue
		}
		m.addAttachment(gw, l, r, hosts, &ps)
	}
	if len(ps.Listeners) == 0 {
		// "If both the Listener and HTTPRoute have specified hostnames,
		// and none match ..., then the HTTPRoute is not accepted"
		// (HTTPRouteSpec.Hostnames).
		ps.Accepted = Condition{Reason: ReasonNoMatchingListenerHostname, Message: strings.Join(why, "; ")}
		return ps
	}
	ps.Accepted = accepted(gw, ps.Listeners)
	return ps
}

// accepted is the Accepted condition of a route attached to listeners of
// gw.
func accepted(gw *manifest.Gateway, ls []Attachment) Condition {
	names := make([]string, len(ls))
	for i, a := range ls {
		names[i] = a.Listener
	}
	return Condition{Status: true, Reason: ReasonAccepted,
		Message: fmt.Sprintf("attached to listener %s of Gateway %s", strings.Join(names, ", "), gw.Key())}
}

// attachHosts returns the listener's hostname and the route's effective
// hostnames on it: the intersections, or the listener's when the route
// names none. Route hostnames that do not match the listener's are
// ignored (HTTPRouteSpec.Hostnames).
func attachHosts(l *gwv1.Listener, r *route) (string, []string) {
	lh := ""
	if l.Hostname != nil {
		lh = strings.ToLower(string(*l.Hostname))
	}
	var hosts []string
	if len(r.hostnames) == 0 {
		hosts = []string{lh}
	}
	for _, rh := range r.hostnames {
		if h, ok := intersect(lh, rh); ok {
			hosts = append(hosts, h)
		}
	}
	return lh, dedupe(hosts)
}

// addAttachment records route r on listener l of gw.
func (m *Model) addAttachment(gw *manifest.Gateway, l *gwv1.Listener, r *route, hosts []string, ps *ParentStatus) {
	ps.Listeners = append(ps.Listeners, Attachment{Listener: string(l.Name), Port: int32(l.Port), Hostnames: hosts})
	byName := m.attached[gw]
	if byName == nil {
		byName = map[string][]attached{}
		m.attached[gw] = byName
	}
	byName[string(l.Name)] = append(byName[string(l.Name)], attached{route: r, hostnames: hosts})
}

// attachFast attaches a route whose parentRef names no section and no
// port, and whose hostnames are all exact, to the listeners of gw without
// trying every listener: only those without a hostname, with a wildcard,
// or with one of the route's hostnames can intersect (intersect). It
// reports false, having changed nothing, when it cannot decide alone: the
// route has no hostname or a wildcard one, or attaches to no listener
// (attach then works out the reasons from every listener).
func (m *Model) attachFast(r *route, gw *manifest.Gateway, ps *ParentStatus) bool {
	if len(r.hostnames) == 0 {
		return false
	}
	for _, h := range r.hostnames {
		if h == "" || isWildcard(h) {
			return false
		}
	}
	idx := m.hostIndex[gw]
	if idx == nil {
		idx = &listenerHosts{exact: map[string][]int{}}
		for i := range gw.Spec.Listeners {
			l := &gw.Spec.Listeners[i]
			if l.Hostname == nil || *l.Hostname == "" || isWildcard(string(*l.Hostname)) {
				idx.others = append(idx.others, i)
				continue
			}
			h := strings.ToLower(string(*l.Hostname))
			idx.exact[h] = append(idx.exact[h], i)
		}
		m.hostIndex[gw] = idx
	}
	cand := append([]int(nil), idx.others...)
	for _, h := range r.hostnames {
		cand = append(cand, idx.exact[h]...)
	}
	sort.Ints(cand)
	type hit struct {
		l     *gwv1.Listener
		hosts []string
	}
	var hits []hit
	for i, li := range cand {
		if i > 0 && cand[i-1] == li {
			continue
		}
		l := &gw.Spec.Listeners[li]
		if ok, _ := m.allows(gw, l, r); !ok {
			continue
		}
		if _, hosts := attachHosts(l, r); len(hosts) > 0 {
			hits = append(hits, hit{l, hosts})
		}
	}
	if len(hits) == 0 {
		return false
	}
	for _, h := range hits {
		m.addAttachment(gw, h.l, r, h.hosts, ps)
	}
	ps.Accepted = accepted(gw, ps.Listeners)
	return true
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
