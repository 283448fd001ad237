package simulate_test

import (
	"os"
	"testing"

	"github.com/ingresskit/ingresskit/manifest"
	"github.com/ingresskit/ingresskit/simulate"
)

// load reads a fixture through the manifest loader.
func load(t testing.TB, path string) *manifest.Set {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	set, err := manifest.Parse(path, data, manifest.Options{})
	if err != nil {
		t.Fatalf("load %s: %v", path, err)
	}
	return set
}

// only returns a Set holding the one named Ingress of set.
func only(t testing.TB, set *manifest.Set, name string) *manifest.Set {
	t.Helper()
	for _, ing := range set.Ingresses {
		if ing.Name == name {
			return &manifest.Set{Ingresses: []*manifest.Ingress{ing}}
		}
	}
	t.Fatalf("no Ingress %s in the fixture", name)
	return nil
}

// answer summarizes a decision as the service that answers: "" for no
// match, the service name otherwise.
func answer(d simulate.Decision) string {
	if !d.Matched {
		return ""
	}
	if d.Backend.Service == nil {
		return "<resource>"
	}
	return d.Backend.Service.Name
}

// TestConceptExamples is the path-matching table of the Ingress concept
// page (kubernetes.io/docs/concepts/services-networking/ingress/,
// "Examples"): each row is an Ingress of testdata/concept-examples.yaml.
func TestConceptExamples(t *testing.T) {
	set := load(t, "testdata/concept-examples.yaml")
	tests := []struct {
		row     string
		request string
		want    string // the answering service, "" for no match
	}{
		// Prefix / (all paths): Yes
		{"row01", "/", "root"},
		{"row01", "/anything/at/all", "root"},
		// Exact /foo /foo: Yes
		{"row02", "/foo", "foo"},
		// Exact /foo /bar: No
		{"row03", "/bar", ""},
		// Exact /foo /foo/: No
		{"row04", "/foo/", ""},
		// Exact /foo/ /foo: No
		{"row05", "/foo", ""},
		// Prefix /foo /foo, /foo/: Yes
		{"row06", "/foo", "foo"},
		{"row06", "/foo/", "foo"},
		// Prefix /foo/ /foo, /foo/: Yes
		{"row07", "/foo", "foo-slash"},
		{"row07", "/foo/", "foo-slash"},
		// Prefix /aaa/bb /aaa/bbb: No
		{"row08", "/aaa/bbb", ""},
		// Prefix /aaa/bbb /aaa/bbb: Yes
		{"row09", "/aaa/bbb", "aaa-bbb"},
		// Prefix /aaa/bbb/ /aaa/bbb: Yes, ignores trailing slash
		{"row10", "/aaa/bbb", "aaa-bbb-slash"},
		// Prefix /aaa/bbb /aaa/bbb/: Yes, matches trailing slash
		{"row11", "/aaa/bbb/", "aaa-bbb"},
		// Prefix /aaa/bbb /aaa/bbb/ccc: Yes, matches subpath
		{"row12", "/aaa/bbb/ccc", "aaa-bbb"},
		// Prefix /aaa/bbb /aaa/bbbxyz: No, does not match string prefix
		{"row13", "/aaa/bbbxyz", ""},
		// Prefix /, /aaa /aaa/ccc: Yes, matches /aaa prefix
		{"row14", "/aaa/ccc", "aaa"},
		// Prefix /, /aaa, /aaa/bbb /aaa/bbb: Yes, matches /aaa/bbb prefix
		{"row15", "/aaa/bbb", "aaa-bbb"},
		// Prefix /, /aaa, /aaa/bbb /ccc: Yes, matches / prefix
		{"row16", "/ccc", "root"},
		// Prefix /aaa /ccc: No, uses default backend
		{"row17", "/ccc", "default-backend"},
		// Mixed /foo (Prefix), /foo (Exact) /foo: Yes, prefers Exact
		{"row18", "/foo", "foo-exact"},
	}
	for _, tt := range tests {
		t.Run(tt.row+" "+tt.request, func(t *testing.T) {
			ix, err := simulate.Compile(only(t, set, tt.row), simulate.Options{})
			if err != nil {
				t.Fatal(err)
			}
			d := ix.Lookup(simulate.Request{Scheme: "http", Host: "example.test", Path: tt.request})
			if got := answer(d); got != tt.want {
				t.Errorf("%s %s: answered by %q, want %q", tt.row, tt.request, got, tt.want)
			}
			if tt.row == "row17" && !d.DefaultBackend {
				t.Errorf("row17: DefaultBackend = false, want true")
			}
		})
	}
}
