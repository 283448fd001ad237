package simulate

import (
	"sort"
	"strings"

	"github.com/ingresskit/ingresskit/manifest"
)

// IngressKind is the kind of the Ingress data planes.
const IngressKind = "ingress"

func init() {
	RegisterBuilder(IngressKind, func(set *manifest.Set, opts Options) ([]DataPlane, error) {
		planes, err := IngressPlanes(set, opts)
		if err != nil {
			return nil, err
		}
		out := make([]DataPlane, len(planes))
		for i, p := range planes {
			out[i] = p
		}
		return out, nil
	})
}

// IngressPlane is the data plane of one controller's Ingress class: the
// Ingresses whose class (spec.ingressClassName, else the deprecated
// kubernetes.io/ingress.class annotation, else the default IngressClass)
// is that class, compiled under the profile of the class's controller.
// Each controller serves its own address (ingress-nginx's Service, an
// ALB, a GCE load balancer), so the Ingresses of different classes never
// compete for a request (concept page, "Ingress class").
type IngressPlane struct {
	name    string
	class   string
	profile string
	ix      *Index
}

var _ DataPlane = (*IngressPlane)(nil)

// Name is "ingress class <class>", "ingress without class" for the
// Ingresses of no class, or "ingress (every class)" when one profile was
// forced on every Ingress (Options.Profile with no Ingress of that
// controller).
func (p *IngressPlane) Name() string { return p.name }

// Kind returns IngressKind.
func (p *IngressPlane) Kind() string { return IngressKind }

// Class returns the class whose Ingresses the plane serves ("" for those
// of no class, and for a forced profile).
func (p *IngressPlane) Class() string { return p.class }

// Index returns the compiled Ingresses of the plane.
func (p *IngressPlane) Index() *Index { return p.ix }

// Serves reports whether a rule or a defaultBackend of the plane accepts
// the request's host, or the plane's profile serves it (HostServer).
func (p *IngressPlane) Serves(req Request) bool {
	host := CanonicalHost(req.Host)
	if p.ix.ServesHost(host) {
		return true
	}
	hs, ok := p.ix.profile.(HostServer)
	return ok && hs.ServesHost(host)
}

// HostServer is implemented by profiles whose controller serves hosts
// that the Ingress specification's reading of the rules does not: Istio's
// wildcard hosts, for one, span several labels. An Ingress data plane
// serves a host when its rules or its profile do.
type HostServer interface {
	// ServesHost reports whether the bound profile answers requests for
	// host (canonical: lower case, no port).
	ServesHost(host string) bool
}

// Lookup answers req with the plane's profile.
func (p *IngressPlane) Lookup(req Request) Decision {
	d := p.ix.Lookup(req)
	d.DataPlane = p.name
	return d
}

// Explain answers req and lists the candidates (Index.Explain).
func (p *IngressPlane) Explain(req Request) Decision {
	d := p.ix.Explain(req)
	d.DataPlane = p.name
	return d
}

// IngressPlanes returns the Ingress data planes of set, one per class,
// sorted by class name with the Ingresses of no class last; each is
// compiled under the profile InferProfileName gives its class.
//
// opts.IngressClass keeps the plane of that class only (none when no
// Ingress has it). opts.Profile keeps the planes whose class infers that
// profile; when none does, it is forced on every selected Ingress,
// compiled together as one plane, routing the input as that controller
// would.
func IngressPlanes(set *manifest.Set, opts Options) ([]*IngressPlane, error) {
	set = set.Applied()
	def := ""
	if d := set.DefaultClass(); d != nil {
		def = d.Name
	}
	byClass := map[string][]*manifest.Ingress{}
	for _, ing := range set.Ingresses {
		c := ing.Class()
		if c == "" {
			c = def
		}
		if opts.IngressClass != "" && c != opts.IngressClass {
			continue
		}
		byClass[c] = append(byClass[c], ing)
	}
	classes := make([]string, 0, len(byClass))
	for c := range byClass {
		classes = append(classes, c)
	}
	sort.Slice(classes, func(i, j int) bool {
		if (classes[i] == "") != (classes[j] == "") {
			return classes[j] == ""
		}
		return classes[i] < classes[j]
	})
	inferred := make([]string, len(classes))
	for i, c := range classes {
		inferred[i] = InferProfileName(set, byClass[c][0])
	}
	if opts.Profile != nil {
		want := opts.Profile.Name()
		var keep []string
		for i, c := range classes {
			if inferred[i] == want {
				keep = append(keep, c)
			}
		}
		if len(keep) == 0 {
			ix, err := Compile(set, Options{IngressClass: opts.IngressClass, Profile: opts.Profile})
			if err != nil {
				return nil, err
			}
			name := "ingress (every class)"
			if opts.IngressClass != "" {
				name = "ingress class " + opts.IngressClass
			}
			return []*IngressPlane{{name: name, class: opts.IngressClass, profile: want, ix: ix}}, nil
		}
		classes, inferred = keep, nil
		for range keep {
			inferred = append(inferred, want)
		}
	}
	planes := make([]*IngressPlane, 0, len(classes))
	for i, c := range classes {
		p, ok := ProfileByName(inferred[i])
		if !ok {
			p = DefaultProfile()
		}
		if opts.Profile != nil {
			p = opts.Profile
		}
		ix, err := Compile(set.WithIngresses(byClass[c]), Options{Profile: p})
		if err != nil {
			return nil, err
		}
		if opts.IngressClass != "" {
			// One class asked for: Explain names the Ingresses of the
			// others as excluded.
			ix.excluded = excludedFrom(set, byClass[c])
		}
		planes = append(planes, &IngressPlane{name: ingressPlaneName(c), class: c, profile: p.Name(), ix: ix})
	}
	return planes, nil
}

