package manifest

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
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

// TestFieldIndexListItems checks that the items of a List, as kubectl get
// -o yaml writes, each take room for their own field positions only, not
// for the whole List's: sized by the List, 300 items would take 27 MB.
func TestFieldIndexListItems(t *testing.T) {
	var b strings.Builder
	b.WriteString("apiVersion: v1\nkind: List\nitems:\n")
	const n = 300
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, "- apiVersion: networking.k8s.io/v1\n  kind: Ingress\n  metadata:\n    name: i%d\n  spec:\n    defaultBackend:\n      service:\n        name: s\n        port:\n          number: 80\n", i)
	}
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	set, err := Parse("list.yaml", []byte(b.String()), Options{})
	runtime.ReadMemStats(&after)
	if err != nil {
		t.Fatal(err)
	}
	if len(set.Ingresses) != n {
		t.Fatalf("got %d Ingresses, want %d", len(set.Ingresses), n)
	}
	if got := after.TotalAlloc - before.TotalAlloc; got > 8<<20 {
		t.Errorf("loading %d List items allocated %d bytes", n, got)
	}
	if p := set.Ingresses[n-1].Source.FieldPos("spec.defaultBackend.service.name"); p.Line != 3+10*(n-1)+8 {
		t.Errorf("last item's service name at %v, want line %d", p, 3+10*(n-1)+8)
	}
}

// TestFieldIndexSharedNames checks that indexes built by one builder share
// its name table safely: names added to one index later (with) or by the
// builder for the next object change nothing in the indexes built before.
func TestFieldIndexSharedNames(t *testing.T) {
	// Room to spare in the table: an index that appended to it in place
	// would overwrite the names the builder adds next.
	b := fieldBuilder{names: make([]string, 0, 16)}
	build := func(names ...string) *fieldIndex {
		b.reset()
		for i, n := range names {
			b.close(b.open(n, i+1, 1))
		}
		return b.index("f.yaml")
	}
	first := build("metadata", "spec")
	renamed := first.with(map[string]Pos{"spec.defaultBackend": {Line: 9, Col: 3}})
	second := build("spec", "status", "kind")
	third := build("kind")

	for _, tt := range []struct {
		name string
		x    *fieldIndex
		want map[string]Pos
	}{
		{"first", first, map[string]Pos{"metadata": {"f.yaml", 1, 1}, "spec": {"f.yaml", 2, 1}}},
		{"renamed", renamed, map[string]Pos{"metadata": {"f.yaml", 1, 1}, "spec": {"f.yaml", 2, 1}, "spec.defaultBackend": {"f.yaml", 9, 3}}},
		{"second", second, map[string]Pos{"spec": {"f.yaml", 1, 1}, "status": {"f.yaml", 2, 1}, "kind": {"f.yaml", 3, 1}}},
		{"third", third, map[string]Pos{"kind": {"f.yaml", 1, 1}}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got := map[string]Pos{}
			tt.x.each(func(path string, p Pos) { got[path] = p })
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("paths (-want +got):\n%s", diff)
			}
			for path, p := range tt.want {
				if q, ok := tt.x.find(path); !ok || q != p {
					t.Errorf("find(%q) = %v, %v; want %v", path, q, ok, p)
				}
			}
		})
	}
	if len(b.names) != 4 {
		t.Errorf("builder names %q, want each name once", b.names)
	}
}

// TestFieldCount checks what FieldCount counts below a field: every key
// the decoder knows (a null value too) and every list item, not the keys
// the API type lacks.
func TestFieldCount(t *testing.T) {
	doc := `apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: r, namespace: default}
spec:
  parentRefs: [{name: gw, sectionName: null}]
  hostnames: []
  notAField: {a: 1}
  rules:
  - matches: [{path: {type: Exact, value: /a}}]
  - {}
`
	set, err := Parse("r.yaml", []byte(doc), Options{})
	if err != nil {
		t.Fatal(err)
	}
	src := &set.HTTPRoutes[0].Source
	for _, tt := range []struct {
		path string
		want int
		ok   bool
	}{
		// parentRefs, [0], name, sectionName; hostnames; rules, [0],
		// matches, [0], path, type, value, [1].
		{"spec", 13, true},
		{"spec.parentRefs", 3, true},
		{"spec.hostnames", 0, true},
		{"spec.rules[1]", 0, true},
		{"spec.notAField", 0, false},
		{"status", 0, false},
	} {
		n, ok := src.FieldCount(tt.path)
		if n != tt.want || ok != tt.ok {
			t.Errorf("FieldCount(%q) = %d, %v; want %d, %v", tt.path, n, ok, tt.want, tt.ok)
		}
	}
}
