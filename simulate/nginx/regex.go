package nginx

import (
	"fmt"
	"strings"

	"github.com/ingresskit/ingresskit/simulate"
)

// regexMatch compiles a path of a regex host.
func (Profile) regexMatch(r *nginxRoute, path string) (simulate.PathMatch, bool, string) {
	srv := r.server
	by := "an Ingress of the host"
	if srv.regexBy != nil {
		by = srv.regexBy.Key()
	}
	if r.droppedFor != nil {
		kept := "the default backend"
		if r.droppedFor.ing != nil {
			kept = r.droppedFor.ing.Key()
		}
		return simulate.PathMatch{}, false, fmt.Sprintf("ingress-nginx keeps the location of %s for the same host, path and pathType (Ingresses ordered oldest first, then namespace/name descending)", kept)
	}
	if len(r.locs) == 0 {
		return simulate.PathMatch{}, false, "ingress-nginx renders no location for this path"
	}
	if r.shadowed {
		return simulate.PathMatch{}, false, fmt.Sprintf(`regex host (use-regex or rewrite-target on %s): the root location ~* "^/" of the default backend comes first and answers every path this one would`, by)
	}
	var locs []*nginxLoc
	var shown []string
	for _, i := range r.locs {
		l := srv.locs[i]
		if l.re == nil {
			return simulate.PathMatch{}, false, fmt.Sprintf("regex %q is not valid RE2, which ingresskit evaluates instead of nginx's PCRE: %s", l.path, l.reErr)
		}
		locs = append(locs, l)
		shown = append(shown, fmt.Sprintf(`~* "^%s"`, l.path))
	}
	return simulate.PathMatch{
		Kind: simulate.MatchCustom,
		Path: path,
		// First match in location order: an earlier location ranks
		// higher.
		Length: len(srv.locs) - r.locs[0],
		Match: func(req string) bool {
			for _, l := range locs {
				if l.re.MatchString(req) {
					return true
				}
			}
			return false
		},
		Note: fmt.Sprintf("regex host because of %s: nginx location %s, first match in order of path length", by, strings.Join(shown, " and ")),
	}, true, ""
}
