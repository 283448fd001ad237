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
	st := newNginxState(set)
	out := map[string][]*manifest.Ingress{}
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
