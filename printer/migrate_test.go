package printer

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/ingresskit/ingresskit/internal/golden"
	"github.com/ingresskit/ingresskit/lint"
	"github.com/ingresskit/ingresskit/manifest"
	"github.com/ingresskit/ingresskit/migrate"
	_ "github.com/ingresskit/ingresskit/migrate/all"
)

// migrationReport translates and verifies two migrate fixtures: one with
// translation findings and differences, one with behaviours the check
// does not route.
func migrationReport(t *testing.T) MigrationReport {
	t.Helper()
	set, err := manifest.Load(context.Background(), manifest.Options{Paths: []string{
		"../migrate/testdata/nginx-rewrite-target.yaml", "../migrate/testdata/nginx-filters.yaml"}})
	if err != nil {
		t.Fatal(err)
	}
	res, err := migrate.Translate(set, migrate.Options{})
	if err != nil {
		t.Fatal(err)
	}
	v, err := migrate.Verify(set, res.Set(set), migrate.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(v.Differences) == 0 || len(v.Unverified) < 2 || len(res.Findings) == 0 {
		t.Fatalf("the fixtures no longer give differences, unverified behaviours and findings: %d, %d, %d", len(v.Differences), len(v.Unverified), len(res.Findings))
	}
	return MigrationReport{Result: res, Verification: v}
}

// TestMigrationFormats pins every format of the migration report.
func TestMigrationFormats(t *testing.T) {
	rep := migrationReport(t)
	for _, tt := range []struct {
		golden string
		write  func(*bytes.Buffer) error
	}{
		{"migrate.txt", func(w *bytes.Buffer) error { return WriteMigrationText(w, NewStyles(w, false), rep) }},
		{"migrate.json", func(w *bytes.Buffer) error { return WriteMigrationJSON(w, rep) }},
		{"migrate.sarif.json", func(w *bytes.Buffer) error {
			return WriteMigrationSARIF(w, rep, MigrationSARIF{ToolVersion: "v0.0.0-test"})
		}},
		{"migrate.junit.xml", func(w *bytes.Buffer) error { return WriteMigrationJUnit(w, rep) }},
	} {
		t.Run(tt.golden, func(t *testing.T) {
			var buf bytes.Buffer
			if err := tt.write(&buf); err != nil {
				t.Fatal(err)
			}
			golden.Assert(t, buf.Bytes(), filepath.Join("testdata", "migrate", tt.golden))
		})
	}
}

// TestMigrationLintResult checks where the findings sit: every difference
// on an Ingress line with the request in its message, every translation
// finding at its own position, and the unverified behaviours as notes.
func TestMigrationLintResult(t *testing.T) {
	rep := migrationReport(t)
	res := MigrationLintResult(rep)
	var diffs, notes, translation int
	for _, f := range res.Findings {
		if f.Pos.Line == 0 || !strings.HasPrefix(f.Pos.File, "../migrate/testdata/") {
			t.Errorf("finding without an input position: %s", f)
		}
		switch f.Rule {
		case lint.MigrationDifferenceID:
			diffs++
			if f.Severity != lint.Error || !strings.HasPrefix(f.Object, "Ingress ") || !strings.Contains(f.Message, "://") {
				t.Errorf("bad difference finding: %s (%s)", f, f.Object)
			}
		case lint.MigrationUnverifiedID:
			notes++
			if f.Severity != lint.Info {
				t.Errorf("unverified behaviour is not a note: %s", f)
			}
		case lint.MigrationTranslationID:
			translation++
		}
	}
	if diffs != len(rep.Verification.Differences) || notes != len(rep.Verification.Unverified) || translation != len(rep.Result.Findings) {
		t.Errorf("%d differences, %d notes, %d translation findings; want %d, %d, %d", diffs, notes, translation,
			len(rep.Verification.Differences), len(rep.Verification.Unverified), len(rep.Result.Findings))
	}
}

// TestMigrationSARIFSchema validates the migration SARIF against the
// SARIF 2.1.0 schema, as TestLintSARIFSchema does for lint, and the JUnit
// output against the Jenkins junit-4 schema with xmllint (xmllintJUnit).
func TestMigrationSARIFSchema(t *testing.T) {
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	f, err := os.Open("testdata/sarif-schema-2.1.0.json")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	doc, err := jsonschema.UnmarshalJSON(f)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.AddResource("sarif-schema-2.1.0.json", doc); err != nil {
		t.Fatal(err)
	}
	schema, err := c.Compile("sarif-schema-2.1.0.json")
	if err != nil {
		t.Fatal(err)
	}
	rep := migrationReport(t)
	var buf bytes.Buffer
	if err := WriteMigrationSARIF(&buf, rep, MigrationSARIF{}); err != nil {
		t.Fatal(err)
	}
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	if err := schema.Validate(inst); err != nil {
		t.Errorf("SARIF output does not validate against the 2.1.0 schema:\n%v", err)
	}
	var log struct {
		Runs []struct {
			Results []struct {
				RuleID string `json:"ruleId"`
				Level  string `json:"level"`
			} `json:"results"`
		} `json:"runs"`
	}
	if err := json.Unmarshal(buf.Bytes(), &log); err != nil {
		t.Fatal(err)
	}
	levels := map[string]string{}
	for _, r := range log.Runs[0].Results {
		levels[r.RuleID] = r.Level
	}
	if levels[lint.MigrationDifferenceID] != "error" || levels[lint.MigrationUnverifiedID] != "note" {
		t.Errorf("levels by rule: %v", levels)
	}

	buf.Reset()
	if err := WriteMigrationJUnit(&buf, rep); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "junit.xml")
	if err := os.WriteFile(file, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := xmllintJUnit(t, file); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), "<failure") {
		t.Error("differences do not fail the JUnit report")
	}
}

// TestMigrationEquivalentHosts checks that a difference on a probed host
// names the hosts answered through it, in SARIF's message as in JSON.
func TestMigrationEquivalentHosts(t *testing.T) {
	var doc strings.Builder
	for _, h := range []string{"a", "b", "c", "d", "e"} {
		doc.WriteString(`---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: ` + h + `, namespace: default}
spec:
  ingressClassName: nginx
  tls: [{hosts: [` + h + `.example.com], secretName: s}]
  rules:
  - host: ` + h + `.example.com
    http: {paths: [{path: /shop/, pathType: Prefix, backend: {service: {name: web, port: {number: 80}}}}]}
`)
	}
	set, err := manifest.Parse("hosts.yaml", []byte(doc.String()), manifest.Options{})
	if err != nil {
		t.Fatal(err)
	}
	res, err := migrate.Translate(set, migrate.Options{})
	if err != nil {
		t.Fatal(err)
	}
	v, err := migrate.Verify(set, res.Set(set), migrate.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if v.EquivalentHosts != 4 || len(v.Differences) == 0 {
		t.Fatalf("%d equivalent hosts, %d differences; want 4 and the trailing-slash redirect", v.EquivalentHosts, len(v.Differences))
	}
	lr := MigrationLintResult(MigrationReport{Verification: v})
	found := false
	for _, f := range lr.Findings {
		found = found || strings.Contains(f.Message, "the same holds for 4 hosts with the same rules (b.example.com, c.example.com, d.example.com and 1 more)")
	}
	if !found {
		t.Errorf("no finding names the equivalent hosts:\n%s", lint.FormatFindings(lr.Findings))
	}
	var buf bytes.Buffer
	if err := WriteMigrationJSON(&buf, MigrationReport{Verification: v}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), `"a.example.com": [`) {
		t.Errorf("JSON lacks the equivalents:\n%s", buf.String())
	}
}
