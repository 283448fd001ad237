package istioingress

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ingresskit/ingresskit/internal/golden"
	"github.com/ingresskit/ingresskit/manifest"
	"github.com/ingresskit/ingresskit/simulate"
	"github.com/ingresskit/ingresskit/simulate/internal/simtest"
	"github.com/ingresskit/ingresskit/simulate/spec"
)

// summary is the answer of an expect line: "<namespace>/<service>:<port>"
// or "no match", followed by "tls <secret>" when an https request is
// served with one.
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

func explain(e simtest.Expectation, d simulate.Decision) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s\n  profile: %s\n  answer: %s\n", e.URL, d.Profile, summary(d))
	if d.Ingress != nil && d.Rule >= 0 {
		fmt.Fprintf(&b, "  rule: %s spec.rules[%d].http.paths[%d] %s %q\n", d.Ingress.Key(), d.Rule, d.PathIndex, d.PathType, d.Path)
	}
	for _, n := range d.Notes {
		fmt.Fprintf(&b, "  note: %s\n", n)
	}
	return b.String()
}

// TestFixtures runs every fixture of testdata: each is transcribed from
// istio/istio's own test data or written from its source (cited at its
// top) and states its answers in expect lines; the full answers, with
// notes, are kept as goldens per profile.
func TestFixtures(t *testing.T) {
	profiles := map[string]simulate.Profile{Name: Profile{}, "spec": spec.Profile{}}
	simtest.Fixtures(t, "testdata/*.yaml", func(t *testing.T, base string, set *manifest.Set, data []byte) {
		exps := simtest.ReadExpectations(t, data)
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
				if e.Profile != name {
					continue
				}
				n++
				req, err := simulate.ParseRequest(e.URL, nil)
				if err != nil {
					t.Fatalf("line %d: %v", e.Line, err)
				}
				d := ix.Lookup(req)
				if got := summary(d); got != e.Want {
					t.Errorf("line %d: %s under %s:\n got  %s\n want %s\n%s", e.Line, e.URL, name, got, e.Want, explain(e, d))
				}
				b.WriteString(explain(e, d))
			}
			if n > 0 {
				golden.Assert(t, []byte(b.String()), filepath.Join("testdata", base+"."+name+".golden"))
			}
		}
	})
}
