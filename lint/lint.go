// Package lint checks Ingress manifests for what the API server rejects,
// what references nothing, what routes in surprising ways and what the
// controllers handle differently from what the manifest seems to say.
//
// A Rule is one literal in one rule_<id>.go file; the registry in
// registry.go lists them all. Run applies the enabled rules to a
// manifest.Set and returns positioned findings, with suppressions applied.
package lint

import (
	"fmt"
	"sort"
	"strings"

	"github.com/ingresskit/ingresskit/manifest"
)

// Severity ranks findings. The zero value is no severity.
type Severity int

// Severities, in increasing order.
const (
	Info Severity = iota + 1
	Warning
	Error
)

// Severities lists the severity names, in increasing order.
var Severities = []string{"info", "warning", "error"}

// String returns the lowercase name.
func (s Severity) String() string {
	if s >= Info && s <= Error {
		return Severities[s-1]
	}
	return fmt.Sprintf("severity(%d)", int(s))
}

// ParseSeverity parses info, warning or error.
func ParseSeverity(s string) (Severity, error) {
	for i, n := range Severities {
		if strings.EqualFold(s, n) {
			return Severity(i + 1), nil
		}
	}
	return 0, fmt.Errorf("unknown severity %q: use one of %s", s, strings.Join(Severities, ", "))
}

// MarshalText writes the name, so that JSON output reads "error".
func (s Severity) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// UnmarshalText reads the name.
func (s *Severity) UnmarshalText(b []byte) error {
	v, err := ParseSeverity(string(b))
	if err != nil {
		return err
	}
	*s = v
	return nil
}

// Rule is one check.
type Rule struct {
	// ID is kebab-case, stable forever and never reused.
	ID string
	// Severity is the default severity; configuration may override it.
	Severity Severity
	// Default rules run without --enable.
	Default bool
	// Summary is one sentence ending with a period.
	Summary string
	// Doc is markdown: why it matters, what to do, and the sources.
	Doc string
	// Check inspects the pass's Set and reports findings. It never
	// handles suppression: the engine does.
	Check func(p *Pass)
	// Fix, when set, rewrites one finding's file in place. It is set only
	// when the edit cannot change routing unexpectedly.
	Fix FixFunc
	// routing marks the rules that read the routing index
	// (shared.routes), which Run starts compiling before any rule.
	routing bool
	// nginxModel marks the rules that read the ingress-nginx model
	// (shared.nginxModel). They run with the routing rules, before the
	// others, and the models are dropped once they ran.
	nginxModel bool
}

// HelpURI is where the rule's generated page is published.
func (r *Rule) HelpURI() string { return DocsBaseURL + r.ID + ".md" }

// DocsBaseURL prefixes every rule's help URI.
const DocsBaseURL = "https://github.com/ingresskit/ingresskit/blob/main/docs/rules/"

// Related is a second location that explains a finding, such as the other
// side of a conflict.
type Related struct {
	Pos     manifest.Pos `json:"pos"`
	Message string       `json:"message"`
}

// Finding is one problem at one place.
type Finding struct {
	// Rule is the rule ID.
	Rule string `json:"rule"`
	// Severity is the effective severity.
	Severity Severity `json:"severity"`
	// Pos is the position of the offending field.
	Pos manifest.Pos `json:"pos"`
	// Field is the field path in API-server form
	// (spec.rules[0].http.paths[1].backend.service.port); empty for the
	// object as a whole.
	Field string `json:"field,omitempty"`
	// Object is Kind namespace/name (Ingress default/web).
	Object string `json:"object"`
	// Message says what is wrong and what to do.
	Message string `json:"message"`
	// Related lists other positions that explain the finding.
	Related []Related `json:"related,omitempty"`
	// Fixable reports whether --fix can repair it.
	Fixable bool `json:"fixable,omitempty"`
}

// String formats the finding as file:line:col: severity: message [rule].
func (f Finding) String() string {
	return fmt.Sprintf("%s: %s: %s [%s]", f.Pos, f.Severity, f.Message, f.Rule)
}

// SortFindings orders findings by file, line, column, rule and message.
func SortFindings(fs []Finding) {
	sort.SliceStable(fs, func(i, j int) bool {
		a, b := fs[i], fs[j]
		if a.Pos.File != b.Pos.File {
			return a.Pos.File < b.Pos.File
		}
		if a.Pos.Line != b.Pos.Line {
			return a.Pos.Line < b.Pos.Line
		}
		if a.Pos.Col != b.Pos.Col {
			return a.Pos.Col < b.Pos.Col
		}
		if a.Rule != b.Rule {
			return a.Rule < b.Rule
		}
		return a.Message < b.Message
	})
}
