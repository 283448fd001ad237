package printer

import (
	"encoding/xml"
	"fmt"
	"io"
	"strings"

	"github.com/ingresskit/ingresskit/simulate"
)

// RouteTestSuite is the results of one route-test file.
type RouteTestSuite struct {
	// File is the route-test file.
	File string
	// Results are in file order.
	Results []simulate.RouteTestResult
}

// Counts returns how many tests ran and how many failed.
func (s RouteTestSuite) Counts() (tests, failures int) {
	for _, r := range s.Results {
		tests++
		if !r.Passed() {
			failures++
		}
	}
	return tests, failures
}

// RouteTestsText writes one line per test:
//
//	PASS  routes.yaml:4:3  http://example.com/foo -> default/service-foo:80
//	FAIL  routes.yaml:9:3  http://example.com/baz: answered by default/b:80, want default/c:80
func RouteTestsText(w io.Writer, s *Styles, suites []RouteTestSuite) error {
	var b strings.Builder
	for _, suite := range suites {
		for _, r := range suite.Results {
			if r.Passed() {
				fmt.Fprintf(&b, "%s  %s  %s -> %s\n", s.OK("PASS"), r.Test.Pos, r.Test.Name, simulate.DescribeBackend(r.Decision))
				continue
			}
			fmt.Fprintf(&b, "%s  %s  %s: %s\n", s.Error("FAIL"), r.Test.Pos, r.Test.Name, strings.Join(r.Failures, "; "))
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// RouteTestsTable writes the results as a table, for terminals.
func RouteTestsTable(w io.Writer, s *Styles, suites []RouteTestSuite) error {
	var rows [][]string
	for _, suite := range suites {
		for _, r := range suite.Results {
			status, detail := s.OK("PASS"), ""
			if !r.Passed() {
				status, detail = s.Error("FAIL"), strings.Join(r.Failures, "; ")
			}
			rows = append(rows, []string{status, r.Test.Name, simulate.DescribeBackend(r.Decision), detail, r.Test.Pos.String()})
		}
	}
	return Table(w, s, []string{"RESULT", "TEST", "ANSWER", "FAILURE", "SOURCE"}, rows)
}

// junitTestSuites is the JUnit XML document, in the shape CI systems
// read (testsuites > testsuite > testcase > failure), as kubeconform and
// other linters emit it.
type junitTestSuites struct {
	XMLName  xml.Name         `xml:"testsuites"`
	Name     string           `xml:"name,attr"`
	Tests    int              `xml:"tests,attr"`
	Failures int              `xml:"failures,attr"`
	Suites   []junitTestSuite `xml:"testsuite"`
}

type junitTestSuite struct {
	Name     string          `xml:"name,attr"`
	Tests    int             `xml:"tests,attr"`
	Failures int             `xml:"failures,attr"`
	Errors   int             `xml:"errors,attr"`
	Skipped  int             `xml:"skipped,attr"`
	Cases    []junitTestCase `xml:"testcase"`
}

type junitTestCase struct {
	Name      string        `xml:"name,attr"`
	ClassName string        `xml:"classname,attr"`
	File      string        `xml:"file,attr,omitempty"`
	Line      int           `xml:"line,attr,omitempty"`
	Failure   *junitFailure `xml:"failure"`
	SystemOut string        `xml:"system-out,omitempty"`
}

type junitFailure struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr"`
	Text    string `xml:",chardata"`
}

// RouteTestsJUnit writes the results as JUnit XML: one testsuite per
// route-test file, one testcase per test.
func RouteTestsJUnit(w io.Writer, suites []RouteTestSuite) error {
	doc := junitTestSuites{Name: "ingresskit test"}
	for _, suite := range suites {
		js := junitTestSuite{Name: suite.File}
		js.Tests, js.Failures = suite.Counts()
		doc.Tests += js.Tests
		doc.Failures += js.Failures
		for _, r := range suite.Results {
			tc := junitTestCase{Name: r.Test.Name, ClassName: suite.File, File: r.Test.Pos.File, Line: r.Test.Pos.Line,
				SystemOut: r.Test.URL + " -> " + simulate.DescribeBackend(r.Decision)}
			if !r.Passed() {
				tc.Failure = &junitFailure{Message: strings.Join(r.Failures, "; "), Type: "route",
					Text: fmt.Sprintf("%s: %s\n", r.Test.Pos, strings.Join(r.Failures, "\n"))}
			}
			js.Cases = append(js.Cases, tc)
		}
		doc.Suites = append(doc.Suites, js)
	}
	out, err := xml.MarshalIndent(doc, "", "  ")
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(w, "%s%s\n", xml.Header, out)
	return err
}
