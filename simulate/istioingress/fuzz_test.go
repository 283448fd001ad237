package istioingress

import (
	"strings"
	"testing"

	"github.com/ingresskit/ingresskit/simulate"
	"github.com/ingresskit/ingresskit/simulate/internal/simtest"
)

// FuzzLookup checks that the engine under the profile answers every path
// as the routes of the generated VirtualService do, in istiod's order
// (the reference: virtualServices and reroute), on the fixtures
// transcribed from istio/istio's conversion tests.
func FuzzLookup(f *testing.F) {
	f.Add("/sub/path")      // Prefix "/sub/path/" (10) ranks before Exact "/sub/path" (9)
	f.Add("/sub/path/")     // the exact ImplementationSpecific "/sub/path/" first
	f.Add("/sub/pathology") // segment boundary of a path-separated prefix
	f.Add("/regex2*")       // a regex look-alike is an exact string
	f.Add("/regex1/a/b")    // "/regex1.*" is the prefix /regex1
	f.Add("/test/foo/bar")  // exact and prefix of equal length across Ingresses
	f.Add("/%2e%2e/test2")  // normalization before matching
	f.Add("/second//x")     // merged slashes
	f.Add("/")              // the root: only catch-alls
	type fixture struct {
		ix *simulate.Index
		p  Profile
	}
	var fixtures []fixture
	for _, name := range []string{"testdata/simple.yaml", "testdata/conversion.yaml", "testdata/overlay.yaml", "testdata/hosts.yaml"} {
		set, _ := simtest.LoadSet(f, name)
		ix, err := simulate.Compile(set, simulate.Options{Profile: Profile{}})
		if err != nil {
			f.Fatal(err)
		}
		fixtures = append(fixtures, fixture{ix, Profile{}.Bind(set.Applied()).(Profile)})
	}
	f.Fuzz(func(t *testing.T, path string) {
		if !strings.HasPrefix(path, "/") || strings.ContainsAny(path, "?# \t\r\n") {
			t.Skip()
		}
		for _, fx := range fixtures {
			for host := range fx.p.b.hosts {
				reqHost := strings.Replace(host, "*", "probe", 1)
				req := simulate.Request{Scheme: "http", Host: reqHost, Path: path}
				got := fx.ix.Lookup(req)
				want := simulate.Decision{RequestHost: reqHost, NormalizedPath: got.NormalizedPath, Rule: -1, PathIndex: -1}
				fx.p.reroute(&want, fx.p.b.choose(reqHost, nil))
				if got.Matched != want.Matched || got.Ingress != want.Ingress || got.Rule != want.Rule || got.PathIndex != want.PathIndex {
					t.Fatalf("http://%s%s: engine %s rule %d path %d, VirtualService order %s rule %d path %d",
						reqHost, path, key(got), got.Rule, got.PathIndex, key(want), want.Rule, want.PathIndex)
				}
			}
		}
	})
}
