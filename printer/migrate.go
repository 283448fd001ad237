package printer

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"sort"
	"strings"

	"github.com/ingresskit/ingresskit/lint"
	"github.com/ingresskit/ingresskit/migrate"
)

// MigrationReport is what a translation to the Gateway API and its
// verification print.
type MigrationReport struct {
	// Result is the translation; nil for `compare`, which verifies a
	// translation made elsewhere.
	Result *migrate.Result
	// Verification is nil when nothing was verified.
	Verification *migrate.Verification
	// Command names the command that made the report, such as
	// "ingresskit convert"; JUnit titles its testsuites with it. Empty
	// writes "ingresskit compare" when there is no translation, else
	// "ingresskit convert".
	Command string
}

// command is rep.Command, or the command a report of its kind comes from.
func (rep MigrationReport) command() string {
	switch {
	case rep.Command != "":
		return rep.Command
	case rep.Result == nil:
		return "ingresskit compare"
	}
	return "ingresskit convert"
}

// WriteMigrationText writes the findings, the count of Ingresses by how
// completely they were translated, and the probes answered differently.
func WriteMigrationText(w io.Writer, s *Styles, rep MigrationReport) error {
	if r := rep.Result; r != nil {
		for _, f := range r.Findings {
			sev := s.Warning(string(f.Severity))
			if f.Severity == migrate.Info {
				sev = s.Info(string(f.Severity))
			}
			if _, err := fmt.Fprintf(w, "%s: %s: %s\n", f.Pos, sev, f.Message); err != nil {
				return err
			}
		}
		if _, err := fmt.Fprintf(w, "%s: %d completely, %d partially, %d not at all.\n",
			pluralOf(r.Complete+r.Partial+r.Untranslated, "Ingress translated", "Ingresses translated"), r.Complete, r.Partial, r.Untranslated); err != nil {
			return err
		}
	}
	v := rep.Verification
	if v == nil {
		return nil
	}
	if len(v.Differences) == 0 {
		if _, err := fmt.Fprintf(w, "%s: every probe is answered the same before and after.\n", pluralOf(v.Probes, "probe", "probes")); err != nil {
			return err
		}
	} else {
		if _, err := fmt.Fprintf(w, "%s, %d answered differently:\n", pluralOf(v.Probes, "probe", "probes"), len(v.Differences)); err != nil {
			return err
		}
		// One table per data plane: an Ingress class and its Gateway,
		// of the differences no known cause explains.
		for i := 0; i < len(v.Differences); {
			plane := v.Differences[i].Pair
			var rows [][]string
			for ; i < len(v.Differences) && v.Differences[i].Pair == plane; i++ {
				if causeOf(v, i) != "" {
					continue
				}
				d := v.Differences[i]
				rows = append(rows, []string{requestString(d.Request.String(), d.Request.Header), d.FromOutcome, d.ToOutcome})
			}
			if len(rows) == 0 {
				continue
			}
			if _, err := fmt.Fprintf(w, "%s:\n", s.Bold(plane)); err != nil {
				return err
			}
			if err := Table(w, s, []string{"REQUEST", "BEFORE", "AFTER"}, rows); err != nil {
				return err
			}
		}
		if err := writeCauses(w, s, v); err != nil {
			return err
		}
	}
	if v.EquivalentHosts > 0 {
		if _, err := fmt.Fprintf(w, "%s with the same rules as a probed host (but for names) answered through it; its differences hold for them (-o json lists them).\n", pluralOf(v.EquivalentHosts, "host", "hosts")); err != nil {
			return err
		}
	}
	if len(v.Unverified) > 0 {
		if _, err := fmt.Fprintf(w, "Not verified:\n"); err != nil {
			return err
		}
		for _, u := range v.Unverified {
			if _, err := fmt.Fprintf(w, "  %s\n", u.Behaviour); err != nil {
				return err
			}
		}
	}
	return nil
}

// causeOf is the ID of the known cause of difference i, "" for none.
func causeOf(v *migrate.Verification, i int) string {
	if i < len(v.CauseOf) {
		return v.CauseOf[i]
	}
	return ""
}

// writeCauses states each known cause of differences once: what differs,
// how many probes, one of them, why, and what to do.
func writeCauses(w io.Writer, s *Styles, v *migrate.Verification) error {
	if len(v.Causes) == 0 {
		return nil
	}
	if _, err := fmt.Fprintf(w, "%s answered differently for a known cause no translation avoids (docs/migrate.md, \"Differences with a known cause\"):\n",
		pluralOf(len(v.Differences)-v.Unexplained(), "probe", "probes")); err != nil {
		return err
	}
	for _, c := range v.Causes {
		d := v.Differences[c.First]
		if _, err := fmt.Fprintf(w, "- %s [%s]: %s, such as %s: before %s, after %s\n  why: %s\n  what to do: %s\n",
			s.Bold(c.Title), c.ID, pluralOf(c.Count, "probe", "probes"), requestString(d.Request.String(), d.Request.Header),
			d.FromOutcome, d.ToOutcome, c.Why, c.Do); err != nil {
			return err
		}
	}
	return nil
}

