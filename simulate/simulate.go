// Package simulate is the routing engine of ingresskit: it compiles the
// Ingresses of a manifest.Set into an index once and answers, for a
// request (scheme, host, path), which Ingress rule and backend would
// serve it, which TLS entry would serve the host, and why every other
// rule lost.
//
// The semantics are those of the Kubernetes specification
// (networking.k8s.io/v1) by default; a Profile supplies what a controller
// decides differently (see profile.go). Each profile is a package of its
// own (simulate/spec, simulate/nginx, simulate/gce, simulate/alb) that
// registers itself (RegisterProfile), as the other kinds of data plane
// do (RegisterBuilder); the engine names none of them. Programs link them
// all by importing simulate/profiles for its side effects.
//
// Lookups never loop over all rules: the index maps a host to its rules,
// and the paths of a host to their routes, so the cost of a lookup does
// not grow with the Ingresses of other hosts.
package simulate

import (
	"cmp"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strings"

	networkingv1 "k8s.io/api/networking/v1"

	"github.com/ingresskit/ingresskit/manifest"
)

// Options configures Compile. The zero value selects every Ingress and
// the default profile (DefaultProfile, the specification's).
type Options struct {
	// IngressClass selects the Ingresses of one class: those whose
	// spec.ingressClassName (or, without it, the deprecated
	// kubernetes.io/ingress.class annotation) names it, and those without
	// a class when the IngressClass marked
	// ingressclass.kubernetes.io/is-default-class has this name. ""
	// selects every Ingress.
	IngressClass string
	// Profile gives the controller's semantics; nil means DefaultProfile.
	Profile Profile
}

// Request is one HTTP request to route.
type Request struct {
	// Scheme is "http" or "https"; "" means "http".
	Scheme string
	// Host is the Host header; it may carry a port.
	Host string
	// Path is the request target; it may carry a query string and a
	// fragment, which never take part in matching.
	Path string
	// Header holds the request's headers, for profiles that route on
	// them; may be nil.
	Header http.Header
	// URL is the request as the user wrote it, shown in answers; ""
	// means scheme://host/path.
	URL string
	// Method is the HTTP method; "" means GET. Gateway API routes match
	// on it (HTTPRouteMatch.Method).
	Method string
}

// ParseRequest parses an absolute http or https URL. A URL without a
// scheme is taken as http. A Host header in header overrides the URL's
// host, as it does for a real client sending it.
func ParseRequest(rawURL string, header http.Header) (Request, error) {
	s := strings.TrimSpace(rawURL)
	if s == "" {
		return Request{}, errors.New("empty URL")
	}
	withScheme := s
	if !strings.Contains(s, "://") {
		withScheme = "http://" + s
	}
	u, err := url.Parse(withScheme)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return Request{}, fmt.Errorf("parse URL %q: %w", rawURL, err)
	}
	scheme := strings.ToLower(u.Scheme)
	if scheme != "http" && scheme != "https" {
		return Request{}, fmt.Errorf("URL %q: scheme must be http or https", rawURL)
	}
	host := u.Host
	if h := header.Get("Host"); h != "" {
		host = h
	}
	if host == "" {
		return Request{}, fmt.Errorf("URL %q has no host; give one in the URL or with a Host header", rawURL)
	}
	path := u.EscapedPath()
	if u.RawQuery != "" || u.ForceQuery {
		path += "?" + u.RawQuery
	}
	if path == "" {
		path = "/"
	}
	return Request{Scheme: scheme, Host: host, Path: path, Header: header, URL: s}, nil
}

// String returns the URL as given, or scheme://host/path.
func (r Request) String() string {
	if r.URL != "" {
		return r.URL
	}
	scheme := r.Scheme
	if scheme == "" {
		scheme = "http"
	}
	return scheme + "://" + r.Host + r.Path
}

// TLS is the spec.tls entry that would serve a host.
type TLS struct {
	// Ingress declares the entry.
	Ingress *manifest.Ingress
	// Index is the entry's index in Ingress.Spec.TLS.
	Index int
	// SecretName is the entry's Secret ("" when the entry names none).
	SecretName string
}

