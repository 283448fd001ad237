package lint

import (
	"fmt"
	"runtime"
	"sort"
	"sync"
	"sync/atomic"

	networkingv1 "k8s.io/api/networking/v1"

	"github.com/ingresskit/ingresskit/manifest"
	"github.com/ingresskit/ingresskit/simulate"
	"github.com/ingresskit/ingresskit/simulate/nginx"
)

// annotationALBGroup joins Ingresses into one ALB
// (kubernetes-sigs/aws-load-balancer-controller
// docs/guide/ingress/annotations.md, group.name).
const annotationALBGroup = albPrefix + "group.name"

// routingGroup is a set of Ingresses that one proxy or load balancer
// serves together, so their rules compete for the same requests.
type routingGroup struct {
	key       string
	ingresses []*manifest.Ingress
}

// mergeKey says which Ingresses share a data plane: ingress-nginx and
// controllers the input cannot identify merge every Ingress of a class
// (kubernetes/ingress-nginx docs/how-it-works.md); GCE gives each Ingress
// its own load balancer (cloud.google.com docs, "GKE Ingress"); the ALB
// controller does too, unless Ingresses join an IngressGroup with
// group.name.
func (s *shared) mergeKey(ing *manifest.Ingress) string {
	set := s.set
	class := ing.Class()
	if class == "" {
		if d := set.DefaultClass(); d != nil {
			class = d.Name
		}
	}
	switch s.controllerOf(ing) {
	case controllerGCE:
		return "gce\x00" + ing.Key()
	case controllerALB:
		if g := ing.Annotations[annotationALBGroup]; g != "" {
			return "alb-group\x00" + g
		}
		return "alb\x00" + ing.Key()
	}
	return "class\x00" + class
}

// profileOf returns the profile that routes ing: Options.Controller's
// when given, else the profile of the controller its IngressClass names,
// so that what counts as a conflict is what that data plane does with
// the rules (ingress-nginx merges canaries into their primary and keeps
// a defaultBackend to the Ingress's own hosts; see nginx.Profile). A
// controller no profile models gets the specification's semantics (nil).
// Every Ingress of a routing group has the same controller (mergeKey).
func (s *shared) profileOf(ing *manifest.Ingress) simulate.Profile {
	if s.forced {
		return s.profile
	}
	if p, ok := simulate.ProfileByName(simulate.ProfileNameForController(s.controllerOf(ing))); ok {
		return p
	}
	return nil
}

// routes compiles every routing group with simulate once per run and
// returns what the routing rules read of each group. A group's index is
// dropped once its shadowed routes are taken out of it: holding every
// group's index until the last rule ran was the largest part of a run's
// memory on a large input. The groups are compiled by one
// worker per processor, so that at most that many indexes are alive.
func (s *shared) routes() []groupRoutes {
	s.routesOnce.Do(func() {
		byKey := map[string]*routingGroup{}
		var order []*routingGroup
		for _, ing := range s.set.Ingresses {
			k := s.mergeKey(ing)
			g := byKey[k]
			if g == nil {
				g = &routingGroup{key: k}
				byKey[k] = g
				order = append(order, g)
			}
			g.ingresses = append(g.ingresses, ing)
		}
		out := make([]groupRoutes, len(order))
		var next atomic.Int64
		var wg sync.WaitGroup
		for range min(runtime.GOMAXPROCS(0), len(order)) {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for {
					i := int(next.Add(1)) - 1
					if i >= len(order) {
						return
					}
					out[i] = s.compileGroup(order[i])
				}
			}()
		}
		wg.Wait()
		s.compiled = out
	})
	return s.compiled
}

// compileGroup compiles one routing group and keeps its shadowed routes.
func (s *shared) compileGroup(g *routingGroup) groupRoutes {
	sub := s.set.WithIngresses(g.ingresses)
	p := s.profileOf(g.ingresses[0])
	if _, ok := p.(nginx.Profile); ok {
		// Compile binds the profile to the applied Ingresses; the rules
		// on canaries, duplicate locations and regex hosts read the same
		// model.
		p = s.nginxModel(sub.Applied()).Profile()
	}
	ix, err := simulate.Compile(sub, simulate.Options{Profile: p})
	if err != nil {
		return groupRoutes{}
	}
	return shadowedRoutes(ix)
}

// shadowedRoutes takes out of ix the routes that another route wins
// (Route.ShadowedBy), with the routes that win them.
func shadowedRoutes(ix *simulate.Index) groupRoutes {
	var g groupRoutes
	for i := 0; i < ix.NumRoutes(); i++ {
		r := ix.Route(i)
		if r.ShadowedBy < 0 {
			continue
		}
		g.shadowed = append(g.shadowed, detached(r))
		if g.winners == nil {
			g.winners = map[int]simulate.Route{}
		}
		if _, ok := g.winners[r.ShadowedBy]; !ok {
			g.winners[r.ShadowedBy] = detached(ix.Route(r.ShadowedBy))
		}
	}
	return g
}

// detached returns r without its path matcher, which the routing rules
// do not call: a controller's matcher can hold its whole model (the
// ingress-nginx servers and locations), which would then stay in memory
// as long as the route.
func detached(r simulate.Route) simulate.Route {
	r.Match.Match = nil
	return r
}

// groupRoutes is what the routing rules read of one group's compiled
// routing: the routes another route wins, in Index.Routes order, and the
// routes that win them, by their index in Index.Routes. A route no other
// route wins concerns neither path-conflict nor shadowed-path.
type groupRoutes struct {
	shadowed []simulate.Route
	winners  map[int]simulate.Route
}

// each calls fn with every shadowed route of the group, in order.
func (g groupRoutes) each(fn func(r simulate.Route)) {
	for _, r := range g.shadowed {
		fn(r)
	}
}

// route returns the route at index i of the group's Index.Routes, for a
// route that wins a shadowed one (Route.ShadowedBy).
func (g groupRoutes) route(i int) simulate.Route { return g.winners[i] }

// routeField returns the field path of a route's path, or of the
// defaultBackend.
func routeField(ing *manifest.Ingress, rule, path int) string {
	if rule < 0 {
		return "spec.defaultBackend"
	}
	return fmt.Sprintf("spec.rules[%d].http.paths[%d].path", rule, path)
}

func backendString(ns string, b networkingv1.IngressBackend) string {
	switch {
	case b.Service != nil:
		return fmt.Sprintf("Service %s/%s:%s", ns, b.Service.Name, portString(b.Service.Port))
	case b.Resource != nil:
		return fmt.Sprintf("%s %s", b.Resource.Kind, b.Resource.Name)
	}
	return "no backend"
}

func hostLabel(h string) string {
	if h == "" {
		return "every host"
	}
	return "host " + h
}

func sortedConflicts(cs []simulate.Conflicting) []simulate.Conflicting {
	out := append([]simulate.Conflicting(nil), cs...)
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i].Ingress.Source.Pos, out[j].Ingress.Source.Pos
		if a.File != b.File {
			return a.File < b.File
		}
		return a.Line < b.Line
	})
	return out
}
