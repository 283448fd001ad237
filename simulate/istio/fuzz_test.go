package istio

import (
	"net/http"
	"os"
	"testing"

	"github.com/ingresskit/ingresskit/manifest"
	"github.com/ingresskit/ingresskit/simulate"
)

// FuzzExplain: for any request to the fixtures' hosts, --explain gives
// the lookup's answer and names as the winner exactly the route that
// answered (explainAgrees), and neither panics.
func FuzzExplain(f *testing.F) {
	var planes []*Plane
	for _, name := range []string{"merged", "delegate", "matching", "path-normalization"} {
		data, err := os.ReadFile("testdata/" + name + ".yaml")
		if err != nil {
			f.Fatal(err)
		}
		set, err := manifest.Parse(name+".yaml", data, manifest.Options{})
		if err != nil {
			f.Fatal(err)
		}
		planes = append(planes, Build(set)...)
	}
	f.Add("shop.test", "/admin", "")                 // a merged VirtualService's route
	f.Add("shop.test", "/other", "")                 // a catch-all moved last
	f.Add("shop.example.com", "/orders", "")         // a delegate route left out
	f.Add("shop.example.com", "/beta/x", "yes")      // the root's header kept
	f.Add("match.example.com", "/DOCS/x", "")        // ignoreUriCase
	f.Add("norm.example.com", "/a/%2e%2e/admin", "") // normalization
	f.Fuzz(func(t *testing.T, host, path, header string) {
		req, err := simulate.ParseRequest("http://"+host+path, http.Header{"X-Beta": {header}})
		if err != nil {
			t.Skip()
		}
		for _, p := range planes {
			if !p.Serves(req) {
				continue
			}
			explainAgrees(t, 0, p.Lookup(req), p.Explain(req))
		}
	})
}
