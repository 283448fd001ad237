package simulate_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	networkingv1 "k8s.io/api/networking/v1"

	"github.com/ingresskit/ingresskit/manifest"
	"github.com/ingresskit/ingresskit/simulate"
	"github.com/ingresskit/ingresskit/simulate/internal/simtest"
	"github.com/ingresskit/ingresskit/simulate/spec"
)

// testProfile exercises the Profile hooks the spec profile leaves
// unused: a custom matcher (an ImplementationSpecific path ending in
// "*" matches every path that starts with the rest), no fall-through,
// and an Ingress order other than oldest first.
type testProfile struct {
	spec.Profile
	noFallThrough bool
}

func (testProfile) Name() string        { return "test" }
func (p testProfile) FallThrough() bool { return !p.noFallThrough }
func (testProfile) Less(a, b *manifest.Ingress) bool {
	return a.Key() > b.Key()
}

func (p testProfile) PathMatch(ing *manifest.Ingress, rule int, hp networkingv1.HTTPIngressPath) (simulate.PathMatch, bool, string) {
	if (hp.PathType == nil || *hp.PathType == networkingv1.PathTypeImplementationSpecific) && strings.HasSuffix(hp.Path, "*") {
		stem := strings.TrimSuffix(hp.Path, "*")
		return simulate.PathMatch{Kind: simulate.MatchCustom, Path: hp.Path, Length: len(stem),
			Match: func(path string) bool { return strings.HasPrefix(path, stem) }, Note: "glob"}, true, ""
	}
	return p.Profile.PathMatch(ing, rule, hp)
}

// FuzzLookup checks that the index agrees with refLookup, the linear
// reference implementation written from the specification, on random
// rule sets and requests, for the spec profile and for testProfile.
func FuzzLookup(f *testing.F) {
	// an exact host with a Prefix and an Exact path
	f.Add([]byte{0, 0, 0, 0, 0, 1, 1, 0, 2, 2, 1, 2, 2}, "a.test", "/a/b", false, uint8(0))
	// a wildcard host against a two-label subdomain
	f.Add([]byte{1, 0, 1, 1, 0, 1, 3, 1, 0, 2, 1, 5, 0, 2, 2, 0}, "x.b.a.test", "/a", true, uint8(0))
	// the same path in two Ingresses with different timestamps: a conflict
	f.Add([]byte{1, 0, 2, 1, 0, 0, 1, 1, 1, 2, 1, 1, 0, 3, 1, 0, 0, 1, 1, 1, 2, 2}, "a.test", "/a/x", false, uint8(0))
	// dot segments and escapes in the request
	f.Add([]byte{0, 0, 0, 0, 0, 1, 1, 0, 3, 2, 0}, "A.TEST:8080", "/b/../a/%62?q=1", true, uint8(0))
	// a defaultBackend and no matching rule
	f.Add([]byte{0, 0, 1, 0, 0, 0, 1, 1, 4, 1, 0}, "c.test", "/zzz", false, uint8(0))
	// a glob path of the test profile beside a Prefix path
	f.Add([]byte{0, 0, 0, 0, 0, 2, 1, 0, 2, 14, 3, 1, 1, 2, 0}, "a.test", "/a/x", false, uint8(1))
	// no fall-through: an exact host with rules hides the catch-all
	f.Add([]byte{0, 0, 0, 0, 0, 2, 1, 0, 1, 1, 2, 0, 0, 0, 1, 0, 2, 0}, "a.test", "/zzz", false, uint8(2))
	// TLS entries without hosts and with a wildcard
	f.Add([]byte{1, 0, 1, 1, 0, 2, 0, 1, 1, 1, 3, 1, 1, 1, 1, 0, 2, 0, 0, 2, 0, 1, 1, 1, 2, 1}, "b.test", "/", true, uint8(0))
	f.Fuzz(func(t *testing.T, rules []byte, host, path string, https bool, profile uint8) {
		ings := simtest.FuzzIngresses(rules)
		var p simulate.Profile = spec.Profile{}
		switch profile % 3 {
		case 1:
			p = testProfile{}
		case 2:
			p = testProfile{noFallThrough: true}
		}
		ix, err := simulate.Compile(&manifest.Set{Ingresses: ings}, simulate.Options{Profile: p})
		if err != nil {
			t.Fatal(err)
		}
		req := simulate.Request{Scheme: "http", Host: host, Path: path}
		if https {
			req.Scheme = "https"
		}
		d := ix.Lookup(req)
		got := refAnswer{Matched: d.Matched, DefaultBackend: d.DefaultBackend, Rule: d.Rule, Path: d.PathIndex,
			NormalizedPath: d.NormalizedPath, TLSIndex: -1}
		if d.Ingress != nil {
			got.Ingress = d.Ingress.Key()
		}
		if d.TLS != nil {
			got.TLSIngress, got.TLSIndex = d.TLS.Ingress.Key(), d.TLS.Index
		}
		want := refLookup(ings, p, req)
		if diff := cmp.Diff(want, got); diff != "" {
			t.Fatalf("index and reference disagree for %s %q %q (-reference +index):\n%s", req.Scheme, host, path, diff)
		}
		e := ix.Explain(req)
		won := 0
		for _, c := range e.Candidates {
			if c.Reason == simulate.ReasonWon {
				won++
			}
		}
		if (won == 1) != d.Matched || won > 1 {
			t.Fatalf("explain: %d winners for a decision with matched=%v", won, d.Matched)
		}
		e.Candidates = nil
		if diff := cmp.Diff(d, e, cmp.Comparer(func(a, b simulate.PathMatch) bool {
			return a.Kind == b.Kind && a.Path == b.Path && a.Length == b.Length
		}), cmp.Comparer(func(a, b *manifest.Ingress) bool { return a == b })); diff != "" {
			t.Fatalf("explain answers differently from lookup:\n%s", diff)
		}
	})
}

