package simulate

import (
	"fmt"
	"sort"
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

// Difference is one request routed differently by two profiles.
type Difference struct {
	// Request is the probe.
	Request Request
	// From and To are the answers of the two profiles, in the order
	// Compare was given them.
	From, To Decision
}

// Outcome sums up where a decision sends a request, for comparing
// profiles: "redirect <code> <location>", "no match", or
// "namespace/service:port", followed by " rewrite <path>" when the
// upstream path changes.
func Outcome(d Decision) string {
	switch {
	case d.Refused != "":
		return "configuration refused"
	case d.Redirect != "":
		return fmt.Sprintf("redirect %d %s", d.RedirectCode, d.Redirect)
	case d.Status != 0:
		return fmt.Sprintf("status %d", d.Status)
	case !d.Matched:
		return "no match"
	}
	ns := ""
	if d.Ingress != nil {
		ns = d.Ingress.Namespace + "/"
	}
	s := ns + manifest.BackendString(d.Backend)
	if d.RewritePath != "" {
		s += " rewrite " + d.RewritePath
	}
	return s
}

// Compare routes the probe requests of set under two profiles and returns
// every request whose Outcome differs, in probe order. Both profiles are
// bound to set first (Bind). It is the migration check of
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
	seen := map[string]bool{}
	var out []Difference
	for _, req := range probes {
		if seen[req.String()] {
			continue
		}
		seen[req.String()] = true
		a, b := ixFrom.Lookup(req), ixTo.Lookup(req)
		if Outcome(a) != Outcome(b) {
			out = append(out, Difference{Request: req, From: a, To: b})
		}
	}
	return out, nil
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
