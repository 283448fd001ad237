package istioingress

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/ingresskit/ingresskit/simulate/internal/simtest"
)

// TestIstioDoc checks the istio profile's table in docs/controllers.md:
// every row cites a source, names fixtures of testdata (with expect
// lines) or tests of this package that exist, and the Go files that
// implement it.
func TestIstioDoc(t *testing.T) {
	data, err := os.ReadFile("../../docs/controllers.md")
	if err != nil {
		t.Fatal(err)
	}
	tests := simtest.TestSources(t, "*_test.go")
	token := regexp.MustCompile("`([A-Za-z0-9_./-]+)`")
	rows := simtest.DocTable(data, "| istio behaviour |")
	for _, row := range rows {
		line, cells := row.Line, row.Cells
		if len(cells) != 5 {
			t.Errorf("docs/controllers.md:%d: %d cells, want 5", line, len(cells))
			continue
		}
		if strings.TrimSpace(cells[2]) == "" {
			t.Errorf("docs/controllers.md:%d: no source", line)
		}
		named := token.FindAllStringSubmatch(cells[3], -1)
		if len(named) == 0 {
			t.Errorf("docs/controllers.md:%d: no test", line)
		}
		for _, m := range named {
			if strings.HasSuffix(m[1], ".yaml") {
				b, err := os.ReadFile(filepath.Join("testdata", m[1]))
				if err != nil {
					t.Errorf("docs/controllers.md:%d: %v", line, err)
				} else if !strings.Contains(string(b), "# expect(") && m[1] != "class.yaml" {
					t.Errorf("docs/controllers.md:%d: %s has no expect lines", line, m[1])
				}
				continue
			}
			if !strings.Contains(string(tests), "func "+m[1]+"(") {
				t.Errorf("docs/controllers.md:%d: no test function %s", line, m[1])
			}
		}
		impl := token.FindAllStringSubmatch(cells[4], -1)
		if len(impl) == 0 {
			t.Errorf("docs/controllers.md:%d: names no implementing file", line)
		}
		for _, m := range impl {
			if _, err := os.Stat(filepath.Join("../..", m[1])); err != nil || !strings.HasSuffix(m[1], ".go") {
				t.Errorf("docs/controllers.md:%d: %s: not a Go file of the repository", line, m[1])
			}
		}
	}
	if len(rows) < 8 {
		t.Errorf("docs/controllers.md: %d rows in the istio table, want at least 8", len(rows))
	}
}
