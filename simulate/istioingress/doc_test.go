package istioingress

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
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
	var tests []byte
	files, _ := filepath.Glob("*_test.go")
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		tests = append(tests, b...)
	}
	token := regexp.MustCompile("`([A-Za-z0-9_./-]+)`")
	rows, inTable := 0, false
	for n, line := range strings.Split(string(data), "\n") {
		if strings.HasPrefix(line, "| istio behaviour |") {
			inTable = true
			continue
		}
		if !inTable || strings.HasPrefix(line, "|---") {
			continue
		}
		if !strings.HasPrefix(line, "|") {
			break
		}
		rows++
		cells := strings.Split(strings.Trim(line, "|"), "|")
		if len(cells) != 5 {
			t.Errorf("docs/controllers.md:%d: %d cells, want 5", n+1, len(cells))
			continue
		}
		if strings.TrimSpace(cells[2]) == "" {
			t.Errorf("docs/controllers.md:%d: no source", n+1)
		}
		named := token.FindAllStringSubmatch(cells[3], -1)
		if len(named) == 0 {
			t.Errorf("docs/controllers.md:%d: no test", n+1)
		}
		for _, m := range named {
			if strings.HasSuffix(m[1], ".yaml") {
				b, err := os.ReadFile(filepath.Join("testdata", m[1]))
				if err != nil {
					t.Errorf("docs/controllers.md:%d: %v", n+1, err)
				} else if !strings.Contains(string(b), "# expect(") && m[1] != "class.yaml" {
					t.Errorf("docs/controllers.md:%d: %s has no expect lines", n+1, m[1])
				}
				continue
			}
			if !strings.Contains(string(tests), "func "+m[1]+"(") {
				t.Errorf("docs/controllers.md:%d: no test function %s", n+1, m[1])
			}
		}
		impl := token.FindAllStringSubmatch(cells[4], -1)
		if len(impl) == 0 {
			t.Errorf("docs/controllers.md:%d: names no implementing file", n+1)
		}
		for _, m := range impl {
			if _, err := os.Stat(filepath.Join("../..", m[1])); err != nil || !strings.HasSuffix(m[1], ".go") {
				t.Errorf("docs/controllers.md:%d: %s: not a Go file of the repository", n+1, m[1])
			}
		}
	}
	if rows < 8 {
		t.Errorf("docs/controllers.md: %d rows in the istio table, want at least 8", rows)
	}
}
