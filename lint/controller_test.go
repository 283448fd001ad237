package lint

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/ingresskit/ingresskit/manifest"
)

// controllerInput has no IngressClass: only Options.Controller says which
// controller serves it.
const controllerInput = `apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: users
  namespace: web
spec:
  rules:
  - http:
      paths:
      - path: /users/[0-9]+
        pathType: ImplementationSpecific
        backend:
          service:
            name: users
            port:
              number: 80
`

func TestRunControllerOverride(t *testing.T) {
	set, err := manifest.Parse("controller.yaml", []byte(controllerInput), manifest.Options{})
	if err != nil {
		t.Fatal(err)
	}
	rule := ruleByID(t, "gce-path-regex")
	tests := []struct {
		controller string
		want       []string
	}{
		{controller: "", want: nil},
		{controller: "spec", want: nil},
		{controller: "nginx", want: nil},
		{controller: "gce", want: []string{"gce-path-regex controller.yaml:10:9"}},
		{controller: "GCE", want: []string{"gce-path-regex controller.yaml:10:9"}},
	}
	for _, tt := range tests {
		t.Run(tt.controller, func(t *testing.T) {
			res, err := Run(context.Background(), set, Options{Rules: []*Rule{rule}, Controller: tt.controller, Config: Config{Enable: []string{rule.ID}}})
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, f := range res.Findings {
				got = append(got, f.Rule+" "+f.Pos.String())
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("findings (-want +got):\n%s", diff)
			}
		})
	}
	if _, err := Run(context.Background(), set, Options{Controller: "traefik"}); err == nil {
		t.Error("Run accepted an unknown controller")
	}
}

func ruleByID(t *testing.T, id string) *Rule {
	t.Helper()
	for _, r := range Registry() {
		if r.ID == id {
			return r
		}
	}
	t.Fatalf("no rule %s", id)
	return nil
}

// TestCompareSuppressionIsKnown: ingresskit.dev/ignore may name
// controller-difference, which only Compare reports.
func TestCompareSuppressionIsKnown(t *testing.T) {
	in := `apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: shop
  annotations:
    ingresskit.dev/ignore: controller-difference,no-such-rule
spec:
  defaultBackend:
    service:
      name: shop
      port:
        number: 80
`
	set, err := manifest.Parse("suppress.yaml", []byte(in), manifest.Options{})
	if err != nil {
		t.Fatal(err)
	}
	res, err := Run(context.Background(), set, Options{Rules: []*Rule{unusedSuppression}, Config: Config{Enable: []string{unusedSuppression.ID}}})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, f := range res.Findings {
		got = append(got, f.Message)
	}
	want := []string{`ingresskit.dev/ignore names "no-such-rule", which is no rule; remove it or fix the spelling (ingresskit lint --list-rules)`}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("findings (-want +got):\n%s", diff)
	}
}
