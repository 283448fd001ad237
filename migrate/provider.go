package migrate

import (
	"fmt"
	"net"
	"sort"
	"strings"
	"sync"

	networkingv1 "k8s.io/api/networking/v1"
	gwv1 "sigs.k8s.io/gateway-api/apis/v1"

	"github.com/ingresskit/ingresskit/manifest"
	"github.com/ingresskit/ingresskit/simulate"
)

// Provider translates what one Ingress controller does beyond the
// Ingress spec. Each lives in its own package (migrate/nginx,
// migrate/alb, migrate/gce) and registers itself in init, as
// ingress2gateway's providers do (pkg/i2gw/providers/<name>); the core
// iterates the registry without naming them. An Ingress whose controller
// has no provider is read as the spec reads it (Base).
type Provider interface {
	// Name is the simulate profile whose Ingresses it translates
	// ("nginx", "alb", "gce").
	Name() string
	// New starts the translation of one input.
	New(tr *Translation) IngressTranslator
}

// IngressTranslator is a provider's state for one Translate.
type IngressTranslator interface {
	// Ingress returns how to read one Ingress, or nil when the Ingress is
	// not translated now: the controller ignores it (the provider
	// reports why), or a Finisher translates it at the end.
	Ingress(ing *manifest.Ingress) Reader
}

// Finisher is an IngressTranslator with work after every Ingress is
// translated (ingress-nginx canaries merge into other Ingresses' routes).
// Finish returns the Ingresses it translated.
type Finisher interface {
	Finish() []*manifest.Ingress
}

// Reader reads one Ingress the way its controller does. Embed Base and
// override what differs from the spec.
type Reader interface {
	// PathMatch translates one path (field is its API-server path); false
	// leaves the path out, reported.
	PathMatch(hr *HostRoute, p networkingv1.HTTPIngressPath, field string) (gwv1.HTTPPathMatch, bool)
	// Rule makes the rule of one path from its match: backendRefs and
	// filters; false leaves the path out, reported.
	Rule(hr *HostRoute, p networkingv1.HTTPIngressPath, field string, match gwv1.HTTPPathMatch) (gwv1.HTTPRouteRule, bool)
	// DefaultMatch is the match of spec.defaultBackend's catch-all rule
	// for a host, and the Info finding to report for it ("" for none);
	// false when the controller ignores spec.defaultBackend.
	DefaultMatch(hr *HostRoute) (gwv1.HTTPPathMatch, string, bool)
	// HTTPSRedirect says how the controller redirects http requests for
	// host to https, nil when it does not.
	HTTPSRedirect(host string) *HTTPSRedirect
	// HostRules adds the rules that apply to a host as a whole, after
	// its paths.
	HostRules(hr *HostRoute)
}

var (
	registryMu sync.RWMutex
	registry   = map[string]Provider{}
)

// Register adds a provider; it panics on a second provider of one name,
// a programming error found at start-up.
func Register(p Provider) {
	registryMu.Lock()
	defer registryMu.Unlock()
	if _, dup := registry[p.Name()]; dup {
		panic(fmt.Sprintf("migrate: provider %q registered twice", p.Name()))
	}
	registry[p.Name()] = p
}

