package istioingress

import (
	"os"
	"strings"
	"testing"

	"github.com/ingresskit/ingresskit/manifest"
	"github.com/ingresskit/ingresskit/simulate"
)

// TestExplainAgrees: the candidates --explain lists come from the answer
// the profile gives, after a wildcard or https reroute and an ignored
// spec.defaultBackend: one candidate won exactly when the answer comes
// from a rule, and it is that rule.
func TestExplainAgrees(t *testing.T) {
	type want struct {
		url string
		// reasons maps "<host> <path>" of a candidate ("default" for a
		// spec.defaultBackend) to its reason.
		reasons map[string]simulate.Reason
	}
	cases := map[string][]want{
		"testdata/hosts.yaml": {
			{"http://a.b.example.com/", map[string]simulate.Reason{
				"*.example.com /": simulate.ReasonWon, " /": simulate.ReasonHostPrecedence,
				"api.example.com /v1": simulate.ReasonHostMismatch, "default": simulate.ReasonDefaultBackend}},
			{"http://api.example.com/other", map[string]simulate.Reason{
				"api.example.com /v1": simulate.ReasonPathMismatch, "*.example.com /": simulate.ReasonHostPrecedence,
				"default": simulate.ReasonDefaultBackend}},
			{"http://a.example.com/", nil},
			{"http://other.org/", nil},
		},
		"testdata/tls-binding.yaml": {
			{"https://shop.example.com/checkout", map[string]simulate.Reason{
				"shop.example.com /checkout": simulate.ReasonHostMismatch, "shop.example.com /cart": simulate.ReasonHostMismatch}},
			{"http://shop.example.com/cart", map[string]simulate.Reason{
				"shop.example.com /cart": simulate.ReasonWon, "shop.example.com /checkout": simulate.ReasonPathMismatch}},
			{"https://docs.example.com/", nil},
			{"https://nothing.example.org/", nil},
		},
	}
	for file, wants := range cases {
		data, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		set, err := manifest.Parse(file, data, manifest.Options{})
		if err != nil {
			t.Fatal(err)
		}
		ix, err := simulate.Compile(set, simulate.Options{Profile: Profile{}})
		if err != nil {
			t.Fatal(err)
		}
		for _, w := range wants {
			req, err := simulate.ParseRequest(w.url, nil)
			if err != nil {
				t.Fatal(err)
			}
			d := ix.Explain(req)
			if l := ix.Lookup(req); summary(l) != summary(d) {
				t.Errorf("%s: Explain answers %s, Lookup %s", w.url, summary(d), summary(l))
			}
			won := 0
			for _, c := range d.Candidates {
				key := c.Host + " " + c.Path
				if c.DefaultBackend {
					key = "default"
					if strings.Contains(c.Detail, "a rule matches") {
						t.Errorf("%s: the defaultBackend candidate says %q", w.url, c.Detail)
					}
				}
				if c.Reason == simulate.ReasonWon {
					won++
					if !d.Matched || c.Ingress != d.Ingress || c.Rule != d.Rule || c.PathIndex != d.PathIndex {
						t.Errorf("%s: candidate %s won, but the answer is %s", w.url, key, summary(d))
					}
				}
				if r, ok := w.reasons[key]; ok && r != c.Reason {
					t.Errorf("%s: candidate %s: %s (%s), want %s", w.url, key, c.Reason, c.Detail, r)
				}
			}
			if want := map[bool]int{true: 1, false: 0}[d.Matched]; won != want {
				t.Errorf("%s: %d candidates won, answer %s", w.url, won, summary(d))
			}
		}
	}
}
