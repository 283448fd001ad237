package manifest

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestApplied(t *testing.T) {
	set := loadFixture(t, "duplicates.yaml")
	if len(set.Ingresses) != 3 || len(set.Services) != 2 {
		t.Fatalf("loaded %d Ingresses and %d Services, want every document: 3 and 2", len(set.Ingresses), len(set.Services))
	}
	got := set.Applied()
	var ings []string
	for _, i := range got.Ingresses {
		ings = append(ings, i.Key()+" line "+i.Source.Pos.String())
	}
	want := []string{
		"shop/other line testdata/duplicates.yaml:30:1",
		"shop/web line testdata/duplicates.yaml:42:1",
	}
	if diff := cmp.Diff(want, ings); diff != "" {
		t.Errorf("applied Ingresses, in input order, later definition kept (-want +got):\n%s", diff)
	}
	if d := cmp.Diff([]string{"shop.example / Prefix new:8080"}, flatten(got.Ingresses[1])); d != "" {
		t.Errorf("kept the wrong definition of shop/web (-want +got):\n%s", d)
	}
	if len(got.Services) != 1 || got.Services[0].Spec.Ports[0].Port != 81 {
		t.Errorf("applied Services = %v, want the later shop/old with port 81", got.Services)
	}
	// Lookups by name agree with the applied set.
	if s := set.Service("shop", "old"); s == nil || s.Spec.Ports[0].Port != 81 {
		t.Errorf("Service(shop, old) is not the later definition")
	}
	// Routes lists only what the cluster would serve.
	var rows []string
	for _, r := range set.Routes() {
		rows = append(rows, r.Ingress.Key()+" "+r.Host+r.Path)
	}
	if d := cmp.Diff([]string{"shop/web shop.example/", "shop/other "}, rows); d != "" {
		t.Errorf("Routes (-want +got):\n%s", d)
	}
	// Without duplicates the set itself comes back.
	clean := &Set{Ingresses: got.Ingresses, Services: got.Services}
	if clean.Applied() != clean {
		t.Error("Applied copied a set that has no duplicates")
	}
}

// TestAppliedCache checks that the applied view and the default class
// are computed once per set, sub-sets share them, and the cache follows
// appends and Merge.
func TestAppliedCache(t *testing.T) {
	set := loadFixture(t, "duplicates.yaml")
	a := set.Applied()
	if set.Applied() != a {
		t.Error("a second Applied computed the view again")
	}
	sub := set.WithIngresses(set.Ingresses[:1])
	if sub.index() != set.index() {
		t.Error("WithIngresses built its own lookup index")
	}
	if got := sub.Applied(); len(got.Services) != 1 || len(got.Ingresses) != 1 {
		t.Errorf("sub-set applied view: %d Ingresses, %d Services; want 1 and 1", len(got.Ingresses), len(got.Services))
	}
	// An appended object is seen.
	extra := &Service{}
	extra.Namespace, extra.Name = "shop", "extra"
	set.Services = append(set.Services, extra)
	if set.Service("shop", "extra") != extra {
		t.Error("Service after append: stale lookup index")
	}
	if got := set.Applied(); len(got.Services) != 2 {
		t.Errorf("Applied after append: %d Services, want 2", len(got.Services))
	}
	// A default IngressClass merged in is seen.
	def := &IngressClass{}
	def.Name = "fallback"
	def.Annotations = map[string]string{AnnotationDefaultClass: "true"}
	set.Merge(&Set{IngressClasses: []*IngressClass{def}})
	if set.DefaultClass() != def {
		t.Error("DefaultClass after Merge: stale")
	}
}
