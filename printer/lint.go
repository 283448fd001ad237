package printer

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/ingresskit/ingresskit/lint"
)

// LintReport is what every lint format prints.
type LintReport struct {
	// Result is the lint run.
	Result *lint.Result
	// FailOn is the lowest severity that fails the run.
	FailOn lint.Severity
	// Source returns the content of a file for source excerpts, or nil.
	Source func(file string) []byte
	// ToolVersion is written into SARIF; empty leaves it out.
	ToolVersion string
	// SARIFRoot is the absolute directory SARIF URIs are relative to
	// (%SRCROOT%), such as the repository root; files outside it get file
	// URIs. Empty keeps relative names as given.
	SARIFRoot string
	// WorkDir is the absolute directory relative file names are relative
	// to; it matters only with SARIFRoot.
	WorkDir string
	// Elapsed is how long the run took, written into JUnit; zero writes
	// 0.000.
	Elapsed time.Duration
	// Command titles the JUnit testsuites; empty is "ingresskit lint".
	Command string
}

// LintFindingJSON is the machine form of one finding (-o json).
type LintFindingJSON struct {
	Rule     string            `json:"rule"`
	Severity string            `json:"severity"`
	File     string            `json:"file"`
	Line     int               `json:"line"`
	Column   int               `json:"column"`
	Field    string            `json:"field,omitempty"`
	Object   string            `json:"object"`
	Message  string            `json:"message"`
	Related  []LintRelatedJSON `json:"related,omitempty"`
	Fixable  bool              `json:"fixable"`
}

// LintRelatedJSON is a related position of a finding.
type LintRelatedJSON struct {
	File    string `json:"file"`
	Line    int    `json:"line"`
	Column  int    `json:"column"`
	Message string `json:"message"`
}

// LintSummaryJSON counts findings by severity.
type LintSummaryJSON struct {
	Errors     int `json:"errors"`
	Warnings   int `json:"warnings"`
	Info       int `json:"info"`
	Suppressed int `json:"suppressed"`
	// Failed is true when findings at or above failOn exist.
	Failed bool   `json:"failed"`
	FailOn string `json:"failOn"`
}

// LintJSON is the document -o json writes.
type LintJSON struct {
	Findings []LintFindingJSON `json:"findings"`
	Summary  LintSummaryJSON   `json:"summary"`
}

func counts(r *lint.Result) (e, w, i int) {
	for _, f := range r.Findings {
		switch f.Severity {
		case lint.Error:
			e++
		case lint.Warning:
			w++
		default:
			i++
		}
	}
	return e, w, i
}

// WriteLintJSON writes the findings and a summary as JSON.
//
// The output is what json.MarshalIndent(LintJSON{...}, "", "  ") gives,
// followed by a newline, but each finding is marshalled on its own: with
// thousands of findings, marshalling the whole document grew one buffer
// for it and a second for its indented copy.
func WriteLintJSON(w io.Writer, rep LintReport) error {
	bw := bufio.NewWriterSize(w, 64<<10)
	bw.WriteString("{\n  \"findings\": [")
	for i, f := range rep.Result.Findings {
		j := LintFindingJSON{Rule: f.Rule, Severity: f.Severity.String(), File: f.Pos.File, Line: f.Pos.Line, Column: f.Pos.Col,
			Field: f.Field, Object: f.Object, Message: f.Message, Fixable: f.Fixable}
		for _, r := range f.Related {
			j.Related = append(j.Related, LintRelatedJSON{File: r.Pos.File, Line: r.Pos.Line, Column: r.Pos.Col, Message: r.Message})
		}
		b, err := json.MarshalIndent(j, "    ", "  ")
		if err != nil {
			return err
		}
		if i > 0 {
			bw.WriteByte(',')
		}
		bw.WriteString("\n    ")
		bw.Write(b)
	}
	if len(rep.Result.Findings) > 0 {
		bw.WriteString("\n  ")
	}
	e, wn, i := counts(rep.Result)
	summary := LintSummaryJSON{Errors: e, Warnings: wn, Info: i, Suppressed: rep.Result.Suppressed,
		Failed: rep.Result.Count(rep.FailOn) > 0, FailOn: rep.FailOn.String()}
	b, err := json.MarshalIndent(summary, "  ", "  ")
	if err != nil {
		return err
	}
	bw.WriteString("],\n  \"summary\": ")
	bw.Write(b)
	bw.WriteString("\n}\n")
	return bw.Flush()
}

