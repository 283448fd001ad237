package lint

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/ingresskit/ingresskit/bench/gwcorpus"
	"github.com/ingresskit/ingresskit/manifest"
)

// TestNativeValidationAgrees checks the fast path of gateway-api-validation
// against the API server's validation it stands in for: every object of
// the repository's Gateway API inputs and of the benchmark corpus that the
// native check finds valid gets no error from the API server's validation
// either. The routes of the benchmark corpus all take the fast path.
func TestNativeValidationAgrees(t *testing.T) {
	var files []string
	for _, glob := range []string{"testdata/rules/*/*.yaml", "../examples/*.yaml", "../manifest/testdata/*.yaml",
		"../simulate/gateway/testdata/*.yaml", "../test/cluster/gatewayapi/testdata/*.yaml", "../proxy/testdata/planes/*.yaml"} {
		m, _ := filepath.Glob(glob)
		files = append(files, m...)
	}
	sets := map[string]*manifest.Set{}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		// Files with bad documents still load their good ones.
		sets[f], _ = manifest.Parse(f, data, manifest.Options{})
	}
	c := gwcorpus.Generate(300)
	corpus, err := manifest.Parse("corpus.yaml", c.Gateway, manifest.Options{})
	if err != nil {
		t.Fatal(err)
	}
	sets["corpus"] = corpus
	native := 0
	for name, set := range sets {
		if set == nil {
			continue
		}
		var objs []gatewayObject
		for _, g := range gatewayObjects(set) {
			// The same object as if read from a cluster: no
			// positions, no fields as written.
			src := *g.obj.Source
			src.Pos = manifest.Pos{}
			c := g
			c.obj.Source = &src
			objs = append(objs, g, c)
		}
		for _, g := range objs {
			if !nativeValid(g) {
				if name == "corpus" && g.obj.Kind == "HTTPRoute" && g.obj.Source.Pos.Line > 0 {
					t.Errorf("corpus route %s/%s does not take the fast path", g.obj.Namespace, g.obj.Name)
				}
				continue
			}
			native++
			if r := apiServerValidation(g, nil); len(r.errs) > 0 || r.convertErr != nil || r.loadErr != nil {
				t.Errorf("%s: %s %s/%s: the native check finds it valid, the API server's validation reports %v %v %v",
					name, g.obj.Kind, g.obj.Namespace, g.obj.Name, r.errs, r.convertErr, r.loadErr)
			}
		}
	}
	if native < 300 {
		t.Errorf("%d objects took the fast path, want at least the corpus's 300", native)
	}
}
