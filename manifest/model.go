// Package manifest loads Ingress, Service, Secret and IngressClass objects
// from files, directories and streams, normalizes every Ingress API version
// to networking.k8s.io/v1, and remembers where each object and field came
// from so that later messages can name file:line:col.
package manifest

import (
	"fmt"
	"sort"
	"strings"
	"sync"

	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
)

// Pos is a position in an input file. Line and Col are 1-based; zero means
// unknown.
type Pos struct {
	File string
	Line int
	Col  int
}

// String formats the position as file:line:col, omitting unknown parts.
func (p Pos) String() string {
	switch {
	case p.Line == 0:
		return p.File
	case p.Col == 0:
		return fmt.Sprintf("%s:%d", p.File, p.Line)
	default:
		return fmt.Sprintf("%s:%d:%d", p.File, p.Line, p.Col)
	}
}

// IsZero reports whether the position is unknown.
func (p Pos) IsZero() bool { return p.File == "" && p.Line == 0 }

// Source records where an object was read and how it was written.
type Source struct {
	// Pos is the position of the object's first line.
	Pos Pos
	// APIVersion is the apiVersion as written in the input, before
	// normalization.
	APIVersion string
	// Doc is the 0-based index of the YAML document in its file.
	Doc int
	// Duplicates lists the keys written twice in one mapping of the
	// object; the later value is the one loaded.
	Duplicates []Duplicate
	// fields maps API-server style field paths
	// (spec.rules[0].http.paths[1].backend.service.port) to positions. For
	// objects read from an older API version the paths of the normalized
	// networking.k8s.io/v1 form are recorded as well as the original ones.
	fields *fieldIndex
	// relocate maps the positions in fields as FieldPos returns them
	// (Options.Relocate); nil keeps them.
	relocate func(Pos) Pos
}

// FieldPos returns the position of the field at path, or of its nearest
// recorded ancestor, or of the object itself.
func (s *Source) FieldPos(path string) Pos {
	for path != "" {
		if p, ok := s.fields.find(path); ok {
			if s.relocate != nil {
				return s.relocate(p)
			}
			return p
		}
		i := strings.LastIndexAny(path, ".[")
		if i < 0 {
			break
		}
		path = path[:i]
	}
	return s.Pos
}

// HasField reports whether the field at path was written in the input.
func (s *Source) HasField(path string) bool {
	_, ok := s.fields.find(path)
	return ok
}

// FieldCount returns the number of fields recorded below the field at
// path, each list item counting as one field and each key of a mapping as
// another; ok is false when the field was not written. A key written twice
// in one mapping (Duplicates) is counted where it was written last.
func (s *Source) FieldCount(path string) (n int, ok bool) {
	return s.fields.count(path)
}

// Ingress is an Ingress normalized to networking.k8s.io/v1.
type Ingress struct {
	networkingv1.Ingress
	Source Source
}

// Service is a core/v1 Service.
type Service struct {
	corev1.Service
	Source Source
}

// Secret is a core/v1 Secret.
type Secret struct {
	corev1.Secret
	Source Source
}

// IngressClass is an IngressClass normalized to networking.k8s.io/v1.
type IngressClass struct {
	networkingv1.IngressClass
	Source Source
}

// Key returns namespace/name.
func (i *Ingress) Key() string { return i.Namespace + "/" + i.Name }

// Key returns namespace/name.
func (s *Service) Key() string { return s.Namespace + "/" + s.Name }

// Key returns namespace/name.
func (s *Secret) Key() string { return s.Namespace + "/" + s.Name }

// Set is everything a load produced, in input order.
//
// A Set caches its lookup maps and its applied view (Applied,
// DefaultClass) the first time they are asked for; the cache notices
// when a field is replaced or appended to, and Merge resets it.
type Set struct {
	Ingresses      []*Ingress
	Services       []*Service
	Secrets        []*Secret
	IngressClasses []*IngressClass
	// GatewayObjects holds the Gateway API objects (Gateways,
	// HTTPRoutes, ...).
	GatewayObjects
	// IstioObjects holds the Istio networking objects (Gateways,
	// VirtualServices, DestinationRules, ServiceEntries).
	IstioObjects
	// GCEObjects holds the GKE Ingress configuration objects
	// (FrontendConfigs, BackendConfigs).
	GCEObjects
	// Skipped counts the objects of other kinds, by kind.
	Skipped map[string]int
	// Files lists the files that were read, in the order they were read.
	Files []string

	mu      sync.Mutex
	idx     *setIndex
	applied *appliedView
}

// objectsKey identifies the Services, Secrets and IngressClasses slices a
// setIndex was built from: their first elements and lengths. Appending,
// replacing a slice or re-slicing it changes the key; only an element
// overwritten in place goes unnoticed, which no caller does.
type objectsKey struct {
	svc  *Service
	sec  *Secret
	cls  *IngressClass
	nsvc int
	nsec int
	ncls int
}

