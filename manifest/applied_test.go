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
