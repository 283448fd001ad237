package printer

import (
	"encoding/xml"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/ingresskit/ingresskit/lint"
)

// WriteLintJUnit writes the findings as JUnit XML, in the shape
// printer/testdata/junit.xsd describes (the types are shared with
// RouteTestsJUnit): one testsuite per rule that ran, one testcase per
// object the rule found something on, failing when a finding is at or
// above --fail-on. The failure lists every such finding; findings below
// --fail-on go to system-out, so a report shows them without failing the
// build. A rule that found nothing is one passing testcase.
func WriteLintJUnit(w io.Writer, rep LintReport) error {
	byRule := map[string]map[string][]lint.Finding{}
	for _, f := range rep.Result.Findings {
		if byRule[f.Rule] == nil {
			byRule[f.Rule] = map[string][]lint.Finding{}
		}
		byRule[f.Rule][f.Object] = append(byRule[f.Rule][f.Object], f)
	}
	doc := junitTestSuites{Name: "ingresskit lint"}
	for _, r := range rep.Result.Rules {
		suite := junitTestSuite{Name: r.ID}
		objs := make([]string, 0, len(byRule[r.ID]))
		for o := range byRule[r.ID] {
			objs = append(objs, o)
		}
		sort.Strings(objs)
		if len(objs) == 0 {
			suite.Cases = append(suite.Cases, junitTestCase{Name: r.Summary, ClassName: r.ID})
		}
		for _, o := range objs {
			fs := byRule[r.ID][o]
			tc := junitTestCase{Name: o, ClassName: r.ID, File: fs[0].Pos.File, Line: fs[0].Pos.Line}
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
				msg := first.Message
				if len(failing) > 1 {
					msg = fmt.Sprintf("%s (and %d more)", msg, len(failing)-1)
				}
				tc.Failure = &junitFailure{Message: msg, Type: first.Severity.String(), Text: strings.Join(failing, "\n")}
				suite.Failures++
			}
			tc.SystemOut = strings.Join(below, "\n")
			suite.Cases = append(suite.Cases, tc)
		}
		suite.Tests = len(suite.Cases)
		doc.Tests += suite.Tests
		doc.Failures += suite.Failures
		doc.Suites = append(doc.Suites, suite)
	}
	b, err := xml.MarshalIndent(doc, "", "  ")
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(w, "%s%s\n", xml.Header, b)
	return err
}
