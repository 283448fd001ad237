package simulate_test

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/ingresskit/ingresskit/simulate"
	"github.com/ingresskit/ingresskit/simulate/spec"
)

// expectLine is one "# expect:" comment of an example manifest:
//
//	# expect: http://example.com/foo -> default/service-foo:80
//	# expect: https://example.com/ -> default/service-foo:80 tls example-tls
//	# expect: https://test.com/ -> default/service-b:80 tls none
//	# expect: http://example.com/baz -> no match
//	# expect(gce): http://34.1.2.3/users/1 -> default/users-node-svc:80
type expectLine struct {
	line    int
	profile string // "" for the spec profile
	url     string
	want    string // "ns/svc:port", "no match"
	tls     string // "", "none" or a Secret name
}

var expectRE = regexp.MustCompile(`^#\s*expect(?:\(([a-z0-9-]+)\))?:\s*(\S+)\s*->\s*(no match|\S+)(?:\s+tls\s+(\S+))?\s*$`)

func readExpectations(t *testing.T, path string) []expectLine {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []expectLine
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		text := strings.TrimSpace(sc.Text())
		if !strings.HasPrefix(text, "# expect") {
			continue
		}
		m := expectRE.FindStringSubmatch(text)
		if m == nil {
			t.Errorf("%s:%d: cannot read expectation %q", path, n, text)
			continue
		}
		out = append(out, expectLine{line: n, profile: m[1], url: m[2], want: m[3], tls: m[4]})
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// describe formats a decision the way expectations are written.
func describe(d simulate.Decision) string {
	if !d.Matched {
		return "no match"
	}
	b := d.Backend
	if b.Service == nil {
		if b.Resource != nil {
			return fmt.Sprintf("%s/%s:%s", d.Ingress.Namespace, b.Resource.Kind, b.Resource.Name)
		}
		return "<no backend>"
	}
	port := b.Service.Port.Name
	if port == "" {
		port = fmt.Sprint(b.Service.Port.Number)
	}
	return fmt.Sprintf("%s/%s:%s", d.Ingress.Namespace, b.Service.Name, port)
}

// TestExampleExpectations checks every "# expect:" line of the example
// manifests in examples/ and, when present beside the repository,
// shared/examples. Lines for a profile ("# expect(gce):") run with that
// profile when it is registered.
func TestExampleExpectations(t *testing.T) {
	var files []string
	for _, dir := range []string{"../examples", "../../shared/examples"} {
		matches, err := filepath.Glob(filepath.Join(dir, "*.yaml"))
		if err != nil {
			t.Fatal(err)
		}
		if len(matches) == 0 {
			t.Logf("no example manifests in %s", dir)
		}
		files = append(files, matches...)
	}
	checked := 0
	for _, file := range files {
		exps := readExpectations(t, file)
		if len(exps) == 0 {
			continue
		}
		set := load(t, file)
		for _, e := range exps {
			name := fmt.Sprintf("%s:%d", filepath.Base(file), e.line)
			t.Run(name, func(t *testing.T) {
				var p simulate.Profile = spec.Profile{}
				if e.profile != "" {
					var ok bool
					if p, ok = simulate.ProfileByName(e.profile); !ok {
						t.Logf("%s:%d: no %q profile is registered; expectation %s -> %s not checked",
							file, e.line, e.profile, e.url, e.want)
						return
					}
				}
				ix, err := simulate.Compile(set, simulate.Options{Profile: p})
				if err != nil {
					t.Fatal(err)
				}
				req, err := simulate.ParseRequest(e.url, nil)
				if err != nil {
					t.Fatal(err)
				}
				d := ix.Lookup(req)
				if got := describe(d); got != e.want {
					t.Errorf("%s:%d: %s -> %s, want %s", file, e.line, e.url, got, e.want)
				}
				if e.tls != "" {
					got := "none"
					if d.TLS != nil {
						got = d.TLS.SecretName
					}
					if got != e.tls {
						t.Errorf("%s:%d: %s: tls %s, want %s", file, e.line, e.url, got, e.tls)
					}
				}
			})
			checked++
		}
	}
	if checked == 0 {
		t.Fatal("no expectation found in the example manifests")
	}
}