// ServesHost reports whether a rule or a defaultBackend of the index
// accepts a request for host (canonical: lower case, no port): a rule of
// that exact host, of a wildcard covering it, a rule without a host, or a
// defaultBackend.
func (ix *Index) ServesHost(host string) bool {
	if ix.any != nil || len(ix.defaults) > 0 || ix.exact[host] != nil {
		return true
	}
	if label, rest, ok := strings.Cut(host, "."); ok && label != "" {
		return ix.wildcard[rest] != nil && manifest.MatchHost("*."+rest, host)
	}
	return false
}

// EmptyIngressPlane returns a data plane with no Ingress, answering every
// request "no match" under p (DefaultProfile when nil): the answer for an input
// that holds nothing to route.
func EmptyIngressPlane(p Profile) *IngressPlane {
	ix, _ := Compile(&manifest.Set{}, Options{Profile: p})
	return &IngressPlane{name: "ingress without class", ix: ix, profile: ix.Profile().Name()}
}

// excludedFrom returns the Ingresses of set not in kept, in input order.
func excludedFrom(set *manifest.Set, kept []*manifest.Ingress) []*manifest.Ingress {
	in := make(map[*manifest.Ingress]bool, len(kept))
	for _, ing := range kept {
		in[ing] = true
	}
	var out []*manifest.Ingress
	for _, ing := range set.Ingresses {
		if !in[ing] {
			out = append(out, ing)
		}
	}
	return out
}

// IngressPlaneInfo names the data plane of one Ingress class and the
// profile it is answered under.
type IngressPlaneInfo struct {
	// Name is the data plane's name, as IngressPlane.Name gives it.
	Name string
	// Profile is the name of the profile of the class's controller.
	Profile string
	// Order is the plane's place in IngressPlanes' order.
	Order int
}

// IngressPlaneInfos returns, for each Ingress class of set ("" for the
// Ingresses of no class), the data plane IngressPlanes puts its Ingresses
// on and the profile that answers them, without compiling the planes.
// Classes are keyed as manifest.Route.Class gives them: the default
// IngressClass stands for the Ingresses that name none.
func IngressPlaneInfos(set *manifest.Set) map[string]IngressPlaneInfo {
	set = set.Applied()
	def := ""
	if d := set.DefaultClass(); d != nil {
		def = d.Name
	}
	first := map[string]*manifest.Ingress{}
	var classes []string
	for _, ing := range set.Ingresses {
		c := ing.Class()
		if c == "" {
			c = def
		}
		if first[c] == nil {
			first[c] = ing
			classes = append(classes, c)
		}
	}
	sort.Slice(classes, func(i, j int) bool {
		if (classes[i] == "") != (classes[j] == "") {
			return classes[j] == ""
		}
		return classes[i] < classes[j]
	})
	out := make(map[string]IngressPlaneInfo, len(classes))
	for i, c := range classes {
		out[c] = IngressPlaneInfo{Name: ingressPlaneName(c), Profile: InferProfileName(set, first[c]), Order: i}
	}
	return out
}

// ingressPlaneName is the name of the data plane of class ("" for none).
func ingressPlaneName(class string) string {
	if class == "" {
		return "ingress without class"
	}
	return "ingress class " + class
}

// IngressRoutes returns set.Routes() grouped by data plane, in the order
// of IngressPlanes (classes sorted, the Ingresses of no class last), each
// route naming its data plane and the profile that answers it; within a
// plane the order of set.Routes is kept.
func IngressRoutes(set *manifest.Set) []manifest.Route {
	routes := set.Routes()
	infos := IngressPlaneInfos(set)
	for i := range routes {
		info := infos[routes[i].Class]
		routes[i].DataPlane, routes[i].Profile = info.Name, info.Profile
	}
	sort.SliceStable(routes, func(i, j int) bool {
		return infos[routes[i].Class].Order < infos[routes[j].Class].Order
	})
	return routes
}