// Conflicting is a rule that declares the same host, path and pathType as
// the winner with another backend.
type Conflicting struct {
	// Ingress declares the rule.
	Ingress *manifest.Ingress
	// Rule and PathIndex index Ingress.Spec.Rules and its HTTP.Paths; both
	// are -1 for a spec.defaultBackend.
	Rule, PathIndex int
	// Backend is the backend the rule would send to.
	Backend networkingv1.IngressBackend
}

// Decision is the answer for one request.
type Decision struct {
	// URL is the request as given.
	URL string
	// Matched is true when a rule or a spec.defaultBackend answers.
	Matched bool
	// DefaultBackend is true when the answer comes from
	// spec.defaultBackend because no rule matched.
	DefaultBackend bool
	// Ingress is the Ingress that answers, nil when nothing matched.
	Ingress *manifest.Ingress
	// Rule and PathIndex index Ingress.Spec.Rules and its HTTP.Paths; -1
	// when not applicable (no match, or a defaultBackend).
	Rule, PathIndex int
	// Host, Path and PathType are those of the winning rule as written
	// (PathType is ImplementationSpecific when the rule leaves it out).
	Host     string
	Path     string
	PathType networkingv1.PathType
	// Backend is where the request goes.
	Backend networkingv1.IngressBackend
	// RequestHost is the request's host as matched: lower case, without
	// port or trailing dot.
	RequestHost string
	// NormalizedPath is the request path the rules were compared with.
	NormalizedPath string
	// Match is the compiled form of the winning path (how it matched).
	Match PathMatch
	// TLS is, for https requests, the entry that covers the host; nil
	// when none does or the request is http.
	TLS *TLS
	// Candidates lists every rule and why it lost; filled by
	// Index.Explain only.
	Candidates []Candidate
	// Conflict lists other rules declaring the winner's host, path and
	// pathType with other backends, as far as they matter to this
	// request, at most MaxConflicts of them (see boundConflicts).
	Conflict []Conflicting
	// MoreConflicts counts the conflicting rules Conflict leaves out.
	MoreConflicts int
	// Profile is the name of the profile that answered.
	Profile string
	// DataPlane names the data plane that answered (DataPlane.Name).
	DataPlane string
	// Redirect, when not empty, is where the controller would redirect
	// the request instead of proxying it (set by profiles).
	Redirect string
	// RedirectCode is the HTTP status of Redirect.
	RedirectCode int
	// Refused, when not empty, says why the controller cannot load the
	// configuration the input renders (nginx -t fails, so the reload
	// fails and the previous configuration keeps serving). No routing
	// answer is given then: Matched is false.
	Refused string
	// RewritePath, when not empty, is the path the backend would receive
	// (set by profiles).
	RewritePath string
	// Notes are remarks about this answer: how the winning path was
	// read (PathMatch.Note) and what the profile adds.
	Notes []string

	// The fields below are filled by data planes other than Ingress (the
	// Gateway API); Ingress answers leave them empty.

	// Kind is the kind of the object that answers ("HTTPRoute",
	// "GRPCRoute"); "" for an Ingress answer.
	Kind string
	// Object is the answering object as namespace/name.
	Object string
	// MatchIndex indexes the winning match within the rule (Rule); -1
	// when the rule has none written (the default match).
	MatchIndex int
	// Pos is the position of the winning rule.
	Pos manifest.Pos
	// Listener names the Gateway listener that took the request (an
	// Istio Gateway's server: its port name, or servers[i] when it has
	// none).
	Listener string
	// Credential is, for an https request an Istio Gateway server took,
	// the Secret the server presents (Server.tls.credentialName); ""
	// otherwise.
	Credential string
	// Status is the HTTP status the data plane answers with itself: for
	// the Gateway API 404 when nothing matches and 500 when no backend
	// resolves; 0 when the request is proxied or redirected
	// (RedirectCode). Ingress profiles set it
	// only when the controller answers itself, neither redirecting nor
	// proxying: nginx's 400 for a path above the root, or its built-in
	// /healthz.
	Status int
	// Body is the body of an answer the data plane gives itself, when
	// the configuration writes one (an Istio directResponse body); ""
	// otherwise.
	Body string
	// Backends lists every backend of the winning rule with its weight.
	Backends []WeightedBackend
	// RewriteHost, when not empty, is the Host header the backend
	// receives.
	RewriteHost string
	// RequestHeaders is the request's headers as the backend receives
	// them, when filters change them; nil otherwise.
	RequestHeaders http.Header
	// ResponseHeaders are the changes made to the response's headers.
	ResponseHeaders *HeaderEdits
	// Mirrors are the backends that receive a copy of the request.
	Mirrors []Mirror
}

