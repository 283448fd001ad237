package printer

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/ingresskit/ingresskit/internal/golden"
	"github.com/ingresskit/ingresskit/simulate"
	"github.com/ingresskit/ingresskit/simulate/istio"
)

// TestSimulateIstioMergedJSON checks that an answer from VirtualServices
// merged for one host, or from a delegate, names the VirtualService that
// declares the answering route, the route's index in that
// VirtualService's spec.http and its file:line, not its place in the
// merged list.
func TestSimulateIstioMergedJSON(t *testing.T) {
	const file = "testdata/simulate-istio-merged.yaml"
	planes := istio.Build(loadSet(t, file))
	if len(planes) != 1 {
		t.Fatalf("%d Istio Gateways, want 1", len(planes))
	}
	tests := []struct {
		url, route string
		rule       int
		source     string
	}{
		{"http://shop.test/api/x", "shop-old", 0, file + ":32:5"},
		{"http://shop.test/team/a/x", "team", 0, file + ":42:5"},
		{"http://shop.test/team/x", "team", 1, file + ":44:5"},
		{"http://shop.test/admin", "shop-new", 0, file + ":21:5"},
		{"http://shop.test/other", "shop-new", 1, file + ":23:5"},
	}
	var all bytes.Buffer
	for _, tt := range tests {
		req, err := simulate.ParseRequest(tt.url, nil)
		if err != nil {
			t.Fatal(err)
		}
		var buf bytes.Buffer
		if err := SimulateJSON(&buf, planes[0].Lookup(req)); err != nil {
			t.Fatal(err)
		}
		all.Write(buf.Bytes())
		var got DecisionJSON
		if err := json.Unmarshal(buf.Bytes(), &got); err != nil {
			t.Fatalf("%s: %v", tt.url, err)
		}
		if got.Route == nil {
			t.Errorf("%s: no route in %s", tt.url, buf.Bytes())
			continue
		}
		if got.Route.Kind != "VirtualService" || got.Route.Namespace != "shop" || got.Route.Name != tt.route || got.Route.Rule != tt.rule || got.Source != tt.source {
			t.Errorf("%s: answered by %s %s/%s http[%d] at %s, want VirtualService shop/%s http[%d] at %s",
				tt.url, got.Route.Kind, got.Route.Namespace, got.Route.Name, got.Route.Rule, got.Source, tt.route, tt.rule, tt.source)
		}
	}
	golden.Assert(t, all.Bytes(), "testdata/simulate-istio-merged.json")
}
