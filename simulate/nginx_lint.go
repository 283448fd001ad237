package simulate

import (
	"sort"

	"github.com/ingresskit/ingresskit/manifest"
)

// NginxValidPath reports whether ingress-nginx's strict path validation
// accepts path for pathType Exact or Prefix (nginxValidPath): letters,
// digits, ".", "_", "-" and "/", starting with "/".
func NginxValidPath(path string) bool { return path == "" || nginxValidPath.MatchString(path) }

// NginxRegexHosts returns, for every host that ingress-nginx would turn
// into a regex host, the Ingresses whose use-regex or rewrite-target
// cause it, in the controller's order. The key is the lower-cased rule
// host, "" for rules without a host. Ingresses the admission webhook
// rejects and canary Ingresses take no part.
func NginxRegexHosts(set *manifest.Set) map[string][]*manifest.Ingress {
	out := map[string][]*manifest.Ingress{}
	// Only a location's rewrite-target or use-regex makes a host regex
	// (finishServer, after template.go enforceRegexModifier), and every
	// location takes its annotations from an Ingress of the set
	// (parseNginxAnn). When no Ingress sets either, no host is regex, and
	// the whole configuration need not be built to say so.
	regex := false
	for _, ing := range set.Ingresses {
		if nginxString(ing, "rewrite-target") != "" || nginxBool(ing, "use-regex", false) {
			regex = true
			break
		}
	}
	if !regex {
		return out
	}
	st := newNginxState(set)
	for host, srv := range st.servers {
		if !srv.regex {
			continue
		}
		seen := map[*manifest.Ingress]bool{}
		var causes []*manifest.Ingress
		for _, l := range srv.locs {
			if l.ing != nil && !seen[l.ing] && (l.needsRewrite() || l.ann.useRegex) {
				seen[l.ing] = true
				causes = append(causes, l.ing)
			}
		}
		sort.SliceStable(causes, func(i, j int) bool { return nginxLess(causes[i], causes[j]) })
		out[host] = causes
	}
	return out
}
