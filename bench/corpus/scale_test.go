package corpus_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/ingresskit/ingresskit/bench/corpus"
	"github.com/ingresskit/ingresskit/convert"
	"github.com/ingresskit/ingresskit/lint"
	"github.com/ingresskit/ingresskit/manifest"
	"github.com/ingresskit/ingresskit/simulate"
)

// loaded is a generated corpus written to disk and loaded.
type loaded struct {
	c   *corpus.Corpus
	set *manifest.Set
	dir string // where the corpus was written
}

func load(t testing.TB, opts corpus.Options) loaded {
	t.Helper()
	c := corpus.Generate(opts)
	dir := t.TempDir()
	for _, f := range c.Files {
		if err := os.WriteFile(filepath.Join(dir, f.Name), f.Data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	set, err := manifest.Load(context.Background(), manifest.Options{Paths: []string{dir}})
	if err != nil {
		t.Fatalf("load the generated corpus: %v", err)
	}
	if len(set.Ingresses) != opts.Ingresses {
		t.Fatalf("loaded %d Ingresses, generated %d", len(set.Ingresses), opts.Ingresses)
	}
	return loaded{c: c, set: set, dir: dir}
}

// allocs returns how many heap allocations fn makes and how many bytes
// they hold (every goroutine's, so fn's workers count too). Allocations,
// unlike time, do not depend on how busy the machine is.
func allocs(fn func()) (n, bytes uint64) {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	fn()
	runtime.ReadMemStats(&after)
	return after.Mallocs - before.Mallocs, after.TotalAlloc - before.TotalAlloc
}

// retained returns the bytes of heap that what fn returns keeps alive,
// measured after a collection.
func retained(fn func() any) uint64 {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	v := fn()
	runtime.GC()
	runtime.ReadMemStats(&after)
	runtime.KeepAlive(v)
	if after.HeapAlloc < before.HeapAlloc {
		return 0
	}
	return after.HeapAlloc - before.HeapAlloc
}

// operations are the end-to-end passes whose cost must grow linearly with
// the input.
var operations = []struct {
	name string
	run  func(t testing.TB, l loaded)
}{
	{"lint", func(t testing.TB, l loaded) {
		if _, err := lint.Run(context.Background(), l.set, lint.Options{Config: lint.Config{EnableAll: true}}); err != nil {
			t.Fatal(err)
		}
	}},
	{"simulate", func(t testing.TB, l loaded) {
		ix, err := simulate.Compile(l.set, simulate.Options{Profile: simulate.InferProfile(l.set, nil)})
		if err != nil {
			t.Fatal(err)
		}
		for _, u := range l.c.URLs {
			req, err := simulate.ParseRequest(u, nil)
			if err != nil {
				t.Fatal(err)
			}
			ix.Lookup(req)
		}
	}},
	{"routes", func(t testing.TB, l loaded) {
		if len(l.set.Routes()) == 0 {
			t.Fatal("no routes")
		}
	}},
	{"convert", func(t testing.TB, l loaded) {
		for _, f := range l.c.Files {
			out, _, err := convert.Bytes(f.Name, f.Data, convert.Options{})
			if err != nil {
				t.Fatal(err)
			}
			if bytes.Contains(out, []byte("extensions/v1beta1")) {
				t.Fatalf("%s: converted output still holds extensions/v1beta1", f.Name)
			}
		}
	}},
}

// TestScaling checks that on the mixed corpus, the allocations per
// Ingress of lint, simulate, routes and convert at 10,000 Ingresses stay
// within twice those at 1,000. Work repeated per routing group over every
// object (each group's sub-set recomputing the applied view of the whole
// input) made simulate of one URL take 26 s at 10,000 Ingresses and lint
// a minute; a pass that grows with groups times objects fails here.
func TestScaling(t *testing.T) {
	if testing.Short() {
		t.Skip("loads 11,000 Ingresses")
	}
	small, large := 1000, 10000
	ls, ll := load(t, corpus.Mixed(small)), load(t, corpus.Mixed(large))
	for _, op := range operations {
		t.Run(op.name, func(t *testing.T) {
			op.run(t, ls) // warm caches built once per process
			sn, sb := allocs(func() { op.run(t, ls) })
			ln, lb := allocs(func() { op.run(t, ll) })
			s, l := float64(sn)/float64(small), float64(ln)/float64(large)
			t.Logf("allocations per Ingress: %.1f at %d, %.1f at %d", s, small, l, large)
			if l > 2*s {
				t.Errorf("%s allocates %.1f times as much per Ingress at %d Ingresses as at %d (%.1f against %.1f): some pass grows faster than the input",
					op.name, l/s, large, small, l, s)
			}
			s, l = float64(sb)/float64(small), float64(lb)/float64(large)
			t.Logf("bytes allocated per Ingress: %.0f at %d, %.0f at %d", s, small, l, large)
			if l > 2*s {
				t.Errorf("%s allocates %.1f times as many bytes per Ingress at %d Ingresses as at %d (%.0f against %.0f): some pass grows faster than the input",
					op.name, l/s, large, small, l, s)
			}
			if op.name == "lint" && !raceEnabled && l > maxLintBytesPerIngress {
				t.Errorf("lint allocates %.0f bytes per Ingress at %d Ingresses, over %d", l, large, maxLintBytesPerIngress)
			}
		})
	}
	// What a load keeps: the objects, with copies of their strings and
	// their field positions, not the input (manifest's strArena).
	// The corpora loaded above are dropped first, so that the heap does
	// not shrink by them while a load is measured.
	dirSmall, dirLarge := ls.dir, ll.dir
	ls, ll = loaded{}, loaded{}
	t.Run("load retains", func(t *testing.T) {
		per := func(dir string, n int) float64 {
			b := retained(func() any {
				set, err := manifest.Load(context.Background(), manifest.Options{Paths: []string{dir}})
				if err != nil {
					t.Fatal(err)
				}
				return set
			})
			return float64(b) / float64(n)
		}
		s, l := per(dirSmall, small), per(dirLarge, large)
		t.Logf("bytes retained per Ingress after loading: %.0f at %d, %.0f at %d", s, small, l, large)
		if l > 2*s {
			t.Errorf("a load keeps %.1f times as many bytes per Ingress at %d Ingresses as at %d (%.0f against %.0f)", l/s, large, small, l, s)
		}
		if l > maxRetainedPerIngress {
			t.Errorf("a load keeps %.0f bytes per Ingress at %d Ingresses, over %d", l, large, maxRetainedPerIngress)
		}
	})
}

// maxRetainedPerIngress bounds the heap a load of the mixed corpus keeps
// per Ingress (with its Service and a share of the Secrets). When it was
// set a load kept 4.8 KB per Ingress; with the strings pointing into the
// input, which then stayed alive, it kept 5.7 KB.
const maxRetainedPerIngress = 5000

// maxLintBytesPerIngress bounds the bytes lint allocates per Ingress of
// the mixed corpus at 10,000 Ingresses, every rule enabled: 12.4 KB when
// it was set. The race detector's instrumentation allocates about 160 KB
// per Ingress more, so the bound holds without it only.
const maxLintBytesPerIngress = 13500
