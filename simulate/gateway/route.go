package gateway

import (
	"fmt"
	"strings"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	gwv1 "sigs.k8s.io/gateway-api/apis/v1"

	"github.com/ingresskit/ingresskit/manifest"
)

// route is an HTTPRoute or a GRPCRoute in the one form the engine
// matches on.
type route struct {
	kind       string
	namespace  string
	name       string
	meta       *metav1.ObjectMeta
	src        *manifest.Source
	parentRefs []gwv1.ParentReference
	hostnames  []string // lower case, as written otherwise
	rules      []*rule
	status     *RouteStatus
	http       *manifest.HTTPRoute // set for an HTTPRoute
	grpc       *manifest.GRPCRoute // set for a GRPCRoute
	nsName     string              // namespace/name, made once
}

func (r *route) key() string { return r.nsName }

// rule is one spec.rules entry.
type rule struct {
	route    *route
	index    int
	field    string // spec.rules[i]
	pos      manifest.Pos
	matches  []*match
	filters  []gwv1.HTTPRouteFilter
	backends []*backendRef
	answer   *ruleAnswer // set by Analyze
}

// backendRef is one backendRef of a rule.
type backendRef struct {
	ref     gwv1.BackendObjectReference
	weight  int32
	filters []gwv1.HTTPRouteFilter
	status  *RefStatus
}

// fromHTTPRoute converts an HTTPRoute.
func fromHTTPRoute(hr *manifest.HTTPRoute) *route {
	r := &route{kind: "HTTPRoute", namespace: hr.Namespace, name: hr.Name, nsName: hr.Namespace + "/" + hr.Name, meta: &hr.ObjectMeta, src: &hr.Source,
		parentRefs: hr.Spec.ParentRefs, hostnames: lowerHosts(hr.Spec.Hostnames), http: hr}
	rules := hr.Spec.Rules
	if len(rules) == 0 {
		// The API server defaults rules to one rule matching every path
		// (HTTPRouteSpec.Rules, +kubebuilder:default).
		rules = []gwv1.HTTPRouteRule{{}}
	}
	for i := range rules {
		hrule := &rules[i]
		ru := &rule{route: r, index: i, field: fmt.Sprintf("spec.rules[%d]", i), filters: hrule.Filters}
		ru.pos = hr.Source.FieldPos(ru.field)
		if len(hrule.Matches) == 0 {
			ru.matches = []*match{compileHTTPMatch(ru, -1, gwv1.HTTPRouteMatch{})}
		}
		for j, m := range hrule.Matches {
			ru.matches = append(ru.matches, compileHTTPMatch(ru, j, m))
		}
		for j, b := range hrule.BackendRefs {
			ru.backends = append(ru.backends, newBackendRef(ru, j, b.BackendRef, b.Filters))
		}
		r.rules = append(r.rules, ru)
	}
	return r
}

// fromGRPCRoute converts a GRPCRoute; its filters have the shape of the
// HTTPRoute filters of the same names.
func fromGRPCRoute(gr *manifest.GRPCRoute) *route {
	r := &route{kind: "GRPCRoute", namespace: gr.Namespace, name: gr.Name, nsName: gr.Namespace + "/" + gr.Name, meta: &gr.ObjectMeta, src: &gr.Source,
		parentRefs: gr.Spec.ParentRefs, hostnames: lowerHosts(gr.Spec.Hostnames), grpc: gr}
	rules := gr.Spec.Rules
	if len(rules) == 0 {
		rules = []gwv1.GRPCRouteRule{{}}
	}
	for i := range rules {
		grule := &rules[i]
		ru := &rule{route: r, index: i, field: fmt.Sprintf("spec.rules[%d]", i), filters: grpcFilters(grule.Filters)}
		ru.pos = gr.Source.FieldPos(ru.field)
		if len(grule.Matches) == 0 {
			// "If no matches are specified, the implementation MUST match
			// every gRPC request" (GRPCRouteRule.Matches).
			ru.matches = []*match{compileGRPCMatch(ru, -1, gwv1.GRPCRouteMatch{})}
		}
		for j, m := range grule.Matches {
			ru.matches = append(ru.matches, compileGRPCMatch(ru, j, m))
		}
		for j, b := range grule.BackendRefs {
			ru.backends = append(ru.backends, newBackendRef(ru, j, b.BackendRef, grpcFilters(b.Filters)))
		}
		r.rules = append(r.rules, ru)
	}
	return r
}

func grpcFilters(fs []gwv1.GRPCRouteFilter) []gwv1.HTTPRouteFilter {
	out := make([]gwv1.HTTPRouteFilter, 0, len(fs))
	for _, f := range fs {
		out = append(out, gwv1.HTTPRouteFilter{Type: gwv1.HTTPRouteFilterType(f.Type),
			RequestHeaderModifier: f.RequestHeaderModifier, ResponseHeaderModifier: f.ResponseHeaderModifier,
			RequestMirror: f.RequestMirror, ExtensionRef: f.ExtensionRef})
	}
	return out
}

func newBackendRef(ru *rule, j int, b gwv1.BackendRef, filters []gwv1.HTTPRouteFilter) *backendRef {
	w := int32(1) // BackendRef.Weight defaults to 1
	if b.Weight != nil {
		w = *b.Weight
	}
	field := fmt.Sprintf("%s.backendRefs[%d]", ru.field, j)
	return &backendRef{ref: b.BackendObjectReference, weight: w, filters: filters,
		status: &RefStatus{Rule: ru.index, Index: j, Field: field, Pos: ru.route.src.FieldPos(field), Ref: b.BackendObjectReference}}
}

func lowerHosts(hs []gwv1.Hostname) []string {
	out := make([]string, len(hs))
	for i, h := range hs {
		out[i] = strings.ToLower(string(h))
	}
	return out
}
