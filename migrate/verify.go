package migrate

import (
	"fmt"
	"net/http"
	"sort"
	"strings"

	"github.com/ingresskit/ingresskit/manifest"
	"github.com/ingresskit/ingresskit/simulate"
	"github.com/ingresskit/ingresskit/simulate/gateway"
	"github.com/ingresskit/ingresskit/simulate/nginx"
)

// Difference is one probe request answered differently before (From,
// the Ingress controller) and after (To, the Gateway) the migration;
// Pair names the Ingress class and the Gateway compared.
type Difference = simulate.Difference

// Verification is the result of Verify.
type Verification struct {
	// Probes is how many requests were routed on both sides.
	Probes int
	// Differences lists every probe answered differently, sorted by URL.
	Differences []Difference
	// Unverified lists the behaviours outside the model, so that "no
	// difference" never says more than was checked.
	Unverified []Unverified
	// EquivalentHosts counts the hosts not probed because another host
	// of their Ingress class has the same rules but for names, so that
	// the translation and both data planes answer them alike: each
	// request to them is the probed host's request (hostClasses).
	EquivalentHosts int
	// Equivalents lists, per probed host, the hosts answered through it:
	// a difference on the probed host holds for each of them.
	Equivalents map[string][]string
	// CauseOf gives, for each difference, the ID of the known cause
	// that explains it (causes.go), "" when none does; Causes lists the
	// causes found, each once, with how many differences they explain.
	CauseOf []string
	Causes  []Cause
	// PairAt is the first Ingress of each data plane compared, by the
	// Pair name of its Differences: where a difference that no Ingress
	// path and no route answered is placed.
	PairAt map[string]Place
}

// Verify routes probe requests through the Ingresses of before, each under
// its controller's profile, and through the Gateways of after, and reports
// every request whose answer differs: backend (with weights), redirect,
// rewritten path or status. The probes come from both sides: every path
// of every rule with its boundaries ("/p", "/p/", "/p/x", "/px"), case
// and encoding variants, dot segments and double slashes, samples of
// every regex, every host and an unknown one, http and https, and the
// headers and cookies of canaries.
func Verify(before, after *manifest.Set, opts Options) (*Verification, error) {
	if before == nil || after == nil {
		return nil, fmt.Errorf("migrate: nil manifest set")
	}
	before, after = before.Applied(), after.Applied()
	gws := gateway.Build(after)
	if len(gws) == 0 {
		return nil, fmt.Errorf("no Gateway in the translated objects to verify against")
	}
	var fixed *gatewayRef
	if opts.Gateway != "" {
		ref, err := parseGatewayRef(opts.Gateway)
		if err != nil {
			return nil, err
		}
		fixed = &ref
	}
	t := &translator{set: before, opts: opts}
	var pairs []simulate.Pair
	pairAt := map[string]Place{}
	var skippedGRPC []Place
	equivalent := 0
	equivalents := map[string][]string{}
	for _, c := range ingressClasses(t) {
		gw := gatewayFor(gws, c, fixed)
		if gw == nil {
			return nil, fmt.Errorf("no Gateway for the Ingresses of class %q: name it like the class, or give --gateway", c.name)
		}
		// Each class is its own controller: its profile sees only its
		// Ingresses (an ALB IngressGroup never holds an nginx Ingress).
		sub := &manifest.Set{Ingresses: c.ingresses, Services: before.Services, Secrets: before.Secrets, IngressClasses: before.IngressClasses, GCEObjects: before.GCEObjects}
		p, ok := simulate.ProfileByName(c.profile)
		if !ok {
			p, _ = simulate.ProfileByName("spec")
		}
		ix, err := simulate.Compile(sub, simulate.Options{IngressClass: c.name, Profile: simulate.Bind(p, sub)})
		if err != nil {
			return nil, err
		}
		name := fmt.Sprintf("%s -> gateway %s", c.label(), gw.Gateway().Key())
		pairAt[name] = Place{Pos: c.ingresses[0].Source.Pos, Ingress: c.ingresses[0].Key()}
		// A GRPCRoute answers gRPC requests alone: other requests to a
		// host served only by gRPC backends are not compared.
		grpcHosts := grpcOnlyHosts(c.ingresses)
		same := hostClasses(c.ingresses, before, gw.Gateway().Namespace)
		equivalent += len(same)
		for h, rep := range same {
			equivalents[rep] = append(equivalents[rep], h)
		}
		var reqs []simulate.Request
		for _, req := range probes(sub, probedIngresses(c.ingresses, same), after, gw.Gateway()) {
			h := probeHost(req)
			if _, ok := same[h]; ok {
				continue
			}
			if grpcHosts[h] && !isGRPC(req) {
				if len(skippedGRPC) == 0 {
					skippedGRPC = append(skippedGRPC, hostPlace(c.ingresses, h))
				}
				continue
			}
			reqs = append(reqs, req)
		}
		pairs = append(pairs, simulate.Pair{
			Name:      name,
			Before:    simulate.IndexPlane(c.label(), ix),
			After:     gw,
			BeforeSet: before, AfterSet: after,
			Probes: reqs,
		})
	}
	res := simulate.Diff(pairs)
	v := &Verification{Probes: res.Probes, Differences: res.Differences, PairAt: pairAt, EquivalentHosts: equivalent, Equivalents: equivalents}
	for _, hs := range equivalents {
		sort.Strings(hs)
	}
	sort.SliceStable(v.Differences, func(i, j int) bool {
		a, b := v.Differences[i], v.Differences[j]
		if a.Pair != b.Pair {
			return a.Pair < b.Pair
		}
		return a.Request.String() < b.Request.String()
	})
	byName := make(map[string]simulate.Pair, len(pairs))
	for _, p := range pairs {
		byName[p.Name] = p
	}
	v.explainAll(byName)
	v.Unverified = unverified(before)
	if len(skippedGRPC) > 0 {
		v.Unverified = append(v.Unverified, Unverified{Behaviour: "requests other than gRPC to hosts served only by gRPC backends (a GRPCRoute answers gRPC requests alone)", At: skippedGRPC})
	}
	return v, nil
}