// Route is one compiled path of an Ingress rule, or a spec.defaultBackend.
type Route struct {
	// Ingress declares the route.
	Ingress *manifest.Ingress
	// Rule and PathIndex index Ingress.Spec.Rules and its HTTP.Paths; -1
	// for a defaultBackend.
	Rule, PathIndex int
	// Host is the rule's host as written ("" for every host).
	Host string
	// Path and PathType are as written; PathType is ImplementationSpecific
	// when the rule leaves it out.
	Path     string
	PathType networkingv1.PathType
	// Match is the compiled path.
	Match PathMatch
	// Backend is where the route sends requests.
	Backend networkingv1.IngressBackend
	// DefaultBackend is true for a spec.defaultBackend.
	DefaultBackend bool
	// ShadowedBy is the index, in the slice Routes returns, of an equally
	// specific route that wins every request this one matches; -1 when
	// none does.
	ShadowedBy int
	// Conflict lists the routes declaring the same host, path and
	// pathType with another backend.
	Conflict []Conflicting
}

// Problem is a rule the index left out.
type Problem struct {
	// Ingress declares the rule.
	Ingress *manifest.Ingress
	// Field is the API-server style path of the offending field.
	Field string
	// Pos is the field's position.
	Pos manifest.Pos
	// Message says what is wrong.
	Message string
}

// hostKind ranks host patterns: exact hosts win over wildcard hosts,
// which win over rules without a host (concept page, "Hostname
// wildcards"; IngressRule.Host in k8s.io/api/networking/v1).
type hostKind int

const (
	hostExact hostKind = iota
	hostWildcard
	hostAny
	hostDefault // spec.defaultBackend
)

// route is the internal form of a Route.
type route struct {
	Route
	kind      hostKind
	lowerHost string
	notes     []string // Match.Note, for Decision.Notes
	rank      int      // order of the Ingress under Profile.Less
	invalid   string
	shadow    *route
	pos       int // index in the slice Routes returns, for a valid route
}

// group holds the routes of one host pattern.
type group struct {
	pattern string // lower-cased host pattern ("" for every host)
	kind    hostKind
	exact   map[string][]*route // by path
	prefix  map[string][]*route // by path without trailing "/"; "" for "/"
	custom  []*route            // in precedence order
}

// Index is the compiled routing table. It is safe for concurrent use.
type Index struct {
	profile  Profile
	decorate bool // false for an Undecorated profile
	exact    map[string]*group
	wildcard map[string]*group // by the suffix after "*."
	any      *group
	defaults []*route // spec.defaultBackends in precedence order
	routes   []*route // every route, invalid ones included, in Routes order
	valid    []*route // the routes Routes returns
	excluded []*manifest.Ingress
	problems []Problem
	tlsExact map[string][]TLS
	tlsWild  map[string][]TLS
	rank     map[*manifest.Ingress]int
}

