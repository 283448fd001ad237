package lint

import (
	"fmt"
	"sort"
	"strings"

	"github.com/ingresskit/ingresskit/manifest"
	"github.com/ingresskit/ingresskit/simulate/spec"
)

var multipleDefaultBackends = &Rule{
	ID:       "multiple-default-backends",
	Severity: Warning,
	Default:  true,
	Summary:  "Several Ingresses compete for the one default backend of a data plane, and only one of them, or none, takes effect.",
	Doc: `Where a spec.defaultBackend goes depends on the controller:

- **ingress-nginx** gives every host its own server, and an Ingress with
  rules uses its defaultBackend for its own hosts only ("Using its backend
  as default upstream for all its rules"), so such Ingresses never compete.
  Unmatched hosts go to one catch-all server, configured by the first
  Ingress that has ` + "`spec.defaultBackend`" + ` and no rules, in the
  controller's order: oldest creationTimestamp first, equal timestamps by
  namespace/name in descending order
  (kubernetes/ingress-nginx internal/ingress/controller/controller.go,
  createServers; internal/ingress/controller/store/store.go,
  sortIngressSlice). Every other catch-all Ingress of the class is ignored.
- **AWS Load Balancer Controller**: the Ingresses of one IngressGroup share
  one listener with one default action, and when more than one of them sets
  a defaultBackend the controller refuses to build the group at all
  ("multiple ingress defined default backend";
  kubernetes-sigs/aws-load-balancer-controller
  pkg/ingress/model_build_listener.go, buildListenerDefaultActions). An
  Ingress outside a group has a load balancer of its own.
- **GCE** gives every Ingress its own load balancer (cloud.google.com docs,
  "GKE Ingress"), so defaultBackends never compete.
- For a controller ingresskit does not model, the specification's reading
  applies: the Ingresses of a class are served together and one
  defaultBackend answers every request no rule matches (concept page,
  "Default Backend"), so every defaultBackend of the class competes, and
  the oldest Ingress, then the first by namespace/name, is named as the one
  that wins, as simulate decides.

**What to do:** keep one catch-all Ingress per ingress-nginx class and one
defaultBackend per IngressGroup, or use ingress-nginx's
` + "`--default-backend-service`" + ` flag.`,
	Check: checkMultipleDefaultBackends,
}

func checkMultipleDefaultBackends(p *Pass) {
	groups := map[string][]*manifest.Ingress{}
	var keys []string
	for _, ing := range p.Set.Ingresses {
		if ing.Spec.DefaultBackend == nil {
			continue
		}
		switch p.controllerOf(ing) {
		case controllerGCE:
			continue // one load balancer per Ingress
		case controllerALB:
			if ing.Annotations[annotationALBGroup] == "" {
				continue // a load balancer of its own
			}
		case controllerNginx:
			if len(ing.Spec.Rules) > 0 {
				continue // serves its own hosts only
			}
		}
		k := p.shared.mergeKey(ing)
		if _, ok := groups[k]; !ok {
			keys = append(keys, k)
		}
		groups[k] = append(groups[k], ing)
	}
	for _, k := range keys {
		ings := groups[k]
		if len(ings) < 2 {
			continue
		}
		if p.controllerOf(ings[0]) == controllerALB {
			reportALBDefaultBackends(p, ings)
			continue
		}
		reportCatchAlls(p, ings)
	}
}

// reportCatchAlls names the defaultBackend that wins, the first in the
// profile's order, on every other one.
func reportCatchAlls(p *Pass, ings []*manifest.Ingress) {
	prof := p.shared.profileOf(ings[0])
	if prof == nil {
		prof = spec.Profile{}
	}
	sorted := append([]*manifest.Ingress(nil), ings...)
	sort.SliceStable(sorted, func(i, j int) bool { return prof.Less(sorted[i], sorted[j]) })
	win := sorted[0]
	class := "this class"
	if c := win.Class(); c != "" {
		class = "class " + c
	}
	where := fmt.Sprintf("requests no rule of %s matches go to one defaultBackend, that of Ingress %s (%s), the oldest by creationTimestamp, then the first by namespace/name", class, win.Key(), backendString(win.Namespace, *win.Spec.DefaultBackend))
	if prof.Name() == "nginx" {
		where = fmt.Sprintf("requests for hosts no rule names go to ingress-nginx's catch-all server for %s, which uses the spec.defaultBackend of Ingress %s (%s), the first Ingress without rules in the controller's order: oldest creationTimestamp, then namespace/name in descending order", class, win.Key(), backendString(win.Namespace, *win.Spec.DefaultBackend))
	}
	for _, ing := range sorted[1:] {
		p.Report(ing, "spec.defaultBackend", fmt.Sprintf("%s; this Ingress's %s is never used; keep one defaultBackend", where, backendString(ing.Namespace, *ing.Spec.DefaultBackend)),
			Related{Pos: win.Source.FieldPos("spec.defaultBackend"), Message: "the defaultBackend in use, of Ingress " + win.Key()})
	}
}

// reportALBDefaultBackends reports every defaultBackend of an IngressGroup
// after the first: the controller builds none of them.
func reportALBDefaultBackends(p *Pass, ings []*manifest.Ingress) {
	names := make([]string, len(ings))
	for i, ing := range ings {
		names[i] = ing.Key()
	}
	group := ings[0].Annotations[annotationALBGroup]
	for _, ing := range ings[1:] {
		p.Report(ing, "spec.defaultBackend", fmt.Sprintf(
			"Ingresses %s of IngressGroup %s all set spec.defaultBackend, but the group's load balancer has one default action, and the AWS Load Balancer Controller refuses to build the group while more than one sets it; keep the defaultBackend on one Ingress of the group",
			strings.Join(names, ", "), group),
			Related{Pos: ings[0].Source.FieldPos("spec.defaultBackend"), Message: "also set by Ingress " + ings[0].Key()})
	}
}
