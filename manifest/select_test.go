package manifest

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"k8s.io/apimachinery/pkg/labels"
)

func TestSelect(t *testing.T) {
	src := `apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: web, labels: {app: shop, tier: front}}
spec: {defaultBackend: {service: {name: web, port: {number: 80}}}}
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: admin, labels: {app: shop, tier: back}}
spec: {defaultBackend: {service: {name: admin, port: {number: 80}}}}
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: blog}
spec: {defaultBackend: {service: {name: blog, port: {number: 80}}}}
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: api, labels: {app: shop}}
spec: {}
---
apiVersion: v1
kind: Service
metadata: {name: web, labels: {app: other}}
spec: {ports: [{port: 80}]}
`
	set, err := Parse("in.yaml", []byte(src), Options{})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		selector string
		want     []string
		routes   int
	}{
		{"", []string{"web", "admin", "blog"}, 1},
		{"app=shop", []string{"web", "admin"}, 1},
		{"app=shop,tier!=back", []string{"web"}, 1},
		{"tier in (front,back)", []string{"web", "admin"}, 0},
		{"!tier", []string{"blog"}, 1},
		{"app notin (shop)", []string{"blog"}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.selector, func(t *testing.T) {
			sel, err := labels.Parse(tt.selector)
			if err != nil {
				t.Fatal(err)
			}
			got := set.Select(sel)
			var names []string
			for _, i := range got.Ingresses {
				names = append(names, i.Name)
			}
			if diff := cmp.Diff(tt.want, names); diff != "" {
				t.Errorf("Ingresses (-want +got):\n%s", diff)
			}
			if len(got.HTTPRoutes) != tt.routes {
				t.Errorf("%d HTTPRoutes, want %d", len(got.HTTPRoutes), tt.routes)
			}
			// Referenced objects stay, whatever their labels.
			if len(got.Services) != 1 {
				t.Errorf("%d Services, want the 1 of the input", len(got.Services))
			}
		})
	}
}