// FuzzNormalizePath checks the properties of NormalizePath: the result
// is absolute, has no empty, "." or ".." segment, no escaped unreserved
// character, and normalizing it again changes nothing.
func FuzzNormalizePath(f *testing.F) {
	f.Add("/users/../admin")    // climbing out of a directory
	f.Add("/%2e%2e/%2E./admin") // escaped dots
	f.Add("//a///b/")           // duplicate slashes
	f.Add("/a/%2f/%7e%41")      // an escaped slash stays, unreserved escapes decode
	f.Add("relative/./path")    // no leading slash
	f.Add("/%zz/%4")            // broken escapes stay as they are
	f.Add("/..")                // above the root
	f.Fuzz(func(t *testing.T, in string) {
		out := simulate.NormalizePath(in)
		if !strings.HasPrefix(out, "/") {
			t.Fatalf("NormalizePath(%q) = %q: not absolute", in, out)
		}
		if again := simulate.NormalizePath(out); again != out {
			t.Fatalf("NormalizePath(%q) = %q, but NormalizePath(%q) = %q", in, out, out, again)
		}
		if strings.Contains(out, "//") {
			t.Fatalf("NormalizePath(%q) = %q: duplicate slash", in, out)
		}
		for _, seg := range strings.Split(out, "/") {
			if seg == "." || seg == ".." {
				t.Fatalf("NormalizePath(%q) = %q: dot segment", in, out)
			}
		}
		for i := 0; i+2 < len(out); i++ {
			if out[i] == '%' && simulate.IsHex(out[i+1]) && simulate.IsHex(out[i+2]) && simulate.IsUnreserved(simulate.Unhex(out[i+1])<<4|simulate.Unhex(out[i+2])) {
				t.Fatalf("NormalizePath(%q) = %q: escaped unreserved character", in, out)
			}
		}
	})
}

// FuzzParseRouteTests checks that any route-test file is either read or
// rejected with errors that all carry the file name and, past the YAML
// syntax, a line.
func FuzzParseRouteTests(f *testing.F) {
	f.Add("tests:\n- url: http://a.test/\n  service: s\n  port: 80\n")  // a valid file
	f.Add("tests:\n- url: ftp://a/\n  servce: s\n")                     // a bad scheme and a typo
	f.Add("tests: [a, b")                                               // broken YAML
	f.Add("kind: RouteTests\ntests: {}\n")                              // tests is not a list
	f.Add("tests:\n- url: http://a/\n  matched: false\n  service: s\n") // contradiction
	f.Fuzz(func(t *testing.T, data string) {
		rt, err := simulate.ParseRouteTests("r.yaml", []byte(data))
		if err == nil {
			if len(rt.Tests) == 0 {
				t.Fatal("no error and no tests")
			}
			for _, tt := range rt.Tests {
				if _, err := tt.Request(); err != nil {
					t.Fatalf("accepted a test whose URL does not parse: %v", err)
				}
			}
			return
		}
		var le *manifest.LoadError
		if !errors.As(err, &le) || len(le.Errors) == 0 {
			t.Fatalf("error %v is not a LoadError", err)
		}
		for _, e := range le.Errors {
			if e.Pos.File != "r.yaml" {
				t.Fatalf("error without the file: %v", e)
			}
		}
	})
}
