package nginx

import (
	"testing"

	"github.com/ingresskit/ingresskit/manifest"
	"github.com/ingresskit/ingresskit/simulate"
)

const modelInput = `apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: main
  annotations:
    nginx.ingress.kubernetes.io/use-regex: "true"
spec:
  ingressClassName: nginx
  rules:
  - host: a.example.com
    http:
      paths:
      - {path: /api, pathType: ImplementationSpecific, backend: {service: {name: api, port: {number: 80}}}}
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: canary
  annotations:
    nginx.ingress.kubernetes.io/canary: "true"
spec:
  ingressClassName: nginx
  rules:
  - host: a.example.com
    http:
      paths:
      - {path: /api, pathType: ImplementationSpecific, backend: {service: {name: api-v2, port: {number: 80}}}}
`

// TestModelShared checks that a model is made once and that compiling
// with its profile reuses it: Bind keeps a profile already bound to the
// same Ingresses, and makes a new configuration for others.
func TestModelShared(t *testing.T) {
	set, err := manifest.Parse("in.yaml", []byte(modelInput), manifest.Options{})
	if err != nil {
		t.Fatal(err)
	}
	m := NewModel(set)
	p := m.Profile().(Profile)
	if m.state() != p.st {
		t.Fatal("Profile made a second configuration")
	}
	same := &manifest.Set{Ingresses: append([]*manifest.Ingress(nil), set.Ingresses...)}
	if got := simulate.Bind(p, same).(Profile); got.st != p.st {
		t.Error("Bind to the same Ingresses made a new configuration")
	}
	other := &manifest.Set{Ingresses: set.Ingresses[:1]}
	if got := simulate.Bind(p, other).(Profile); got.st == p.st {
		t.Error("Bind to other Ingresses kept the configuration of the first")
	}
	// The model answers as the functions that make their own.
	if got, want := len(m.Canaries()), len(Canaries(set)); got != want || got != 1 {
		t.Errorf("Canaries: %d from the model, %d alone, want 1", got, want)
	}
	if got, want := len(m.RegexHosts()), len(RegexHosts(set)); got != want || got != 1 {
		t.Errorf("RegexHosts: %d from the model, %d alone, want 1", got, want)
	}
	ix, err := simulate.Compile(set, simulate.Options{Profile: m.Profile()})
	if err != nil {
		t.Fatal(err)
	}
	if ix.NumRoutes() == 0 {
		t.Error("no routes compiled")
	}
}
