package lint

import (
	"context"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestSuppression(t *testing.T) {
	tests := []struct {
		name       string
		config     Config
		skip       []string
		want       []string
		suppressed int
	}{
		{"default rules", Config{}, nil, []string{
			"testdata/suppress.yaml:8:5: info: ingresskit.dev/ignore suppresses nginx-snippet-annotation, but nginx-snippet-annotation finds nothing here; remove nginx-snippet-annotation from the annotation [unused-suppression]",
			"testdata/suppress.yaml:37:13: error: Service default/missing is not in the input; add its manifest (-f), or fix the name [missing-service]",
		}, 1},
		// A rule that did not run cannot tell whether its suppression is
		// used, so it is not reported.
		{"snippet rule off", Config{Disable: []string{"nginx-snippet-annotation"}}, nil, []string{
			"testdata/suppress.yaml:37:13: error: Service default/missing is not in the input; add its manifest (-f), or fix the name [missing-service]",
		}, 1},
		{"unused-suppression off", Config{Disable: []string{"unused-suppression"}}, nil, []string{
			"testdata/suppress.yaml:37:13: error: Service default/missing is not in the input; add its manifest (-f), or fix the name [missing-service]",
		}, 1},
		// A skipped rule does not run although the configuration enables
		// it, and its suppressions are not reported as unused either.
		{"missing-service skipped", Config{}, []string{"missing-service", "not-a-rule"}, []string{
			"testdata/suppress.yaml:8:5: info: ingresskit.dev/ignore suppresses nginx-snippet-annotation, but nginx-snippet-annotation finds nothing here; remove nginx-snippet-annotation from the annotation [unused-suppression]",
		}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := Run(context.Background(), load(t, "testdata/suppress.yaml"), Options{Config: tt.config, Now: testNow, Skip: tt.skip})
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, f := range res.Findings {
				got = append(got, f.String())
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("findings (-want +got):\n%s", diff)
			}
			if res.Suppressed != tt.suppressed {
				t.Errorf("Suppressed = %d, want %d", res.Suppressed, tt.suppressed)
			}
		})
	}
}

func TestSeverityOverrideAndCount(t *testing.T) {
	cfg := Config{Severity: map[string]Severity{"missing-service": Warning}}
	res, err := Run(context.Background(), load(t, "../examples/alb-hosts.yaml"), Options{Config: cfg, Now: testNow})
	if err != nil {
		t.Fatal(err)
	}
	if got := res.Count(Error); got != 0 {
		t.Errorf("Count(Error) = %d, want 0 after the override", got)
	}
	if got := res.Count(Warning); got != 4 {
		t.Errorf("Count(Warning) = %d, want 4", got)
	}
}

func TestRunRejectsUnknownRules(t *testing.T) {
	_, err := Run(context.Background(), load(t, "../examples/alb-hosts.yaml"), Options{Config: Config{Enable: []string{"missing-servce"}}})
	if err == nil || !strings.Contains(err.Error(), `did you mean "missing-service"?`) {
		t.Errorf("Run = %v, want an unknown-rule error with a suggestion", err)
	}
}

func TestRunCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Run(ctx, load(t, "../examples/alb-hosts.yaml"), Options{}); err == nil {
		t.Error("Run on a cancelled context succeeded")
	}
}

// TestRoutingRulesMarked checks that the rules Run starts the routing
// index for are exactly those that read it.
func TestRoutingRulesMarked(t *testing.T) {
	set := load(t, "../examples/")
	for _, r := range Registry() {
		t.Run(r.ID, func(t *testing.T) {
			sh := &shared{set: set}
			r.Check(&Pass{Set: set, Now: testNow, shared: sh, rule: r})
			if read := sh.compiled != nil; read != r.routing {
				t.Errorf("rule reads the routing index: %v, marked routing: %v", read, r.routing)
			}
		})
	}
}
