package printer

import (
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/ingresskit/ingresskit/lint"
)

// WriteLintJUnit writes the findings as JUnit XML that validates against
// the Jenkins junit-4 schema (junit.go): one testsuite per rule that ran,
// one testcase per object the rule found something on, failing when a
// finding is at or above --fail-on. The failure's message is the first
// such finding with its file:line:col, and its text lists every one;
// findings below --fail-on go to system-out, so a report shows them
// without failing the build. Input that could not be read (load-error) is
// an error, not a failure, as JUnit tells a test that could not run from
// one that failed. A rule that found nothing is one passing testcase. The
// rules run together, so only the whole run is timed (rep.Elapsed, on
// testsuites); suites and cases have time 0.
func WriteLintJUnit(w io.Writer, rep LintReport) error {
	byRule := map[string]map[string][]lint.Finding{}
	for _, f := range rep.Result.Findings {
		if byRule[f.Rule] == nil {
			byRule[f.Rule] = map[string][]lint.Finding{}
		}
		byRule[f.Rule][f.Object] = append(byRule[f.Rule][f.Object], f)
	}
	name := rep.Command
	if name == "" {
		name = "ingresskit lint"
	}
	doc := junitTestSuites{Name: name, Time: junitSeconds(rep.Elapsed)}
	for _, r := range rep.Result.Rules {
		suite := junitTestSuite{Name: r.ID, Time: junitSeconds(0)}
		objs := make([]string, 0, len(byRule[r.ID]))
		for o := range byRule[r.ID] {
			objs = append(objs, o)
		}
		sort.Strings(objs)
		if len(objs) == 0 {
			suite.Cases = append(suite.Cases, junitTestCase{Name: r.Summary, ClassName: r.ID, Time: junitSeconds(0)})
		}
		for _, o := range objs {
			fs := byRule[r.ID][o]
			tc := junitTestCase{Name: o, ClassName: r.ID, Time: junitSeconds(0)}
			var failing, below []string
			var first *lint.Finding
			for i := range fs {
				if fs[i].Severity >= rep.FailOn {
					failing = append(failing, fs[i].String())
					if first == nil {
						first = &fs[i]
					}
				} else {
					below = append(below, fs[i].String())
				}
			}
			if first != nil {
				msg := first.Pos.String() + ": " + first.Message
				if len(failing) > 1 {
					msg = fmt.Sprintf("%s (and %d more)", msg, len(failing)-1)
				}
				f := &junitFailure{Message: msg, Type: first.Severity.String(), Text: strings.Join(failing, "\n")}
				if r.ID == lint.LoadErrorID {
					f.Type = lint.LoadErrorID
					tc.Error = f
					suite.Errors++
				} else {
					tc.Failure = f
					suite.Failures++
				}
			}
			tc.SystemOut = strings.Join(below, "\n")
			suite.Cases = append(suite.Cases, tc)
		}
		suite.Tests = len(suite.Cases)
		doc.Tests += suite.Tests
		doc.Failures += suite.Failures
		doc.Errors += suite.Errors
		doc.Suites = append(doc.Suites, suite)
	}
	return writeJUnit(w, doc)
}
