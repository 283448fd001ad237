package simulate_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/ingresskit/ingresskit/internal/golden"
	"github.com/ingresskit/ingresskit/simulate"
	"github.com/ingresskit/ingresskit/simulate/internal/simtest"
)

// TestCompare runs the migration check over fixtures whose behaviour
// differs between profiles, and keeps every reported difference as a
// golden file.
func TestCompare(t *testing.T) {
	tests := []struct {
		name     string
		fixture  string
		from, to string
		// mustDiffer are probe URLs that must be reported.
		mustDiffer []string
	}{
		{"nginx regex host against spec", "nginx-path-priority", "nginx", "spec",
			[]string{"http://test.com/FOO/BAR/", "http://test.com/foo/barprobe"}},
		{"nginx plain paths against spec", "nginx-paths", "nginx", "spec",
			[]string{"http://paths.example/docs", "http://strict.example/ok"}},
		{"gce globs against spec", "gce-paths", "gce", "spec",
			[]string{"http://probe.invalid/static/abc/x.css", "http://probe.invalid/users/probe"}},
		{"alb priority against spec", "alb-priority", "alb", "spec",
			[]string{"http://api.example.com/v1"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			set, _ := simtest.LoadSet(t, "testdata/controllers/"+tt.fixture+".yaml")
			from, err := simulate.ParseProfile(tt.from)
			if err != nil {
				t.Fatal(err)
			}
			to, err := simulate.ParseProfile(tt.to)
			if err != nil {
				t.Fatal(err)
			}
			diffs, err := simulate.Compare(set, from, to, simulate.CompareOptions{})
			if err != nil {
				t.Fatal(err)
			}
			got := map[string]bool{}
			var b strings.Builder
			for _, d := range diffs {
				got[d.Request.String()] = true
				if d.FromOutcome == d.ToOutcome {
					t.Errorf("%s reported with equal outcomes %s", d.Request, d.FromOutcome)
				}
				fmt.Fprintf(&b, "%s\n  %s: %s\n  %s: %s\n", d.Request, tt.from, d.FromOutcome, tt.to, d.ToOutcome)
			}
			for _, u := range tt.mustDiffer {
				if !got[u] {
					t.Errorf("%s not reported as routed differently; got:\n%s", u, b.String())
				}
			}
			golden.Assert(t, []byte(b.String()), "testdata/controllers/compare-"+tt.fixture+"."+tt.from+"-"+tt.to+".golden")
		})
	}
}

// TestCompareSameProfile reports nothing when a profile is compared with
// itself.
func TestCompareSameProfile(t *testing.T) {
	set, _ := simtest.LoadSet(t, "testdata/controllers/nginx-canary.yaml")
	p, _ := simulate.ParseProfile("nginx")
	diffs, err := simulate.Compare(set, p, p, simulate.CompareOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(diffs) != 0 {
		t.Errorf("nginx against nginx: %d differences, first %s", len(diffs), diffs[0].Request)
	}
	if _, err := simulate.Compare(nil, p, p, simulate.CompareOptions{}); err == nil {
		t.Error("Compare(nil set) did not fail")
	}
}

func TestProbePaths(t *testing.T) {
	got := simulate.ProbePaths("/foo/bar/(.+)")
	want := []string{"/foo/bar/(.+)", "/foo/bar", "/foo/bar/", "/foo/bar/probe", "/foo/barprobe", "/FOO/BAR/", "/foo/bar/abc/x.css"}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("probePaths = %q, want %q", got, want)
	}
}

// TestPlainLocation checks that the shortcut of normalLocation gives what
// the full normalization gives, and takes only the Locations it can.
func TestPlainLocation(t *testing.T) {
	for _, loc := range []string{"https://A.example.com/x/y", "https://a.example.com/x?b=1&c=/d", "http://h/",
		"https://h:8443/a/b/", "https://h/a?", "https://h/a.b/c", "HTTPS://H.Example/P"} {
		n, ok := simulate.PlainLocation(loc)
		if !ok {
			t.Errorf("%s: not taken", loc)
			continue
		}
		if full := simulate.ParseLocation(loc); n != full {
			t.Errorf("%s: shortcut %q, full %q", loc, n, full)
		}
	}
	for _, loc := range []string{"https://h", "https://h/a/./b", "https://h//a", "https://h/%61", "https://h/a#f", "/relative", "https://u@h/a", "https://[::1]/a"} {
		if n, ok := simulate.PlainLocation(loc); ok {
			t.Errorf("%s: taken as %q", loc, n)
		}
	}
}