// ingressClass is the Ingresses of one class: one controller's data plane.
type ingressClass struct {
	name      string
	profile   string
	ingresses []*manifest.Ingress
}

func (c ingressClass) label() string {
	if c.name == "" {
		return "Ingresses without a class (" + c.profile + ")"
	}
	return "Ingress class " + c.name + " (" + c.profile + ")"
}

// ingressClasses groups the Ingresses by class, in input order.
func ingressClasses(t *translator) []ingressClass {
	idx := map[string]int{}
	var out []ingressClass
	for _, ing := range t.set.Ingresses {
		c := t.classOf(ing)
		i, ok := idx[c]
		if !ok {
			i = len(out)
			idx[c] = i
			out = append(out, ingressClass{name: c, profile: t.profileName(ing)})
		}
		out[i].ingresses = append(out[i].ingresses, ing)
	}
	return out
}

// gatewayFor pairs the Ingresses of a class with the Gateway that took
// over their address: the --gateway one, else the Gateway named like the
// class (as Translate names it), else one whose gatewayClassName is the
// class, else the only Gateway.
func gatewayFor(gws []*gateway.Plane, c ingressClass, fixed *gatewayRef) *gateway.Plane {
	name := gatewayName(c.name)
	for _, g := range gws {
		gw := g.Gateway()
		if fixed != nil {
			if gw.Namespace == fixed.namespace && gw.Name == fixed.name {
				return g
			}
			continue
		}
		if gw.Name == name {
			return g
		}
	}
	if fixed != nil {
		return nil
	}
	for _, g := range gws {
		if string(g.Gateway().Spec.GatewayClassName) == name {
			return g
		}
	}
	if len(gws) == 1 {
		return gws[0]
	}
	return nil
}

// Unverified is a behaviour of the Ingresses outside the model.
type Unverified struct {
	// Behaviour says what was not verified and why.
	Behaviour string
	// At is where the behaviour is written, first occurrence first (the
	// annotation, or the first Ingress for what concerns them all).
	At []Place
}

// Place is a position in an Ingress.
type Place struct {
	Pos manifest.Pos
	// Ingress is "namespace/name"; Field the API-server style path.
	Ingress, Field string
}

// unverified lists what the model does not check for the Ingresses of set.
func unverified(set *manifest.Set) []Unverified {
	idx := map[string]int{}
	var out []Unverified
	add := func(s string, ing *manifest.Ingress, field string) {
		i, ok := idx[s]
		if !ok {
			i = len(out)
			idx[s] = i
			out = append(out, Unverified{Behaviour: s})
		}
		if ing != nil {
			pos := ing.Source.Pos
			if field != "" {
				pos = ing.Source.FieldPos(field)
			}
			out[i].At = append(out[i].At, Place{Pos: pos, Ingress: ing.Key(), Field: field})
		}
	}
	var first *manifest.Ingress
	if len(set.Ingresses) > 0 {
		first = set.Ingresses[0]
	}
	add("response headers and bodies (only where the request is sent, redirected or refused is compared)", first, "")
	for _, ing := range set.Ingresses {
		keys := unroutedAnnotations(ing)
		sort.Strings(keys)
		for _, k := range keys {
			add(k+" (not routed by the model)", ing, "metadata.annotations."+k)
		}
	}
	sort.SliceStable(out[1:], func(i, j int) bool { return out[1+i].Behaviour < out[1+j].Behaviour })
	return out
}