func pluralOf(n int, one, many string) string {
	if n == 1 {
		return fmt.Sprintf("%d %s", n, one)
	}
	return fmt.Sprintf("%d %s", n, many)
}

// requestString shows a probe with the headers it sends.
func requestString(url string, h http.Header) string {
	keys := make([]string, 0, len(h))
	for k := range h {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		url += fmt.Sprintf(" [%s: %s]", k, strings.Join(h[k], ", "))
	}
	return url
}

// MigrationJSON is the document `-o json` of compare writes.
type MigrationJSON struct {
	Findings []MigrationFindingJSON `json:"findings"`
	Summary  *MigrationSummaryJSON  `json:"summary,omitempty"`
	Probes   int                    `json:"probes"`
	// EquivalentHosts counts the hosts answered through a probed host
	// with the same rules (migrate.Verification.EquivalentHosts).
	EquivalentHosts int `json:"equivalentHosts,omitempty"`
	// Equivalents lists, per probed host, the hosts answered through it.
	Equivalents map[string][]string       `json:"equivalents,omitempty"`
	Differences []MigrationDifferenceJSON `json:"differences"`
	// Causes states each known cause of differences once
	// (migrate.Verification.Causes).
	Causes     []MigrationCauseJSON `json:"causes,omitempty"`
	Unverified []string             `json:"unverified"`
}

// MigrationCauseJSON is a known cause of differences that no
// translation avoids.
type MigrationCauseJSON struct {
	ID    string `json:"id"`
	Title string `json:"title"`
	Why   string `json:"why"`
	Do    string `json:"do"`
	Count int    `json:"count"`
}

// MigrationFindingJSON is one translation finding.
type MigrationFindingJSON struct {
	Severity string `json:"severity"`
	File     string `json:"file"`
	Line     int    `json:"line"`
	Column   int    `json:"column"`
	Field    string `json:"field,omitempty"`
	Ingress  string `json:"ingress"`
	Message  string `json:"message"`
}

// MigrationSummaryJSON counts Ingresses by how completely they were
// translated.
type MigrationSummaryJSON struct {
	Complete     int `json:"complete"`
	Partial      int `json:"partial"`
	Untranslated int `json:"untranslated"`
}

// MigrationDifferenceJSON is one probe answered differently.
type MigrationDifferenceJSON struct {
	DataPlane string              `json:"dataPlane"`
	URL       string              `json:"url"`
	Headers   map[string][]string `json:"headers,omitempty"`
	Before    string              `json:"before"`
	After     string              `json:"after"`
	// BeforeNotes and AfterNotes explain each answer.
	BeforeNotes []string `json:"beforeNotes,omitempty"`
	AfterNotes  []string `json:"afterNotes,omitempty"`
	// Cause is the ID of the known cause that explains it, if any.
	Cause string `json:"cause,omitempty"`
}

// WriteMigrationJSON writes the report as one JSON document.
func WriteMigrationJSON(w io.Writer, rep MigrationReport) error {
	doc := MigrationJSON{Findings: []MigrationFindingJSON{}, Differences: []MigrationDifferenceJSON{}, Unverified: []string{}}
	if r := rep.Result; r != nil {
		for _, f := range r.Findings {
			doc.Findings = append(doc.Findings, MigrationFindingJSON{Severity: string(f.Severity), File: f.Pos.File, Line: f.Pos.Line,
				Column: f.Pos.Col, Field: f.Field, Ingress: f.Ingress, Message: f.Message})
		}
		doc.Summary = &MigrationSummaryJSON{Complete: r.Complete, Partial: r.Partial, Untranslated: r.Untranslated}
	}
	if v := rep.Verification; v != nil {
		doc.Probes, doc.EquivalentHosts = v.Probes, v.EquivalentHosts
		if len(v.Equivalents) > 0 {
			doc.Equivalents = v.Equivalents
		}
		for i, d := range v.Differences {
			doc.Differences = append(doc.Differences, MigrationDifferenceJSON{DataPlane: d.Pair, URL: d.Request.String(), Headers: d.Request.Header,
				Before: d.FromOutcome, After: d.ToOutcome, BeforeNotes: d.From.Notes, AfterNotes: d.To.Notes, Cause: causeOf(v, i)})
		}
		for _, c := range v.Causes {
			doc.Causes = append(doc.Causes, MigrationCauseJSON{ID: c.ID, Title: c.Title, Why: c.Why, Do: c.Do, Count: c.Count})
		}
		for _, u := range v.Unverified {
			doc.Unverified = append(doc.Unverified, u.Behaviour)
		}
	}
	data, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		return err
	}
	_, err = w.Write(append(data, '\n'))
	return err
}

