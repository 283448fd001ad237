package istioingress

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/ingresskit/ingresskit/simulate"
	"github.com/ingresskit/ingresskit/simulate/internal/simtest"
)

// TestOrderAgreesWithVirtualServices checks the engine's answers under
// the profile against a direct reading of istiod's output: for every
// fixture, the routes of the VirtualService of each host in istiod's
// order (virtualServices, from sortHTTPRoutes), the first that matches.
// Probes are made from every path of every rule: the path itself, below
// it, beside it, its parent and the root.
func TestOrderAgreesWithVirtualServices(t *testing.T) {
	files, _ := filepath.Glob("testdata/*.yaml")
	checked := 0
	for _, f := range files {
		set, _ := simtest.LoadSet(t, f)
		ix, err := simulate.Compile(set, simulate.Options{Profile: Profile{}})
		if err != nil {
			t.Fatal(err)
		}
		p := Profile{}.Bind(set.Applied()).(Profile)
		var paths []string
		for _, ing := range set.Ingresses {
			for _, r := range ing.Spec.Rules {
				if r.HTTP == nil {
					continue
				}
				for _, hp := range r.HTTP.Paths {
					base := strings.TrimSuffix(strings.TrimSuffix(hp.Path, "*"), ".")
					if !strings.HasPrefix(base, "/") {
						base = "/" + base
					}
					parent := base[:strings.LastIndexByte(base, '/')+1]
					paths = append(paths, hp.Path, base, base+"/x", base+"x", parent, "/")
				}
			}
		}
		for host := range p.b.hosts {
			reqHost := strings.Replace(host, "*", "probe", 1)
			for _, path := range paths {
				if !strings.HasPrefix(path, "/") {
					continue
				}
				req, err := simulate.ParseRequest("http://"+reqHost+path, nil)
				if err != nil {
					continue
				}
				got := ix.Lookup(req)
				want := simulate.Decision{RequestHost: reqHost, NormalizedPath: got.NormalizedPath, Rule: -1, PathIndex: -1}
				p.reroute(&want, p.b.choose(reqHost, nil))
				if got.Matched != want.Matched || got.Ingress != want.Ingress || got.Rule != want.Rule || got.PathIndex != want.PathIndex {
					t.Errorf("%s: http://%s%s: engine answers %s rule %d path %d, the VirtualService's order %s rule %d path %d",
						filepath.Base(f), reqHost, path, key(got), got.Rule, got.PathIndex, key(want), want.Rule, want.PathIndex)
				}
				checked++
			}
		}
	}
	if checked < 100 {
		t.Fatalf("only %d probes", checked)
	}
}

func key(d simulate.Decision) string {
	if d.Ingress == nil {
		return "nothing"
	}
	return d.Ingress.Key()
}
