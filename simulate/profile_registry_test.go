package simulate

import (
	"bufio"
	"bytes"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/ingresskit/ingresskit/internal/golden"
	"github.com/ingresskit/ingresskit/manifest"
)

// expectation is one "# expect(<profile>): <url> [-H 'Name: value'] -> <answer>"
// line of a fixture.
type expectation struct {
	line    int
	url     string
	header  http.Header
	want    string
	profile string
}

// readExpectations returns the expect lines of a fixture for every
// profile.
func readExpectations(t *testing.T, data []byte) []expectation {
	t.Helper()
	var out []expectation
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
		e := expectation{line: n, want: strings.TrimSpace(want), profile: profile, header: http.Header{}}
		fields := strings.Split(req, " -H ")
		e.url = strings.TrimSpace(fields[0])
		for _, h := range fields[1:] {
			name, value, ok := strings.Cut(strings.Trim(strings.TrimSpace(h), "'"), ":")
			if !ok {
				t.Fatalf("line %d: header %q is not Name: value", n, h)
			}
			e.header.Add(strings.TrimSpace(name), strings.TrimSpace(value))
		}
		out = append(out, e)
	}
	return out
}

// summary is the one-line answer an expect line states.
func summary(d Decision) string {
	switch {
	case d.Redirect != "":
		return fmt.Sprintf("redirect %d %s", d.RedirectCode, d.Redirect)
	case !d.Matched:
		return "no match"
	}
	ns := "default"
	if d.Ingress != nil {
		ns = d.Ingress.Namespace
	}
	s := ns + "/" + backendString(d.Backend)
	if d.RewritePath != "" {
		s += " rewrite " + d.RewritePath
	}
	return s
}

// explainLines renders a decision for a golden file.
func explainLines(e expectation, d Decision) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s", e.url)
	for _, k := range sortedKeys(e.header) {
		fmt.Fprintf(&b, " -H '%s: %s'", k, e.header.Get(k))
	}
	fmt.Fprintf(&b, "\n  profile: %s\n  answer: %s\n", d.Profile, summary(d))
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
	for _, n := range d.Notes {
		fmt.Fprintf(&b, "  note: %s\n", n)
	}
	return b.String()
}

func sortedKeys(h http.Header) []string {
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

func loadSet(t *testing.T, path string) (*manifest.Set, []byte) {
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

// checkExpectations compiles set under each profile named by an expect
// line and compares every answer; it returns the golden text per profile.
func checkExpectations(t *testing.T, set *manifest.Set, exps []expectation) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, name := range ProfileNames {
		var mine []expectation
		for _, e := range exps {
			if e.profile == name {
				mine = append(mine, e)
			}
		}
		if len(mine) == 0 {
			continue
		}
		p, err := ProfileByName(name)
		if err != nil {
			t.Fatal(err)
		}
		ix, err := Compile(set, Options{Profile: Bind(p, set)})
		if err != nil {
			t.Fatal(err)
		}
		var b strings.Builder
		for _, e := range mine {
			req, err := ParseRequest(e.url, e.header)
			if err != nil {
				t.Fatalf("line %d: %v", e.line, err)
			}
			d := ix.Lookup(req)
			if got := summary(d); got != e.want {
				t.Errorf("line %d: %s under %s:\n got  %s\n want %s\n%s", e.line, e.url, name, got, e.want, explainLines(e, d))
			}
			if d.Profile != name {
				t.Errorf("line %d: Decision.Profile = %q, want %q", e.line, d.Profile, name)
			}
			b.WriteString(explainLines(e, d))
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
	files, err := filepath.Glob("testdata/controllers/*.yaml")
	if err != nil || len(files) == 0 {
		t.Fatalf("no fixtures: %v", err)
	}
	for _, f := range files {
		base := strings.TrimSuffix(filepath.Base(f), ".yaml")
		t.Run(base, func(t *testing.T) {
			set, data := loadSet(t, f)
			exps := readExpectations(t, data)
			if len(exps) == 0 {
				t.Fatal("fixture has no expect lines")
			}
			for name, text := range checkExpectations(t, set, exps) {
				golden.Assert(t, []byte(text), filepath.Join("testdata/controllers", base+"."+name+".golden"))
			}
		})
	}
}

// TestGCEExample pins the done-when of the controller profiles: the GCE
// example sends /users/1 to users-node-svc under the gce profile (its
// "# expect(gce):" lines).
func TestGCEExample(t *testing.T) {
	set, data := loadSet(t, "../examples/gce-v1beta1.yaml")
	exps := readExpectations(t, data)
	n := 0
	for _, e := range exps {
		if e.profile == "gce" {
			n++
		}
	}
	if n == 0 {
		t.Fatal("examples/gce-v1beta1.yaml has no expect(gce) lines")
	}
	checkExpectations(t, set, exps)
}

func TestProfileByName(t *testing.T) {
	for _, name := range ProfileNames {
		p, err := ProfileByName(name)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if p.Name() != name {
			t.Errorf("ProfileByName(%q).Name() = %q", name, p.Name())
		}
	}
	_, err := ProfileByName("traefik")
	if err == nil || !strings.Contains(err.Error(), "alb, gce, nginx, spec") {
		t.Errorf("ProfileByName(traefik) error = %v, want the list of names", err)
	}
}

func TestInferProfile(t *testing.T) {
	set, _ := loadSet(t, "testdata/controllers/registry-classes.yaml")
	got := map[string]string{}
	for _, ing := range set.Ingresses {
		got[ing.Name] = InferProfile(set, ing).Name()
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
	if n := InferProfileName(set, nil); n != "spec" {
		t.Errorf("InferProfileName(set, nil) with mixed controllers = %q, want spec", n)
	}
}
