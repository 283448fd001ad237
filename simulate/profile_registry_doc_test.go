package simulate_test

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/ingresskit/ingresskit/simulate/internal/simtest"
)

// TestControllersDoc checks docs/controllers.md: every row of the table
// of differences cites a source, names fixtures or tests that exist and
// the Go files that implement it, and every fixture it names states its
// answers in expect lines.
func TestControllersDoc(t *testing.T) {
	data, err := os.ReadFile("../docs/controllers.md")
	if err != nil {
		t.Fatal(err)
	}
	tests := simtest.TestSources(t, "*_test.go", "*/*_test.go", "../lint/*_test.go")
	token := regexp.MustCompile("`([A-Za-z0-9_.-]+)`")
	goFile := regexp.MustCompile("`([A-Za-z0-9_./-]+)`")
	rows := 0
	for _, row := range simtest.DocTable(data, "| behaviour |") {
		line, cells := row.Line, row.Cells
		if len(cells) != 8 {
			t.Errorf("docs/controllers.md:%d: %d cells, want 8", line, len(cells))
			continue
		}
		files := goFile.FindAllStringSubmatch(cells[7], -1)
		if len(files) == 0 {
			t.Errorf("docs/controllers.md:%d: row %q names no implementing file", line, strings.TrimSpace(cells[0]))
		}
		for _, m := range files {
			if !strings.HasSuffix(m[1], ".go") || strings.HasSuffix(m[1], "_test.go") {
				t.Errorf("docs/controllers.md:%d: %s is not a Go source file", line, m[1])
				continue
			}
			if _, err := os.Stat(filepath.Join("..", m[1])); err != nil {
				t.Errorf("docs/controllers.md:%d: %v", line, err)
			}
		}
		rows++
		if strings.TrimSpace(cells[5]) == "" {
			t.Errorf("docs/controllers.md:%d: row %q cites no source", line, strings.TrimSpace(cells[0]))
		}
		named := token.FindAllStringSubmatch(cells[6], -1)
		if len(named) == 0 {
			t.Errorf("docs/controllers.md:%d: row %q names no test", line, strings.TrimSpace(cells[0]))
		}
		for _, m := range named {
			name := m[1]
			if strings.HasSuffix(name, ".yaml") {
				b, err := os.ReadFile(filepath.Join("testdata/controllers", name))
				if err != nil {
					t.Errorf("docs/controllers.md:%d: %v", line, err)
					continue
				}
				if !strings.Contains(string(b), "# expect(") {
					t.Errorf("docs/controllers.md:%d: %s has no expect lines", line, name)
				}
				continue
			}
			if !strings.Contains(string(tests), "func "+name+"(") {
				t.Errorf("docs/controllers.md:%d: no test function %s", line, name)
			}
		}
	}
	if rows < 10 {
		t.Errorf("docs/controllers.md: %d rows in the table of differences, want at least 10", rows)
	}
}
