package simulate_test

import (
	"fmt"
	"net/http"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/ingresskit/ingresskit/internal/golden"
	"github.com/ingresskit/ingresskit/manifest"
	"github.com/ingresskit/ingresskit/simulate"
	"github.com/ingresskit/ingresskit/simulate/internal/simtest"
)

// controllerSummary is the one-line answer an expect line states.
func controllerSummary(d simulate.Decision) string {
	switch {
	case d.Refused != "":
		return "configuration refused"
	case d.Redirect != "":
		return fmt.Sprintf("redirect %d %s", d.RedirectCode, d.Redirect)
	case d.Status != 0:
		return fmt.Sprintf("status %d", d.Status)
	case !d.Matched:
		return "no match"
	}
	ns := "default"
	if d.Ingress != nil {
		ns = d.Ingress.Namespace
	}
	s := ns + "/" + manifest.BackendString(d.Backend)
	if d.RewritePath != "" {
		s += " rewrite " + d.RewritePath
	}
	return s
}

// controllerExplain renders a decision for a golden file.
func controllerExplain(e simtest.Expectation, d simulate.Decision) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s", e.URL)
	for _, k := range sortedHeaderKeys(e.Header) {
		fmt.Fprintf(&b, " -H '%s: %s'", k, e.Header.Get(k))
	}
	fmt.Fprintf(&b, "\n  profile: %s\n  answer: %s\n", d.Profile, controllerSummary(d))
	if d.Ingress != nil {
		where := d.Ingress.Key()
		if d.Rule >= 0 {
			where += fmt.Sprintf(" spec.rules[%d].http.paths[%d] %s %q", d.Rule, d.PathIndex, d.PathType, d.Path)
		} else if d.DefaultBackend {
			where += " spec.defaultBackend"
		}
		fmt.Fprintf(&b, "  rule: %s\n", where)
	}
	if d.Match.Note != "" {
		fmt.Fprintf(&b, "  match: %s\n", d.Match.Note)
	}
	if d.Refused != "" {
		fmt.Fprintf(&b, "  refused: %s\n", d.Refused)
	}
	for _, n := range d.Notes {
		if n == d.Match.Note {
			continue // shown as match:
		}
		fmt.Fprintf(&b, "  note: %s\n", n)
	}
	return b.String()
}

func sortedHeaderKeys(h http.Header) []string {
	var ks []string
	for k := range h {
		ks = append(ks, k)
	}
	for i := range ks {
		for j := i + 1; j < len(ks); j++ {
			if ks[j] < ks[i] {
				ks[i], ks[j] = ks[j], ks[i]
			}
		}
	}
	return ks
}

// checkControllerExpectations compiles set under each profile named by an expect
// line and compares every answer; it returns the golden text per profile.
func checkControllerExpectations(t *testing.T, set *manifest.Set, exps []simtest.Expectation) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, name := range simulate.ProfileNames() {
		var mine []simtest.Expectation
		for _, e := range exps {
			if e.Profile == name {
				mine = append(mine, e)
			}
		}
		if len(mine) == 0 {
			continue
		}
		p, err := simulate.ParseProfile(name)
		if err != nil {
			t.Fatal(err)
		}
		ix, err := simulate.Compile(set, simulate.Options{Profile: simulate.Bind(p, set)})
		if err != nil {
			t.Fatal(err)
		}
		var b strings.Builder
		for _, e := range mine {
			req, err := simulate.ParseRequest(e.URL, e.Header)
			if err != nil {
				t.Fatalf("line %d: %v", e.Line, err)
			}
			d := ix.Lookup(req)
			if got := controllerSummary(d); got != e.Want {
				t.Errorf("line %d: %s under %s:\n got  %s\n want %s\n%s", e.Line, e.URL, name, got, e.Want, controllerExplain(e, d))
			}
			if d.Profile != name {
				t.Errorf("line %d: Decision.Profile = %q, want %q", e.Line, d.Profile, name)
			}
			b.WriteString(controllerExplain(e, d))
		}
		out[name] = b.String()
	}
	return out
}

// TestControllerFixtures runs every fixture of testdata/controllers: each
// is taken from a controller's documentation or source (cited at its
// top) and states its answers in expect lines; the full answers,
// with notes, are kept as goldens per profile.
func TestControllerFixtures(t *testing.T) {
	simtest.Fixtures(t, "testdata/controllers/*.yaml", func(t *testing.T, base string, set *manifest.Set, data []byte) {
		exps := simtest.ReadExpectations(t, data)
		if len(exps) == 0 {
			t.Fatal("fixture has no expect lines")
		}
		for name, text := range checkControllerExpectations(t, set, exps) {
			golden.Assert(t, []byte(text), filepath.Join("testdata/controllers", base+"."+name+".golden"))
		}
	})
}

// TestGCEExample pins the done-when of the controller profiles: the GCE
// example sends /users/1 to users-node-svc under the gce profile (its
// "# expect(gce):" lines).
func TestGCEExample(t *testing.T) {
	set, data := simtest.LoadSet(t, "../examples/gce-v1beta1.yaml")
	exps := simtest.ReadExpectations(t, data)
	n := 0
	for _, e := range exps {
		if e.Profile == "gce" {
			n++
		}
	}
	if n == 0 {
		t.Fatal("examples/gce-v1beta1.yaml has no expect(gce) lines")
	}
	checkControllerExpectations(t, set, exps)
}

func TestParseProfile(t *testing.T) {
	if diff := cmp.Diff([]string{"alb", "gce", "istio", "nginx", "spec"}, simulate.ProfileNames()); diff != "" {
		t.Errorf("ProfileNames (-want +got):\n%s", diff)
	}
	for _, name := range simulate.ProfileNames() {
		p, err := simulate.ParseProfile(strings.ToUpper(name))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if p.Name() != name {
			t.Errorf("ParseProfile(%q).Name() = %q", name, p.Name())
		}
	}
	_, err := simulate.ParseProfile("traefik")
	if err == nil || !strings.Contains(err.Error(), "alb, gce, istio, nginx, spec") {
		t.Errorf("ParseProfile(traefik) error = %v, want the list of names", err)
	}
}

func TestInferProfile(t *testing.T) {
	set, _ := simtest.LoadSet(t, "testdata/controllers/registry-classes.yaml")
	got := map[string]string{}
	for _, ing := range set.Ingresses {
		got[ing.Name] = simulate.InferProfile(set, ing).Name()
	}
	want := map[string]string{
		"by-class-nginx":     "nginx", // IngressClass nginx, controller k8s.io/ingress-nginx
		"by-class-alb":       "alb",   // IngressClass alb, controller ingress.k8s.aws/alb
		"by-annotation-gce":  "gce",   // kubernetes.io/ingress.class: gce, no IngressClass object
		"by-default-class":   "nginx", // no class: the default IngressClass is nginx
		"unknown-controller": "spec",  // IngressClass traefik: no profile
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("InferProfile (-want +got):\n%s", diff)
	}
	if n := simulate.InferProfileName(set, nil); n != "spec" {
		t.Errorf("InferProfileName(set, nil) with mixed controllers = %q, want spec", n)
	}
}
