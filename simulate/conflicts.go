package simulate

import "github.com/ingresskit/ingresskit/manifest"

// MaxConflicts is how many conflicting rules a Decision lists; the count
// of the others is Decision.MoreConflicts. A platform with hundreds of
// Ingresses each carrying a spec.defaultBackend would otherwise answer
// every unmatched request with all of them; Index.Route keeps
// the whole list for lint.
const MaxConflicts = 10

// boundConflicts keeps in d.Conflict the conflicts that matter to the
// request, at most MaxConflicts, and counts the rest in MoreConflicts.
// Every conflict of a rule answer matters: the rules declare the very
// host, path and pathType that answered. For a defaultBackend answer, only
// the defaultBackends of Ingresses that could be meant to answer this
// request do: those with no rules (catch-alls) and those with a rule for
// the request's host; another Ingress's defaultBackend is about its own
// hosts.
func (d *Decision) boundConflicts() {
	cs := d.Conflict
	if len(cs) == 0 {
		d.MoreConflicts = 0
		return
	}
	if !d.DefaultBackend && len(cs) <= MaxConflicts {
		return
	}
	// d.Conflict is the route's own slice: build a new one.
	var kept []Conflicting
	more := 0
	for _, c := range cs {
		if len(kept) == MaxConflicts || d.DefaultBackend && !servesHost(c.Ingress, d.RequestHost) {
			more++
			continue
		}
		kept = append(kept, c)
	}
	d.Conflict, d.MoreConflicts = kept, more
}

// servesHost reports whether ing has no rules, or a rule whose host
// covers host (a rule without a host covers every host).
func servesHost(ing *manifest.Ingress, host string) bool {
	if len(ing.Spec.Rules) == 0 {
		return true
	}
	for _, r := range ing.Spec.Rules {
		if r.Host == "" || manifest.MatchHost(r.Host, host) {
			return true
		}
	}
	return false
}
