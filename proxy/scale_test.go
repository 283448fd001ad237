package proxy

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ingresskit/ingresskit/manifest"
)

// TestGatewayPlanesScale pins that loading a table and listing its routes
// cost about the same for 10 and for 100 Gateways holding the same 1,000
// HTTPRoutes: each Gateway's rows and claimed hosts come from the rows
// the model computes once (gateway.Plane.Rules), not from every row
// filtered per Gateway. Each Gateway listens on its own port: the hosts
// several data planes of one port claim are checked per host and plane.
func TestGatewayPlanesScale(t *testing.T) {
	allocs := func(gateways int) float64 {
		var b strings.Builder
		b.WriteString("apiVersion: v1\nkind: Service\nmetadata: {name: svc, namespace: default}\nspec: {ports: [{port: 80}]}\n")
		for g := 0; g < gateways; g++ {
			fmt.Fprintf(&b, "---\napiVersion: gateway.networking.k8s.io/v1\nkind: Gateway\nmetadata: {name: gw-%d, namespace: default}\n"+
				"spec: {gatewayClassName: x, listeners: [{name: http, port: %d, protocol: HTTP}]}\n", g, 8000+g)
		}
		for i := 0; i < 1000; i++ {
			fmt.Fprintf(&b, "---\napiVersion: gateway.networking.k8s.io/v1\nkind: HTTPRoute\nmetadata: {name: r-%d, namespace: default}\n"+
				"spec: {parentRefs: [{name: gw-%d}], hostnames: [h-%d.example.com], rules: [{backendRefs: [{name: svc, port: 80}]}]}\n", i, i%gateways, i)
		}
		file := filepath.Join(t.TempDir(), "in.yaml")
		if err := os.WriteFile(file, []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
		set, err := manifest.Load(context.Background(), manifest.Options{Paths: []string{file}})
		if err != nil {
			t.Fatal(err)
		}
		return testing.AllocsPerRun(2, func() {
			p := New(Options{})
			if err := p.LoadSet(context.Background(), set, Source{}); err != nil {
				t.Fatal(err)
			}
			if n := len(p.Routes()); n != 1000 {
				t.Fatalf("%d Gateways: %d routes, want 1000", gateways, n)
			}
		})
	}
	few, many := allocs(10), allocs(100)
	t.Logf("allocations: %.0f for 10 Gateways, %.0f for 100", few, many)
	if many > 1.5*few {
		t.Errorf("100 Gateways cost %.0f allocations, 10 cost %.0f: some pass grows with Gateways × routes", many, few)
	}
}
