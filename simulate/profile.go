package simulate

import (
	networkingv1 "k8s.io/api/networking/v1"

	"github.com/ingresskit/ingresskit/manifest"
)

// Profile gives the engine the semantics of one Ingress controller where
// the Kubernetes specification leaves them open. The core engine (host
// precedence, the index, Exact and Prefix matching, conflict detection,
// defaultBackend and TLS selection) is shared by every profile; a profile
// decides only the points below.
//
// A new controller profile lives in its own package under simulate/
// (simulate/nginx, simulate/gce, ...), which imports the engine and
// manifest but no other profile, and registers itself from init:
//
//	func init() {
//		simulate.RegisterProfile(simulate.ProfileRegistration{
//			Profile:     Traefik{},
//			Controllers: []string{"traefik.io/ingress-controller"},
//			Classes:     []string{"traefik"},
//		})
//	}
//
// so that --controller, IngressClass inference and the "# expect(name):"
// lines of the examples find it; simulate/profiles imports the package so
// that every command links it.
//
// A controller that ranks rules by their order rather than by path length
// (a load balancer's rule priorities) can return MatchCustom for every
// path with a Length that decreases with the order.
//
// Every method must be safe for concurrent use and cheap: NormalizePath
// and Decorate run on every lookup.
type Profile interface {
	// Name is the short name shown in answers ("spec", "nginx", "gce").
	Name() string

	// NormalizePath turns the path of a request (query string and
	// fragment already removed, never empty, starting with "/") into the
	// path the controller matches rules against. Decision.NormalizedPath
	// shows the result.
	NormalizePath(path string) string

	// PathMatch compiles one path of an Ingress rule. It decides, among
	// others, how ImplementationSpecific matches. ok=false leaves the
	// path out of the index (the controller would ignore it); reason then
	// says why and is reported by Index.Problems.
	PathMatch(ing *manifest.Ingress, rule int, p networkingv1.HTTPIngressPath) (m PathMatch, ok bool, reason string)

	// FallThrough reports whether a request whose host matches rules
	// with a host, but none of their paths, is then tried against the
	// rules of less specific hosts (a wildcard host, then rules without a
	// host). Exact hosts always take precedence over wildcard hosts and
	// wildcard hosts over rules without a host.
	FallThrough() bool

	// Less orders Ingresses for conflict resolution: when several rules
	// are equally good matches, the rule of the Ingress for which Less
	// reports true against every other wins.
	Less(a, b *manifest.Ingress) bool

	// Decorate runs once per lookup after the engine has chosen the
	// winner (matched or not) and adds what the controller would do on
	// top of routing: redirects, rewrites, notes. It may also change the
	// routing fields (Matched, Ingress, Rule, PathIndex, Backend) where
	// the controller routes differently from the rules alone: a canary
	// backend chosen by header or cookie, ALB listener-rule order, GCE
	// wildcard re-routing. It must leave the request untouched.
	Decorate(d *Decision, req Request)
}

// Undecorated is implemented by a profile whose Decorate does nothing,
// such as the specification's: the engine then skips the call, and the
// copy of the Decision it costs on every lookup.
type Undecorated interface {
	Undecorated() bool
}

// MatchKind is how a compiled path compares with a request path.
type MatchKind int

// Match kinds, in precedence order at equal length.
const (
	// MatchExact matches the whole path, case-sensitively.
	MatchExact MatchKind = iota
	// MatchPrefix matches the path element by element on "/".
	MatchPrefix
	// MatchCustom matches through PathMatch.Match (regular expressions,
	// globs, ...).
	MatchCustom
)

// String returns the kind's name.
func (k MatchKind) String() string {
	switch k {
	case MatchExact:
		return "exact"
	case MatchPrefix:
		return "prefix"
	default:
		return "custom"
	}
}

// PathMatch is one compiled rule path.
type PathMatch struct {
	// Kind selects the matching algorithm.
	Kind MatchKind
	// Path is the path compared with the request: for MatchExact the
	// whole path, for MatchPrefix the prefix (a trailing "/" is ignored).
	// For MatchCustom it is shown in explanations only.
	Path string
	// Length ranks matches: the longest matching path wins, and at equal
	// length MatchExact beats MatchPrefix beats MatchCustom. For
	// MatchExact and MatchPrefix the engine computes it (len(Path), the
	// trailing "/" of a prefix not counted); MatchCustom sets it.
	Length int
	// Match reports whether a normalized request path matches; used only
	// for MatchCustom.
	Match func(path string) bool
	// Note explains a controller-specific interpretation in --explain
	// output, e.g. "ImplementationSpecific treated as Prefix".
	Note string
}

// PathTypeOf returns the pathType of p, ImplementationSpecific when it
// has none (only possible in input converted from an older API version,
// whose default it was).
func PathTypeOf(p networkingv1.HTTPIngressPath) networkingv1.PathType {
	if p.PathType == nil {
		return networkingv1.PathTypeImplementationSpecific
	}
	return *p.PathType
}

// PathIndexOf finds the index of p among the paths of ing's rule (the
// first equal one).
func PathIndexOf(ing *manifest.Ingress, rule int, p networkingv1.HTTPIngressPath) int {
	if rule < 0 || rule >= len(ing.Spec.Rules) || ing.Spec.Rules[rule].HTTP == nil {
		return -1
	}
	for i, q := range ing.Spec.Rules[rule].HTTP.Paths {
		if q.Path == p.Path && PathTypeOf(q) == PathTypeOf(p) && SameBackend(q.Backend, p.Backend) {
			return i
		}
	}
	return -1
}

// SetMatch replaces the winning path's compiled match when a profile
// re-routes in Decorate, and with it the note the engine added for the
// old one.
func SetMatch(d *Decision, m PathMatch) {
	if old := d.Match.Note; old != "" {
		for i, n := range d.Notes {
			if n == old {
				// Notes may be shared: copy rather than shift in place.
				d.Notes = append(d.Notes[:i:i], d.Notes[i+1:]...)
				break
			}
		}
	}
	d.Match = m
	if m.Note != "" {
		d.Notes = append(d.Notes, m.Note)
	}
}

// OldestFirst orders Ingresses by creationTimestamp, oldest first; an
// Ingress without a timestamp counts as newest (it has not been created
// yet); ties are broken by namespace, then name.
func OldestFirst(a, b *manifest.Ingress) bool {
	at, bt := a.CreationTimestamp, b.CreationTimestamp
	switch {
	case at.IsZero() && !bt.IsZero():
		return false
	case !at.IsZero() && bt.IsZero():
		return true
	case !at.Equal(&bt):
		return at.Before(&bt)
	}
	if a.Namespace != b.Namespace {
		return a.Namespace < b.Namespace
	}
	return a.Name < b.Name
}
