package simulate_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/ingresskit/ingresskit/manifest"
	"github.com/ingresskit/ingresskit/simulate"
)

// TestBoundConflicts checks that an answer lists the conflicts that
// matter to the request, at most MaxConflicts, and counts the others,
// while Index.Route keeps every one.
func TestBoundConflicts(t *testing.T) {
	var b strings.Builder
	for i := 0; i < 14; i++ {
		fmt.Fprintf(&b, "---\napiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: app-%02d\nspec:\n  defaultBackend:\n    service:\n      name: app-%02d-default\n      port:\n        number: 80\n  rules:\n  - host: app-%02d.test\n    http:\n      paths:\n      - path: /api\n        pathType: Prefix\n        backend:\n          service:\n            name: app-%02d\n            port:\n              number: 80\n", i, i, i, i)
	}
	for i := 0; i < 13; i++ {
		fmt.Fprintf(&b, "---\napiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: same-%02d\nspec:\n  rules:\n  - host: same.test\n    http:\n      paths:\n      - path: /\n        pathType: Prefix\n        backend:\n          service:\n            name: same-%02d\n            port:\n              number: 80\n", i, i)
	}
	b.WriteString("---\napiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: catch-all\nspec:\n  defaultBackend:\n    service:\n      name: fallback\n      port:\n        number: 80\n")
	set, err := manifest.Parse("many.yaml", []byte(b.String()), manifest.Options{})
	if err != nil {
		t.Fatal(err)
	}
	ix, err := simulate.Compile(set, simulate.Options{})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		url  string
		want []string // the conflicting Ingresses listed
		more int
	}{
		// app-00 answers: app-03 names the host and catch-all has no
		// rules; the other twelve defaultBackends are for other hosts.
		{"http://app-03.test/other", []string{"default/app-03", "default/catch-all"}, 12},
		{"http://nowhere.test/", []string{"default/catch-all"}, 13},
		{"http://same.test/x", []string{"default/same-01", "default/same-02", "default/same-03", "default/same-04", "default/same-05",
			"default/same-06", "default/same-07", "default/same-08", "default/same-09", "default/same-10"}, 2},
		{"http://app-03.test/api", nil, 0},
	}
	for _, tt := range tests {
		t.Run(tt.url, func(t *testing.T) {
			req, err := simulate.ParseRequest(tt.url, nil)
			if err != nil {
				t.Fatal(err)
			}
			d := ix.Lookup(req)
			var got []string
			for _, c := range d.Conflict {
				got = append(got, c.Ingress.Key())
			}
			if strings.Join(got, " ") != strings.Join(tt.want, " ") || d.MoreConflicts != tt.more {
				t.Errorf("conflicts %v and %d more, want %v and %d more", got, d.MoreConflicts, tt.want, tt.more)
			}
		})
	}
	// The route table keeps every conflict for lint.
	for i := 0; i < ix.NumRoutes(); i++ {
		if r := ix.Route(i); r.DefaultBackend && r.Ingress.Name == "app-00" && len(r.Conflict) != 14 {
			t.Errorf("route of app-00's defaultBackend has %d conflicts, want 14", len(r.Conflict))
		}
	}
}
