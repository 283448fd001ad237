package istioingress

import (
	"sort"
	"strings"

	networkingv1 "k8s.io/api/networking/v1"

	"github.com/ingresskit/ingresskit/manifest"
)

// hostRoute is one route of a generated VirtualService.
type hostRoute struct {
	ing         *manifest.Ingress
	rule, index int
	path        networkingv1.HTTPIngressPath
	uri         uri
}

// sortIngresses orders Ingresses as istiod orders their rules (Less).
func sortIngresses(ings []*manifest.Ingress) {
	sort.SliceStable(ings, func(i, j int) bool { return Profile{}.Less(ings[i], ings[j]) })
}

// virtualServices returns, per rule host ("*" for a rule without a
// host), the routes of the VirtualService istiod generates for it
// (istio/istio pilot/pkg/config/kube/ingress/ingress.go RuleCollection
// and virtualservices.go VirtualServices): the rules of every Ingress
// for that host, oldest Ingress first, their paths in order, a rule
// without http skipped; then sorted stably by the length of the uri
// match, longest first, an exact match before the others at equal
// length, a route without uri match last (sortHTTPRoutes).
func (p Profile) virtualServices() map[string][]hostRoute {
	out := map[string][]hostRoute{}
	for _, ing := range p.b.ings {
		for ri, r := range ing.Spec.Rules {
			if r.HTTP == nil {
				continue
			}
			host := hostKey(r.Host)
			if _, ok := out[host]; !ok {
				out[host] = nil
				p.b.first(host, ing)
			}
			for pi, hp := range r.HTTP.Paths {
				if p.dropped(ing, hp.Backend) != "" {
					continue
				}
				out[host] = append(out[host], hostRoute{ing: ing, rule: ri, index: pi, path: hp, uri: convertPath(hp)})
			}
		}
	}
	for _, rs := range out {
		sort.SliceStable(rs, func(i, j int) bool {
			li, lj := rs[i].uri.length(), rs[j].uri.length()
			if li != lj {
				return li > lj
			}
			return rs[i].uri.kind == uriExact && rs[j].uri.kind != uriExact
		})
	}
	return out
}

// hostKey is the VirtualService host of a rule host: "*" for none.
func hostKey(h string) string {
	if h == "" {
		return "*"
	}
	return strings.ToLower(h)
}

// first records the Ingress of the first rule of a host: the generated
// VirtualService is bound to that Ingress's Gateway only
// (virtualservices.go, Gateways from rules[0]).
func (b *bound) first(host string, ing *manifest.Ingress) {
	if b.owner == nil {
		b.owner = map[string]*manifest.Ingress{}
	}
	if _, ok := b.owner[host]; !ok {
		b.owner[host] = ing
	}
}
