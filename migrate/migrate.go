// Package migrate translates Ingresses into Gateway API objects by what
// their controller really does with them, reports every behaviour the
// translation cannot carry over, and verifies the result by routing the
// same requests through both (Verify).
//
// The translation follows the shape of ingress2gateway
// (kubernetes-sigs/ingress2gateway pkg/i2gw): one Gateway per data plane,
// one HTTPRoute per Ingress host, ReferenceGrants where a reference crosses
// namespaces, and one file per controller feature.
package migrate

import (
	"fmt"
	"sort"
	"strings"

	gwv1 "sigs.k8s.io/gateway-api/apis/v1"

	"github.com/ingresskit/ingresskit/manifest"
	"github.com/ingresskit/ingresskit/simulate"

	// Every Ingress profile and data plane registers itself with simulate.
	_ "github.com/ingresskit/ingresskit/simulate/profiles"
)

// Options configures Translate. The zero value makes one Gateway per
// Ingress class, of a GatewayClass named like the Ingress class.
type Options struct {
	// GatewayClass is the gatewayClassName of the Gateways made; ""
	// names each after its Ingress class (or "ingresskit" when the
	// Ingresses name no class).
	GatewayClass string
	// Gateway, when set, attaches every route to this existing Gateway
	// instead of making Gateways: "namespace/name" or
	// "namespace/name:section".
	Gateway string
	// Controller reads every Ingress under this profile ("nginx", "gce",
	// "alb", "spec"); "" infers each Ingress's controller from its class
	// (simulate.InferProfileName).
	Controller string
}

// Object is one translated object.
type Object struct {
	// Object is the Gateway API object (*gwv1.Gateway, *gwv1.HTTPRoute,
	// *gwv1.GRPCRoute, *gwv1.ReferenceGrant, *gwv1.BackendTLSPolicy).
	Object any
	// Kind, Namespace and Name identify it.
	Kind, Namespace, Name string
	// From names the Ingresses it came from, as "namespace/name", and
	// Pos where the first of them starts.
	From []string
	Pos  manifest.Pos
}

// Severity ranks findings.
type Severity string

// Severities: a behaviour lost or changed is a Warning; one that no
// standard field can express but that does not change which backend
// answers is Info.
const (
	Warning Severity = "warning"
	Info    Severity = "info"
)

// Finding is a behaviour of the source controller the translation does
// not carry over exactly.
type Finding struct {
	// Pos is where the behaviour is written (an annotation, a path).
	Pos manifest.Pos
	// Ingress is its Ingress, "namespace/name".
	Ingress string
	// Field is the API-server style path of the field, or the
	// annotation's name as metadata.annotations[name].
	Field string
	// Severity ranks it.
	Severity Severity
	// Message says what the controller did, what the translation does
	// instead, and what the user can do.
	Message string
}

func (f Finding) String() string {
	return fmt.Sprintf("%s: %s: %s", f.Pos, f.Severity, f.Message)
}

// Result is a translation.
type Result struct {
	// Objects in output order: Gateways, then per source file the routes
	// and ReferenceGrants in input order.
	Objects []Object
	// Findings sorted by position.
	Findings []Finding
	// Complete, Partial and Untranslated count the Ingresses translated
	// with no warning, with warnings, or not at all.
	Complete, Partial, Untranslated int
}

// Translate converts the Ingresses of set (its applied view) into Gateway
// API objects.
func Translate(set *manifest.Set, opts Options) (*Result, error) {
	if set == nil {
		return nil, fmt.Errorf("migrate: nil manifest set")
	}
	set = set.Applied()
	t := &translator{set: set, opts: opts, res: &Result{}}
	if opts.Gateway != "" {
		ref, err := parseGatewayRef(opts.Gateway)
		if err != nil {
			return nil, err
		}
		t.fixed = &ref
		if gw := set.Gateway(ref.namespace, ref.name); gw != nil && ref.section != "" {
			found := false
			for _, l := range gw.Spec.Listeners {
				found = found || string(l.Name) == ref.section
			}
			if !found {
				return nil, fmt.Errorf("gateway %s/%s has no listener %q", ref.namespace, ref.name, ref.section)
			}
		}
	}
	if opts.Controller != "" {
		if _, ok := simulate.ProfileByName(opts.Controller); !ok {
			return nil, fmt.Errorf("unknown controller %q: use one of %s", opts.Controller, strings.Join(simulate.ProfileNames(), ", "))
		}
	}
	t.run()
	return t.res, nil
}

