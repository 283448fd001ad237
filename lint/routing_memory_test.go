package lint

import (
	"context"
	"os"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/ingresskit/ingresskit/bench/corpus"
	"github.com/ingresskit/ingresskit/manifest"
)

// TestRoutingRetains checks that once the routing groups are compiled
// and the ingress-nginx models dropped, what a run keeps for the routing
// rules is the shadowed routes, not every group's index. Holding the
// indexes and the models until the last rule ran was about 240 MB of the
// peak of a lint of 50,000 Ingresses.
func TestRoutingRetains(t *testing.T) {
	if testing.Short() {
		t.Skip("loads 2,000 Ingresses")
	}
	const n = 2000
	c := corpus.Generate(corpus.Mixed(n))
	dir := t.TempDir()
	for _, f := range c.Files {
		if err := os.WriteFile(filepath.Join(dir, f.Name), f.Data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	set, err := manifest.Load(context.Background(), manifest.Options{Paths: []string{dir}})
	if err != nil {
		t.Fatal(err)
	}
	sh := &shared{set: set}
	// What every run computes once per set (the applied view, the
	// controller of each Ingress) is not what this test measures.
	for _, ing := range set.Ingresses {
		sh.controllerOf(ing)
		sh.mergeKey(ing)
	}
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	groups := sh.routes()
	sh.dropNginxModels()
	runtime.GC()
	runtime.ReadMemStats(&after)
	runtime.KeepAlive(sh)
	shadowed := 0
	for _, g := range groups {
		shadowed += len(g.shadowed)
	}
	if shadowed == 0 {
		t.Fatal("no shadowed route in the mixed corpus: the test measures nothing")
	}
	var kept int64
	if after.HeapAlloc > before.HeapAlloc {
		kept = int64(after.HeapAlloc - before.HeapAlloc)
	}
	per := float64(kept) / n
	t.Logf("the routing of %d groups keeps %.0f bytes per Ingress (%d shadowed routes)", len(groups), per, shadowed)
	if per > maxRoutingRetainedPerIngress {
		t.Errorf("the compiled routing keeps %.0f bytes per Ingress, over %d: an index or a model outlives its compilation", per, maxRoutingRetainedPerIngress)
	}
}

// maxRoutingRetainedPerIngress bounds what the compiled routing keeps per
// Ingress of the mixed corpus. When it was set it kept 15 bytes; with every
// group's index and the ingress-nginx models kept, it kept 5,311.
const maxRoutingRetainedPerIngress = 200
