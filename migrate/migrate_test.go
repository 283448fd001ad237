package migrate_test

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ingresskit/ingresskit/internal/golden"
	"github.com/ingresskit/ingresskit/manifest"
	"github.com/ingresskit/ingresskit/migrate"
	_ "github.com/ingresskit/ingresskit/migrate/all"
)

// TestTranslate runs every fixture of testdata/: the objects made, the
// findings, and the probes the verification finds answered differently,
// against testdata/<name>.golden. A fixture's comment says what it pins.
func TestTranslate(t *testing.T) {
	files, err := filepath.Glob("testdata/*.yaml")
	if err != nil || len(files) == 0 {
		t.Fatalf("no fixtures: %v", err)
	}
	for _, f := range files {
		name := strings.TrimSuffix(filepath.Base(f), ".yaml")
		t.Run(name, func(t *testing.T) {
			set, err := manifest.Load(context.Background(), manifest.Options{Paths: []string{f}})
			if err != nil {
				t.Fatal(err)
			}
			res, err := migrate.Translate(set, migrate.Options{})
			if err != nil {
				t.Fatal(err)
			}
			out, err := migrate.YAML(res.Objects)
			if err != nil {
				t.Fatal(err)
			}
			var b strings.Builder
			b.Write(out)
			b.WriteString("=== findings\n")
			for _, fd := range res.Findings {
				b.WriteString(fd.String() + "\n")
			}
			fmt.Fprintf(&b, "complete %d, partial %d, untranslated %d\n", res.Complete, res.Partial, res.Untranslated)
			v, err := migrate.Verify(set, res.Set(set), migrate.Options{})
			if err != nil {
				t.Fatal(err)
			}
			fmt.Fprintf(&b, "=== verify: %d probes\n", v.Probes)
			for i, d := range v.Differences {
				fmt.Fprintf(&b, "%s %v\n  before: %s\n  after:  %s\n", d.Request.String(), d.Request.Header, d.FromOutcome, d.ToOutcome)
				if c := v.CauseOf[i]; c != "" {
					fmt.Fprintf(&b, "  cause:  %s\n", c)
				}
			}
			golden.Assert(t, []byte(b.String()), filepath.Join("testdata", name+".golden"))
		})
	}
}
