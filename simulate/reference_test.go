package simulate_test

import (
	"net"
	"sort"
	"strings"

	networkingv1 "k8s.io/api/networking/v1"

	"github.com/ingresskit/ingresskit/manifest"
	"github.com/ingresskit/ingresskit/simulate"
)

// refAnswer is what the reference implementation decides.
type refAnswer struct {
	Matched        bool
	DefaultBackend bool
	Ingress        string
	Rule, Path     int
	NormalizedPath string
	TLSIngress     string
	TLSIndex       int
}

// refLookup is the linear reference implementation, written from the
// specification without the index: it looks at every rule of every
// Ingress for every request. It reads the spec semantics literally:
//
//   - a path of type Exact matches the whole path; Prefix (and
//     ImplementationSpecific in the spec profile) matches when the rule's
//     elements, split on "/", are a prefix of the request's elements;
//   - the most specific host wins (exact, wildcard, none), then the
//     longest path, then Exact over Prefix, then the profile's Ingress
//     order, then the order of rules and paths;
//   - without fall-through only the most specific host that has rules is
//     considered;
//   - custom paths are those of testProfile (see fuzz_test.go).
func refLookup(ings []*manifest.Ingress, p simulate.Profile, req simulate.Request) refAnswer {
	host := refHost(req.Host)
	path := req.Path
	if i := strings.IndexAny(path, "?#"); i >= 0 {
		path = path[:i]
	}
	if !strings.HasPrefix(path, "/") {
		path = "/" + path
	}
	path = p.NormalizePath(path)

	order := append([]*manifest.Ingress(nil), ings...)
	sort.SliceStable(order, func(i, j int) bool { return p.Less(order[i], order[j]) })

	type cand struct {
		ing        *manifest.Ingress
		rank       int
		rule, pidx int
		class      int
		length     int
		kind       int
	}
	var cands []cand
	minClass := 3
	for rank, ing := range order {
		for ri, rule := range ing.Spec.Rules {
			class, ok := refHostClass(rule.Host)
			if !ok || !manifest.MatchHost(rule.Host, host) {
				continue
			}
			minClass = min(minClass, class)
			if rule.HTTP == nil {
				continue
			}
			for pi, hp := range rule.HTTP.Paths {
				length, kind, ok := refPathMatch(p, hp, path)
				if ok {
					cands = append(cands, cand{ing, rank, ri, pi, class, length, kind})
				}
			}
		}
	}
	var best *cand
	for i := range cands {
		c := &cands[i]
		if !p.FallThrough() && c.class != minClass {
			continue
		}
		if best == nil || refBetter(c.class, c.length, c.kind, c.rank, c.rule, c.pidx,
			best.class, best.length, best.kind, best.rank, best.rule, best.pidx) {
			best = c
		}
	}
	ans := refAnswer{Rule: -1, Path: -1, NormalizedPath: path, TLSIndex: -1}
	var winner *manifest.Ingress
	if best != nil {
		winner = best.ing
		ans.Matched, ans.Ingress, ans.Rule, ans.Path = true, best.ing.Key(), best.rule, best.pidx
	} else {
		for _, ing := range order {
			if ing.Spec.DefaultBackend != nil {
				winner = ing
				ans.Matched, ans.DefaultBackend, ans.Ingress = true, true, ing.Key()
				break
			}
		}
	}
	if strings.EqualFold(req.Scheme, "https") {
		ans.TLSIngress, ans.TLSIndex = refTLS(order, winner, host)
	}
	return ans
}

func refBetter(ac, al, ak, ar, ari, api, bc, bl, bk, br, bri, bpi int) bool {
	for _, d := range [][2]int{{bc, ac}, {al, bl}, {bk, ak}, {br, ar}, {bri, ari}, {bpi, api}} {
		if d[0] != d[1] {
			return d[0] > d[1]
		}
	}
	return false
}

