package migrate

import (
	"strings"
	"testing"

	"github.com/ingresskit/ingresskit/manifest"
)

func TestRedirectDropsSlash(t *testing.T) {
	tests := []struct {
		name, before, after string
		want                bool
	}{
		{"slash dropped", "redirect 308 https://a.example.com/p", "redirect 308 https://a.example.com/p/", true},
		{"slash dropped with a query", "redirect 308 https://a.example.com/p?x=1", "redirect 308 https://a.example.com/p/?x=1", true},
		{"same location", "redirect 308 https://a.example.com/p/", "redirect 308 https://a.example.com/p/", false},
		{"another code", "redirect 301 https://a.example.com/p", "redirect 308 https://a.example.com/p/", false},
		{"another path", "redirect 308 https://a.example.com/q", "redirect 308 https://a.example.com/p/", false},
		{"the root", "redirect 308 https://a.example.com", "redirect 308 https://a.example.com/", false},
		{"a backend", "default/web:80", "redirect 308 https://a.example.com/p/", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := redirectDropsSlash(tt.before, tt.after); got != tt.want {
				t.Errorf("redirectDropsSlash(%q, %q) = %v, want %v", tt.before, tt.after, got, tt.want)
			}
		})
	}
}

// TestMergedSlashesCause checks that an nginx Ingress translated to a
// Gateway of Istio's class differs on "//api" (nginx merges slashes,
// istiod's Envoy does not) and that Verify proves the cause, while the
// default class, read as for Ingress, answers it alike.
func TestMergedSlashesCause(t *testing.T) {
	const doc = `apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: app, namespace: default}
spec:
  ingressClassName: nginx
  rules:
  - host: app.example.com
    http:
      paths:
      - path: /api
        pathType: Prefix
        backend:
          service: {name: api, port: {number: 80}}
---
apiVersion: v1
kind: Service
metadata: {name: api, namespace: default}
spec:
  ports: [{port: 80}]
`
	set, err := manifest.Parse("app.yaml", []byte(doc), manifest.Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		class string
		want  int // differences with the merged-slashes cause
	}{
		{"", 0},
		{"istio", 1},
	} {
		t.Run("class "+tt.class, func(t *testing.T) {
			opts := Options{GatewayClass: tt.class}
			res, err := Translate(set, opts)
			if err != nil {
				t.Fatal(err)
			}
			v, err := Verify(set, res.Set(set), opts)
			if err != nil {
				t.Fatal(err)
			}
			got := 0
			for i, d := range v.Differences {
				if v.CauseOf[i] == CauseMergedSlashes {
					got++
					if !strings.Contains(d.Request.Path, "//") {
						t.Errorf("merged-slashes named for %s", d.Request.String())
					}
				}
			}
			if got != tt.want {
				t.Errorf("%d differences from merged slashes, want %d: %+v", got, tt.want, v.Differences)
			}
		})
	}
}