// WriteLintText writes findings grouped by file as
// file:line:col: severity: message [rule-id]. With styles on (a terminal)
// each file gets a heading and each finding its source line with a caret
// under the column, and its related positions.
func WriteLintText(w io.Writer, s *Styles, rep LintReport) error {
	var b bytes.Buffer
	lastFile := ""
	var lines []string
	for _, f := range rep.Result.Findings {
		if f.Pos.File != lastFile {
			if s.Enabled() {
				if lastFile != "" {
					b.WriteByte('\n')
				}
				fmt.Fprintf(&b, "%s\n", s.Header(f.Pos.File))
			}
			lastFile = f.Pos.File
			lines = nil
			if s.Enabled() && rep.Source != nil {
				if data := rep.Source(f.Pos.File); data != nil {
					lines = strings.Split(string(data), "\n")
				}
			}
		}
		fmt.Fprintf(&b, "%s: %s: %s %s\n", s.Bold(f.Pos.String()), severityStyle(s, f.Severity), f.Message, s.Dim("["+f.Rule+"]"))
		if !s.Enabled() {
			continue
		}
		if f.Pos.Line > 0 && f.Pos.Line <= len(lines) {
			src := strings.TrimRight(lines[f.Pos.Line-1], "\r")
			fmt.Fprintf(&b, "  %4d | %s\n", f.Pos.Line, src)
			if f.Pos.Col > 0 {
				fmt.Fprintf(&b, "       | %s%s\n", caretPad(src, f.Pos.Col), styleFor(s, f.Severity, "^"))
			}
		}
		for _, r := range f.Related {
			fmt.Fprintf(&b, "       %s %s: %s\n", s.Dim("note:"), r.Pos, r.Message)
		}
	}
	_, err := w.Write(b.Bytes())
	return err
}

// caretPad returns the whitespace before column col of src, keeping tabs
// so that the caret lines up.
func caretPad(src string, col int) string {
	var p strings.Builder
	for i, r := range []rune(src) {
		if i >= col-1 {
			break
		}
		if r == '\t' {
			p.WriteRune('\t')
		} else {
			p.WriteByte(' ')
		}
	}
	return p.String()
}

func severityStyle(s *Styles, sev lint.Severity) string { return styleFor(s, sev, sev.String()) }

// styleFor styles text in the colour of a severity.
func styleFor(s *Styles, sev lint.Severity, text string) string {
	switch sev {
	case lint.Error:
		return s.Error(text)
	case lint.Warning:
		return s.Warning(text)
	default:
		return s.Info(text)
	}
}

// LintSummary returns the one-line summary the text format prints on
// stderr, such as "3 problems (2 errors, 1 warning) in 2 files".
func LintSummary(rep LintReport) string {
	r := rep.Result
	if len(r.Findings) == 0 {
		msg := "No problems found"
		if r.Suppressed > 0 {
			msg += fmt.Sprintf(" (%s suppressed)", plural(r.Suppressed, "finding"))
		}
		return msg + "."
	}
	e, w, i := counts(r)
	var parts []string
	if e > 0 {
		parts = append(parts, plural(e, "error"))
	}
	if w > 0 {
		parts = append(parts, plural(w, "warning"))
	}
	if i > 0 {
		parts = append(parts, fmt.Sprintf("%d info", i))
	}
	files := map[string]bool{}
	fixable := 0
	for _, f := range r.Findings {
		files[f.Pos.File] = true
		if f.Fixable {
			fixable++
		}
	}
	msg := fmt.Sprintf("%s (%s) in %s", plural(len(r.Findings), "problem"), strings.Join(parts, ", "), plural(len(files), "file"))
	if r.Suppressed > 0 {
		msg += fmt.Sprintf("; %d suppressed", r.Suppressed)
	}
	if fixable > 0 {
		msg += fmt.Sprintf("; %d fixable with --fix", fixable)
	}
	return msg + "."
}

func plural(n int, word string) string {
	if n == 1 {
		return fmt.Sprintf("%d %s", n, word)
	}
	return fmt.Sprintf("%d %ss", n, word)
}

// WriteLintGitHub writes GitHub Actions workflow commands, one per
// finding, which annotate the lines of a pull request (docs.github.com,
// "Workflow commands for GitHub Actions": error, warning and notice, with
// file, line, col and title properties).
func WriteLintGitHub(w io.Writer, rep LintReport) error {
	var b bytes.Buffer
	for _, f := range rep.Result.Findings {
		fmt.Fprintf(&b, "::%s file=%s,line=%d,col=%d,title=%s::%s\n", ghCommand(f.Severity),
			ghProperty(f.Pos.File), f.Pos.Line, f.Pos.Col, ghProperty(f.Rule), ghData(f.Message+" ["+f.Rule+"]"))
	}
	_, err := w.Write(b.Bytes())
	return err
}