// Compile builds the index of the Ingresses in set selected by opts,
// with opts.Profile bound to set (Bind).
// Rules the API server would reject are left out and reported by
// Problems. The error is non-nil only when set is nil.
func Compile(set *manifest.Set, opts Options) (*Index, error) {
	if set == nil {
		return nil, errors.New("simulate: nil manifest set")
	}
	// The cluster holds one object per name: the last definition wins,
	// as with kubectl apply.
	set = set.Applied()
	p := opts.Profile
	if p == nil {
		p = DefaultProfile()
	}
	// A controller decides on the whole input, not one Ingress at a time
	// (ingress-nginx's host-wide use-regex and canaries, ALB IngressGroups,
	// GCE wildcards): the profile sees every Ingress of set.
	p = Bind(p, set)
	plain, _ := p.(Undecorated)
	ix := &Index{
		profile:  p,
		decorate: plain == nil || !plain.Undecorated(),
		exact:    map[string]*group{},
		wildcard: map[string]*group{},
		tlsExact: map[string][]TLS{},
		tlsWild:  map[string][]TLS{},
	}
	var selected []*manifest.Ingress
	for _, ing := range set.Ingresses {
		if Selects(set, opts.IngressClass, ing) {
			selected = append(selected, ing)
		} else {
			ix.excluded = append(ix.excluded, ing)
		}
	}
	sort.SliceStable(selected, func(i, j int) bool { return p.Less(selected[i], selected[j]) })
	ix.rank = make(map[*manifest.Ingress]int, len(selected))
	paths := 0
	for n, ing := range selected {
		ix.rank[ing] = n
		paths++ // room for a defaultBackend
		for _, rule := range ing.Spec.Rules {
			if rule.HTTP != nil {
				paths += len(rule.HTTP.Paths)
			}
		}
	}
	ix.routes = make([]*route, 0, paths)
	for n, ing := range selected {
		ix.addIngress(ing, n)
	}
	for _, g := range ix.groups() {
		g.finish()
	}
	finishList(ix.defaults)
	ix.sortRoutes()
	ix.valid = make([]*route, 0, len(ix.routes))
	for _, r := range ix.routes {
		if r.invalid == "" {
			r.pos = len(ix.valid)
			ix.valid = append(ix.valid, r)
		}
	}
	return ix, nil
}

// Selects reports whether Compile with class selects ing. An Ingress
// names its class with spec.ingressClassName or, without it, the
// deprecated kubernetes.io/ingress.class annotation; an Ingress naming
// none belongs to the default IngressClass, the one annotated
// ingressclass.kubernetes.io/is-default-class: "true" (concept page,
// "Default IngressClass"). class "" selects every Ingress.
func Selects(set *manifest.Set, class string, ing *manifest.Ingress) bool {
	if class == "" {
		return true
	}
	if c := ing.Class(); c != "" {
		return c == class
	}
	def := set.DefaultClass()
	return def != nil && def.Name == class
}

func (ix *Index) groups() []*group {
	gs := make([]*group, 0, len(ix.exact)+len(ix.wildcard)+1)
	for _, g := range ix.exact {
		gs = append(gs, g)
	}
	for _, g := range ix.wildcard {
		gs = append(gs, g)
	}
	if ix.any != nil {
		gs = append(gs, ix.any)
	}
	return gs
}

// groupFor returns the group of a host pattern, creating it.
func (ix *Index) groupFor(pattern string) (*group, bool) {
	pattern = strings.ToLower(pattern)
	newGroup := func(kind hostKind) *group {
		return &group{pattern: pattern, kind: kind, exact: map[string][]*route{}, prefix: map[string][]*route{}}
	}
	switch {
	case pattern == "":
		if ix.any == nil {
			ix.any = newGroup(hostAny)
		}
		return ix.any, true
	case strings.HasPrefix(pattern, "*."):
		suffix := pattern[2:]
		if strings.Contains(suffix, "*") || suffix == "" {
			return nil, false
		}
		g := ix.wildcard[suffix]
		if g == nil {
			g = newGroup(hostWildcard)
			ix.wildcard[suffix] = g
		}
		return g, true
	case strings.Contains(pattern, "*"):
		// The API server allows "*" only as the whole first label
		// (validateIngressRules, kubernetes/kubernetes
		// pkg/apis/networking/validation/validation.go).
		return nil, false
	default:
		g := ix.exact[pattern]
		if g == nil {
			g = newGroup(hostExact)
			ix.exact[pattern] = g
		}
		return g, true
	}
}

