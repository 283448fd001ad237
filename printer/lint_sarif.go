package printer

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/url"
	"path/filepath"
	"strings"

	"github.com/ingresskit/ingresskit/lint"
	"github.com/ingresskit/ingresskit/manifest"
)

// The SARIF 2.1.0 subset ingresskit writes (OASIS, "Static Analysis
// Results Interchange Format (SARIF) Version 2.1.0", sections 3.13 run,
// 3.19 toolComponent, 3.49 reportingDescriptor, 3.27 result, 3.28
// location, 3.30 region). Every result carries the line and column of the
// offending field, not of the object.

type sarifLog struct {
	Schema  string     `json:"$schema"`
	Version string     `json:"version"`
	Runs    []sarifRun `json:"runs"`
}

type sarifRun struct {
	Tool        sarifTool         `json:"tool"`
	Invocations []sarifInvocation `json:"invocations"`
	Results     []sarifResult     `json:"results"`
	ColumnKind  string            `json:"columnKind"`
}

// sarifInvocation is section 3.20: executionSuccessful is false when some
// input could not be read, so a consumer does not take the run for a
// clean one.
type sarifInvocation struct {
	ExecutionSuccessful bool `json:"executionSuccessful"`
}

type sarifTool struct {
	Driver sarifDriver `json:"driver"`
}

type sarifDriver struct {
	Name           string      `json:"name"`
	InformationURI string      `json:"informationUri"`
	Version        string      `json:"version,omitempty"`
	Rules          []sarifRule `json:"rules"`
}

type sarifText struct {
	Text     string `json:"text"`
	Markdown string `json:"markdown,omitempty"`
}

type sarifRule struct {
	ID                   string          `json:"id"`
	Name                 string          `json:"name"`
	ShortDescription     sarifText       `json:"shortDescription"`
	FullDescription      sarifText       `json:"fullDescription"`
	Help                 sarifText       `json:"help"`
	HelpURI              string          `json:"helpUri"`
	DefaultConfiguration sarifRuleConfig `json:"defaultConfiguration"`
	Properties           map[string]any  `json:"properties,omitempty"`
}

type sarifRuleConfig struct {
	Level string `json:"level"`
}

type sarifResult struct {
	RuleID           string          `json:"ruleId"`
	RuleIndex        int             `json:"ruleIndex"`
	Level            string          `json:"level"`
	Message          sarifText       `json:"message"`
	Locations        []sarifLocation `json:"locations"`
	RelatedLocations []sarifLocation `json:"relatedLocations,omitempty"`
	// PartialFingerprints (section 3.27.17) let code scanning follow a
	// finding across commits that move its line.
	PartialFingerprints map[string]string `json:"partialFingerprints"`
	Properties          map[string]any    `json:"properties,omitempty"`
}

type sarifLocation struct {
	ID               *int                   `json:"id,omitempty"`
	PhysicalLocation sarifPhysical          `json:"physicalLocation"`
	LogicalLocations []sarifLogicalLocation `json:"logicalLocations,omitempty"`
	Message          *sarifText             `json:"message,omitempty"`
}

type sarifPhysical struct {
	ArtifactLocation sarifArtifact `json:"artifactLocation"`
	Region           *sarifRegion  `json:"region,omitempty"`
}

type sarifArtifact struct {
	URI       string `json:"uri"`
	URIBaseID string `json:"uriBaseId,omitempty"`
}

type sarifRegion struct {
	StartLine   int `json:"startLine"`
	StartColumn int `json:"startColumn,omitempty"`
}

type sarifLogicalLocation struct {
	FullyQualifiedName string `json:"fullyQualifiedName"`
	Kind               string `json:"kind"`
}

// sarifSchema is the schema URI GitHub code scanning and the SARIF
// validators recognise for 2.1.0.
const sarifSchema = "https://json.schemastore.org/sarif-2.1.0.json"

// sarifLevel maps severities to SARIF levels (section 3.27.10: error,
// warning, note).
func sarifLevel(s lint.Severity) string {
	switch s {
	case lint.Error:
		return "error"
	case lint.Warning:
		return "warning"
	}
	return "note"
}

// sarifURI turns a file name into a URI reference. With a root, a file
// inside it is relative to the root (%SRCROOT%), as GitHub code scanning
// needs to place it in the repository ("SARIF support for code scanning",
// artifactLocation.uri: relative to the root of the repository), and a
// file outside it is a file URI; without one, relative paths stay
// relative. Standard input is named "stdin".
func sarifURI(file, root, wd string) sarifArtifact {
	if file == "<stdin>" || file == "" {
		return sarifArtifact{URI: "stdin"}
	}
	abs := file
	if root != "" {
		if !filepath.IsAbs(abs) {
			abs = filepath.Join(wd, abs)
		}
		abs = filepath.Clean(abs)
		file = abs
		if rel, err := filepath.Rel(root, abs); err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
			file = rel
		}
	}
	if filepath.IsAbs(file) {
		return sarifArtifact{URI: (&url.URL{Scheme: "file", Path: filepath.ToSlash(file)}).String()}
	}
	return sarifArtifact{URI: (&url.URL{Path: filepath.ToSlash(file)}).String(), URIBaseID: "%SRCROOT%"}
}