// gatewayRef is a parentRef target.
type gatewayRef struct {
	namespace, name, section string
}

func parseGatewayRef(s string) (gatewayRef, error) {
	var r gatewayRef
	rest := s
	if i := strings.LastIndexByte(rest, ':'); i >= 0 {
		r.section, rest = rest[i+1:], rest[:i]
	}
	ns, name, ok := strings.Cut(rest, "/")
	if !ok || ns == "" || name == "" || strings.Contains(name, "/") || (strings.Contains(s, ":") && r.section == "") {
		return r, fmt.Errorf("--gateway %q: want namespace/name or namespace/name:section", s)
	}
	r.namespace, r.name = ns, name
	return r, nil
}

// translator holds the state of one Translate.
type translator struct {
	set   *manifest.Set
	opts  Options
	res   *Result
	fixed *gatewayRef
	// planes are the Gateways made, by Ingress class.
	planes map[string]*plane
	// grants collects the ReferenceGrants needed, by target namespace.
	grants map[string]*gwv1.ReferenceGrant
	// warned counts the warnings of each Ingress.
	warned map[*manifest.Ingress]int
	// routes are the host routes made, for canaries to find their
	// primaries.
	routes []*HostRoute
	// providers are the IngressTranslators started, by profile name, in
	// the order first used; extra are the objects they emit.
	providers map[string]IngressTranslator
	order     []IngressTranslator
	extra     []Object
	// grpcRoutes are the host routes written as GRPCRoutes, by HTTPRoute.
	grpcRoutes map[any]*HostRoute
}

// reader returns how the provider of an Ingress's controller reads it,
// Base when no provider is registered for it.
func (t *translator) reader(ing *manifest.Ingress) Reader {
	name := t.profileName(ing)
	it, ok := t.providers[name]
	if !ok {
		if p, found := providerByName(name); found {
			it = p.New(&Translation{t: t})
			t.order = append(t.order, it)
		}
		t.providers[name] = it
	}
	if it == nil {
		return Base{Tr: &Translation{t: t}}
	}
	return it.Ingress(ing)
}

// profileName returns the profile an Ingress is read under.
func (t *translator) profileName(ing *manifest.Ingress) string {
	if t.opts.Controller != "" {
		return strings.ToLower(t.opts.Controller)
	}
	return simulate.InferProfileName(t.set, ing)
}

// classOf returns the Ingress class an Ingress belongs to, "" when none.
func (t *translator) classOf(ing *manifest.Ingress) string {
	if c := ing.Class(); c != "" {
		return c
	}
	if dc := t.set.DefaultClass(); dc != nil {
		return dc.Name
	}
	return ""
}

func (t *translator) report(ing *manifest.Ingress, field string, sev Severity, msg string) {
	pos := ing.Source.FieldPos(field)
	t.res.Findings = append(t.res.Findings, Finding{Pos: pos, Ingress: ing.Key(), Field: field, Severity: sev, Message: msg})
	if sev == Warning {
		t.warned[ing]++
	}
}