func (ix *Index) addIngress(ing *manifest.Ingress, rank int) {
	if b := ing.Spec.DefaultBackend; b != nil {
		r := &route{Route: Route{Ingress: ing, Rule: -1, PathIndex: -1, Backend: *b, DefaultBackend: true, ShadowedBy: -1}, kind: hostDefault, rank: rank}
		ix.defaults = append(ix.defaults, r)
		ix.routes = append(ix.routes, r)
	}
	for ri, rule := range ing.Spec.Rules {
		g, ok := ix.groupFor(rule.Host)
		if !ok {
			field := fmt.Sprintf("spec.rules[%d].host", ri)
			ix.problems = append(ix.problems, Problem{Ingress: ing, Field: field, Pos: ing.Source.FieldPos(field),
				Message: fmt.Sprintf("host %q: a wildcard is allowed only as the whole first label (*.example.com)", rule.Host)})
			continue
		}
		if rule.HTTP == nil {
			continue
		}
		for pi, hp := range rule.HTTP.Paths {
			pt := networkingv1.PathTypeImplementationSpecific
			if hp.PathType != nil {
				pt = *hp.PathType
			}
			r := &route{Route: Route{Ingress: ing, Rule: ri, PathIndex: pi, Host: rule.Host, Path: hp.Path, PathType: pt, Backend: hp.Backend, ShadowedBy: -1}, kind: g.kind, lowerHost: g.pattern, rank: rank}
			ix.routes = append(ix.routes, r)
			m, ok, reason := ix.profile.PathMatch(ing, ri, hp)
			if !ok {
				r.invalid = reason
				field := fmt.Sprintf("spec.rules[%d].http.paths[%d].path", ri, pi)
				ix.problems = append(ix.problems, Problem{Ingress: ing, Field: field, Pos: ing.Source.FieldPos(field),
					Message: fmt.Sprintf("path %q (%s): %s; the rule is ignored", hp.Path, pt, reason)})
				continue
			}
			switch m.Kind {
			case MatchExact:
				m.Length = len(m.Path)
				g.exact[m.Path] = append(g.exact[m.Path], r)
			case MatchPrefix:
				key := strings.TrimSuffix(m.Path, "/")
				m.Length = len(key)
				g.prefix[key] = append(g.prefix[key], r)
			default:
				g.custom = append(g.custom, r)
			}
			r.Match = m
			if m.Note != "" {
				r.notes = []string{m.Note}
			}
		}
	}
	for ti, t := range ing.Spec.TLS {
		entry := TLS{Ingress: ing, Index: ti, SecretName: t.SecretName}
		hosts := t.Hosts
		if len(hosts) == 0 {
			// An entry without hosts covers the hosts of the Ingress's
			// rules (see manifest.(*Ingress).TLSFor).
			for _, rule := range ing.Spec.Rules {
				if rule.Host != "" {
					hosts = append(hosts, rule.Host)
				}
			}
		}
		for _, h := range hosts {
			if h == "" {
				// invalid (validateIngressTLS): covers nothing
				continue
			}
			h = strings.ToLower(h)
			if suffix, ok := strings.CutPrefix(h, "*."); ok {
				ix.tlsWild[suffix] = append(ix.tlsWild[suffix], entry)
			} else {
				ix.tlsExact[h] = append(ix.tlsExact[h], entry)
			}
		}
	}
}

// better reports whether a takes precedence over b: the longest path
// wins; at equal length Exact beats Prefix (concept page, "Multiple
// matches"); then the Profile's Ingress order, then rule and path order.
func better(a, b *route) bool {
	if a.Match.Length != b.Match.Length {
		return a.Match.Length > b.Match.Length
	}
	if a.Match.Kind != b.Match.Kind {
		return a.Match.Kind < b.Match.Kind
	}
	return earlier(a, b)
}

