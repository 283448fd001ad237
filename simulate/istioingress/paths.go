package istioingress

import (
	"fmt"
	"strings"

	networkingv1 "k8s.io/api/networking/v1"

	"github.com/ingresskit/ingresskit/simulate"
)

// uriKind is the StringMatch istiod writes for a path.
type uriKind int

const (
	uriAny    uriKind = iota // no uri match: every path
	uriExact                 // StringMatch exact
	uriPrefix                // StringMatch prefix
)

// uri is the uri match of the HTTPRoute istiod generates for one path.
type uri struct {
	kind  uriKind
	value string
}

// convertPath returns the uri match istiod writes for an Ingress path
// (istio/istio pilot/pkg/config/kube/ingress/virtualservices.go,
// convertIngressRule and createFallbackStringMatch):
//
//   - Exact: exact match on the path;
//   - Prefix: prefix match on the path as written;
//   - ImplementationSpecific, or no pathType: "", "*", "/*" and ".*" match
//     every path (the route gets no match at all); a path ending in ".*"
//     or "/*" is a prefix match on what comes before; any other path,
//     regular-expression look-alikes included, is an exact match on the
//     string as written.
func convertPath(p networkingv1.HTTPIngressPath) uri {
	if p.PathType != nil {
		switch *p.PathType {
		case networkingv1.PathTypeExact:
			return uri{uriExact, p.Path}
		case networkingv1.PathTypePrefix:
			return uri{uriPrefix, p.Path}
		}
	}
	s := p.Path
	switch s {
	case "", "*", "/*", ".*":
		return uri{kind: uriAny}
	}
	if before, ok := strings.CutSuffix(s, ".*"); ok {
		return uri{uriPrefix, before}
	}
	if before, ok := strings.CutSuffix(s, "/*"); ok {
		return uri{uriPrefix, before}
	}
	return uri{uriExact, s}
}

// length is the route's rank in istiod's order: the length of the exact
// or prefix string as written, 0 for a route without a uri match
// (virtualservices.go, sortHTTPRoutes and getMatchURILength).
func (u uri) length() int {
	if u.kind == uriAny {
		return 0
	}
	return len(u.value)
}

// separated is the path an Envoy path_separated_prefix compares: istiod
// marks the VirtualServices it generates with ingress route semantics,
// under which a prefix other than "/" loses its trailing "/" and matches
// whole path segments only (istio/istio
// pilot/pkg/networking/core/route/route.go, translateRouteMatch:
// RouteMatch_PathSeparatedPrefix when UseIngressSemantics). "" means the
// plain prefix "/", every path.
func (u uri) separated() string {
	if u.value == "/" {
		return ""
	}
	return strings.TrimSuffix(u.value, "/")
}

// matches reports whether a normalized request path matches, as Envoy
// compares it: case-sensitively (CaseSensitive is true unless
// ignoreUriCase, which Ingress paths never set).
func (u uri) matches(path string) bool {
	switch u.kind {
	case uriExact:
		return path == u.value
	case uriPrefix:
		key := u.separated()
		if key == "" {
			return strings.HasPrefix(path, "/")
		}
		// path_separated_prefix: the path is the prefix, or continues
		// it with "/" (envoy route_components.proto).
		return strings.HasPrefix(path, key) && (len(path) == len(key) || path[len(key)] == '/')
	}
	return true
}

// String describes the match as the generated VirtualService states it.
func (u uri) String() string {
	switch u.kind {
	case uriExact:
		return "exact " + u.value
	case uriPrefix:
		return "prefix " + u.value
	}
	return "no uri match"
}

// note explains how istiod read the path, for --explain.
func (u uri) note(p networkingv1.HTTPIngressPath) string {
	pt := networkingv1.PathTypeImplementationSpecific
	if p.PathType != nil {
		pt = *p.PathType
	}
	switch {
	case u.kind == uriAny:
		return fmt.Sprintf("istio: %s path %q is a route without uri match: every path, ranked last", pt, p.Path)
	case u.kind == uriPrefix && !strings.HasPrefix(u.value, "/"):
		return fmt.Sprintf("istio: %s path %q is the prefix %q, which no request path starts with", pt, p.Path, u.value)
	case u.kind == uriPrefix && u.separated() == "":
		return fmt.Sprintf("istio: %s path %q is the prefix /: every path", pt, p.Path)
	case u.kind == uriPrefix:
		return fmt.Sprintf("istio: %s path %q is the prefix %s, matching whole segments (%s and %s/...), ranked by length %d", pt, p.Path, u.value, u.separated(), u.separated(), u.length())
	case pt == networkingv1.PathTypeImplementationSpecific:
		return fmt.Sprintf("istio: ImplementationSpecific path %q is an exact match on the string as written", p.Path)
	}
	return ""
}

// pathMatch is the engine's form of the match. Exact paths are
// MatchExact; every other path is MatchCustom ranked by istiod's length,
// so the engine's order (longest first, exact before the rest at equal
// length, then Ingress order) is istiod's sortHTTPRoutes.
func (u uri) pathMatch(p networkingv1.HTTPIngressPath) simulate.PathMatch {
	if u.kind == uriExact {
		return simulate.PathMatch{Kind: simulate.MatchExact, Path: u.value, Note: u.note(p)}
	}
	shown := "*"
	if u.kind == uriPrefix {
		shown = u.value
	}
	return simulate.PathMatch{Kind: simulate.MatchCustom, Path: shown, Length: u.length(), Match: u.matches, Note: u.note(p)}
}
