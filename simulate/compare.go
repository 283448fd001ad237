package simulate

import (
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"

	"github.com/ingresskit/ingresskit/manifest"
)

// CompareOptions configures Compare. The zero value compares every
// Ingress with the probes Probes generates.
type CompareOptions struct {
	// IngressClass selects the Ingresses of one class, as
	// Options.IngressClass does; "" compares every Ingress.
	IngressClass string
	// Extra are requests probed in addition to the generated ones.
	Extra []Request
}

// Difference is one request answered differently by two data planes.
type Difference struct {
	// Pair names the two data planes compared (Pair.Name).
	Pair string
	// Request is the probe.
	Request Request
	// From and To are the answers of the two data planes, in the order
	// of the Pair (Before, then After); FromOutcome and ToOutcome sum
	// them up (Outcome).
	From, To               Decision
	FromOutcome, ToOutcome string
}

// Pair is two data planes that should answer alike, with the requests
// to ask them: the Ingresses of one set under two profiles
// (`lint --compare`), or an Ingress class and the Gateway made from it
// (`convert --verify`, `compare`).
type Pair struct {
	// Name identifies the pair in Differences.
	Name string
	// Before and After answer the probes.
	Before, After DataPlane
	// BeforeSet and AfterSet resolve named Service ports in the
	// outcomes of each side; nil leaves them as written.
	BeforeSet, AfterSet *manifest.Set
	// Probes are the requests asked of both.
	Probes []Request
}

// DiffResult is what Diff found.
type DiffResult struct {
	// Probes counts the requests asked of both sides of every pair,
	// after removing repeats.
	Probes int
	// Differences lists each request answered differently, by pair in
	// the order given and by probe order within a pair.
	Differences []Difference
}

// Diff asks both data planes of every pair each of its probes, once per
// distinct request (URL and headers), and returns every request whose
// Outcome differs. It is the one comparison behind `lint --compare`,
// `convert --to gateway-api --verify` and `compare`.
func Diff(pairs []Pair) *DiffResult {
	res := &DiffResult{}
	for _, p := range pairs {
		seen := make(map[string]bool, len(p.Probes))
		for _, req := range p.Probes {
			k := RequestKey(req)
			if seen[k] {
				continue
			}
			seen[k] = true
			res.Probes++
			a, b := p.Before.Lookup(req), p.After.Lookup(req)
			ao, bo := Outcome(p.BeforeSet, a), Outcome(p.AfterSet, b)
			if ao != bo {
				res.Differences = append(res.Differences, Difference{Pair: p.Name, Request: req, From: a, To: b, FromOutcome: ao, ToOutcome: bo})
			}
		}
	}
	return res
}

// RequestKey identifies a request with its headers: two probes with the
// same key are the same request.
func RequestKey(r Request) string {
	k := r.String()
	if len(r.Header) == 0 {
		return k
	}
	keys := make([]string, 0, len(r.Header))
	for h := range r.Header {
		keys = append(keys, h)
	}
	sort.Strings(keys)
	for _, h := range keys {
		k += "\n" + h + ": " + strings.Join(r.Header[h], ",")
	}
	return k
}

// IndexPlane is a data plane answering with ix: the Ingresses it
// compiled, under its profile, as one controller.
func IndexPlane(name string, ix *Index) *IngressPlane {
	return &IngressPlane{name: name, profile: ix.Profile().Name(), ix: ix}
}