// GitHubAnnotationLimit is how many annotations of one kind (error,
// warning, notice) GitHub Actions shows for a step; the rest stay in the
// log only (docs.github.com, "Workflow commands for GitHub Actions" and
// "Adding a job summary"; the limit is 10 per kind and step).
const GitHubAnnotationLimit = 10

// ghCommand returns the workflow command of a severity.
func ghCommand(s lint.Severity) string {
	switch s {
	case lint.Error:
		return "error"
	case lint.Warning:
		return "warning"
	}
	return "notice"
}

// LintGitHubHidden says how many findings of each kind GitHub shows in
// the log but not as annotations, such as "3 errors and 1 warning", or ""
// when every finding is shown.
func LintGitHubHidden(rep LintReport) string {
	n := map[string]int{}
	for _, f := range rep.Result.Findings {
		n[ghCommand(f.Severity)]++
	}
	var parts []string
	for _, kind := range []string{"error", "warning", "notice"} {
		if extra := n[kind] - GitHubAnnotationLimit; extra > 0 {
			parts = append(parts, plural(extra, kind))
		}
	}
	switch len(parts) {
	case 0:
		return ""
	case 1:
		return parts[0]
	}
	return strings.Join(parts[:len(parts)-1], ", ") + " and " + parts[len(parts)-1]
}

// WriteLintGitHubSummary writes every finding as a markdown table for the
// step summary ($GITHUB_STEP_SUMMARY, GitHub-flavoured markdown), where
// none is cut by the annotation limit.
func WriteLintGitHubSummary(w io.Writer, rep LintReport) error {
	var b bytes.Buffer
	b.WriteString("### ingresskit lint\n\n")
	if len(rep.Result.Findings) == 0 {
		b.WriteString(LintSummary(rep) + "\n")
	} else {
		b.WriteString(LintSummary(rep) + "\n\n| Severity | Position | Rule | Message |\n|---|---|---|---|\n")
		for _, f := range rep.Result.Findings {
			fmt.Fprintf(&b, "| %s | `%s` | [%s](%s) | %s |\n", f.Severity, mdCell(f.Pos.String()), f.Rule, lint.DocsBaseURL+f.Rule+".md", mdCell(f.Message))
		}
	}
	b.WriteByte('\n')
	_, err := w.Write(b.Bytes())
	return err
}

// mdCell keeps text inside one table cell: a pipe would end the cell and a
// newline the row (GitHub Flavored Markdown spec, "Tables").
func mdCell(s string) string {
	return strings.NewReplacer("|", "\\|", "\r\n", " ", "\n", " ", "\r", " ", "`", "'").Replace(s)
}

// ghData escapes a workflow command's message, as the actions toolkit's
// escapeData does (actions/toolkit packages/core/src/command.ts).
func ghData(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A").Replace(s)
}

// ghProperty escapes a property value (escapeProperty in the same file).
func ghProperty(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A", ":", "%3A", ",", "%2C").Replace(s)
}

// WriteLintRules writes the registry as a table: ID, severity, whether the
// rule is on by default and has a fix, and its summary.
func WriteLintRules(w io.Writer, s *Styles, rules []*lint.Rule) error {
	rows := make([][]string, 0, len(rules))
	for _, r := range rules {
		def, fix := "no", "no"
		if r.Default {
			def = "yes"
		}
		if r.Fix != nil {
			fix = "yes"
		}
		rows = append(rows, []string{r.ID, r.Severity.String(), def, fix, r.Summary})
	}
	return Table(w, s, []string{"RULE", "SEVERITY", "DEFAULT", "FIX", "SUMMARY"}, rows)
}

// LintRuleJSON is one rule of `lint --list-rules -o json`.
type LintRuleJSON struct {
	ID       string `json:"id"`
	Severity string `json:"severity"`
	Default  bool   `json:"default"`
	Fix      bool   `json:"fix"`
	Summary  string `json:"summary"`
	HelpURI  string `json:"helpUri"`
}

// WriteLintRulesJSON writes the registry as a JSON array, in registry
// order.
func WriteLintRulesJSON(w io.Writer, rules []*lint.Rule) error {
	out := make([]LintRuleJSON, 0, len(rules))
	for _, r := range rules {
		out = append(out, LintRuleJSON{ID: r.ID, Severity: r.Severity.String(), Default: r.Default, Fix: r.Fix != nil, Summary: r.Summary, HelpURI: r.HelpURI()})
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}
