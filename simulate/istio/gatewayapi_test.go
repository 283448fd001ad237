package istio

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/ingresskit/ingresskit/simulate"
	"github.com/ingresskit/ingresskit/simulate/gateway"
	"github.com/ingresskit/ingresskit/simulate/internal/simtest"
)

// TestGatewayAPIClasses checks that a Gateway API Gateway of Istio's
// class reads paths as the ingress gateway's Envoy does (envoypath:
// slashes not merged, a NUL byte a 400), whether its class is the one
// istiod creates or one of the input naming istiod's controller, and that
// a Gateway of another controller still merges slashes.
func TestGatewayAPIClasses(t *testing.T) {
	set, _ := simtest.LoadSet(t, "testdata/gatewayapi/classes.yaml")
	planes := map[string]*gateway.Plane{}
	for _, p := range gateway.Build(set) {
		planes[p.Gateway().Name] = p
	}
	tests := []struct {
		gateway, path, want string
	}{
		{"istio", "/admin/x", "default/admin:80 1"},
		{"istio", "//admin/x", "default/web:80 1"},
		{"istio", "/web/../admin", "default/admin:80 1"},
		{"istio", "/%61dmin", "default/admin:80 1"},
		{"istio", "/admin%00", "status 400"},
		{"mesh-edge", "//admin/x", "default/web:80 1"},
		{"mesh-edge", "/admin%00", "status 400"},
		{"other", "//admin/x", "default/admin:80 1"},
		{"other", "/web/../admin", "default/admin:80 1"},
	}
	for _, tt := range tests {
		t.Run(tt.gateway+" "+tt.path, func(t *testing.T) {
			p := planes[tt.gateway]
			if p == nil {
				t.Fatalf("no plane for Gateway %s", tt.gateway)
			}
			req, err := simulate.ParseRequest("http://app.example.com"+tt.path, nil)
			if err != nil {
				t.Fatal(err)
			}
			d := p.Lookup(req)
			if diff := cmp.Diff(tt.want, outcome(d)); diff != "" {
				t.Errorf("(-want +got):\n%s\nnotes: %q", diff, d.Notes)
			}
		})
	}
	if got := planes["other"].Controller(); got != "" {
		t.Errorf("controller of Gateway other %q, want none", got)
	}
	if got := planes["istio"].Controller(); got != GatewayController {
		t.Errorf("controller of Gateway istio %q, want %s", got, GatewayController)
	}
}