// refHost strips the port and a trailing dot and lower-cases the host.
func refHost(h string) string {
	if host, _, err := net.SplitHostPort(h); err == nil {
		h = host
	}
	h = strings.TrimPrefix(strings.TrimSuffix(h, "]"), "[")
	return strings.ToLower(strings.TrimSuffix(h, "."))
}

// refHostClass ranks a rule host: 0 exact, 1 wildcard, 2 none; ok is
// false for a host the API server rejects for its wildcard.
func refHostClass(h string) (int, bool) {
	switch {
	case h == "":
		return 2, true
	case strings.Count(h, "*") == 0:
		return 0, true
	case strings.Count(h, "*") == 1 && strings.HasPrefix(h, "*.") && len(h) > 2:
		return 1, true
	}
	return 0, false
}

// refPathMatch decides whether one rule path matches; length and kind
// rank it.
func refPathMatch(p simulate.Profile, hp networkingv1.HTTPIngressPath, path string) (length, kind int, ok bool) {
	pt := networkingv1.PathTypeImplementationSpecific
	if hp.PathType != nil {
		pt = *hp.PathType
	}
	rp := hp.Path
	if pt == networkingv1.PathTypeImplementationSpecific {
		if _, custom := p.(testProfile); custom && strings.HasSuffix(rp, "*") {
			// testProfile's glob: "/x*" matches every path starting "/x".
			stem := rp[:len(rp)-1]
			return len(stem), 2, strings.HasPrefix(path, stem)
		}
		if rp == "" {
			rp = "/"
		}
	}
	if !refValid(rp) {
		return 0, 0, false
	}
	if pt == networkingv1.PathTypeExact {
		return len(rp), 0, rp == path
	}
	if pt != networkingv1.PathTypePrefix && pt != networkingv1.PathTypeImplementationSpecific {
		return 0, 0, false
	}
	re, qe := refElems(rp), refElems(path)
	if len(re) > len(qe) {
		return 0, 0, false
	}
	for i := range re {
		if re[i] != qe[i] {
			return 0, 0, false
		}
	}
	return len(strings.TrimSuffix(rp, "/")), 1, true
}

// refValid is the API server's check of Exact and Prefix paths.
func refValid(p string) bool {
	if !strings.HasPrefix(p, "/") {
		return false
	}
	for _, bad := range []string{"//", "/./", "/../", "%2f", "%2F"} {
		if strings.Contains(p, bad) {
			return false
		}
	}
	return !strings.HasSuffix(p, "/..") && !strings.HasSuffix(p, "/.")
}

// refElems splits a path into its elements, ignoring a trailing slash.
func refElems(p string) []string {
	p = strings.TrimSuffix(strings.TrimPrefix(p, "/"), "/")
	if p == "" {
		return nil
	}
	return strings.Split(p, "/")
}

// refTLS: the winner's own entry (one naming the host before one
// covering it otherwise), else the first entry (Ingress order,
// then entry order) naming the host exactly, else one whose wildcard
// covers it. An entry without hosts covers the hosts of its Ingress's
// rules.
func refTLS(order []*manifest.Ingress, winner *manifest.Ingress, host string) (string, int) {
	if winner != nil {
		for n, t := range winner.Spec.TLS {
			for _, h := range t.Hosts {
				if h != "" && strings.EqualFold(h, host) {
					return winner.Key(), n
				}
			}
		}
		if n := winner.TLSFor(host); n >= 0 {
			return winner.Key(), n
		}
	}
	for _, wild := range []bool{false, true} {
		for _, ing := range order {
			for n, t := range ing.Spec.TLS {
				hosts := t.Hosts
				if len(hosts) == 0 {
					for _, r := range ing.Spec.Rules {
						if r.Host != "" {
							hosts = append(hosts, r.Host)
						}
					}
				}
				for _, h := range hosts {
					// An empty host in spec.tls[].hosts is invalid
					// (validateIngressTLS) and covers nothing.
					if h != "" && strings.HasPrefix(h, "*.") == wild && manifest.MatchHost(h, host) {
						return ing.Key(), n
					}
				}
			}
		}
	}
	return "", -1
}
