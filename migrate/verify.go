package migrate

import (
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"

	"github.com/ingresskit/ingresskit/manifest"
	"github.com/ingresskit/ingresskit/simulate"
	"github.com/ingresskit/ingresskit/simulate/gateway"
	"github.com/ingresskit/ingresskit/simulate/nginx"
)

// Difference is one probe request answered differently before and after
// the migration.
type Difference struct {
	// DataPlane names the Ingress class and the Gateway compared.
	DataPlane string
	// Request is the probe.
	Request simulate.Request
	// Before and After are the answers of the Ingress controller and of
	// the Gateway; BeforeOutcome and AfterOutcome sum them up (Outcome).
	Before, After               simulate.Decision
	BeforeOutcome, AfterOutcome string
}

// Verification is the result of Verify.
type Verification struct {
	// Probes is how many requests were routed on both sides.
	Probes int
	// Differences lists every probe answered differently, sorted by URL.
	Differences []Difference
	// Unverified lists the behaviours outside the model, so that "no
	// difference" never says more than was checked.
	Unverified []string
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
	v := &Verification{}
	skippedGRPC := false
	for _, c := range ingressClasses(t) {
		gw := gatewayFor(gws, c, fixed)
		if gw == nil {
			return nil, fmt.Errorf("no Gateway for the Ingresses of class %q: name it like the class, or give --gateway", c.name)
		}
		// Each class is its own controller: its profile sees only its
		// Ingresses (an ALB IngressGroup never holds an nginx Ingress).
		sub := &manifest.Set{Ingresses: c.ingresses, Services: before.Services, Secrets: before.Secrets, IngressClasses: before.IngressClasses}
		p, ok := simulate.ProfileByName(c.profile)
		if !ok {
			p, _ = simulate.ProfileByName("spec")
		}
		ix, err := simulate.Compile(sub, simulate.Options{IngressClass: c.name, Profile: simulate.Bind(p, sub)})
		if err != nil {
			return nil, err
		}
		plane := fmt.Sprintf("%s -> gateway %s", c.label(), gw.Gateway().Key())
		grpcHosts := grpcOnlyHosts(c.ingresses)
		for _, req := range probes(sub, after, gw.Gateway()) {
			if grpcHosts[probeHost(req)] && !isGRPC(req) {
				skippedGRPC = true
				continue
			}
			v.Probes++
			b := ix.Lookup(req)
			a := simulate.Decision{URL: req.String(), Notes: []string{"no listener of the Gateway accepts this request"}}
			if gw.Serves(req) {
				a = gw.Lookup(req)
			}
			bo, ao := Outcome(before, b), Outcome(after, a)
			if bo != ao {
				v.Differences = append(v.Differences, Difference{DataPlane: plane, Request: req, Before: b, After: a, BeforeOutcome: bo, AfterOutcome: ao})
			}
		}
	}
	sort.SliceStable(v.Differences, func(i, j int) bool {
		a, b := v.Differences[i], v.Differences[j]
		if a.DataPlane != b.DataPlane {
			return a.DataPlane < b.DataPlane
		}
		return a.Request.String() < b.Request.String()
	})
	v.Unverified = unverified(before)
	if skippedGRPC {
		v.Unverified = append(v.Unverified, "requests other than gRPC to hosts served only by gRPC backends (a GRPCRoute answers gRPC requests alone)")
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
	name := c.name
	if name == "" {
		name = gatewayClassDefault
	}
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

// Outcome sums up where an answer sends a request, comparable between an
// Ingress profile and a Gateway: "redirect <code> <location>", "status
// <code>", "no route (404)", or the backends with their share of requests
// ("ns/name:port" or "ns/name:port 90%, ns/name2:port 10%"), followed by
// " rewrite <path>" and " host <host>" when the upstream request changes.
// Named ports are resolved through the Services of set.
func Outcome(set *manifest.Set, d simulate.Decision) string {
	switch {
	case d.Refused != "":
		return "configuration refused"
	case d.Redirect != "":
		return fmt.Sprintf("redirect %d %s", d.RedirectCode, normalLocation(d.Redirect))
	case !d.Matched && (d.Status == 0 || d.Status == http.StatusNotFound):
		// An Ingress controller's default backend and a Gateway with no
		// matching rule both answer 404.
		return "no route (404)"
	case d.Status != 0 && d.Status != http.StatusOK:
		if d.Status == http.StatusInternalServerError && len(d.Backends) > 0 {
			break // an unresolved Service: compared by the backends named
		}
		return fmt.Sprintf("status %d", d.Status)
	}
	var parts []string
	if len(d.Backends) > 0 {
		var total int32
		for _, b := range d.Backends {
			total += b.Weight
		}
		for _, b := range d.Backends {
			if b.Weight == 0 {
				continue
			}
			s := fmt.Sprintf("%s/%s:%d", b.Namespace, b.Name, b.Port)
			if len(d.Backends) > 1 && total > 0 {
				s += fmt.Sprintf(" %d%%", int(float64(b.Weight)*100/float64(total)+0.5))
			}
			parts = append(parts, s)
		}
		sort.Strings(parts)
	} else {
		ns := ""
		if d.Ingress != nil {
			ns = d.Ingress.Namespace
		}
		port := ""
		if svc := d.Backend.Service; svc != nil {
			port = fmt.Sprint(svc.Port.Number)
			if svc.Port.Name != "" {
				port = svc.Port.Name
				if s := set.Service(ns, svc.Name); s != nil {
					for _, p := range s.Spec.Ports {
						if p.Name == svc.Port.Name {
							port = fmt.Sprint(p.Port)
						}
					}
				}
			}
			parts = append(parts, fmt.Sprintf("%s/%s:%s", ns, svc.Name, port))
		} else {
			parts = append(parts, manifest.BackendString(d.Backend))
		}
	}
	s := strings.Join(parts, ", ")
	if d.RewritePath != "" {
		s += " rewrite " + d.RewritePath
	}
	return s
}

// normalLocation normalizes a redirect's Location so that spellings of the
// same URL compare equal: percent-encoded unreserved characters decoded
// dot segments removed and an empty path written "/" (RFC 3986 section
// 6.2.2), and runs of
// slashes merged, as both nginx (merge_slashes on) and Gateway
// implementations read the path when the client follows the redirect.
func normalLocation(loc string) string {
	u, err := url.Parse(loc)
	if err != nil || u.Host == "" {
		return loc
	}
	p := u.EscapedPath()
	var b strings.Builder
	for i := 0; i < len(p); i++ {
		c := p[i]
		if c == '%' && i+2 < len(p) {
			if v, err := strconv.ParseUint(p[i+1:i+3], 16, 8); err == nil && unreserved(byte(v)) {
				b.WriteByte(byte(v))
				i += 2
				continue
			}
		}
		if c == '/' && b.Len() > 0 && strings.HasSuffix(b.String(), "/") {
			continue
		}
		b.WriteByte(c)
	}
	path := removeDots(b.String())
	out := u.Scheme + "://" + u.Host + path
	if u.RawQuery != "" {
		out += "?" + u.RawQuery
	}
	return out
}

// removeDots applies RFC 3986 section 5.2.4 to a path.
func removeDots(p string) string {
	var out []string
	segs := strings.Split(p, "/")
	for i, s := range segs {
		switch s {
		case ".":
			if i == len(segs)-1 {
				out = append(out, "")
			}
		case "..":
			if len(out) > 1 {
				out = out[:len(out)-1]
			}
			if i == len(segs)-1 {
				out = append(out, "")
			}
		default:
			out = append(out, s)
		}
	}
	r := strings.Join(out, "/")
	if !strings.HasPrefix(r, "/") {
		r = "/" + r
	}
	return r
}

func unreserved(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '.' || c == '_' || c == '~'
}

// unverified lists what the model does not check for the Ingresses of set.
func unverified(set *manifest.Set) []string {
	seen := map[string]bool{}
	var out []string
	add := func(s string) {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	add("response headers and bodies (only where the request is sent, redirected or refused is compared)")
	for _, ing := range set.Ingresses {
		for _, k := range unroutedAnnotations(ing) {
			add(k + " (not routed by the model)")
		}
	}
	sort.Strings(out[1:])
	return out
}

// probes returns the requests routed on both sides: those of the
// Ingresses (simulate.Probes), the spelling variants of their rule paths,
// an unknown host, the canaries' headers, and the hostnames of the routes
// attached to gw.
func probes(before, after *manifest.Set, gw *manifest.Gateway) []simulate.Request {
	seen := map[string]bool{}
	var out []simulate.Request
	add := func(r simulate.Request) {
		k := r.String()
		for _, h := range sortedHeaderKeys(r.Header) {
			k += "\n" + h + ": " + strings.Join(r.Header[h], ",")
		}
		if !seen[k] {
			seen[k] = true
			out = append(out, r)
		}
	}
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
	for _, r := range simulate.Probes(before) {
		add(r)
		if !rulePaths[r.Path] {
			continue
		}
		for _, p := range variants(r.Path) {
			add(simulate.Request{Scheme: r.Scheme, Host: r.Host, Path: p})
		}
	}
	add(simulate.Request{Scheme: "http", Host: "unknown.ingresskit.invalid", Path: "/"})
	for _, ing := range before.Ingresses {
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
	for _, ing := range before.Ingresses {
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

func sortedHeaderKeys(h http.Header) []string {
	keys := make([]string, 0, len(h))
	for k := range h {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
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
