package manifest

// Applied returns the objects that would exist after `kubectl apply` of
// the whole input: where two documents define the same kind, namespace
// and name, the later one replaces the earlier, as the API server keeps
// one object per name and kubectl sends the documents in order. The
// survivors keep their input order. A set with no such duplicates is
// returned as is.
//
// The lint rule duplicate-object reports the duplicates themselves; the
// commands that answer what the cluster would serve (routes, simulate,
// test, proxy, certgen) read the applied set.
//
// The result is computed once per set and shared by later calls (see
// Set), so callers may ask for it per object.
func (s *Set) Applied() *Set {
	if s == nil {
		return nil
	}
	x := s.index()
	var first *Ingress
	if len(s.Ingresses) > 0 {
		first = s.Ingresses[0]
	}
	ngw := s.GatewayObjects.Len() + s.IstioObjects.Len() + s.GCEObjects.Len()
	s.mu.Lock()
	if v := s.applied; v != nil && v.idx == x && v.ing == first && v.ning == len(s.Ingresses) && v.ngw == ngw {
		s.mu.Unlock()
		return v.set
	}
	s.mu.Unlock()
	ings, di := lastOf(s.Ingresses, (*Ingress).Key)
	gw, dg := s.GatewayObjects.applied()
	is, dis := s.IstioObjects.applied()
	out := s
	if di || dg || dis || x.dropped {
		out = &Set{Ingresses: ings, Services: x.svcs, Secrets: x.secs, IngressClasses: x.clss,
			GatewayObjects: gw, IstioObjects: is, GCEObjects: s.GCEObjects, Skipped: s.Skipped, Files: s.Files}
		// The applied objects have the same last-wins maps.
		out.idx = &setIndex{key: out.objectsKey(), services: x.services, secrets: x.secrets, classes: x.classes,
			svcs: x.svcs, secs: x.secs, clss: x.clss, defClass: x.defClass}
	}
	s.mu.Lock()
	s.applied = &appliedView{ing: first, ning: len(s.Ingresses), ngw: ngw, idx: x, set: out}
	s.mu.Unlock()
	return out
}

// lastNamed returns the last object of objs named namespace/name: the
// one that wins when several are given, as kubectl apply leaves it. It
// returns the zero T (nil) when there is none.
func lastNamed[T interface {
	GetNamespace() string
	GetName() string
}](objs []T, namespace, name string) T {
	for i := len(objs) - 1; i >= 0; i-- {
		if o := objs[i]; o.GetNamespace() == namespace && o.GetName() == name {
			return o
		}
	}
	var none T
	return none
}

// lastOf keeps the last object of each key, in input order, and reports
// whether any was dropped.
func lastOf[T any](objs []T, key func(T) string) ([]T, bool) {
	last := make(map[string]int, len(objs))
	for i, o := range objs {
		last[key(o)] = i
	}
	if len(last) == len(objs) {
		return objs, false
	}
	out := make([]T, 0, len(last))
	for i, o := range objs {
		if last[key(o)] == i {
			out = append(out, o)
		}
	}
	return out, true
}

// lastOfMap is lastOf for objects whose last-wins map by key is already
// built: an object survives when the map holds it.
func lastOfMap[T comparable](objs []T, last map[string]T, key func(T) string) ([]T, bool) {
	if len(last) == len(objs) {
		return objs, false
	}
	out := make([]T, 0, len(last))
	for _, o := range objs {
		if last[key(o)] == o {
			out = append(out, o)
		}
	}
	return out, true
}