// probes returns the requests routed on both sides: those of the
// Ingresses (simulate.Probes), the spelling variants of their rule paths,
// an unknown host, the canaries' headers, and the hostnames of the routes
// attached to gw.
//
// The probes come from the Ingresses of probed only, the Ingresses of
// before that have a host to probe (probedIngresses); rule paths from all.
func probes(before *manifest.Set, probed []*manifest.Ingress, after *manifest.Set, gw *manifest.Gateway) []simulate.Request {
	// Repeats are left in: simulate.Diff asks each distinct request once.
	var out []simulate.Request
	add := func(r simulate.Request) { out = append(out, r) }
	rulePaths := map[string]bool{}
	for _, ing := range before.Ingresses {
		for _, r := range ing.Spec.Rules {
			if r.HTTP != nil {
				for _, p := range r.HTTP.Paths {
					rulePaths[p.Path] = true
				}
			}
		}
	}
	for _, r := range simulate.Probes(before.WithIngresses(probed)) {
		add(r)
		if !rulePaths[r.Path] {
			continue
		}
		for _, p := range variants(r.Path) {
			add(simulate.Request{Scheme: r.Scheme, Host: r.Host, Path: p})
		}
	}
	add(simulate.Request{Scheme: "http", Host: "unknown.ingresskit.invalid", Path: "/"})
	for _, ing := range probed {
		for _, h := range canaryHeaders(ing) {
			for _, r := range ing.Spec.Rules {
				if r.HTTP == nil || r.Host == "" || strings.HasPrefix(r.Host, "*") {
					continue
				}
				for _, p := range r.HTTP.Paths {
					path := p.Path
					if path == "" || strings.ContainsAny(path, "()[]*?|^$+\\") {
						path = "/"
					}
					add(simulate.Request{Scheme: "http", Host: r.Host, Path: path, Header: h})
					if ing.TLSFor(r.Host) >= 0 {
						add(simulate.Request{Scheme: "https", Host: r.Host, Path: path, Header: h})
					}
				}
			}
		}
	}
	for _, ing := range probed {
		for _, r := range providerProbes(ing) {
			add(r)
		}
	}
	for _, r := range after.HTTPRoutes {
		attached := false
		for _, pr := range r.Spec.ParentRefs {
			ns := r.Namespace
			if pr.Namespace != nil {
				ns = string(*pr.Namespace)
			}
			attached = attached || (ns == gw.Namespace && string(pr.Name) == gw.Name)
		}
		if !attached {
			continue
		}
		for _, h := range r.Spec.Hostnames {
			if !strings.HasPrefix(string(h), "*") {
				add(simulate.Request{Scheme: "http", Host: string(h), Path: "/"})
			}
		}
	}
	return out
}

// variants are the path spellings a controller may read differently: dot
// segments, a double slash, an encoded slash and a percent-encoded
// letter.
func variants(path string) []string {
	if path == "/" || strings.Contains(path, "?") {
		return nil
	}
	trimmed := strings.TrimSuffix(path, "/")
	i := strings.LastIndexByte(trimmed, '/')
	out := []string{
		trimmed + "/./x",
		trimmed + "/../" + strings.TrimPrefix(trimmed[i+1:], "/"),
		"/" + trimmed,
		trimmed + "%2Fx",
	}
	if len(trimmed) > 1 {
		c := trimmed[1]
		out = append(out, "/%"+fmt.Sprintf("%02X", c)+trimmed[2:])
	}
	return out
}

// canaryHeaders are the headers that steer an ingress-nginx canary.
func canaryHeaders(ing *manifest.Ingress) []http.Header {
	a := func(n string) string { return ing.Annotations[nginx.AnnotationPrefix+n] }
	if a("canary") != "true" {
		return nil
	}
	var out []http.Header
	if h := a("canary-by-header"); h != "" {
		v := a("canary-by-header-value")
		if v == "" {
			v = "always"
		}
		out = append(out, http.Header{http.CanonicalHeaderKey(h): {v}}, http.Header{http.CanonicalHeaderKey(h): {"never"}})
	}
	if c := a("canary-by-cookie"); c != "" {
		out = append(out, http.Header{"Cookie": {c + "=always"}}, http.Header{"Cookie": {"a=b; " + c + "=always"}})
	}
	return out
}

// hostPlace is the first rule of ings for host, else the first Ingress.
func hostPlace(ings []*manifest.Ingress, host string) Place {
	for _, ing := range ings {
		for i, r := range ing.Spec.Rules {
			if strings.EqualFold(r.Host, host) {
				f := fmt.Sprintf("spec.rules[%d].host", i)
				return Place{Pos: ing.Source.FieldPos(f), Ingress: ing.Key(), Field: f}
			}
		}
	}
	return Place{Pos: ings[0].Source.Pos, Ingress: ings[0].Key()}
}

// probedIngresses drops the Ingresses all of whose rules are for hosts
// answered through another (hostClasses): they have no probe of their
// own. An Ingress with a rule without a host, or a defaultBackend, stays.
func probedIngresses(ings []*manifest.Ingress, same map[string]string) []*manifest.Ingress {
	if len(same) == 0 {
		return ings
	}
	out := make([]*manifest.Ingress, 0, len(ings))
	for _, ing := range ings {
		keep := ing.Spec.DefaultBackend != nil || len(ing.Spec.Rules) == 0
		for _, r := range ing.Spec.Rules {
			if _, ok := same[strings.ToLower(r.Host)]; !ok {
				keep = true
			}
		}
		if keep {
			out = append(out, ing)
		}
	}
	return out
}