// Outcome sums up where an answer sends a request, comparable between
// profiles and between an Ingress profile and a Gateway: "configuration
// refused", "redirect <code> <location>" (the Location normalized),
// "status <code>", "no route (404)", or the backends with their share of
// requests ("ns/name:port" or "ns/name:port 90%, ns/name2:port 10%"),
// followed by " rewrite <path>" when the upstream path changes. Named
// ports are resolved through the Services of set when it is not nil.
func Outcome(set *manifest.Set, d Decision) string {
	// Built with strconv, not fmt: Diff sums up two answers per probe.
	switch {
	case d.Refused != "":
		return "configuration refused"
	case d.Redirect != "":
		return "redirect " + strconv.Itoa(d.RedirectCode) + " " + normalLocation(d.Redirect)
	case !d.Matched && (d.Status == 0 || d.Status == http.StatusNotFound):
		// An Ingress controller's default backend and a Gateway with no
		// matching rule both answer 404.
		return "no route (404)"
	case d.Status != 0 && d.Status != http.StatusOK:
		if d.Status == http.StatusInternalServerError && len(d.Backends) > 0 {
			break // an unresolved Service: compared by the backends named
		}
		return "status " + strconv.Itoa(d.Status)
	}
	var s string
	if len(d.Backends) > 0 {
		var total int32
		for _, b := range d.Backends {
			total += b.Weight
		}
		parts := make([]string, 0, len(d.Backends))
		for _, b := range d.Backends {
			if b.Weight == 0 {
				continue
			}
			p := b.Namespace + "/" + b.Name + ":" + strconv.Itoa(int(b.Port))
			if b.Kind == "TargetGroup" {
				// An ALB target group outside the cluster.
				p = "target group " + b.Name
			}
			if len(d.Backends) > 1 && total > 0 {
				p += " " + strconv.Itoa(int(float64(b.Weight)*100/float64(total)+0.5)) + "%"
			}
			parts = append(parts, p)
		}
		sort.Strings(parts)
		s = strings.Join(parts, ", ")
	} else {
		ns := ""
		if d.Ingress != nil {
			ns = d.Ingress.Namespace
		}
		if svc := d.Backend.Service; svc != nil {
			port := strconv.Itoa(int(svc.Port.Number))
			if svc.Port.Name != "" {
				port = svc.Port.Name
				if set != nil {
					if sv := set.Service(ns, svc.Name); sv != nil {
						for _, p := range sv.Spec.Ports {
							if p.Name == svc.Port.Name {
								port = strconv.Itoa(int(p.Port))
							}
						}
					}
				}
			}
			s = ns + "/" + svc.Name + ":" + port
		} else {
			s = manifest.BackendString(d.Backend)
		}
	}
	if d.RewritePath != "" {
		s += " rewrite " + d.RewritePath
	}
	return s
}

// normalLocation normalizes a redirect's Location so that spellings of the
// same URL compare equal (RFC 3986 section 6.2.2): scheme and host in
// lower case, percent-encoded unreserved characters decoded, dot segments
// removed and an empty path written "/"; and runs of slashes merged, as
// both nginx (merge_slashes on) and Gateway implementations read the path
// when the client follows the redirect.
func normalLocation(loc string) string {
	if n, ok := plainLocation(loc); ok {
		return n
	}
	return parseLocation(loc)
}

// parseLocation is normalLocation for any Location.
func parseLocation(loc string) string {
	u, err := url.Parse(loc)
	if err != nil || u.Host == "" {
		return loc
	}
	p := u.EscapedPath()
	var b strings.Builder
	last := byte(0)
	for i := 0; i < len(p); i++ {
		c := p[i]
		if c == '%' && i+2 < len(p) {
			if v, err := strconv.ParseUint(p[i+1:i+3], 16, 8); err == nil && unreservedByte(byte(v)) {
				b.WriteByte(byte(v))
				last = byte(v)
				i += 2
				continue
			}
		}
		if c == '/' && last == '/' {
			continue
		}
		b.WriteByte(c)
		last = c
	}
	out := strings.ToLower(u.Scheme) + "://" + strings.ToLower(u.Host) + removeDotSegments(b.String())
	if u.RawQuery != "" {
		out += "?" + u.RawQuery
	}
	return out
}

// plainLocation normalizes the common Location that needs no more than
// lower-casing its scheme and host: an absolute http(s) URL whose path has
// no percent sign, no run of slashes, no dot segment and no fragment. ok
// is false for any other, which normalLocation parses in full.
func plainLocation(loc string) (string, bool) {
	i := strings.Index(loc, "://")
	if i <= 0 {
		return "", false
	}
	rest := loc[i+3:]
	j := strings.IndexByte(rest, '/')
	if j <= 0 || strings.ContainsAny(rest[:j], "?#@[%") {
		return "", false
	}
	path, query := rest[j:], ""
	if k := strings.IndexByte(path, '?'); k >= 0 {
		path, query = path[:k], path[k:]
	}
	if strings.ContainsAny(path, "%#\\") || strings.Contains(path, "//") || strings.Contains(path, "/.") || strings.ContainsAny(query, "#") {
		return "", false
	}
	if query == "?" {
		query = ""
	}
	return strings.ToLower(loc[:i+3+j]) + path + query, true
}

