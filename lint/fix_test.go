package lint

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ingresskit/ingresskit/internal/golden"
	"github.com/ingresskit/ingresskit/manifest"
)

// TestFix applies every fix to a fixture, compares the result with a
// golden file, and checks that the fixed file reloads and no longer has
// the fixed findings.
func TestFix(t *testing.T) {
	tests := []struct {
		name      string
		file      string
		fixed     int
		skipped   int
		remaining []string // fixable rules whose findings must be gone
	}{
		{"class annotation", "class-annotation.yaml", 2, 0, []string{"deprecated-class-annotation"}},
		{"removed api", "removed-api.yaml", 2, 0, []string{"removed-api-version"}},
		{"flow style is left alone", "flow.json", 0, 1, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join("testdata/fix", tt.file)
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			res, err := Run(context.Background(), load(t, path), Options{Now: testNow})
			if err != nil {
				t.Fatal(err)
			}
			out := ApplyFixes(map[string][]byte{path: data}, res.Findings)[path]
			if out == nil {
				t.Fatal("no fix result")
			}
			if len(out.Fixed) != tt.fixed || len(out.Skipped) != tt.skipped {
				t.Fatalf("fixed %d, skipped %v; want %d fixed, %d skipped", len(out.Fixed), out.Skipped, tt.fixed, tt.skipped)
			}
			golden.Assert(t, out.Data, path+".golden")
			set, err := manifest.Parse(path, out.Data, manifest.Options{})
			if err != nil {
				t.Fatalf("fixed file does not load: %v", err)
			}
			again, err := Run(context.Background(), set, Options{Now: testNow})
			if err != nil {
				t.Fatal(err)
			}
			for _, f := range again.Findings {
				for _, r := range tt.remaining {
					if f.Rule == r && f.Fixable {
						t.Errorf("still there after the fix: %s", f)
					}
				}
			}
			if tt.fixed > 0 && !strings.Contains(string(out.Data), "\n") {
				t.Error("fixed output lost its lines")
			}
		})
	}
}
