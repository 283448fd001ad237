package simulate

import (
	"fmt"
	"strings"

	networkingv1 "k8s.io/api/networking/v1"

	"github.com/ingresskit/ingresskit/manifest"
)

// GCE is the profile of ingress-gce, the GKE Ingress controller
// (kubernetes/ingress-gce). Each Ingress becomes a Google Cloud URL map:
// one host rule and path matcher per rule host, one path rule per path
// (pkg/controller/translator/translator.go, validateAndGetPaths;
// pkg/translator/translator.go, ToCompositeURLMap).
//
//   - ImplementationSpecific paths go to the URL map as written: "*" is
//     allowed only as a final "/*" and globs the rest of the path; every
//     other path matches exactly, so "/" matches only "/" and "/users"
//     not "/users/1". An empty path is "/*".
//   - Prefix "/foo" becomes "/foo" and "/foo/*"; Prefix "/" is "/*";
//     Exact stays. Exact and Prefix paths must not contain "*".
//   - the longest path rule wins ("Matches are always done on the
//     longest-path-first basis", Compute API PathMatcher.pathRules).
//   - a request whose host has a host rule but matches none of its
//     paths gets the URL map's default service: the Ingress's
//     spec.defaultBackend, else the cluster's default backend (404).
//   - within one Ingress a later path with the same URL-map path wins,
//     and a later rule for the same host replaces the earlier rule's
//     paths (pkg/utils/gceurlmap.go, PutPathRulesForHost).
type GCE struct{}

var _ Profile = GCE{}

// Name returns "gce".
func (GCE) Name() string { return "gce" }

// NormalizePath normalizes as the spec profile does.
func (GCE) NormalizePath(path string) string { return NormalizePath(path) }

// FallThrough is false: a host rule's path matcher answers unmatched
// paths with its default service.
func (GCE) FallThrough() bool { return false }

// Less orders oldest first. Each Ingress is its own load balancer with
// its own address under GCE, so the order only matters when several
// Ingresses are simulated as one.
func (GCE) Less(a, b *manifest.Ingress) bool { return OldestFirst(a, b) }

// gcePaths returns the URL-map paths ingress-gce writes for a path, or
// why the path is refused (translator.go validateAndGetPaths and
// validateExactPathType, validateAndModifyPrefixPathType; the "*" rule of
// the Compute API PathRule.paths).
func gcePaths(p networkingv1.HTTPIngressPath) ([]string, string) {
	switch pathTypeOf(p) {
	case networkingv1.PathTypeExact:
		if p.Path == "" {
			return nil, "an Exact path must not be empty"
		}
		if strings.Contains(p.Path, "*") {
			return nil, "an Exact path must not contain a wildcard"
		}
		return []string{p.Path}, ""
	case networkingv1.PathTypePrefix:
		switch {
		case p.Path == "":
			return nil, "a Prefix path must not be empty"
		case p.Path == "/":
			return []string{"/*"}, ""
		case strings.Contains(p.Path, "*"):
			return nil, "a Prefix path must not contain a wildcard"
		}
		trimmed := strings.TrimSuffix(p.Path, "/")
		return []string{trimmed, trimmed + "/*"}, ""
	case networkingv1.PathTypeImplementationSpecific:
		path := p.Path
		if path == "" {
			path = "/*"
		}
		if i := strings.IndexByte(path, '*'); i >= 0 && (i != len(path)-1 || !strings.HasSuffix(path, "/*")) {
			return nil, `a URL map path may hold "*" only as a final "/*"; the controller cannot sync this Ingress`
		}
		if !strings.HasPrefix(path, "/") {
			return nil, "a URL map path must start with /"
		}
		return []string{path}, ""
	}
	return nil, "unsupported pathType " + string(pathTypeOf(p))
}

// PathMatch compiles a path into its URL-map path rules.
func (GCE) PathMatch(ing *manifest.Ingress, rule int, p networkingv1.HTTPIngressPath) (PathMatch, bool, string) {
	if p.Backend.Service == nil {
		return PathMatch{}, false, "ingress-gce accepts only Service backends"
	}
	paths, why := gcePaths(p)
	if why != "" {
		return PathMatch{}, false, why
	}
	if reason := gceOverridden(ing, rule, pathIndexOf(ing, rule, p), paths); reason != "" {
		return PathMatch{}, false, reason
	}
	switch pathTypeOf(p) {
	case networkingv1.PathTypeExact:
		return PathMatch{Kind: MatchExact, Path: p.Path, Note: "URL map path " + p.Path}, true, ""
	case networkingv1.PathTypePrefix:
		return PathMatch{Kind: MatchPrefix, Path: p.Path, Note: "URL map paths " + strings.Join(paths, " and ")}, true, ""
	}
	path := paths[0]
	base, glob := strings.CutSuffix(path, "*")
	if !glob {
		return PathMatch{Kind: MatchExact, Path: path, Note: fmt.Sprintf("GCE: ImplementationSpecific %s has no /* and matches exactly", path)}, true, ""
	}
	return PathMatch{
		Kind: MatchCustom,
		Path: path,
		// "/users/*" ranks as the prefix "/users" would.
		Length: len(base) - 1,
		Match:  func(req string) bool { return strings.HasPrefix(req, base) },
		Note:   fmt.Sprintf("GCE glob %s: matches %s and every path below it", path, base),
	}, true, ""
}

// gceOverridden says why a later path of the same Ingress replaces this
// one in the URL map, or "".
func gceOverridden(ing *manifest.Ingress, rule, index int, paths []string) string {
	host := strings.ToLower(ing.Spec.Rules[rule].Host)
	for ri := rule + 1; ri < len(ing.Spec.Rules); ri++ {
		if strings.ToLower(ing.Spec.Rules[ri].Host) == host && ing.Spec.Rules[ri].HTTP != nil {
			return fmt.Sprintf("spec.rules[%d] has the same host and replaces this rule's paths in the URL map", ri)
		}
	}
	later := map[string]bool{}
	for pi := index + 1; pi < len(ing.Spec.Rules[rule].HTTP.Paths); pi++ {
		q, _ := gcePaths(ing.Spec.Rules[rule].HTTP.Paths[pi])
		for _, x := range q {
			later[x] = true
		}
	}
	for _, x := range paths {
		if !later[x] {
			return ""
		}
	}
	return "a later path of this rule writes the same URL map path, and the later one wins"
}

// Decorate says what answers when nothing matched.
func (GCE) Decorate(d *Decision, _ Request) {
	if !d.Matched {
		d.Notes = append(d.Notes, "no path rule matches: the URL map's default service answers (the cluster default backend, 404)")
	} else if d.DefaultBackend {
		d.Notes = append(d.Notes, "no path rule matches: the URL map's default service is the Ingress's spec.defaultBackend")
	}
}