// earlier orders routes of equal precedence by Ingress, rule and path.
func earlier(a, b *route) bool {
	if a.rank != b.rank {
		return a.rank < b.rank
	}
	if a.Rule != b.Rule {
		return a.Rule < b.Rule
	}
	return a.PathIndex < b.PathIndex
}

func (g *group) finish() {
	for _, rs := range g.exact {
		finishList(rs)
	}
	for _, rs := range g.prefix {
		finishList(rs)
	}
	sort.SliceStable(g.custom, func(i, j int) bool { return better(g.custom[i], g.custom[j]) })
	finishCustom(g.custom)
}

// finishCustom records conflicts among custom matches (regular
// expressions, ingress-nginx's ImplementationSpecific prefixes, ALB
// rules) that compile the same written path and pathType to the same
// expression: the first in precedence order answers every request the
// others would, as finishList decides for Exact and Prefix paths.
func finishCustom(rs []*route) {
	if len(rs) < 2 {
		return
	}
	type decl struct {
		path, match string
		pt          networkingv1.PathType
	}
	var heads map[decl]*route
	for _, r := range rs {
		d := decl{r.Path, r.Match.Path, r.PathType}
		head, ok := heads[d]
		if !ok {
			if heads == nil {
				heads = map[decl]*route{}
			}
			heads[d] = r
			continue
		}
		r.shadow = head
		if !SameBackend(head.Backend, r.Backend) {
			head.Conflict = append(head.Conflict, Conflicting{Ingress: r.Ingress, Rule: r.Rule, PathIndex: r.PathIndex, Backend: r.Backend})
			r.Conflict = append(r.Conflict, Conflicting{Ingress: head.Ingress, Rule: head.Rule, PathIndex: head.PathIndex, Backend: head.Backend})
		}
	}
}

// finishList orders routes that match the same requests equally well,
// marks the losers as shadowed, and records conflicts: rules of the same
// host, path and pathType with different backends.
func finishList(rs []*route) {
	if len(rs) < 2 {
		return
	}
	sort.SliceStable(rs, func(i, j int) bool { return earlier(rs[i], rs[j]) })
	type decl struct {
		path string
		pt   networkingv1.PathType
	}
	heads := map[decl]*route{}
	for i, r := range rs {
		if i > 0 {
			r.shadow = rs[0]
		}
		d := decl{r.Path, r.PathType}
		head, ok := heads[d]
		if !ok {
			heads[d] = r
			continue
		}
		if !SameBackend(head.Backend, r.Backend) {
			head.Conflict = append(head.Conflict, Conflicting{Ingress: r.Ingress, Rule: r.Rule, PathIndex: r.PathIndex, Backend: r.Backend})
			r.Conflict = append(r.Conflict, Conflicting{Ingress: head.Ingress, Rule: head.Rule, PathIndex: head.PathIndex, Backend: head.Backend})
		}
	}
}

// SameBackend reports whether two backends send to the same place.
func SameBackend(a, b networkingv1.IngressBackend) bool {
	switch {
	case a.Service != nil && b.Service != nil:
		return a.Service.Name == b.Service.Name && a.Service.Port == b.Service.Port
	case a.Resource != nil && b.Resource != nil:
		ag, bg := "", ""
		if a.Resource.APIGroup != nil {
			ag = *a.Resource.APIGroup
		}
		if b.Resource.APIGroup != nil {
			bg = *b.Resource.APIGroup
		}
		return ag == bg && a.Resource.Kind == b.Resource.Kind && a.Resource.Name == b.Resource.Name
	default:
		return a.Service == nil && b.Service == nil && a.Resource == nil && b.Resource == nil
	}
}

