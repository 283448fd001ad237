// Package simtest holds the helpers the tests of the engine and of its
// profiles share: the "# expect(<profile>):" lines of the controller
// fixtures, the tables of docs/controllers.md, and the rule sets the fuzz
// targets decode.
package simtest

import (
	"bufio"
	"bytes"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/ingresskit/ingresskit/manifest"
)

// Expectation is one "# expect(<profile>): <url> [-H 'Name: value'] -> <answer>"
// line of a fixture.
type Expectation struct {
	// Line is the line of the fixture; URL, Header and Want the request and
	// the answer stated; Profile the profile named in parentheses.
	Line    int
	URL     string
	Header  http.Header
	Want    string
	Profile string
}

// ReadExpectations returns the expect lines of a fixture for every
// profile.
func ReadExpectations(t testing.TB, data []byte) []Expectation {
	t.Helper()
	var out []Expectation
	sc := bufio.NewScanner(bytes.NewReader(data))
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		rest, ok := strings.CutPrefix(line, "# expect(")
		if !ok {
			continue
		}
		profile, spec, ok := strings.Cut(rest, "): ")
		if !ok {
			t.Fatalf("line %d: malformed expect line %q", n, line)
		}
		req, want, ok := strings.Cut(spec, " -> ")
		if !ok {
			t.Fatalf("line %d: expect line without ->: %q", n, line)
		}
		e := Expectation{Line: n, Want: strings.TrimSpace(want), Profile: profile, Header: http.Header{}}
		fields := strings.Split(req, " -H ")
		e.URL = strings.TrimSpace(fields[0])
		for _, h := range fields[1:] {
			name, value, ok := strings.Cut(strings.Trim(strings.TrimSpace(h), "'"), ":")
			if !ok {
				t.Fatalf("line %d: header %q is not Name: value", n, h)
			}
			e.Header.Add(strings.TrimSpace(name), strings.TrimSpace(value))
		}
		out = append(out, e)
	}
	return out
}

// LoadSet reads one fixture with the manifest loader and returns the set
// and the file's bytes.
func LoadSet(t testing.TB, path string) (*manifest.Set, []byte) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	set, err := manifest.Parse(filepath.Base(path), data, manifest.Options{})
	if err != nil {
		t.Fatalf("load %s: %v", path, err)
	}
	return set, data
}

// DocRow is one row of a markdown table: its line and its cells, the
// text between the outer pipes split at the inner ones.
type DocRow struct {
	Line  int
	Cells []string
}

// DocTable returns the rows of every table of a markdown document whose
// header row starts with header ("| behaviour |"), separator rows left
// out.
func DocTable(data []byte, header string) []DocRow {
	var rows []DocRow
	inTable := false
	for n, line := range strings.Split(string(data), "\n") {
		if strings.HasPrefix(line, header) {
			inTable = true
			continue
		}
		if !inTable || strings.HasPrefix(line, "|---") {
			continue
		}
		if !strings.HasPrefix(line, "|") {
			inTable = false
			continue
		}
		rows = append(rows, DocRow{Line: n + 1, Cells: strings.Split(strings.Trim(line, "|"), "|")})
	}
	return rows
}

// TestSources returns the text of every file the globs match, in glob
// order: the test functions a document may name.
func TestSources(t testing.TB, globs ...string) []byte {
	t.Helper()
	var out []byte
	for _, glob := range globs {
		files, _ := filepath.Glob(glob)
		for _, f := range files {
			b, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, b...)
		}
	}
	return out
}

// Fixtures runs fn in a subtest for each fixture the glob matches, named
// for the file without ".yaml" (base), with the fixture loaded by
// LoadSet; a glob that matches nothing fails the test.
func Fixtures(t *testing.T, glob string, fn func(t *testing.T, base string, set *manifest.Set, data []byte)) {
	t.Helper()
	files, err := filepath.Glob(glob)
	if err != nil || len(files) == 0 {
		t.Fatalf("no fixtures: %v", err)
	}
	for _, f := range files {
		base := strings.TrimSuffix(filepath.Base(f), ".yaml")
		t.Run(base, func(t *testing.T) {
			set, data := LoadSet(t, f)
			fn(t, base, set, data)
		})
	}
}

var (
	fuzzHosts = []string{"", "a.test", "A.Test", "*.test", "b.a.test", "*.a.test", "test", "*", "a*.test", "c.test"}
	fuzzPaths = []string{"/", "/a", "/a/", "/a/b", "/ab", "/a/b/", "/b", "", "a", "/a//b", "/a/./b",
		"/a/..", "/%61", "/A", "/a*", "/*", "/a/b*", "/a/%2f"}
	fuzzTypes = []*networkingv1.PathType{nil, ptr(networkingv1.PathTypeExact), ptr(networkingv1.PathTypePrefix),
		ptr(networkingv1.PathTypeImplementationSpecific)}
)

func ptr[T any](v T) *T { return &v }

// FuzzIngresses decodes a rule set from data: up to four Ingresses with
// up to three rules of up to three paths, drawn from small pools so that
// hosts and paths collide often.
func FuzzIngresses(data []byte) []*manifest.Ingress {
	i := 0
	next := func(n int) int {
		if i >= len(data) {
			return 0
		}
		b := data[i]
		i++
		return int(b) % n
	}
	backend := func() networkingv1.IngressBackend {
		return networkingv1.IngressBackend{Service: &networkingv1.IngressServiceBackend{
			Name: fmt.Sprintf("svc-%d", next(3)), Port: networkingv1.ServiceBackendPort{Number: 80}}}
	}
	var ings []*manifest.Ingress
	count := next(4) + 1
	for n := 0; n < count; n++ {
		ing := &manifest.Ingress{}
		ing.Name = fmt.Sprintf("ing%d", n)
		ing.Namespace = []string{"default", "other"}[next(2)]
		if ts := next(4); ts > 0 {
			ing.CreationTimestamp = metav1.NewTime(time.Date(2024, 1, ts, 0, 0, 0, 0, time.UTC))
		}
		if next(5) == 0 {
			b := backend()
			ing.Spec.DefaultBackend = &b
		}
		for t := next(3); t > 0; t-- {
			var tls networkingv1.IngressTLS
			for h := next(3); h > 0; h-- {
				tls.Hosts = append(tls.Hosts, fuzzHosts[next(len(fuzzHosts))])
			}
			tls.SecretName = fmt.Sprintf("tls-%d", next(3))
			ing.Spec.TLS = append(ing.Spec.TLS, tls)
		}
		for r := next(3) + 1; r > 0; r-- {
			rule := networkingv1.IngressRule{Host: fuzzHosts[next(len(fuzzHosts))]}
			if next(7) != 0 {
				rule.HTTP = &networkingv1.HTTPIngressRuleValue{}
				for p := next(3) + 1; p > 0; p-- {
					rule.HTTP.Paths = append(rule.HTTP.Paths, networkingv1.HTTPIngressPath{
						Path: fuzzPaths[next(len(fuzzPaths))], PathType: fuzzTypes[next(len(fuzzTypes))], Backend: backend()})
				}
			}
			ing.Spec.Rules = append(ing.Spec.Rules, rule)
		}
		ings = append(ings, ing)
	}
	return ings
}
