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
func (s *Set) Applied() *Set {
	if s == nil {
		return nil
	}
	ings, di := lastOf(s.Ingresses, (*Ingress).Key)
	svcs, ds := lastOf(s.Services, (*Service).Key)
	secs, dc := lastOf(s.Secrets, (*Secret).Key)
	classes, dk := lastOf(s.IngressClasses, func(c *IngressClass) string { return c.Name })
	gw, dg := s.GatewayObjects.applied()
	if !di && !ds && !dc && !dk && !dg {
		return s
	}
	return &Set{Ingresses: ings, Services: svcs, Secrets: secs, IngressClasses: classes,
		GatewayObjects: gw, Skipped: s.Skipped, Files: s.Files}
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
