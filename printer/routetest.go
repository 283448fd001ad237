package printer

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"

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

// RouteTestsJUnit writes the results as JUnit XML: one testsuite per
// route-test file, one testcase per test. elapsed is the time of the whole
// run, written on the testsuites element; the tests are not timed one by
// one, so their time is 0. The position of a failing test leads its
// failure message, since the Jenkins schema has no file or line attribute.
func RouteTestsJUnit(w io.Writer, suites []RouteTestSuite, elapsed time.Duration) error {
	doc := junitTestSuites{Name: "ingresskit test", Time: junitSeconds(elapsed)}
	for _, suite := range suites {
		js := junitTestSuite{Name: suite.File, Time: junitSeconds(0)}
		js.Tests, js.Failures = suite.Counts()
		doc.Tests += js.Tests
		doc.Failures += js.Failures
		for _, r := range suite.Results {
			tc := junitTestCase{Name: r.Test.Name, ClassName: suite.File, Time: junitSeconds(0),
				SystemOut: r.Test.URL + " -> " + simulate.DescribeBackend(r.Decision)}
			if !r.Passed() {
				tc.Failure = &junitFailure{Message: fmt.Sprintf("%s: %s", r.Test.Pos, strings.Join(r.Failures, "; ")), Type: "route",
					Text: fmt.Sprintf("%s: %s\n", r.Test.Pos, strings.Join(r.Failures, "\n"))}
			}
			js.Cases = append(js.Cases, tc)
		}
		doc.Suites = append(doc.Suites, js)
	}
	return writeJUnit(w, doc)
}

// RouteTestsJSON is the document test -o json writes.
type RouteTestsJSON struct {
	// Files are the route-test files in the order given.
	Files []RouteTestFileJSON `json:"files"`
	// Summary counts the tests of every file.
	Summary RouteTestSummaryJSON `json:"summary"`
}

// RouteTestFileJSON is the results of one route-test file.
type RouteTestFileJSON struct {
	File  string          `json:"file"`
	Tests []RouteTestJSON `json:"tests"`
}

// RouteTestJSON is the result of one route test.
type RouteTestJSON struct {
	Name   string `json:"name"`
	URL    string `json:"url"`
	File   string `json:"file"`
	Line   int    `json:"line"`
	Column int    `json:"column"`
	Passed bool   `json:"passed"`
	// Answer is what the engine answered, as the text output says it.
	Answer string `json:"answer"`
	// Failures say what differs; empty when the test passed.
	Failures []string `json:"failures"`
}

// RouteTestSummaryJSON counts the tests.
type RouteTestSummaryJSON struct {
	Tests    int `json:"tests"`
	Failures int `json:"failures"`
	// Passed is true when every test passed.
	Passed bool `json:"passed"`
}

// RouteTestsJSONDoc returns the document of WriteRouteTestsJSON.
func RouteTestsJSONDoc(suites []RouteTestSuite) RouteTestsJSON {
	doc := RouteTestsJSON{Files: []RouteTestFileJSON{}}
	for _, suite := range suites {
		f := RouteTestFileJSON{File: suite.File, Tests: []RouteTestJSON{}}
		for _, r := range suite.Results {
			failures := r.Failures
			if failures == nil {
				failures = []string{}
			}
			f.Tests = append(f.Tests, RouteTestJSON{Name: r.Test.Name, URL: r.Test.URL, File: r.Test.Pos.File,
				Line: r.Test.Pos.Line, Column: r.Test.Pos.Col, Passed: r.Passed(),
				Answer: simulate.DescribeBackend(r.Decision), Failures: failures})
		}
		n, failed := suite.Counts()
		doc.Summary.Tests += n
		doc.Summary.Failures += failed
		doc.Files = append(doc.Files, f)
	}
	doc.Summary.Passed = doc.Summary.Failures == 0
	return doc
}

// WriteRouteTestsJSON writes the results as one JSON document (test -o
// json; docs/schema/test.json).
func WriteRouteTestsJSON(w io.Writer, suites []RouteTestSuite) error {
	b, err := json.MarshalIndent(RouteTestsJSONDoc(suites), "", "  ")
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(w, "%s\n", b)
	return err
}