func (s *Set) objectsKey() objectsKey {
	k := objectsKey{nsvc: len(s.Services), nsec: len(s.Secrets), ncls: len(s.IngressClasses)}
	if k.nsvc > 0 {
		k.svc = s.Services[0]
	}
	if k.nsec > 0 {
		k.sec = s.Secrets[0]
	}
	if k.ncls > 0 {
		k.cls = s.IngressClasses[0]
	}
	return k
}

// setIndex is what a Set derives from its Services, Secrets and
// IngressClasses. Sets made by WithIngresses share their parent's, so
// that a sub-set per routing group costs nothing per object.
type setIndex struct {
	key      objectsKey
	services map[string]*Service
	secrets  map[string]*Secret
	classes  map[string]*IngressClass

	// The applied (last definition wins) Services, Secrets and
	// IngressClasses, and whether any was dropped.
	svcs     []*Service
	secs     []*Secret
	clss     []*IngressClass
	dropped  bool
	defClass *IngressClass
}

// appliedView caches Applied for one Ingresses slice.
type appliedView struct {
	ing  *Ingress
	ning int
	ngw  int
	idx  *setIndex
	set  *Set
}

// index builds the lookup maps once; the last object of a name wins, as
// it does when kubectl applies the input in order (see Applied).
func (s *Set) index() *setIndex {
	key := s.objectsKey()
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.idx != nil && s.idx.key == key {
		return s.idx
	}
	x := &setIndex{
		key:      key,
		services: make(map[string]*Service, len(s.Services)),
		secrets:  make(map[string]*Secret, len(s.Secrets)),
		classes:  make(map[string]*IngressClass, len(s.IngressClasses)),
	}
	for _, o := range s.Services {
		x.services[o.Key()] = o
	}
	for _, o := range s.Secrets {
		x.secrets[o.Key()] = o
	}
	for _, o := range s.IngressClasses {
		x.classes[o.Name] = o
	}
	var ds, dc, dk bool
	x.svcs, ds = lastOfMap(s.Services, x.services, (*Service).Key)
	x.secs, dc = lastOfMap(s.Secrets, x.secrets, (*Secret).Key)
	x.clss, dk = lastOfMap(s.IngressClasses, x.classes, func(c *IngressClass) string { return c.Name })
	x.dropped = ds || dc || dk
	x.defClass = defaultClass(x.clss)
	s.idx = x
	return x
}

// WithIngresses returns a set of ings and the Services, Secrets and
// IngressClasses of s (no Gateway API objects), sharing the lookup maps and applied view s has
// computed for them: a sub-set per routing group then costs in proportion
// to its Ingresses, not to the whole input.
func (s *Set) WithIngresses(ings []*Ingress) *Set {
	x := s.index()
	return &Set{Ingresses: ings, Services: s.Services, Secrets: s.Secrets, IngressClasses: s.IngressClasses,
		Skipped: s.Skipped, Files: s.Files, idx: x}
}

// SkippedKinds returns the skipped kinds, sorted.
func (s *Set) SkippedKinds() []string {
	kinds := make([]string, 0, len(s.Skipped))
	for k := range s.Skipped {
		kinds = append(kinds, k)
	}
	sort.Strings(kinds)
	return kinds
}

// Service returns the Service namespace/name, or nil.
func (s *Set) Service(namespace, name string) *Service {
	return s.index().services[namespace+"/"+name]
}

// Secret returns the Secret namespace/name, or nil.
func (s *Set) Secret(namespace, name string) *Secret {
	return s.index().secrets[namespace+"/"+name]
}

// IngressClass returns the IngressClass name, or nil.
func (s *Set) IngressClass(name string) *IngressClass {
	return s.index().classes[name]
}

// Merge appends the objects of o to s.
func (s *Set) Merge(o *Set) {
	s.Ingresses = append(s.Ingresses, o.Ingresses...)
	s.Services = append(s.Services, o.Services...)
	s.Secrets = append(s.Secrets, o.Secrets...)
	s.IngressClasses = append(s.IngressClasses, o.IngressClasses...)
	s.GatewayObjects.appendAll(&o.GatewayObjects)
	s.IstioObjects.appendAll(&o.IstioObjects)
	s.GCEObjects.appendAll(&o.GCEObjects)
	if len(o.Skipped) > 0 && s.Skipped == nil {
		s.Skipped = map[string]int{}
	}
	for k, n := range o.Skipped {
		s.Skipped[k] += n
	}
	s.Files = append(s.Files, o.Files...)
	s.mu.Lock()
	s.idx = nil
	s.applied = nil
	s.mu.Unlock()
}
