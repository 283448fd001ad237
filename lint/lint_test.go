package lint

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/ingresskit/ingresskit/internal/golden"
	"github.com/ingresskit/ingresskit/manifest"
)

// testNow is the instant the certificate fixtures are checked against.
var testNow = time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)

func load(t *testing.T, paths ...string) *manifest.Set {
	t.Helper()
	set, err := manifest.Load(context.Background(), manifest.Options{Paths: paths})
	if err != nil {
		t.Fatalf("load %v: %v", paths, err)
	}
	return set
}

func runRule(t *testing.T, r *Rule, path string) []Finding {
	t.Helper()
	res, err := Run(context.Background(), load(t, path), Options{Now: testNow, Config: Config{Enable: []string{r.ID}}})
	if err != nil {
		t.Fatal(err)
	}
	var out []Finding
	for _, f := range res.Findings {
		if f.Rule == r.ID {
			out = append(out, f)
		}
	}
	return out
}

// TestRules walks the registry: each rule's bad fixture produces exactly
// the golden findings and its good fixture none from that rule.
func TestRules(t *testing.T) {
	for _, r := range Registry() {
		t.Run(r.ID, func(t *testing.T) {
			dir := FixtureDir(r.ID)
			bad := runRule(t, r, filepath.Join(dir, "bad.yaml"))
			if len(bad) == 0 {
				t.Errorf("bad.yaml produces no %s finding", r.ID)
			}
			for _, f := range bad {
				if f.Pos.Line == 0 || f.Pos.Col == 0 {
					t.Errorf("finding without a line and column: %s", f)
				}
				if f.Severity != r.Severity {
					t.Errorf("finding severity %s, rule severity %s", f.Severity, r.Severity)
				}
			}
			golden.Assert(t, []byte(FormatFindings(bad)), filepath.Join(dir, "bad.golden"))
			if good := runRule(t, r, filepath.Join(dir, "good.yaml")); len(good) > 0 {
				t.Errorf("good.yaml produces findings:\n%s", FormatFindings(good))
			}
		})
	}
}

// TestRegistryMeta fails when a rule lacks fixtures, a summary ending with
// a period, a doc with advice, or an up-to-date generated page, and when
// a fixture directory belongs to no rule.
func TestRegistryMeta(t *testing.T) {
	if err := Validate(Registry()); err != nil {
		t.Fatal(err)
	}
	ids := map[string]bool{}
	for _, r := range Registry() {
		ids[r.ID] = true
		t.Run(r.ID, func(t *testing.T) {
			if !strings.HasSuffix(r.Summary, ".") || strings.Contains(r.Summary, "\n") {
				t.Errorf("summary must be one sentence ending with a period: %q", r.Summary)
			}
			if !strings.Contains(r.Doc, "**What to do:**") {
				t.Errorf("doc must say what to do")
			}
			for _, name := range []string{"bad.yaml", "bad.golden", "good.yaml"} {
				if _, err := os.Stat(filepath.Join(FixtureDir(r.ID), name)); err != nil {
					t.Fatalf("missing fixture: %v", err)
				}
			}
			if _, err := os.Stat("rule_" + strings.ReplaceAll(r.ID, "-", "_") + ".go"); err != nil {
				t.Errorf("a rule lives in its own file: %v", err)
			}
			page, err := DocPage(r, FixtureDir(r.ID))
			if err != nil {
				t.Fatal(err)
			}
			golden.Assert(t, page, filepath.Join("..", DocsDir, r.ID+".md"))
		})
	}
	for _, r := range Unregistered() {
		ids[r.ID] = true
		if _, err := os.Stat(UnregisteredSource(r.ID)); err != nil {
			t.Errorf("rule %s: %v", r.ID, err)
		}
		golden.Assert(t, RenderUnregisteredDoc(r, UnregisteredSource(r.ID)), filepath.Join("..", DocsDir, r.ID+".md"))
	}
	golden.Assert(t, RenderIndex(Registry()), filepath.Join("..", DocsDir, "README.md"))
	entries, err := os.ReadDir("testdata/rules")
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if !ids[e.Name()] {
			t.Errorf("testdata/rules/%s belongs to no rule", e.Name())
		}
	}
	pages, err := filepath.Glob(filepath.Join("..", DocsDir, "*.md"))
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range pages {
		if id := strings.TrimSuffix(filepath.Base(p), ".md"); id != "README" && !ids[id] {
			t.Errorf("%s documents no rule; delete it", p)
		}
	}
}

func TestValidateRejects(t *testing.T) {
	ok := func(*Pass) {}
	tests := []struct {
		name  string
		rules []*Rule
		want  string
	}{
		{"duplicate", []*Rule{{ID: "a", Severity: Error, Summary: "S.", Doc: "d", Check: ok}, {ID: "a", Severity: Error, Summary: "S.", Doc: "d", Check: ok}}, "duplicate or out of order"},
		{"unsorted", []*Rule{{ID: "b", Severity: Error, Summary: "S.", Doc: "d", Check: ok}, {ID: "a", Severity: Error, Summary: "S.", Doc: "d", Check: ok}}, "duplicate or out of order"},
		{"no period", []*Rule{{ID: "a", Severity: Error, Summary: "S", Doc: "d", Check: ok}}, "period"},
		{"no doc", []*Rule{{ID: "a", Severity: Error, Summary: "S.", Check: ok}}, "no doc"},
		{"no check", []*Rule{{ID: "a", Severity: Error, Summary: "S.", Doc: "d"}}, "no check"},
		{"bad id", []*Rule{{ID: "A_b", Severity: Error, Summary: "S.", Doc: "d", Check: ok}}, "kebab-case"},
		{"no severity", []*Rule{{ID: "a", Summary: "S.", Doc: "d", Check: ok}}, "severity"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := Validate(tt.rules)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Validate = %v, want an error containing %q", err, tt.want)
			}
		})
	}
}

