package istioingress

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ingresskit/ingresskit/internal/golden"
	"github.com/ingresskit/ingresskit/manifest"
	"github.com/ingresskit/ingresskit/simulate"
	"github.com/ingresskit/ingresskit/simulate/spec"
)

// expectation is one "# expect(<profile>): <url> -> <answer>" line of a
// fixture; the answer is "<namespace>/<service>:<port>" or "no match",
// followed by "tls <secret>" when an https request is served with one.
type expectation struct {
	line               int
	profile, url, want string
}

func readExpectations(t *testing.T, data []byte) []expectation {
	t.Helper()
	var out []expectation
	sc := bufio.NewScanner(bytes.NewReader(data))
	for n := 1; sc.Scan(); n++ {
		rest, ok := strings.CutPrefix(strings.TrimSpace(sc.Text()), "# expect(")
		if !ok {
			continue
		}
		profile, spec, ok1 := strings.Cut(rest, "): ")
		url, want, ok2 := strings.Cut(spec, " -> ")
		if !ok1 || !ok2 {
			t.Fatalf("line %d: malformed expect line", n)
		}
		out = append(out, expectation{line: n, profile: profile, url: strings.TrimSpace(url), want: strings.TrimSpace(want)})
	}
	return out
}

func summary(d simulate.Decision) string {
	s := "no match"
	if d.Matched {
		s = d.Ingress.Namespace + "/" + manifest.BackendString(d.Backend)
	}
	if d.TLS != nil {
		s += " tls " + d.TLS.SecretName
	}
	return s
}

func explain(e expectation, d simulate.Decision) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s\n  profile: %s\n  answer: %s\n", e.url, d.Profile, summary(d))
	if d.Ingress != nil && d.Rule >= 0 {
		fmt.Fprintf(&b, "  rule: %s spec.rules[%d].http.paths[%d] %s %q\n", d.Ingress.Key(), d.Rule, d.PathIndex, d.PathType, d.Path)
	}
	for _, n := range d.Notes {
		fmt.Fprintf(&b, "  note: %s\n", n)
	}
	return b.String()
}

func loadFixture(t *testing.T, path string) (*manifest.Set, []byte) {
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

// TestFixtures runs every fixture of testdata: each is transcribed from
// istio/istio's own test data or written from its source (cited at its
// top) and states its answers in expect lines; the full answers, with
// notes, are kept as goldens per profile.
func TestFixtures(t *testing.T) {
	files, err := filepath.Glob("testdata/*.yaml")
	if err != nil || len(files) == 0 {
		t.Fatalf("no fixtures: %v", err)
	}
	profiles := map[string]simulate.Profile{Name: Profile{}, "spec": spec.Profile{}}
	for _, f := range files {
		base := strings.TrimSuffix(filepath.Base(f), ".yaml")
		t.Run(base, func(t *testing.T) {
			set, data := loadFixture(t, f)
			exps := readExpectations(t, data)
			if len(exps) == 0 {
				t.Skip("no expect lines")
			}
			for _, name := range []string{Name, "spec"} {
				var b strings.Builder
				ix, err := simulate.Compile(set, simulate.Options{Profile: profiles[name]})
				if err != nil {
					t.Fatal(err)
				}
				n := 0
				for _, e := range exps {
					if e.profile != name {
						continue
					}
					n++
					req, err := simulate.ParseRequest(e.url, nil)
					if err != nil {
						t.Fatalf("line %d: %v", e.line, err)
					}
					d := ix.Lookup(req)
					if got := summary(d); got != e.want {
						t.Errorf("line %d: %s under %s:\n got  %s\n want %s\n%s", e.line, e.url, name, got, e.want, explain(e, d))
					}
					b.WriteString(explain(e, d))
				}
				if n > 0 {
					golden.Assert(t, []byte(b.String()), filepath.Join("testdata", base+"."+name+".golden"))
				}
			}
		})
	}
}