// sarifFingerprint identifies a finding without its line and column: the
// rule, the file, the object, the field and the message. Two identical
// findings on one field share it, which code scanning accepts.
func sarifFingerprint(f lint.Finding, uri string) map[string]string {
	h := sha256.New()
	for _, part := range []string{f.Rule, uri, f.Object, f.Field, f.Message} {
		h.Write([]byte(part))
		h.Write([]byte{0})
	}
	return map[string]string{"ingresskitFinding/v1": hex.EncodeToString(h.Sum(nil))}
}

// SARIFResultLimit is how many results of a run GitHub code scanning
// keeps: "only the top 5,000 results will be included, prioritized by
// severity" (docs.github.com, "SARIF support for code scanning",
// "Limits on uploading SARIF data").
const SARIFResultLimit = 5000

func (rep LintReport) sarifPhysicalLocation(p manifest.Pos) sarifPhysical {
	loc := sarifPhysical{ArtifactLocation: sarifURI(p.File, rep.SARIFRoot, rep.WorkDir)}
	if p.Line > 0 {
		loc.Region = &sarifRegion{StartLine: p.Line, StartColumn: p.Col}
	}
	return loc
}

// ruleName turns a kebab-case ID into the PascalCase name SARIF viewers
// show (section 3.49.7).
func ruleName(id string) string {
	var b strings.Builder
	for _, part := range strings.Split(id, "-") {
		if part != "" {
			b.WriteString(strings.ToUpper(part[:1]) + part[1:])
		}
	}
	return b.String()
}

// WriteLintSARIF writes a SARIF 2.1.0 log with one run: the rules that
// ran, with their summaries, docs and help URIs, and every finding.
func WriteLintSARIF(w io.Writer, rep LintReport) error {
	rules := rep.Result.Rules
	index := map[string]int{}
	driver := sarifDriver{Name: "ingresskit", InformationURI: "https://github.com/ingresskit/ingresskit", Version: rep.ToolVersion, Rules: []sarifRule{}}
	for i, r := range rules {
		index[r.ID] = i
		driver.Rules = append(driver.Rules, sarifRule{
			ID: r.ID, Name: ruleName(r.ID),
			ShortDescription:     sarifText{Text: r.Summary},
			FullDescription:      sarifText{Text: r.Summary},
			Help:                 sarifText{Text: r.Summary + " See " + r.HelpURI(), Markdown: strings.TrimSpace(r.Doc)},
			HelpURI:              r.HelpURI(),
			DefaultConfiguration: sarifRuleConfig{Level: sarifLevel(r.Severity)},
		})
	}
	run := sarifRun{Tool: sarifTool{Driver: driver}, Invocations: []sarifInvocation{{ExecutionSuccessful: true}},
		Results: []sarifResult{}, ColumnKind: "unicodeCodePoints"}
	for _, f := range rep.Result.Findings {
		if f.Rule == lint.LoadErrorID {
			run.Invocations[0].ExecutionSuccessful = false
		}
		res := sarifResult{
			RuleID: f.Rule, RuleIndex: index[f.Rule], Level: sarifLevel(f.Severity),
			Message: sarifText{Text: f.Message},
			Locations: []sarifLocation{{
				PhysicalLocation: rep.sarifPhysicalLocation(f.Pos),
				LogicalLocations: []sarifLogicalLocation{{FullyQualifiedName: f.Object, Kind: "object"}},
			}},
		}
		res.PartialFingerprints = sarifFingerprint(f, res.Locations[0].PhysicalLocation.ArtifactLocation.URI)
		if f.Field != "" {
			res.Properties = map[string]any{"field": f.Field}
		}
		for i, r := range f.Related {
			id := i
			res.RelatedLocations = append(res.RelatedLocations, sarifLocation{ID: &id, PhysicalLocation: rep.sarifPhysicalLocation(r.Pos), Message: &sarifText{Text: r.Message}})
		}
		if _, ok := index[f.Rule]; !ok {
			return fmt.Errorf("finding of rule %s, which did not run", f.Rule)
		}
		run.Results = append(run.Results, res)
	}
	b, err := json.MarshalIndent(sarifLog{Schema: sarifSchema, Version: "2.1.0", Runs: []sarifRun{run}}, "", "  ")
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(w, "%s\n", b)
	return err
}
