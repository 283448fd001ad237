package nginx

import (
	"sort"
	"strings"

	"github.com/ingresskit/ingresskit/manifest"
)

// ValidPath reports whether ingress-nginx's strict path validation
// accepts path for pathType Exact or Prefix (nginxValidPath): letters,
// digits, ".", "_", "-" and "/", starting with "/".
func ValidPath(path string) bool { return path == "" || nginxValidPath.MatchString(path) }

// RegexHosts returns, for every host that ingress-nginx would turn
// into a regex host, the Ingresses whose use-regex or rewrite-target
// cause it, in the controller's order. The key is the lower-cased rule
// host, "" for rules without a host. Ingresses the admission webhook
// rejects and canary Ingresses take no part.
func RegexHosts(set *manifest.Set) map[string][]*manifest.Ingress { return NewModel(set).RegexHosts() }

// RegexHosts is the package's RegexHosts for the model's Ingresses.
func (m *Model) RegexHosts() map[string][]*manifest.Ingress {
	set := m.set
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
	st := m.state()
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

// DuplicateLocation is a location line ingress-nginx writes twice
// into one server, which nginx refuses ("duplicate location"): the
// reload fails and the controller keeps its previous configuration.
type DuplicateLocation struct {
	// Host is the server's host, "" for the catch-all server.
	Host string
	// Location is the location's argument as nginx.tmpl writes it, e.g.
	// `"/foo/"`.
	Location string
	// Ingress, Rule and Path name the rule path that writes it second.
	Ingress    *manifest.Ingress
	Rule, Path int
	// First, FirstRule and FirstPath name the rule path that writes it
	// first.
	First                *manifest.Ingress
	FirstRule, FirstPath int
}

// DuplicateLocations returns the locations ingress-nginx would
// write twice for set, by server host, then in location order.
// Ingresses the controller ignores and canaries take no part.
func DuplicateLocations(set *manifest.Set) []DuplicateLocation {
	return NewModel(set).DuplicateLocations()
}

// DuplicateLocations is the package's DuplicateLocations for the model's
// Ingresses.
func (m *Model) DuplicateLocations() []DuplicateLocation {
	st := m.state()
	var out []DuplicateLocation
	for _, d := range st.refusedLocs {
		if d.first.ing == nil || d.second.ing == nil || d.first.rule < 0 || d.second.rule < 0 {
			continue
		}
		out = append(out, DuplicateLocation{
			Host: strings.ToLower(d.second.ing.Spec.Rules[d.second.rule].Host), Location: d.first.directive(false),
			Ingress: d.second.ing, Rule: d.second.rule, Path: d.second.index,
			First: d.first.ing, FirstRule: d.first.rule, FirstPath: d.first.index,
		})
	}
	return out
}
