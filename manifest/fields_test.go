package manifest

import (
	"os"
	"path/filepath"
	"testing"
)

// TestFieldIndex checks the field index against a map filled in the order
// the fields were recorded: every recorded path is found at the position
// recorded last for it, and paths next to recorded ones are not found
// unless recorded themselves.
func TestFieldIndex(t *testing.T) {
	var files []string
	for _, glob := range []string{"testdata/*.yaml", "../examples/*.yaml", "../lint/testdata/rules/*/*.yaml"} {
		m, _ := filepath.Glob(glob)
		files = append(files, m...)
	}
	checked := 0
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		set, _ := Parse(f, data, Options{})
		var srcs []*Source
		for _, o := range set.Ingresses {
			srcs = append(srcs, &o.Source)
		}
		for _, o := range set.Services {
			srcs = append(srcs, &o.Source)
		}
		for _, src := range srcs {
			want := map[string]Pos{}
			src.fields.each(func(path string, p Pos) { want[path] = p })
			for path, p := range want {
				checked++
				if got, ok := src.fields.find(path); !ok || got != p {
					t.Errorf("%s: find(%q) = %v, %v; want %v", f, path, got, ok, p)
				}
				for _, near := range []string{path + ".x", path + "[0]", path + "[01]", path + "x", path[:len(path)-1]} {
					_, recorded := want[near]
					if _, ok := src.fields.find(near); ok != recorded {
						t.Errorf("%s: find(%q) found = %v, recorded = %v", f, near, ok, recorded)
					}
				}
			}
		}
	}
	if checked == 0 {
		t.Fatal("no fields checked")
	}
}

func TestFieldIndexDuplicates(t *testing.T) {
	// A key written twice: the later position wins, as in the map the
	// index replaced.
	set, err := Parse("dup.yaml", []byte("apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: a\n  name: b\nspec:\n  ingressClassName: x\n"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	got := set.Ingresses[0].Source.FieldPos("metadata.name")
	if got.Line != 5 || got.Col != 3 {
		t.Errorf("metadata.name at %v, want line 5 col 3", got)
	}
	if p := set.Ingresses[0].Source.FieldPos("spec.rules[0].host"); p.Line != 6 {
		t.Errorf("missing field resolves to %v, want its nearest ancestor spec at line 6", p)
	}
}
