package manifest

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// FuzzLoad checks that no input makes the loader panic, that every error
// names the file (and a line, unless it is about the whole file), and that
// every object it returns has a position.
func FuzzLoad(f *testing.F) {
	// Every fixture and example: realistic documents to mutate.
	for _, glob := range []string{"testdata/*.yaml", "../examples/*.yaml"} {
		files, _ := filepath.Glob(glob)
		for _, p := range files {
			b, err := os.ReadFile(p)
			if err != nil {
				f.Fatal(err)
			}
			f.Add(b)
		}
	}
	// An alias that refers to itself through a mapping.
	f.Add([]byte("a: &x {b: *x}\n"))
	// Aliases expanding geometrically.
	f.Add([]byte("apiVersion: v1\nkind: Service\nmetadata: &m {name: a, labels: {x: y}}\nspec: {selector: *m}\n"))
	// A List whose items are not objects.
	f.Add([]byte("apiVersion: v1\nkind: List\nitems: [1, [2], {kind: Service}]\n"))
	// Document markers inside and around content.
	f.Add([]byte("--- |\n  ---\n---\n...\n--- {apiVersion: v1, kind: Secret, metadata: {name: s}, data: {a: '!!'}}\n"))
	// Flow JSON with a port given as a string and as a float.
	f.Add([]byte(`{"apiVersion":"extensions/v1beta1","kind":"Ingress","metadata":{"name":"x"},"spec":{"backend":{"serviceName":"s","servicePort":"8o"},"rules":[{"http":{"paths":[{"backend":{"serviceName":"s","servicePort":1.5}}]}}]}}`))
	// Tabs, BOM and CRLF line ends.
	f.Add([]byte("\ufeffapiVersion: v1\r\nkind: Service\r\nmetadata:\r\n\tname: a\r\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		set, err := Parse("fuzz.yaml", data, Options{MaxNodes: 10000})
		if set == nil {
			t.Fatal("Parse returned a nil Set")
		}
		var le *LoadError
		if err != nil && !errors.As(err, &le) {
			t.Fatalf("error is not a *LoadError: %v", err)
		}
		if le != nil {
			for _, e := range le.Errors {
				if e.Pos.File != "fuzz.yaml" || e.Msg == "" {
					t.Errorf("error without file or message: %#v", e)
				}
			}
		}
		for _, ing := range set.Ingresses {
			if ing.Source.Pos.Line == 0 || ing.Namespace == "" || ing.APIVersion != NetworkingV1 {
				t.Errorf("Ingress without position, namespace or normalized version: %+v", ing.Source)
			}
			for ri, r := range ing.Spec.Rules {
				if r.HTTP == nil {
					continue
				}
				for _, p := range r.HTTP.Paths {
					if ing.Source.APIVersion != NetworkingV1 && p.PathType == nil {
						t.Errorf("rule %d: v1beta1 path without the defaulted pathType", ri)
					}
				}
			}
		}
		for _, s := range set.Services {
			if s.Source.Pos.Line == 0 {
				t.Errorf("Service without position")
			}
		}
	})
}
