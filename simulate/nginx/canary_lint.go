package nginx

import (
	"sort"
	"strings"

	networkingv1 "k8s.io/api/networking/v1"

	"github.com/ingresskit/ingresskit/manifest"
	"github.com/ingresskit/ingresskit/simulate"
)

// CanaryPath is what ingress-nginx makes of one Service backend of a
// canary Ingress (nginx.ingress.kubernetes.io/canary: "true"), as
// internal/ingress/controller/controller.go mergeAlternativeBackends
// merges it: the backend becomes an alternative of the upstream that
// serves a location of the same host, path and pathType, or, when no
// such location exists, it is deleted and never serves.
type CanaryPath struct {
	// Ingress is the canary Ingress.
	Ingress *manifest.Ingress
	// Rule and PathIndex index Ingress.Spec.Rules and its HTTP.Paths.
	Rule, PathIndex int
	// Host, Path and PathType are those of the canary's rule, the
	// pathType ImplementationSpecific when the rule leaves it out.
	Host, Path string
	PathType   networkingv1.PathType
	// Primary is the Ingress whose location the canary joins; nil when
	// no Ingress of the host serves that path and pathType (the
	// controller then drops the canary backend: "unable to find real
	// backend for alternative backend").
	Primary *manifest.Ingress
	// PrimaryRule and PrimaryPathIndex locate the primary's path.
	PrimaryRule, PrimaryPathIndex int
	// PrimaryBackend is the primary location's backend.
	PrimaryBackend networkingv1.IngressBackend
	// SameService is true when the canary's backend is the primary's
	// own upstream: the controller merges nothing ("alternative upstream
	// ... is primary upstream").
	SameService bool
	// First, when not nil, is an earlier canary path whose backend the
	// primary's upstream already holds as its alternative: balancer.lua
	// (route_to_alternative_balancer) uses only the first alternative
	// backend, so this one never receives traffic.
	First *CanaryPath
}

// Canaries returns every Service backend of the canary Ingresses of
// set, in the controller's order (canary Ingresses oldest first, then
// their rules and paths). set should hold the Ingresses of one
// ingress-nginx class. Ingresses the admission webhook rejects take no
// part.
func Canaries(set *manifest.Set) []*CanaryPath {
	if set == nil {
		return nil
	}
	return NewModel(set).Canaries()
}

// Canaries is the package's Canaries for the model's Ingresses.
func (m *Model) Canaries() []*CanaryPath {
	set := m.set
	var canaries []*manifest.Ingress
	for _, ing := range set.Ingresses {
		if nginxBool(ing, "canary", false) && nginxStrictReject(ing) == "" {
			canaries = append(canaries, ing)
		}
	}
	if len(canaries) == 0 {
		return nil
	}
	st := m.state()
	sort.SliceStable(canaries, func(i, j int) bool { return nginxLess(canaries[i], canaries[j]) })
	var out []*CanaryPath
	// first maps a primary upstream to the first canary path merged into
	// it, as st.canaries does.
	first := map[string]*CanaryPath{}
	for _, ing := range canaries {
		for ri, r := range ing.Spec.Rules {
			if r.HTTP == nil {
				continue
			}
			srv := st.servers[strings.ToLower(r.Host)]
			for pi, p := range r.HTTP.Paths {
				if p.Backend.Service == nil {
					continue // the controller skips non-Service backends
				}
				c := &CanaryPath{Ingress: ing, Rule: ri, PathIndex: pi, Host: r.Host, Path: p.Path, PathType: simulate.PathTypeOf(p), PrimaryRule: -1, PrimaryPathIndex: -1}
				out = append(out, c)
				if srv == nil {
					continue
				}
				alt := upstreamKey(ing.Namespace, p.Backend)
				for _, loc := range srv.locs {
					if loc.isDef || !sameWrittenPath(loc, p) {
						continue
					}
					c.Primary, c.PrimaryRule, c.PrimaryPathIndex, c.PrimaryBackend = loc.ing, loc.rule, loc.index, loc.backend
					pri := upstreamKey(loc.ing.Namespace, loc.backend)
					if pri == alt {
						c.SameService = true
						break
					}
					f := first[pri]
					switch {
					case f == nil:
						first[pri] = c
					case upstreamKey(f.Ingress.Namespace, f.Ingress.Spec.Rules[f.Rule].HTTP.Paths[f.PathIndex].Backend) != alt:
						c.First = f
					}
					break
				}
			}
		}
	}
	return out
}

// sameWrittenPath reports whether loc serves the path and pathType that p
// declares, as the controller compares them when it merges canaries
// (before finishServer adds the trailing "/" of Prefix locations).
func sameWrittenPath(loc *nginxLoc, p networkingv1.HTTPIngressPath) bool {
	if loc.ing == nil || loc.rule < 0 || loc.exactCopy {
		return false
	}
	w := loc.ing.Spec.Rules[loc.rule].HTTP.Paths[loc.index]
	return orRoot(w.Path) == orRoot(p.Path) && simulate.PathTypeOf(w) == simulate.PathTypeOf(p)
}

func orRoot(path string) string {
	if path == "" {
		return "/"
	}
	return path
}
