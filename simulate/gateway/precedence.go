package gateway

import (
	gwv1 "sigs.k8s.io/gateway-api/apis/v1"
)

// before reports whether match a takes precedence over match b, both
// attached to one listener under the same effective hostname.
//
// HTTPRoute (HTTPRouteRule.Matches in apis/v1 httproute_types.go): across
// all rules of all routes, precedence goes to the match having an "Exact"
// path match, then the "Prefix" path match with the largest number of
// characters, then a method match, then the largest number of header
// matches, then the largest number of query param matches. The precedence
// of RegularExpression path matches is implementation-specific: ingresskit
// puts them after Exact and before PathPrefix, longer expressions first,
// as Envoy Gateway orders its routes.
//
// GRPCRoute (GRPCRouteRule.Matches in apis/v1 grpcroute_types.go): the
// rule with the most characters in a matching service, then in a matching
// method, then the most header matches. GRPCRoutes are never merged with
// HTTPRoutes; gRPC matches come first, and only gRPC requests match them.
//
// Remaining ties go to the oldest route by creation timestamp, then to the
// route first in alphabetical order of namespace/name, then to the first
// matching rule (and match) in list order.
func before(a, b *match) bool {
	if a.grpc != b.grpc {
		return a.grpc
	}
	if a.grpc {
		if x, y := len(a.service), len(b.service); x != y {
			return x > y
		}
		if x, y := len(a.gmethod), len(b.gmethod); x != y {
			return x > y
		}
		if x, y := len(a.headers), len(b.headers); x != y {
			return x > y
		}
		return routeOrder(a, b)
	}
	if x, y := pathRank(a), pathRank(b); x != y {
		return x < y
	}
	if a.pathType != gwv1.PathMatchExact {
		if x, y := len(a.path), len(b.path); x != y {
			return x > y
		}
	}
	if x, y := a.method != "", b.method != ""; x != y {
		return x
	}
	if x, y := len(a.headers), len(b.headers); x != y {
		return x > y
	}
	if x, y := len(a.query), len(b.query); x != y {
		return x > y
	}
	return routeOrder(a, b)
}

func pathRank(m *match) int {
	switch m.pathType {
	case gwv1.PathMatchExact:
		return 0
	case gwv1.PathMatchRegularExpression:
		return 1
	}
	return 2
}

// routeOrder breaks ties between routes: oldest first, then by
// namespace/name; within a route, rule order, then match order.
func routeOrder(a, b *match) bool {
	ra, rb := a.rule.route, b.rule.route
	if ra != rb {
		ta, tb := ra.meta.CreationTimestamp, rb.meta.CreationTimestamp
		if !ta.Equal(&tb) {
			return ta.Before(&tb)
		}
		if ra.namespace != rb.namespace {
			return ra.namespace < rb.namespace
		}
		if ra.name != rb.name {
			return ra.name < rb.name
		}
		return ra.kind < rb.kind
	}
	if a.rule.index != b.rule.index {
		return a.rule.index < b.rule.index
	}
	return a.index < b.index
}