// MigrationLintResult turns a migration report into lint findings, so
// that the lint SARIF and JUnit writers print it: each translation
// finding is a migration-translation finding at its annotation or path;
// each probe answered differently a migration-difference error at the
// Ingress path that answered it before (else at the route that answers
// it after, else at the first Ingress of the data plane), with the other
// side as a related position; each behaviour not verified a
// migration-unverified note at its first occurrence.
func MigrationLintResult(rep MigrationReport) *lint.Result {
	res := &lint.Result{}
	if r := rep.Result; r != nil {
		res.Rules = append(res.Rules, lint.MigrationTranslationRule)
		for _, f := range r.Findings {
			sev := lint.Warning
			if f.Severity == migrate.Info {
				sev = lint.Info
			}
			res.Findings = append(res.Findings, lint.Finding{Rule: lint.MigrationTranslationID, Severity: sev, Pos: f.Pos,
				Field: f.Field, Object: "Ingress " + f.Ingress, Message: f.Message})
		}
	}
	if v := rep.Verification; v != nil {
		res.Rules = append(res.Rules, lint.MigrationDifferenceRule, lint.MigrationUnverifiedRule)
		for i, d := range v.Differences {
			f := differenceFinding(v, d)
			if id := causeOf(v, i); id != "" {
				for _, c := range v.Causes {
					if c.ID == id {
						f.Message += fmt.Sprintf("; known cause [%s]: %s", c.ID, c.Title)
					}
				}
			}
			res.Findings = append(res.Findings, f)
		}
		for _, u := range v.Unverified {
			f := lint.Finding{Rule: lint.MigrationUnverifiedID, Severity: lint.Info, Message: "not verified: " + u.Behaviour}
			if len(u.At) > 0 {
				f.Pos, f.Field, f.Object = u.At[0].Pos, u.At[0].Field, "Ingress "+u.At[0].Ingress
				if n := len(u.At) - 1; n > 0 {
					f.Message += fmt.Sprintf(" (and %s)", pluralOf(n, "more place", "more places"))
				}
			}
			res.Findings = append(res.Findings, f)
		}
	}
	sort.SliceStable(res.Rules, func(i, j int) bool { return res.Rules[i].ID < res.Rules[j].ID })
	lint.SortFindings(res.Findings)
	return res
}

// differenceFinding places one difference: see MigrationLintResult.
func differenceFinding(v *migrate.Verification, d migrate.Difference) lint.Finding {
	f := lint.Finding{Rule: lint.MigrationDifferenceID, Severity: lint.Error,
		Message: fmt.Sprintf("%s is answered differently after the migration: before %s, after %s (%s)",
			requestString(d.Request.String(), d.Request.Header), d.FromOutcome, d.ToOutcome, d.Pair)}
	if same := v.Equivalents[strings.ToLower(d.Request.Host)]; len(same) > 0 {
		f.Message += fmt.Sprintf("; the same holds for %s with the same rules (%s)", pluralOf(len(same), "host", "hosts"), hostList(same))
	}
	after := lint.Related{Pos: d.To.Pos, Message: "answers after the migration"}
	if d.To.Object != "" {
		after.Message += " (" + d.To.Kind + " " + d.To.Object + ")"
	}
	switch b := d.From; {
	case b.Ingress != nil:
		o := lint.IngressObject(b.Ingress)
		f.Object, f.Pos = o.String(), b.Ingress.Source.Pos
		switch {
		case b.Rule >= 0 && b.PathIndex >= 0:
			f.Field = fmt.Sprintf("spec.rules[%d].http.paths[%d].path", b.Rule, b.PathIndex)
		case b.DefaultBackend:
			f.Field = "spec.defaultBackend"
		}
		if f.Field != "" {
			f.Pos = b.Ingress.Source.FieldPos(f.Field)
		}
		if after.Pos.Line > 0 && after.Pos != f.Pos {
			f.Related = append(f.Related, after)
		}
	case d.To.Pos.Line > 0:
		f.Pos, f.Object = d.To.Pos, d.To.Kind+" "+d.To.Object
	default:
		p := v.PairAt[d.Pair]
		f.Pos, f.Object = p.Pos, "Ingress "+p.Ingress
	}
	return f
}

// MigrationSARIF holds what the SARIF output needs beyond the report.
type MigrationSARIF struct {
	ToolVersion, SARIFRoot, WorkDir string
}

// WriteMigrationSARIF writes the report as a SARIF 2.1.0 log through the
// lint writer (MigrationLintResult).
func WriteMigrationSARIF(w io.Writer, rep MigrationReport, o MigrationSARIF) error {
	return WriteLintSARIF(w, LintReport{Result: MigrationLintResult(rep), FailOn: lint.Error, ToolVersion: o.ToolVersion, SARIFRoot: o.SARIFRoot, WorkDir: o.WorkDir})
}

// WriteMigrationJUnit writes the report as JUnit XML through the lint
// writer, titled with the command that made it: differences fail,
// translation findings and the behaviours not verified are listed
// without failing.
func WriteMigrationJUnit(w io.Writer, rep MigrationReport) error {
	return WriteLintJUnit(w, LintReport{Result: MigrationLintResult(rep), FailOn: lint.Error, Command: rep.command()})
}

// hostList names up to three hosts, and how many more.
func hostList(hosts []string) string {
	if len(hosts) <= 3 {
		return strings.Join(hosts, ", ")
	}
	return strings.Join(hosts[:3], ", ") + fmt.Sprintf(" and %d more", len(hosts)-3)
}