// ProviderNames returns the names of the registered providers, sorted.
func ProviderNames() []string {
	registryMu.RLock()
	defer registryMu.RUnlock()
	names := make([]string, 0, len(registry))
	for n := range registry {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

func providerByName(name string) (Provider, bool) {
	registryMu.RLock()
	defer registryMu.RUnlock()
	p, ok := registry[name]
	return p, ok
}

// providersWith returns the registered providers that implement T, in
// name order.
func providersWith[T any]() []T {
	var out []T
	for _, n := range ProviderNames() {
		p, _ := providerByName(n)
		if t, ok := p.(T); ok {
			out = append(out, t)
		}
	}
	return out
}

// Translation is the state of one Translate that providers read and add
// to.
type Translation struct {
	t *translator
}

// Set returns the input (its applied view).
func (tr *Translation) Set() *manifest.Set { return tr.t.set }

// ProfileName returns the profile an Ingress is read under.
func (tr *Translation) ProfileName(ing *manifest.Ingress) string { return tr.t.profileName(ing) }

// Class returns the Ingress class an Ingress belongs to (the one
// data plane it is verified in), "" when none.
func (tr *Translation) Class(ing *manifest.Ingress) string { return tr.t.classOf(ing) }

// Report adds a finding on a field of ing; a Warning makes the Ingress
// partly translated.
func (tr *Translation) Report(ing *manifest.Ingress, field string, sev Severity, msg string) {
	tr.t.report(ing, field, sev, msg)
}

// BackendRef translates an Ingress backend into a backendRef, reporting
// when it cannot (a resource backend, an unknown named port).
func (tr *Translation) BackendRef(ing *manifest.Ingress, b networkingv1.IngressBackend, field string) (gwv1.HTTPBackendRef, bool) {
	return tr.t.backendRef(ing, b, field)
}

// Routes returns the host routes made so far that have rules, in order.
func (tr *Translation) Routes() []*HostRoute { return tr.t.routes }

// Emit adds an object made by a provider (a policy), written after the
// routes.
func (tr *Translation) Emit(o Object) { tr.t.extra = append(tr.t.extra, o) }

// HostRoute is the route made for one host of one Ingress, kept while
// other Ingresses (canaries) may still add to its rules.
type HostRoute struct {
	// Ingress is the Ingress it came from; Host the host ("" for rules
	// without one).
	Ingress *manifest.Ingress
	Host    string
	// Route is the HTTPRoute; when GRPC names a field (the one that
	// says the backends speak gRPC), it is written as a GRPCRoute
	// (grpc.go) and findings of the conversion point at that field.
	Route *gwv1.HTTPRoute
	GRPC  string
	// rules maps the translated "type value" of each rule's first path
	// match to its index; byPath maps the Ingress path (pathKey).
	rules  map[string]int
	byPath map[string]int
}

// RuleFor returns the index of the rule translated from an Ingress path
// of this host, as the first path with the same value and exactness.
func (hr *HostRoute) RuleFor(p networkingv1.HTTPIngressPath) (int, bool) {
	i, ok := hr.byPath[pathKey(p)]
	return i, ok
}

// AppendRule appends a rule after the others.
func (hr *HostRoute) AppendRule(rule gwv1.HTTPRouteRule) {
	if key := ruleKey(rule); key != "" {
		hr.rules[key] = len(hr.Route.Spec.Rules)
	}
	hr.Route.Spec.Rules = append(hr.Route.Spec.Rules, rule)
}

// HasRule reports whether a rule with this path match is there.
func (hr *HostRoute) HasRule(m gwv1.HTTPPathMatch) bool {
	_, ok := hr.rules[matchKey(m)]
	return ok
}

func ruleKey(rule gwv1.HTTPRouteRule) string {
	if len(rule.Matches) == 0 || rule.Matches[0].Path == nil {
		return ""
	}
	return matchKey(*rule.Matches[0].Path)
}

func matchKey(m gwv1.HTTPPathMatch) string {
	if m.Type == nil || m.Value == nil {
		return ""
	}
	return string(*m.Type) + " " + *m.Value
}

// pathKey identifies an Ingress path: its value, and whether it is Exact.
func pathKey(p networkingv1.HTTPIngressPath) string {
	path := p.Path
	if path == "" {
		path = "/"
	}
	if p.PathType != nil && *p.PathType == networkingv1.PathTypeExact {
		return "= " + path
	}
	return path
}

// Base reads an Ingress as the Ingress spec does; providers embed it.
type Base struct {
	// Tr is the translation.
	Tr *Translation
}

var _ Reader = Base{}

// PathMatch translates Exact and Prefix as written; ImplementationSpecific
// is read as Prefix, with a finding, since the spec leaves it to the
// controller (networking/v1 types.go, PathTypeImplementationSpecific).
func (b Base) PathMatch(hr *HostRoute, p networkingv1.HTTPIngressPath, field string) (gwv1.HTTPPathMatch, bool) {
	path := IngressPath(p)
	switch PathType(p) {
	case networkingv1.PathTypeExact:
		return Match(gwv1.PathMatchExact, path), true
	case networkingv1.PathTypePrefix:
		return Match(gwv1.PathMatchPathPrefix, path), true
	}
	b.Tr.Report(hr.Ingress, field+".pathType", Info, fmt.Sprintf("pathType ImplementationSpecific is read as PathPrefix for %s; check that your controller matched it that way", path))
	return Match(gwv1.PathMatchPathPrefix, path), true
}

// Rule forwards to the path's backend.
func (b Base) Rule(hr *HostRoute, p networkingv1.HTTPIngressPath, field string, match gwv1.HTTPPathMatch) (gwv1.HTTPRouteRule, bool) {
	ref, ok := b.Tr.BackendRef(hr.Ingress, p.Backend, field+".backend")
	if !ok {
		return gwv1.HTTPRouteRule{}, false
	}
	return gwv1.HTTPRouteRule{Matches: []gwv1.HTTPRouteMatch{{Path: &match}}, BackendRefs: []gwv1.HTTPBackendRef{ref}}, true
}

// DefaultMatch is PathPrefix "/", which ranks below every other path of
// the Gateway's listener (HTTPRouteRule precedence: longest prefix
// first). A catch-all for every host changes what other controllers do
// with unmatched requests, so it is reported.
func (b Base) DefaultMatch(hr *HostRoute) (gwv1.HTTPPathMatch, string, bool) {
	note := ""
	if hr.Host == "" {
		note = "spec.defaultBackend becomes a catch-all rule for every host of the Gateway; other controllers pick one default backend for requests no rule matches, which this route now answers"
	}
	return Match(gwv1.PathMatchPathPrefix, "/"), note, true
}

// HTTPSRedirect is nil: the spec says nothing of redirects.
func (Base) HTTPSRedirect(string) *HTTPSRedirect { return nil }

// HTTPSRedirect is a controller's redirect of a host's http requests to
// https: the route of the host attaches to its HTTPS listener, and a
// route on the http listener answers RequestRedirect scheme https.
type HTTPSRedirect struct {
	// Code is the redirect's status.
	Code int
	// NoListener is the finding reported when no HTTPS listener holds a
	// certificate for the host, so the redirect is not translated.
	NoListener string
}

// HostRules adds nothing.
func (Base) HostRules(*HostRoute) {}

// Match returns a path match.
func Match(typ gwv1.PathMatchType, value string) gwv1.HTTPPathMatch {
	return gwv1.HTTPPathMatch{Type: &typ, Value: &value}
}

// IngressPath returns a path's value, "/" when empty.
func IngressPath(p networkingv1.HTTPIngressPath) string {
	if p.Path == "" {
		return "/"
	}
	return p.Path
}

// PathType returns a path's type, ImplementationSpecific when unset.
func PathType(p networkingv1.HTTPIngressPath) networkingv1.PathType {
	if p.PathType == nil {
		return networkingv1.PathTypeImplementationSpecific
	}
	return *p.PathType
}

// UnroutedLister is a Provider that names the annotations of an Ingress
// whose effect the routing model does not check (Verify lists them as not
// verified).
type UnroutedLister interface {
	UnroutedAnnotations(ing *manifest.Ingress) []string
}

// unroutedAnnotations asks every registered provider for the annotations
// of ing the model does not route.
func unroutedAnnotations(ing *manifest.Ingress) []string {
	var out []string
	for _, l := range providersWith[UnroutedLister]() {
		out = append(out, l.UnroutedAnnotations(ing)...)
	}
	return out
}

// Prober is a Provider whose Ingresses need probe requests of their own
// (gRPC requests for gRPC backends); Verify routes them on both sides.
type Prober interface {
	Probes(ing *manifest.Ingress) []simulate.Request
}

// providerProbes asks every registered provider for the probes of ing.
func providerProbes(ing *manifest.Ingress) []simulate.Request {
	var out []simulate.Request
	for _, pr := range providersWith[Prober]() {
		out = append(out, pr.Probes(ing)...)
	}
	return out
}

// GRPCReader is implemented by a Prober whose Ingresses may have only
// gRPC backends; Verify sends their hosts gRPC probes alone.
type GRPCReader interface {
	GRPC(ing *manifest.Ingress) bool
}

// grpcOnlyHosts are the hosts of ingresses whose every Ingress has gRPC
// backends: a plain HTTP request to them reached the backend through the
// Ingress controller and reaches no GRPCRoute, a difference no gRPC
// client sees.
func grpcOnlyHosts(ingresses []*manifest.Ingress) map[string]bool {
	grpc, other := map[string]bool{}, map[string]bool{}
	readers := providersWith[GRPCReader]()
	for _, ing := range ingresses {
		is := false
		for _, g := range readers {
			if g.GRPC(ing) {
				is = true
			}
		}
		for _, r := range ing.Spec.Rules {
			if is {
				grpc[strings.ToLower(r.Host)] = true
			} else {
				other[strings.ToLower(r.Host)] = true
			}
		}
	}
	for h := range other {
		delete(grpc, h)
	}
	if len(grpc) == 0 {
		return nil
	}
	return grpc
}

// isGRPC reports whether a probe is a gRPC request (Content-Type
// application/grpc, gRPC over HTTP/2 "Requests").
func isGRPC(r simulate.Request) bool {
	return strings.HasPrefix(r.Header.Get("Content-Type"), "application/grpc")
}

// probeHost is a probe's host without a port, lower case.
func probeHost(r simulate.Request) string {
	h := r.Host
	if host, _, err := net.SplitHostPort(h); err == nil {
		h = host
	}
	return strings.ToLower(h)
}
