package printer

import (
	"encoding/xml"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/ingresskit/ingresskit/lint"
)

// The JUnit XML that CI systems read (the Ant/Jenkins form, as
// printer/testdata/junit.xsd describes it): one testsuite per rule that
// ran, one testcase per object it found something on, and one failure per
// finding at or above --fail-on. Findings below it are listed in the
// testcase's system-out, so a report shows them without failing the build.
// A rule that found nothing is one passing testcase.

type junitTestSuites struct {
	XMLName  xml.Name         `xml:"testsuites"`
	Name     string           `xml:"name,attr"`
	Tests    int              `xml:"tests,attr"`
	Failures int              `xml:"failures,attr"`
	Errors   int              `xml:"errors,attr"`
	Suites   []junitTestSuite `xml:"testsuite"`
}

type junitTestSuite struct {
	Name     string          `xml:"name,attr"`
	Tests    int             `xml:"tests,attr"`
	Failures int             `xml:"failures,attr"`
	Errors   int             `xml:"errors,attr"`
	Cases    []junitTestCase `xml:"testcase"`
}

type junitTestCase struct {
	Name      string         `xml:"name,attr"`
	ClassName string         `xml:"classname,attr"`
	Failures  []junitFailure `xml:"failure"`
	SystemOut string         `xml:"system-out,omitempty"`
}

type junitFailure struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr"`
	Text    string `xml:",chardata"`
}

// WriteLintJUnit writes the findings as JUnit XML.
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
			tc := junitTestCase{Name: o, ClassName: r.ID}
			var out []string
			for _, f := range byRule[r.ID][o] {
				if f.Severity >= rep.FailOn {
					tc.Failures = append(tc.Failures, junitFailure{Message: f.Message, Type: f.Severity.String(), Text: f.String()})
				} else {
					out = append(out, f.String())
				}
			}
			tc.SystemOut = strings.Join(out, "\n")
			if len(tc.Failures) > 0 {
				suite.Failures++
			}
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
