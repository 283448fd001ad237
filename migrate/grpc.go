package migrate

import (
	"fmt"
	"strings"

	gwv1 "sigs.k8s.io/gateway-api/apis/v1"

	"github.com/ingresskit/ingresskit/manifest"
)

// grpcRoute writes a host route as a GRPCRoute (apis/v1
// grpcroute_types.go). A gRPC request's path is /<service>/<method>
// (gRPC over HTTP/2, "Requests":
// https://github.com/grpc/grpc/blob/master/doc/PROTOCOL-HTTP2.md), so:
//
//   - PathPrefix "/" (or no path) is every gRPC request: a rule without
//     matches;
//   - PathPrefix or Exact "/<service>" is a method match on the service;
//   - PathPrefix or Exact "/<service>/<method>" names both;
//   - any other path (more segments, a regular expression) matches no
//     gRPC method the same way and is left out, reported.
//
// Header matches and the request and response header filters carry over;
// GRPCRouteFilter has no redirect, rewrite or CORS, so those are reported
// and dropped. Findings point at hr.GRPC, the field that asked for gRPC.
func (t *translator) grpcRoute(hr *HostRoute) *gwv1.GRPCRoute {
	ing, in := hr.Ingress, hr.Route
	g := &gwv1.GRPCRoute{}
	g.APIVersion, g.Kind = manifest.GatewayV1, "GRPCRoute"
	g.ObjectMeta = in.ObjectMeta
	g.Spec.ParentRefs = in.Spec.ParentRefs
	g.Spec.Hostnames = in.Spec.Hostnames
	for _, r := range in.Spec.Rules {
		var out gwv1.GRPCRouteRule
		all := len(r.Matches) == 0
		for _, m := range r.Matches {
			gm, every, ok := grpcMatch(m)
			if !ok {
				t.report(ing, hr.GRPC, Warning, fmt.Sprintf("path %s %s matches no gRPC method the way it matched HTTP paths (gRPC paths are /<service>/<method>); the rule is left out of GRPCRoute %s: write its method match by hand", *m.Path.Type, *m.Path.Value, g.Name))
				continue
			}
			if every && len(m.Headers) == 0 {
				all = true
			}
			out.Matches = append(out.Matches, gm)
		}
		if len(out.Matches) == 0 && !all {
			continue
		}
		if all {
			out.Matches = nil
		}
		for _, f := range r.Filters {
			switch f.Type {
			case gwv1.HTTPRouteFilterRequestHeaderModifier:
				out.Filters = append(out.Filters, gwv1.GRPCRouteFilter{Type: gwv1.GRPCRouteFilterRequestHeaderModifier, RequestHeaderModifier: f.RequestHeaderModifier})
			case gwv1.HTTPRouteFilterResponseHeaderModifier:
				out.Filters = append(out.Filters, gwv1.GRPCRouteFilter{Type: gwv1.GRPCRouteFilterResponseHeaderModifier, ResponseHeaderModifier: f.ResponseHeaderModifier})
			case gwv1.HTTPRouteFilterRequestMirror:
				out.Filters = append(out.Filters, gwv1.GRPCRouteFilter{Type: gwv1.GRPCRouteFilterRequestMirror, RequestMirror: f.RequestMirror})
			default:
				t.report(ing, hr.GRPC, Warning, fmt.Sprintf("GRPCRoute %s has no %s filter (GRPCRouteFilter); it is dropped: use your implementation's policy", g.Name, f.Type))
			}
		}
		if len(r.BackendRefs) == 0 {
			t.report(ing, hr.GRPC, Warning, fmt.Sprintf("a rule of GRPCRoute %s has no backend (it was a redirect); it is left out", g.Name))
			continue
		}
		for _, b := range r.BackendRefs {
			out.BackendRefs = append(out.BackendRefs, gwv1.GRPCBackendRef{BackendRef: b.BackendRef})
		}
		g.Spec.Rules = append(g.Spec.Rules, out)
	}
	return g
}