// sortRoutes orders routes for Routes: exact hosts, wildcard hosts, rules
// without a host, then defaultBackends; by host; then by precedence.
// The order is total (routes differ at least in Ingress, rule or path),
// so an unstable sort is deterministic.
func (ix *Index) sortRoutes() {
	slices.SortFunc(ix.routes, func(a, b *route) int {
		if a.kind != b.kind {
			return cmp.Compare(a.kind, b.kind)
		}
		if c := strings.Compare(a.lowerHost, b.lowerHost); c != 0 {
			return c
		}
		if (a.invalid == "") != (b.invalid == "") {
			if a.invalid == "" {
				return -1
			}
			return 1
		}
		switch {
		case better(a, b):
			return -1
		case better(b, a):
			return 1
		}
		return 0
	})
}

// match returns the best route of g for the normalized path, or nil.
func (g *group) match(path string) *route {
	var best *route
	if rs := g.exact[path]; len(rs) > 0 {
		best = rs[0]
	} else if len(g.prefix) > 0 {
		// The longest prefix ending at an element boundary.
		for i := len(path); i >= 0; i-- {
			if i < len(path) && path[i] != '/' {
				continue
			}
			if rs := g.prefix[path[:i]]; len(rs) > 0 {
				best = rs[0]
				break
			}
		}
	}
	for _, r := range g.custom {
		if best != nil && !better(r, best) {
			// custom is in precedence order: nothing after r is better.
			break
		}
		if r.Match.Match != nil && r.Match.Match(path) {
			best = r
			break
		}
	}
	return best
}

// CanonicalHost returns the host of a Host header as rules are matched
// against it: without port, without a trailing dot, in lower case.
func CanonicalHost(host string) string {
	if !strings.Contains(host, ":") {
		// the common case: no port, nothing to split (and no error to
		// allocate)
	} else if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	} else if strings.HasPrefix(host, "[") && strings.HasSuffix(host, "]") {
		host = host[1 : len(host)-1]
	}
	host = strings.TrimSuffix(host, ".")
	return strings.ToLower(host)
}

// RequestPath strips the query string and fragment of a request target
// and ensures a leading "/".
func RequestPath(p string) string {
	if i := strings.IndexAny(p, "?#"); i >= 0 {
		p = p[:i]
	}
	if !strings.HasPrefix(p, "/") {
		p = "/" + p
	}
	return p
}

// RawQuery returns the query string of a request target, without "?".
func RawQuery(target string) string {
	if i := strings.IndexByte(target, '#'); i >= 0 {
		target = target[:i]
	}
	if i := strings.IndexByte(target, '?'); i >= 0 {
		return target[i+1:]
	}
	return ""
}

// Lookup answers one request. Candidates stays nil; Explain fills it.
func (ix *Index) Lookup(req Request) Decision {
	d, _ := ix.lookup(req)
	return d
}

// lookup returns the decision and the host kind of the last group tried
// (hostDefault when none was).
func (ix *Index) lookup(req Request) (Decision, hostKind) {
	host := CanonicalHost(req.Host)
	path := ix.profile.NormalizePath(RequestPath(req.Path))
	d := Decision{
		URL:            req.String(),
		Rule:           -1,
		PathIndex:      -1,
		RequestHost:    host,
		NormalizedPath: path,
		Profile:        ix.profile.Name(),
	}
	var groups [3]*group
	groups[0] = ix.exact[host]
	if label, rest, ok := strings.Cut(host, "."); ok && label != "" {
		if g := ix.wildcard[rest]; g != nil && manifest.MatchHost("*."+rest, host) {
			groups[1] = g
		}
	}
	groups[2] = ix.any
	tried := hostDefault
	var won *route
	for _, g := range groups {
		if g == nil {
			continue
		}
		tried = g.kind
		if won = g.match(path); won != nil || !ix.profile.FallThrough() {
			break
		}
	}
	if won == nil && len(ix.defaults) > 0 {
		won = ix.defaults[0]
	}
	if won != nil {
		d.Matched = true
		d.DefaultBackend = won.DefaultBackend
		d.Ingress = won.Ingress
		d.Rule, d.PathIndex = won.Rule, won.PathIndex
		d.Host, d.Path, d.PathType = won.Host, won.Path, won.PathType
		d.Backend = won.Backend
		d.Match = won.Match
		d.Conflict = won.Conflict
		// Shared and read-only: its capacity equals its length, so a
		// profile's append in Decorate copies it.
		d.Notes = won.notes
	}
	if strings.EqualFold(req.Scheme, "https") {
		d.TLS = ix.tlsFor(d.Ingress, host)
	}
	if ix.decorate {
		// A separate variable, so that only decorating profiles pay
		// for the Decision escaping to the heap.
		dd := d
		ix.profile.Decorate(&dd, req)
		d = dd
	}
	d.boundConflicts()
	return d, tried
}

