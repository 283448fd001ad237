package lint

import (
	"context"
	"path/filepath"
	"testing"
)

// TestLookalikes runs the default rules on inputs that look like defects
// but are none on the data plane that serves them: canaries,
// per-Ingress default backends, ALB IngressGroups, GCE load balancers.
// Each must give no finding; under the specification's semantics
// (--controller spec), which knows none of these controllers, the same
// input must give the finding it would be mistaken for, so the fixture
// keeps testing what it is about.
func TestLookalikes(t *testing.T) {
	tests := []struct {
		file string
		// underSpec is a rule that fires when every Ingress is read
		// with the specification's semantics; "" when none does.
		underSpec string
	}{
		{"nginx-canaries.yaml", "path-conflict"},
		{"nginx-default-backends.yaml", "multiple-default-backends"},
		{"alb-ingress-groups.yaml", "path-conflict"},
		{"gce-load-balancers.yaml", "path-conflict"},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			set := load(t, filepath.Join("testdata", "lookalikes", tt.file))
			res, err := Run(context.Background(), set, Options{Now: testNow})
			if err != nil {
				t.Fatal(err)
			}
			if len(res.Findings) > 0 {
				t.Errorf("findings on a look-alike:\n%s", FormatFindings(res.Findings))
			}
			res, err = Run(context.Background(), set, Options{Now: testNow, Controller: "spec"})
			if err != nil {
				t.Fatal(err)
			}
			found := false
			for _, f := range res.Findings {
				found = found || f.Rule == tt.underSpec
			}
			if !found {
				t.Errorf("under --controller spec: no %s finding; the fixture no longer looks like the defect", tt.underSpec)
			}
		})
	}
}