func (t *translator) run() {
	t.planes = map[string]*plane{}
	t.grants = map[string]*gwv1.ReferenceGrant{}
	t.warned = map[*manifest.Ingress]int{}
	t.providers = map[string]IngressTranslator{}
	t.grpcRoutes = map[any]*HostRoute{}
	var routes []Object
	translated := map[*manifest.Ingress]bool{}
	// The listeners of every Ingress first: a controller may redirect a
	// host to https because another Ingress gives it a certificate
	// (ingress-nginx), and the route then attaches to that listener.
	// Listeners go in the order the controller reads the Ingresses
	// (the profile's Less), since the first Ingress of a host gives it
	// its certificate (ingress-nginx createServers); routes stay in
	// input order.
	started := map[*manifest.Ingress]*startedIngress{}
	for _, ing := range t.set.Ingresses {
		if s := t.start(ing); s != nil {
			started[ing] = s
		}
	}
	for _, ing := range t.controllerOrder() {
		if s := started[ing]; s != nil {
			s.tlsListener = t.tls(ing, s.pl)
		}
	}
	for _, ing := range t.set.Ingresses {
		s := started[ing]
		if s == nil {
			continue
		}
		objs := t.ingress(s)
		if len(objs) > 0 {
			translated[s.ing] = true
		}
		routes = append(routes, objs...)
	}
	for _, it := range t.order {
		if f, ok := it.(Finisher); ok {
			for _, ing := range f.Finish() {
				translated[ing] = true
			}
		}
	}
	for i, o := range routes {
		if hr := t.grpcRoutes[o.Object]; hr != nil {
			t.grpcClash(hr, routes)
			routes[i].Object, routes[i].Kind = t.grpcRoute(hr), "GRPCRoute"
		}
	}
	var gateways []Object
	classes := make([]string, 0, len(t.planes))
	for c := range t.planes {
		classes = append(classes, c)
	}
	sort.Strings(classes)
	for _, c := range classes {
		gateways = append(gateways, t.planes[c].object())
	}
	var grants []Object
	nss := make([]string, 0, len(t.grants))
	for ns := range t.grants {
		nss = append(nss, ns)
	}
	sort.Strings(nss)
	for _, ns := range nss {
		g := t.grants[ns]
		grants = append(grants, Object{Object: g, Kind: "ReferenceGrant", Namespace: g.Namespace, Name: g.Name})
	}
	t.res.Objects = append(append(append(gateways, routes...), t.extra...), grants...)
	for _, ing := range t.set.Ingresses {
		switch {
		case !translated[ing]:
			t.res.Untranslated++
		case t.warned[ing] > 0:
			t.res.Partial++
		default:
			t.res.Complete++
		}
	}
	sort.SliceStable(t.res.Findings, func(i, j int) bool {
		a, b := t.res.Findings[i].Pos, t.res.Findings[j].Pos
		if a.File != b.File {
			return a.File < b.File
		}
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		return a.Col < b.Col
	})
}

// controllerOrder returns the Ingresses by class in input order, each
// class's in the order its controller reads them (simulate.Profile Less,
// stable).
func (t *translator) controllerOrder() []*manifest.Ingress {
	var classes []string
	byClass := map[string][]*manifest.Ingress{}
	for _, ing := range t.set.Ingresses {
		c := t.classOf(ing)
		if _, ok := byClass[c]; !ok {
			classes = append(classes, c)
		}
		byClass[c] = append(byClass[c], ing)
	}
	out := make([]*manifest.Ingress, 0, len(t.set.Ingresses))
	for _, c := range classes {
		ings := byClass[c]
		if p, ok := simulate.ProfileByName(t.profileName(ings[0])); ok {
			sort.SliceStable(ings, func(i, j int) bool { return p.Less(ings[i], ings[j]) })
		}
		out = append(out, ings...)
	}
	return out
}

// Set returns the translated objects as a manifest set beside the
// Services and Secrets of before, to be routed (Verify) or linted.
func (r *Result) Set(before *manifest.Set) *manifest.Set {
	out := &manifest.Set{}
	if before != nil {
		out.Services, out.Secrets = before.Services, before.Secrets
		out.GatewayClasses, out.Gateways, out.ReferenceGrants = before.GatewayClasses, before.Gateways, before.ReferenceGrants
	}
	for _, o := range r.Objects {
		src := manifest.Source{Pos: o.Pos, APIVersion: manifest.GatewayV1}
		switch v := o.Object.(type) {
		case *gwv1.Gateway:
			out.Gateways = append(out.Gateways, &manifest.Gateway{Gateway: *v, Source: src})
		case *gwv1.HTTPRoute:
			out.HTTPRoutes = append(out.HTTPRoutes, &manifest.HTTPRoute{HTTPRoute: *v, Source: src})
		case *gwv1.GRPCRoute:
			out.GRPCRoutes = append(out.GRPCRoutes, &manifest.GRPCRoute{GRPCRoute: *v, Source: src})
		case *gwv1.ReferenceGrant:
			out.ReferenceGrants = append(out.ReferenceGrants, &manifest.ReferenceGrant{ReferenceGrant: *v, Source: src})
		case *gwv1.BackendTLSPolicy:
			out.BackendTLSPolicies = append(out.BackendTLSPolicies, &manifest.BackendTLSPolicy{BackendTLSPolicy: *v, Source: src})
		}
	}
	return out
}