// removeDotSegments applies RFC 3986 section 5.2.4 to a path.
func removeDotSegments(p string) string {
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

func unreservedByte(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '.' || c == '_' || c == '~'
}

// Compare routes the probe requests of set under two profiles and returns
// every request whose Outcome differs, in probe order (Diff). Both
// profiles are bound to set first (Bind). It is the migration check of
// `ingresskit lint --controller nginx --compare spec`.
func Compare(set *manifest.Set, from, to Profile, opts CompareOptions) ([]Difference, error) {
	if set == nil {
		return nil, fmt.Errorf("simulate: nil manifest set")
	}
	ixFrom, err := Compile(set, Options{IngressClass: opts.IngressClass, Profile: Bind(from, set)})
	if err != nil {
		return nil, err
	}
	ixTo, err := Compile(set, Options{IngressClass: opts.IngressClass, Profile: Bind(to, set)})
	if err != nil {
		return nil, err
	}
	var probes []Request
	for _, ing := range set.Ingresses {
		if Selects(set, opts.IngressClass, ing) {
			probes = append(probes, ingressProbes(ing)...)
		}
	}
	probes = append(probes, opts.Extra...)
	res := Diff([]Pair{{
		Name:      from.Name() + " -> " + to.Name(),
		Before:    IndexPlane("ingress under "+from.Name(), ixFrom),
		After:     IndexPlane("ingress under "+to.Name(), ixTo),
		BeforeSet: set, AfterSet: set,
		Probes: probes,
	}})
	return res.Differences, nil
}

// Probes returns the requests Compare sends for set: for every path of
// every rule, the path itself, with and without a trailing slash, a path
// below it, a sibling that shares its prefix without a "/" boundary, the
// path in upper case, and a sample that satisfies its regex or glob; for
// every host, its root and a path no rule names. Hosts without a name
// use "probe.invalid"; a wildcard host "*.example.com" is probed as
// "probe.example.com" and "a.probe.example.com". Hosts with a TLS entry
// are probed over https as well.
func Probes(set *manifest.Set) []Request {
	var out []Request
	seen := map[string]bool{}
	for _, ing := range set.Ingresses {
		for _, r := range ingressProbes(ing) {
			if !seen[r.String()] {
				seen[r.String()] = true
				out = append(out, r)
			}
		}
	}
	return out
}

// probeHosts returns the request hosts that exercise a rule host.
func probeHosts(host string) []string {
	switch {
	case host == "":
		return []string{"probe.invalid"}
	case strings.HasPrefix(host, "*."):
		return []string{"probe." + host[2:], "a.probe." + host[2:]}
	}
	return []string{strings.ToLower(host)}
}

// probePaths returns the request paths that exercise a rule path.
func probePaths(path string) []string {
	if path == "" {
		path = "/"
	}
	lit := path
	if i := strings.IndexAny(path, `*?[](){}|^$\+.`); i >= 0 {
		// Everything before the first regex or glob character, then a
		// sample segment.
		lit = path[:i]
	}
	trimmed := strings.TrimSuffix(lit, "/")
	set := []string{
		path,
		trimmed,
		trimmed + "/",
		trimmed + "/probe",
		trimmed + "probe",
		strings.ToUpper(trimmed + "/"),
		trimmed + "/abc/x.css",
	}
	var out []string
	seen := map[string]bool{}
	for _, p := range set {
		if p == "" {
			p = "/"
		}
		if !strings.HasPrefix(p, "/") || strings.ContainsAny(p, " \t") || seen[p] {
			continue
		}
		seen[p] = true
		out = append(out, p)
	}
	return out
}

// ingressProbes returns the probes of one Ingress, in rule order.
func ingressProbes(ing *manifest.Ingress) []Request {
	var out []Request
	add := func(scheme, host, path string) {
		out = append(out, Request{Scheme: scheme, Host: host, Path: path})
	}
	schemes := func(host string) []string {
		if host != "" && ing.TLSFor(host) >= 0 {
			return []string{"http", "https"}
		}
		return []string{"http"}
	}
	for _, r := range ing.Spec.Rules {
		for _, h := range probeHosts(r.Host) {
			for _, scheme := range schemes(r.Host) {
				add(scheme, h, "/")
				add(scheme, h, "/ingresskit-probe-unmatched")
				if r.HTTP == nil {
					continue
				}
				for _, p := range r.HTTP.Paths {
					for _, path := range probePaths(p.Path) {
						add(scheme, h, path)
					}
				}
			}
		}
	}
	if ing.Spec.DefaultBackend != nil && len(ing.Spec.Rules) == 0 {
		add("http", "probe.invalid", "/")
	}
	return out
}

// SortDifferences orders differences by URL.
func SortDifferences(ds []Difference) {
	sort.SliceStable(ds, func(i, j int) bool { return ds[i].Request.String() < ds[j].Request.String() })
}
