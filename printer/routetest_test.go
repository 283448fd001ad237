package printer

import (
	"bytes"
	"os"
	"testing"

	"github.com/ingresskit/ingresskit/internal/golden"
	"github.com/ingresskit/ingresskit/simulate"
)

func routeSuites(t *testing.T) []RouteTestSuite {
	t.Helper()
	data, err := os.ReadFile("testdata/routetest.yaml")
	if err != nil {
		t.Fatal(err)
	}
	rt, err := simulate.ParseRouteTests("testdata/routetest.yaml", data)
	if err != nil {
		t.Fatal(err)
	}
	results, err := simulate.RunRouteTests(loadSet(t, "testdata/simulate.yaml"), rt, simulate.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return []RouteTestSuite{{File: rt.File, Results: results}}
}

func TestRouteTestsText(t *testing.T) {
	tests := []struct {
		name   string
		table  bool
		color  bool
		golden string
	}{
		{"pipe", false, false, "testdata/routetest.txt"},
		{"tty", true, false, "testdata/routetest.table.txt"},
		{"tty color", true, true, "testdata/routetest.color.txt"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			s := NewStyles(&buf, tt.color)
			var err error
			if tt.table {
				err = RouteTestsTable(&buf, s, routeSuites(t))
			} else {
				err = RouteTestsText(&buf, s, routeSuites(t))
			}
			if err != nil {
				t.Fatal(err)
			}
			golden.Assert(t, buf.Bytes(), tt.golden)
		})
	}
}

func TestRouteTestsJUnit(t *testing.T) {
	var buf bytes.Buffer
	suites := routeSuites(t)
	if n, f := suites[0].Counts(); n != 4 || f != 2 {
		t.Fatalf("%d tests, %d failures; want 4 and 2", n, f)
	}
	if err := RouteTestsJUnit(&buf, suites, 0); err != nil {
		t.Fatal(err)
	}
	golden.Assert(t, buf.Bytes(), "testdata/routetest.junit.xml")
}

func TestRouteTestsJSON(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteRouteTestsJSON(&buf, routeSuites(t)); err != nil {
		t.Fatal(err)
	}
	golden.Assert(t, buf.Bytes(), "testdata/routetest.json")
}
