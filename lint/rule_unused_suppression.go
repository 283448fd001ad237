package lint

var unusedSuppression = &Rule{
	ID:       "unused-suppression",
	Severity: Info,
	Default:  true,
	Summary:  "An ingresskit.dev/ignore annotation names a rule that finds nothing on the object, or no rule at all.",
	Doc: `The ` + "`ingresskit.dev/ignore: rule-a,rule-b`" + ` annotation suppresses the named
rules on the object that carries it. An entry that suppresses nothing is
stale (the problem was fixed) or misspelt, and would hide a future finding
for no reason. Entries for rules that did not run (disabled) are not
reported, since the run cannot tell.

**What to do:** remove the entry, or fix the rule ID
(` + "`ingresskit lint --list-rules`" + `).`,
	// The engine computes this rule after every other rule has run and the
	// suppressions are applied; see unusedSuppressions in engine.go.
	Check: func(*Pass) {},
}
