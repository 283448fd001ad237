package lint

// CompareRule describes the findings of Compare for the report formats
// that list the rules that ran (SARIF, JUnit). It is not in the Registry:
// its findings come from Compare, not from a Check, so --enable and
// --disable do not select it and Run never reports it.
var CompareRule = &Rule{
	ID:       CompareID,
	Severity: Warning,
	Summary:  "A request routes differently under the controller in force and the one it is compared with.",
	Doc: `ingresskit lint --controller <name> --compare <other> sends requests made
from the rules themselves (each path, a path below it, a sibling of it, the
path in other letter case) through both controllers and reports every request
that one answers differently from the other: another backend, a redirect, or
no match. The finding sits on the path that answers under --controller.

**What to do:** before moving the Ingresses to the other controller, rewrite
the rules so that both answer alike (an explicit pathType, no regular
expressions, no reliance on redirects one controller adds), or accept the
difference with ingresskit.dev/ignore: controller-difference.`,
	Check: func(*Pass) {},
}
