package istio

import (
	"bufio"
	"bytes"
	"fmt"
	"net/http"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/ingresskit/ingresskit/internal/golden"
	"github.com/ingresskit/ingresskit/simulate"
	"github.com/ingresskit/ingresskit/simulate/internal/simtest"
)

// fixtureExpectation is one "# expect: <url> [-H 'Name: value'] [-X METHOD] -> <answer>"
// line of a fixture; the answer is the one answerOf gives.
type fixtureExpectation struct {
	line        int
	url, method string
	header      http.Header
	want        string
}

func readFixtureExpectations(t *testing.T, data []byte) []fixtureExpectation {
	t.Helper()
	var out []fixtureExpectation
	sc := bufio.NewScanner(bytes.NewReader(data))
	for n := 1; sc.Scan(); n++ {
		rest, ok := strings.CutPrefix(strings.TrimSpace(sc.Text()), "# expect: ")
		if !ok {
			continue
		}
		req, want, ok := strings.Cut(rest, " -> ")
		if !ok {
			t.Fatalf("line %d: expect line without ->", n)
		}
		e := fixtureExpectation{line: n, want: strings.TrimSpace(want), header: http.Header{}}
		fields := strings.Split(req, " -")
		e.url = strings.TrimSpace(fields[0])
		for _, f := range fields[1:] {
			switch {
			case strings.HasPrefix(f, "H "):
				name, value, ok := strings.Cut(strings.Trim(strings.TrimSpace(f[2:]), "'"), ":")
				if !ok {
					t.Fatalf("line %d: header %q is not Name: value", n, f)
				}
				e.header.Add(strings.TrimSpace(name), strings.TrimSpace(value))
			case strings.HasPrefix(f, "X "):
				e.method = strings.TrimSpace(f[2:])
			default:
				t.Fatalf("line %d: unknown option -%s", n, f)
			}
		}
		out = append(out, e)
	}
	return out
}

// answerOf is the one-line answer of an expect line: "redirect <code>
// <location>", "status <code>", "not served", or the backends as
// simulate.DescribeBackends writes them, with " rewrite <path>".
func answerOf(d simulate.Decision) string {
	switch {
	case d.Redirect != "":
		return fmt.Sprintf("redirect %d %s", d.RedirectCode, d.Redirect)
	case d.Status != 0:
		return fmt.Sprintf("status %d", d.Status)
	}
	s := simulate.DescribeBackends(d.Backends)
	if d.RewritePath != "" {
		s += " rewrite " + d.RewritePath
	}
	return s
}

// TestFixtures runs every fixture of testdata through the data plane of
// its one Gateway: each is transcribed from istio/istio's tests or
// written from istio.io's reference (cited at its top) and states its
// answers in expect lines; the full answers are kept as goldens.
func TestFixtures(t *testing.T) {
	files, err := filepath.Glob("testdata/*.yaml")
	if err != nil || len(files) == 0 {
		t.Fatalf("no fixtures: %v", err)
	}
	for _, f := range files {
		base := strings.TrimSuffix(filepath.Base(f), ".yaml")
		t.Run(base, func(t *testing.T) {
			set, data := simtest.LoadSet(t, f)
			planes := Build(set)
			if len(planes) != 1 {
				t.Fatalf("%d Gateways, want 1", len(planes))
			}
			exps := readFixtureExpectations(t, data)
			if len(exps) == 0 {
				t.Fatal("fixture has no expect lines")
			}
			var b strings.Builder
			for _, e := range exps {
				req, err := simulate.ParseRequest(e.url, e.header)
				if err != nil {
					t.Fatalf("line %d: %v", e.line, err)
				}
				req.Method = e.method
				got := "not served"
				d := simulate.Decision{}
				if planes[0].Serves(req) {
					d = planes[0].Lookup(req)
					got = answerOf(d)
				}
				if got != e.want {
					t.Errorf("line %d: %s:\n got  %s\n want %s\n notes: %q", e.line, e.url, got, e.want, d.Notes)
				}
				if planes[0].Serves(req) {
					explainAgrees(t, e.line, d, planes[0].Explain(req))
				}
				fmt.Fprintf(&b, "%s", e.url)
				for _, k := range sortedKeys(e.header) {
					fmt.Fprintf(&b, " -H '%s: %s'", k, e.header.Get(k))
				}
				fmt.Fprintf(&b, "\n  answer: %s\n", got)
				if raw := simulate.RequestPath(req.Path); d.NormalizedPath != "" && d.NormalizedPath != raw {
					fmt.Fprintf(&b, "  path: %s normalized to %s\n", raw, d.NormalizedPath)
				}
				if d.Object != "" {
					fmt.Fprintf(&b, "  by: %s %s rule %d match %d\n", d.Kind, d.Object, d.Rule, d.MatchIndex)
				}
				for _, wb := range d.Backends {
					if wb.Problem != "" {
						fmt.Fprintf(&b, "  unresolved: %s\n", wb.Problem)
					}
				}
				for _, m := range d.Mirrors {
					fmt.Fprintf(&b, "  mirror: %g%% to %s\n", m.Percent, simulate.DescribeBackends([]simulate.WeightedBackend{m.Backend}))
				}
				for _, n := range d.Notes {
					fmt.Fprintf(&b, "  note: %s\n", n)
				}
			}
			golden.Assert(t, []byte(b.String()), filepath.Join("testdata", base+".golden"))
		})
	}
}

func sortedKeys(h http.Header) []string {
	keys := make([]string, 0, len(h))
	for k := range h {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// explainAgrees checks that --explain tells the same story as the
// answer: the same answer, and exactly one candidate won, the route and
// match that answered, last in the list since later routes are not
// evaluated; none won when no route answered.
func explainAgrees(t *testing.T, line int, d, x simulate.Decision) {
	t.Helper()
	if answerOf(x) != answerOf(d) || x.Object != d.Object || x.Rule != d.Rule || x.MatchIndex != d.MatchIndex {
		t.Errorf("line %d: --explain answers %s by %s http[%d] match %d, the lookup %s by %s http[%d] match %d",
			line, answerOf(x), x.Object, x.Rule, x.MatchIndex, answerOf(d), d.Object, d.Rule, d.MatchIndex)
	}
	won := 0
	for i, c := range x.Candidates {
		if c.Reason != simulate.ReasonWon {
			if c.MatchIndex >= 0 {
				t.Errorf("line %d: candidate %d lost yet names match %d", line, i, c.MatchIndex)
			}
			continue
		}
		won++
		if c.Object != d.Object || c.Rule != d.Rule || c.MatchIndex != d.MatchIndex || i != len(x.Candidates)-1 {
			t.Errorf("line %d: candidate %d (%s http[%d] match %d) won, the answer is %s http[%d] match %d",
				line, i, c.Object, c.Rule, c.MatchIndex, d.Object, d.Rule, d.MatchIndex)
		}
	}
	if want := map[bool]int{true: 1, false: 0}[d.Matched && d.Kind == "VirtualService"]; won != want {
		t.Errorf("line %d: %d candidates won, want %d", line, won, want)
	}
}
