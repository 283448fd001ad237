package lint

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// DocsDir is where the generated rule pages live, relative to the module
// root.
const DocsDir = "docs/rules"

// FixtureDir returns the directory of a rule's fixtures, relative to the
// lint package: bad.yaml, good.yaml and bad.golden.
func FixtureDir(id string) string { return "testdata/rules/" + id }

// FormatFindings renders findings one per line as
// file:line:col: severity: message [rule], each followed by its field and
// related positions, indented. Fixture goldens and the rule pages use it.
func FormatFindings(fs []Finding) string {
	var b strings.Builder
	for _, f := range fs {
		b.WriteString(f.String())
		b.WriteByte('\n')
		if f.Field != "" {
			fmt.Fprintf(&b, "    field: %s\n", f.Field)
		}
		for _, r := range f.Related {
			fmt.Fprintf(&b, "    related: %s: %s\n", r.Pos, r.Message)
		}
	}
	return b.String()
}

// RenderDoc writes the markdown page of a rule from the registry entry
// and its fixtures: bad is the manifest that triggers it, findings what
// lint reports on it (FormatFindings, with paths naming bad.yaml), good the
// fixed manifest.
func RenderDoc(r *Rule, bad, findings, good []byte) []byte {
	var b bytes.Buffer
	yesNo := func(v bool) string {
		if v {
			return "yes"
		}
		return "no"
	}
	fmt.Fprintf(&b, "<!-- Generated from lint/rule_%s.go and lint/%s by `make docs`; do not edit. -->\n\n", strings.ReplaceAll(r.ID, "-", "_"), FixtureDir(r.ID))
	fmt.Fprintf(&b, "# %s\n\n%s\n\n", r.ID, r.Summary)
	fmt.Fprintf(&b, "| Severity | On by default | Fix |\n|---|---|---|\n| %s | %s | %s |\n\n", r.Severity, yesNo(r.Default), yesNo(r.Fix != nil))
	fmt.Fprintf(&b, "%s\n\n", strings.TrimSpace(r.Doc))
	fmt.Fprintf(&b, "## Example\n\nThis manifest (`bad.yaml`) triggers the rule:\n\n```yaml\n%s```\n\n", ensureNL(bad))
	fmt.Fprintf(&b, "`ingresskit lint -f bad.yaml` reports:\n\n```text\n%s```\n\n", ensureNL(findings))
	fmt.Fprintf(&b, "Fixed:\n\n```yaml\n%s```\n\n", ensureNL(good))
	if !r.Default {
		fmt.Fprintf(&b, "Turn the rule on with `ingresskit lint --enable %s`.\n\n", r.ID)
	}
	fmt.Fprintf(&b, "Suppress it for one object with the annotation `%s: %s`, or everywhere with `disable: [%s]` in `%s`.\n", IgnoreAnnotation, r.ID, r.ID, ConfigFile)
	return b.Bytes()
}

// Unregistered returns the rules whose findings come from outside the
// registry (the loader, Compare, the migration check), in ID order. The
// report formats list them when they ran, so they have pages too.
func Unregistered() []*Rule {
	return []*Rule{CompareRule, LoadErrorRule, MigrationDifferenceRule, MigrationTranslationRule, MigrationUnverifiedRule}
}

// UnregisteredSource names the file, relative to the lint package, that
// defines a rule outside the registry.
func UnregisteredSource(id string) string {
	switch id {
	case LoadErrorID:
		return "load_error.go"
	case CompareID:
		return "compare_rule.go"
	case MigrationDifferenceID, MigrationTranslationID, MigrationUnverifiedID:
		return "migration_rules.go"
	}
	return ""
}

// RenderUnregisteredDoc writes the page of a rule outside the registry:
// it has no fixtures, so the page is its summary and doc.
func RenderUnregisteredDoc(r *Rule, source string) []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "<!-- Generated from lint/%s by `make docs`; do not edit. -->\n\n", source)
	fmt.Fprintf(&b, "# %s\n\n%s\n\n", r.ID, r.Summary)
	fmt.Fprintf(&b, "Severity: %s. Reported outside the rule set: `--enable` and `--disable` do not select it.\n\n", r.Severity)
	fmt.Fprintf(&b, "%s\n", strings.TrimSpace(r.Doc))
	return b.Bytes()
}

// RenderIndex writes docs/rules/README.md: every rule with its severity
// and summary.
func RenderIndex(rules []*Rule) []byte {
	var b bytes.Buffer
	b.WriteString("<!-- Generated from lint/registry.go by `make docs`; do not edit. -->\n\n# Lint rules\n\n")
	b.WriteString("`ingresskit lint --list-rules` prints the same table.\n\n| Rule | Severity | Default | Fix | Summary |\n|---|---|---|---|---|\n")
	for _, r := range rules {
		def, fix := "", ""
		if r.Default {
			def = "yes"
		}
		if r.Fix != nil {
			fix = "yes"
		}
		fmt.Fprintf(&b, "| [%s](%s.md) | %s | %s | %s | %s |\n", r.ID, r.ID, r.Severity, def, fix, r.Summary)
	}
	b.WriteString("\nReported outside the rule set (not selected by `--enable` or `--disable`):\n\n| Rule | Severity | Summary |\n|---|---|---|\n")
	for _, r := range Unregistered() {
		fmt.Fprintf(&b, "| [%s](%s.md) | %s | %s |\n", r.ID, r.ID, r.Severity, r.Summary)
	}
	return b.Bytes()
}

func ensureNL(b []byte) []byte {
	if len(b) > 0 && b[len(b)-1] != '\n' {
		return append(append([]byte(nil), b...), '\n')
	}
	return b
}

// DocPage renders the page of a rule from its fixtures in fixtures (the
// directory FixtureDir names, as seen from the caller).
func DocPage(r *Rule, fixtures string) ([]byte, error) {
	var files [3][]byte
	for i, name := range []string{"bad.yaml", "bad.golden", "good.yaml"} {
		b, err := os.ReadFile(filepath.Join(fixtures, name))
		if err != nil {
			return nil, fmt.Errorf("rule %s: %w", r.ID, err)
		}
		files[i] = b
	}
	findings := strings.ReplaceAll(string(files[1]), FixtureDir(r.ID)+"/", "")
	return RenderDoc(r, files[0], []byte(findings), files[2]), nil
}
