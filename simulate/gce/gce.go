// Package gce is the engine's profile of ingress-gce, the GKE Ingress
// controller: the Google Cloud URL map an Ingress becomes. It registers
// itself with package simulate from init.
package gce

import (
	"fmt"
	"sort"
	"strings"

	networkingv1 "k8s.io/api/networking/v1"

	"github.com/ingresskit/ingresskit/manifest"
	"github.com/ingresskit/ingresskit/simulate"
)

// Controller names ingress-gce in IngressClass objects
// (examples/ingressclasses.yaml); "k8s.io/gce" and
// "networking.gke.io/ingress-gce" are read as it too.
const Controller = "k8s.io/ingress-gce"

// The profile answers for those controllers and for the class names
// ingress-gce itself selects Ingresses by: "gce", "gce-internal" (GKE's
// internal load balancer) and "gce-regional-external"
// (kubernetes/ingress-gce pkg/annotations/ingress.go).
func init() {
	simulate.RegisterProfile(simulate.ProfileRegistration{
		Profile:     Profile{},
		Controllers: []string{Controller, "k8s.io/gce", "networking.gke.io/ingress-gce"},
		Classes:     []string{"gce", "gce-internal", "gce-regional-external"},
		// A URL map's host rules and path matchers read the host and
		// the path only; Decorate reads no header.
		Traits: simulate.ProfileTraits{IgnoresHeaders: true},
	})
}

// Profile is the profile of ingress-gce, the GKE Ingress controller
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
//   - a host rule "*.example.com" matches any string before
//     ".example.com", dots included ("* matches any string of
//     ([a-z0-9-.]*)", Compute API HostRule.hosts), so it serves
//     "a.b.example.com" too; Decorate answers those hosts once the
//     profile is bound.
type Profile struct {
	// wild holds the rules with a wildcard host, by Ingress order.
	wild []gceWildRule
	// https holds the FrontendConfig HTTPS redirects by host
	// (redirect.go).
	https map[string]httpsRedirect
}

// gceWildRule is a rule with a wildcard host.
type gceWildRule struct {
	ing    *manifest.Ingress
	rule   int
	suffix string // ".example.com"
}

var (
	_ simulate.Profile = Profile{}
	_ simulate.Binder  = Profile{}
)

// Bind returns the profile for set: it remembers the wildcard rules, for
// hosts with more than one label before the wildcard's suffix.
func (Profile) Bind(set *manifest.Set) simulate.Profile {
	var g Profile
	ings := append([]*manifest.Ingress(nil), set.Ingresses...)
	sort.SliceStable(ings, func(i, j int) bool { return simulate.OldestFirst(ings[i], ings[j]) })
	for _, ing := range ings {
		for ri, r := range ing.Spec.Rules {
			if strings.HasPrefix(r.Host, "*.") && r.HTTP != nil {
				g.wild = append(g.wild, gceWildRule{ing: ing, rule: ri, suffix: strings.ToLower(r.Host[1:])})
			}
		}
	}
	g.https = redirects(set, ings)
	return g
}

// Name returns "gce".
func (Profile) Name() string { return "gce" }

// NormalizePath normalizes as the spec profile does.
func (Profile) NormalizePath(path string) string { return simulate.NormalizePath(path) }

// FallThrough is false: a host rule's path matcher answers unmatched
// paths with its default service.
func (Profile) FallThrough() bool { return false }

// Less orders oldest first. Each Ingress is its own load balancer with
// its own address under GCE, so the order only matters when several
// Ingresses are simulated as one.
func (Profile) Less(a, b *manifest.Ingress) bool { return simulate.OldestFirst(a, b) }