// grpcMatch converts one HTTP match; every reports a match of every gRPC
// method, ok false a path no method match expresses.
func grpcMatch(m gwv1.HTTPRouteMatch) (gm gwv1.GRPCRouteMatch, every, ok bool) {
	for _, h := range m.Headers {
		gh := gwv1.GRPCHeaderMatch{Name: gwv1.GRPCHeaderName(h.Name), Value: h.Value}
		if h.Type != nil && *h.Type == gwv1.HeaderMatchRegularExpression {
			re := gwv1.GRPCHeaderMatchRegularExpression
			gh.Type = &re
		}
		gm.Headers = append(gm.Headers, gh)
	}
	if m.Path == nil || m.Path.Value == nil {
		return gm, true, true
	}
	typ, path := gwv1.PathMatchPathPrefix, *m.Path.Value
	if m.Path.Type != nil {
		typ = *m.Path.Type
	}
	if typ == gwv1.PathMatchRegularExpression {
		return gm, false, false
	}
	path = strings.TrimSuffix(path, "/")
	if path == "" {
		if typ == gwv1.PathMatchExact {
			return gm, false, false
		}
		return gm, true, true
	}
	parts := strings.Split(strings.TrimPrefix(path, "/"), "/")
	exact := gwv1.GRPCMethodMatchExact
	switch {
	case len(parts) == 1 && parts[0] != "":
		gm.Method = &gwv1.GRPCMethodMatch{Type: &exact, Service: &parts[0]}
	case len(parts) == 2 && parts[0] != "" && parts[1] != "":
		gm.Method = &gwv1.GRPCMethodMatch{Type: &exact, Service: &parts[0], Method: &parts[1]}
	default:
		return gm, false, false
	}
	return gm, false, true
}

// grpcClash reports an HTTPRoute that shares a listener and a hostname
// with the GRPCRoute of hr: a Gateway accepts only one of the two, the
// oldest, then the first by namespace/name (GRPCRouteSpec.Hostnames in
// apis/v1 grpcroute_types.go).
func (t *translator) grpcClash(hr *HostRoute, routes []Object) {
	g := hr.Route
	for _, o := range routes {
		r, ok := o.Object.(*gwv1.HTTPRoute)
		if !ok || r == g || t.grpcRoutes[r] != nil {
			continue
		}
		if !sameListener(g, r) || !hostnamesMeet(g.Spec.Hostnames, r.Spec.Hostnames) {
			continue
		}
		t.report(hr.Ingress, hr.GRPC, Warning, fmt.Sprintf("GRPCRoute %s/%s and HTTPRoute %s/%s share a hostname on one listener: a Gateway accepts only one of them (the oldest, then the first by namespace/name), so the other's requests go unrouted; give the gRPC service its own hostname", g.Namespace, g.Name, r.Namespace, r.Name))
	}
}

// sameListener reports whether two routes attach to a listener in
// common: the same Gateway, with the same sectionName or none on either.
func sameListener(a, b *gwv1.HTTPRoute) bool {
	for _, pa := range a.Spec.ParentRefs {
		for _, pb := range b.Spec.ParentRefs {
			if pa.Name != pb.Name || nsOf(pa.Namespace, a.Namespace) != nsOf(pb.Namespace, b.Namespace) {
				continue
			}
			if pa.SectionName == nil || pb.SectionName == nil || *pa.SectionName == *pb.SectionName {
				return true
			}
		}
	}
	return false
}

// hostnamesMeet reports whether two hostname lists intersect; an empty
// list is every hostname.
func hostnamesMeet(a, b []gwv1.Hostname) bool {
	if len(a) == 0 || len(b) == 0 {
		return true
	}
	for _, x := range a {
		for _, y := range b {
			if x == y || hostCovers(string(x), string(y)) || hostCovers(string(y), string(x)) {
				return true
			}
		}
	}
	return false
}