// tlsFor returns the TLS entry serving host: the answering Ingress's own
// entry first, then the entries of the other Ingresses in profile order.
// An entry naming the host exactly comes before one that covers it by a
// wildcard or by naming no hosts, as ingress-nginx picks the Secret
// (kubernetes/ingress-nginx internal/ingress/controller/controller.go,
// extractTLSSecretName: an exact host in spec.tls first, then any
// certificate valid for the host).
func (ix *Index) tlsFor(ing *manifest.Ingress, host string) *TLS {
	if ing != nil {
		n := exactTLS(ing, host)
		if n < 0 {
			n = ing.TLSFor(host)
		}
		if n >= 0 {
			return &TLS{Ingress: ing, Index: n, SecretName: ing.Spec.TLS[n].SecretName}
		}
	}
	best := func(list []TLS) *TLS {
		var b *TLS
		for i := range list {
			if b == nil || ix.rank[list[i].Ingress] < ix.rank[b.Ingress] ||
				list[i].Ingress == b.Ingress && list[i].Index < b.Index {
				b = &list[i]
			}
		}
		if b == nil {
			return nil
		}
		c := *b
		return &c
	}
	if t := best(ix.tlsExact[host]); t != nil {
		return t
	}
	if _, rest, ok := strings.Cut(host, "."); ok {
		if t := best(ix.tlsWild[rest]); t != nil && manifest.MatchHost("*."+rest, host) {
			return t
		}
	}
	return nil
}

// exactTLS returns the first spec.tls entry of ing that names host
// itself, or -1.
func exactTLS(ing *manifest.Ingress, host string) int {
	for n, t := range ing.Spec.TLS {
		for _, h := range t.Hosts {
			// An empty host is invalid (validateIngressTLS) and names
			// nothing.
			if h != "" && strings.EqualFold(h, host) {
				return n
			}
		}
	}
	return -1
}

// Profile returns the profile the index was compiled with.
func (ix *Index) Profile() Profile { return ix.profile }

// Problems lists the rules left out of the index, in input order.
func (ix *Index) Problems() []Problem {
	out := make([]Problem, len(ix.problems))
	copy(out, ix.problems)
	return out
}

// Excluded lists the Ingresses of other classes, in input order.
func (ix *Index) Excluded() []*manifest.Ingress {
	out := make([]*manifest.Ingress, len(ix.excluded))
	copy(out, ix.excluded)
	return out
}

// Routes returns the compiled table: routes of exact hosts, of wildcard
// hosts, of rules without a host, then defaultBackends; by host, then by
// precedence (longest path first, Exact before Prefix, Ingress order).
// Rules left out of the index are not included (see Problems).
func (ix *Index) Routes() []Route {
	out := make([]Route, len(ix.valid))
	for i := range ix.valid {
		out[i] = ix.Route(i)
	}
	return out
}

// NumRoutes returns the number of routes Routes returns.
func (ix *Index) NumRoutes() int { return len(ix.valid) }

// Route returns Routes()[i] without copying the whole table, for callers
// that walk a large one once.
func (ix *Index) Route(i int) Route {
	r := ix.valid[i]
	out := r.Route
	out.Conflict = append([]Conflicting(nil), r.Conflict...)
	if r.shadow != nil {
		out.ShadowedBy = r.shadow.pos
	}
	return out
}