// TestExamples pins what lint says about the shipped examples: the
// planted problems and nothing else.
func TestExamples(t *testing.T) {
	tests := []struct {
		name  string
		paths []string
		want  []string
	}{
		{"alb", []string{"../examples/alb-hosts.yaml"}, []string{
			"missing-service Ingress default/some-ingress spec.rules[0].http.paths[0].backend.service.name",
			"missing-service Ingress default/some-ingress spec.rules[0].http.paths[1].backend.service.name",
			"missing-service Ingress default/some-ingress spec.rules[1].http.paths[0].backend.service.name",
			"missing-service Ingress default/some-ingress spec.rules[2].http.paths[0].backend.service.name",
		}},
		// The GCE controller reads only the class annotation, so
		// deprecated-class-annotation stays quiet here.
		{"gce", []string{"../examples/gce-v1beta1.yaml"}, []string{
			"missing-tls-secret Ingress default/hello-ingress-tls spec.tls[0].secretName",
			"removed-api-version Ingress default/hello-ingress-tls apiVersion",
		}},
		{"nginx", []string{"../examples/nginx-tls.yaml"}, []string{
			"missing-service Ingress default/demo-ingress spec.rules[1].http.paths[0].backend.service.name",
			"missing-tls-secret Ingress default/demo-ingress spec.tls[0].secretName",
		}},
		{"all with classes", []string{"../examples"}, []string{
			// The Istio example routes to the same Services as the
			// nginx one, and misses the same ones and the TLS Secret.
			"istio-missing-credential Gateway.networking.istio.io default/demo-gateway spec.servers[1].tls.credentialName",
			"istio-missing-destination VirtualService default/demo spec.http[1].route[1].destination.host",
			"istio-missing-destination VirtualService default/test spec.http[0].route[0].destination.host",
			"istio-missing-destination VirtualService default/test spec.http[2].route[0].destination.host",
			"missing-service Ingress default/demo-ingress spec.rules[1].http.paths[0].backend.service.name",
			"missing-service Ingress default/some-ingress spec.rules[0].http.paths[0].backend.service.name",
			"missing-service Ingress default/some-ingress spec.rules[0].http.paths[1].backend.service.name",
			"missing-service Ingress default/some-ingress spec.rules[1].http.paths[0].backend.service.name",
			"missing-service Ingress default/some-ingress spec.rules[2].http.paths[0].backend.service.name",
			"missing-tls-secret Ingress default/demo-ingress spec.tls[0].secretName",
			"missing-tls-secret Ingress default/hello-ingress-tls spec.tls[0].secretName",
			"removed-api-version Ingress default/hello-ingress-tls apiVersion",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := Run(context.Background(), load(t, tt.paths...), Options{Now: testNow})
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, f := range res.Findings {
				got = append(got, f.Rule+" "+f.Object+" "+f.Field)
			}
			sortStrings(got)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("findings (-want +got):\n%s", diff)
			}
		})
	}
}

func sortStrings(s []string) {
	for i := 1; i < len(s); i++ {
		for j := i; j > 0 && s[j] < s[j-1]; j-- {
			s[j], s[j-1] = s[j-1], s[j]
		}
	}
}

// With the referenced objects read from a cluster, a missing one is
// missing from the cluster, and the advice is to create it there rather
// than to add a manifest to -f.
func TestMissingFromCluster(t *testing.T) {
	set := load(t, filepath.Join(FixtureDir("missing-service"), "bad.yaml"), filepath.Join(FixtureDir("missing-tls-secret"), "bad.yaml"))
	for _, tt := range []struct {
		name          string
		fromCluster   bool
		where, advice string
	}{
		{"files", false, "is not in the input;", "add its manifest (-f)"},
		{"cluster", true, "is not in the cluster;", "create it there"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			res, err := Run(context.Background(), set, Options{Now: testNow, FromCluster: tt.fromCluster,
				Config: Config{Enable: []string{"missing-service", "missing-tls-secret"}}})
			if err != nil {
				t.Fatal(err)
			}
			seen := map[string]bool{}
			for _, f := range res.Findings {
				if f.Rule != "missing-service" && f.Rule != "missing-tls-secret" {
					continue
				}
				seen[f.Rule] = true
				if !strings.Contains(f.Message, tt.where) {
					t.Errorf("%s: message %q, want it to say %q", f.Rule, f.Message, tt.where)
				}
				if !strings.Contains(f.Message, "did you mean") && !strings.Contains(f.Message, tt.advice) {
					t.Errorf("%s: message %q, want the advice %q", f.Rule, f.Message, tt.advice)
				}
			}
			if !seen["missing-service"] || !seen["missing-tls-secret"] {
				t.Errorf("findings by rule = %v, want both missing-service and missing-tls-secret", seen)
			}
		})
	}
}