// gcePaths returns the URL-map paths ingress-gce writes for a path, or
// why the path is refused (translator.go validateAndGetPaths and
// validateExactPathType, validateAndModifyPrefixPathType; the "*" rule of
// the Compute API PathRule.paths).
func gcePaths(p networkingv1.HTTPIngressPath) ([]string, string) {
	switch simulate.PathTypeOf(p) {
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
	return nil, "unsupported pathType " + string(simulate.PathTypeOf(p))
}

// PathMatch compiles a path into its URL-map path rules.
func (Profile) PathMatch(ing *manifest.Ingress, rule int, p networkingv1.HTTPIngressPath) (simulate.PathMatch, bool, string) {
	if p.Backend.Service == nil {
		return simulate.PathMatch{}, false, "ingress-gce accepts only Service backends"
	}
	paths, why := gcePaths(p)
	if why != "" {
		return simulate.PathMatch{}, false, why
	}
	if reason := gceOverridden(ing, rule, simulate.PathIndexOf(ing, rule, p), paths); reason != "" {
		return simulate.PathMatch{}, false, reason
	}
	switch simulate.PathTypeOf(p) {
	case networkingv1.PathTypeExact:
		return simulate.PathMatch{Kind: simulate.MatchExact, Path: p.Path, Note: "URL map path " + p.Path}, true, ""
	case networkingv1.PathTypePrefix:
		return simulate.PathMatch{Kind: simulate.MatchPrefix, Path: p.Path, Note: "URL map paths " + strings.Join(paths, " and ")}, true, ""
	}
	path := paths[0]
	base, glob := strings.CutSuffix(path, "*")
	if !glob {
		return simulate.PathMatch{Kind: simulate.MatchExact, Path: path, Note: fmt.Sprintf("GCE: ImplementationSpecific %s has no /* and matches exactly", path)}, true, ""
	}
	return simulate.PathMatch{
		Kind: simulate.MatchCustom,
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

// Decorate answers hosts that only a wildcard host rule matches across
// several labels, redirects the http requests of hosts whose
// FrontendConfig asks for it (redirect.go), and says what answers when
// nothing matched.
func (g Profile) Decorate(d *simulate.Decision, req simulate.Request) {
	if d.Host == "" || !d.Matched || d.DefaultBackend {
		g.wildcard(d)
	}
	g.redirect(d, req)
	if !d.Matched {
		d.Notes = append(d.Notes, "no path rule matches: the URL map's default service answers (the cluster default backend, 404)")
	} else if d.DefaultBackend {
		d.Notes = append(d.Notes, "no path rule matches: the URL map's default service is the Ingress's spec.defaultBackend")
	}
}

// wildcard routes a host with several labels before a wildcard rule's
// suffix through that rule, when the engine (one label, as the Ingress
// specification has it) found no host rule of its own. The longest
// suffix wins; its path matcher's default answers unmatched paths.
func (g Profile) wildcard(d *simulate.Decision) {
	host := d.RequestHost
	var best *gceWildRule
	for i := range g.wild {
		w := &g.wild[i]
		head, ok := strings.CutSuffix(host, w.suffix)
		if !ok || !strings.Contains(head, ".") || head == "" {
			continue // one label: the engine matched it already
		}
		if best == nil || len(w.suffix) > len(best.suffix) {
			best = w
		}
	}
	if best == nil {
		return
	}
	r := best.ing.Spec.Rules[best.rule]
	var win *simulate.PathMatch
	winIdx := -1
	for pi, p := range r.HTTP.Paths {
		m, ok, _ := g.PathMatch(best.ing, best.rule, p)
		if !ok {
			continue
		}
		if m.Kind != simulate.MatchCustom {
			m.Length = len(strings.TrimSuffix(m.Path, "/"))
			if m.Kind == simulate.MatchExact {
				m.Length = len(m.Path)
			}
		}
		if !pathMatches(m, d.NormalizedPath) {
			continue
		}
		if win == nil || m.Length > win.Length || m.Length == win.Length && m.Kind < win.Kind {
			mm := m
			win, winIdx = &mm, pi
		}
	}
	note := fmt.Sprintf("GCE host rule %s matches %s: a URL-map wildcard spans several labels", r.Host, host)
	if win == nil {
		d.Matched, d.Ingress, d.Rule, d.PathIndex = false, nil, -1, -1
		d.Host, d.Path, d.PathType, d.Backend, d.Conflict = "", "", "", networkingv1.IngressBackend{}, nil
		simulate.SetMatch(d, simulate.PathMatch{})
		d.DefaultBackend = false
		if b := best.ing.Spec.DefaultBackend; b != nil {
			d.Matched, d.DefaultBackend, d.Ingress, d.Backend = true, true, best.ing, *b
		}
		d.Notes = append(d.Notes, note)
		return
	}
	p := r.HTTP.Paths[winIdx]
	d.Matched, d.DefaultBackend = true, false
	d.Ingress, d.Rule, d.PathIndex = best.ing, best.rule, winIdx
	d.Host, d.Path, d.PathType = r.Host, p.Path, simulate.PathTypeOf(p)
	d.Backend, d.Conflict = p.Backend, nil
	simulate.SetMatch(d, *win)
	d.Notes = append(d.Notes, note)
}

// pathMatches reports whether a compiled path matches a normalized path,
// as the engine compares them.
func pathMatches(m simulate.PathMatch, path string) bool {
	switch m.Kind {
	case simulate.MatchExact:
		return path == m.Path
	case simulate.MatchPrefix:
		key := strings.TrimSuffix(m.Path, "/")
		return strings.HasPrefix(path, key) && (len(path) == len(key) || path[len(key)] == '/')
	}
	return m.Match != nil && m.Match(path)
}
