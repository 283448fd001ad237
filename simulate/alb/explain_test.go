package alb

import (
	"os"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/ingresskit/ingresskit/manifest"
	"github.com/ingresskit/ingresskit/simulate"
)

// TestExplainPriority: --explain gives the listener rules of the group
// that answers the reasons of the ALB's priority order, and agrees with
// the answer.
func TestExplainPriority(t *testing.T) {
	const file = "../testdata/controllers/alb-path-order.yaml"
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	set, err := manifest.Parse(file, data, manifest.Options{})
	if err != nil {
		t.Fatal(err)
	}
	ix, err := simulate.Compile(set, simulate.Options{Profile: simulate.Bind(Profile{}, set)})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, url string
		// want maps "<ingress> <path>" of the group's candidates to
		// their reasons.
		want map[string]simulate.Reason
	}{
		{"prefix before wildcard in one rule", "http://a.example.com/assets/*.js", map[string]simulate.Reason{
			"wild-first /assets/*.js":   ReasonPriority,
			"wild-first /assets":        simulate.ReasonWon,
			"wild-first /assets/app.js": simulate.ReasonPathMismatch,
		}},
		{"exact before both", "http://b.example.com/assets/app.js", map[string]simulate.Reason{
			"prefix-first /assets/*.js":   ReasonPriority,
			"prefix-first /assets":        ReasonPriority,
			"prefix-first /assets/app.js": simulate.ReasonWon,
		}},
		{"rules keep their order", "http://c.example.com/assets/x.js", map[string]simulate.Reason{
			"wild-rule-first /assets/*.js": simulate.ReasonWon,
			"wild-rule-first /assets":      ReasonPriority,
		}},
		{"group order", "http://e.example.com/assets/x.js", map[string]simulate.Reason{
			"cdn-wild /assets/*.js": simulate.ReasonWon,
			"cdn-prefix /assets":    ReasonPriority,
		}},
		{"name order", "http://f.example.com/assets/x.js", map[string]simulate.Reason{
			"static-b-wild /assets/*.js": ReasonPriority,
			"static-a-prefix /assets":    simulate.ReasonWon,
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req, err := simulate.ParseRequest(tt.url, nil)
			if err != nil {
				t.Fatal(err)
			}
			d := ix.Explain(req)
			got := map[string]simulate.Reason{}
			for _, c := range d.Candidates {
				key := c.Ingress.Name + " " + c.Path
				if _, ok := tt.want[key]; ok {
					got[key] = c.Reason
				}
				if c.Reason == simulate.ReasonWon && (c.Ingress != d.Ingress || c.Rule != d.Rule || c.PathIndex != d.PathIndex) {
					t.Errorf("candidate %s won, but %s %q answers", key, d.Ingress.Name, d.Path)
				}
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("reasons (-want +got):\n%s", diff)
			}
		})
	}
}
