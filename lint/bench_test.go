package lint

import (
	"context"
	"testing"

	"github.com/ingresskit/ingresskit/bench/lintcorpus"
	"github.com/ingresskit/ingresskit/manifest"
)

func corpusSet(b *testing.B, n int) *manifest.Set {
	b.Helper()
	files, _ := lintcorpus.Generate(lintcorpus.Options{Ingresses: n, Seed: 1})
	set := &manifest.Set{}
	for _, f := range files {
		s, err := manifest.Parse(f.Name, f.Data, manifest.Options{})
		if err != nil {
			b.Fatal(err)
		}
		set.Merge(s)
	}
	return set
}

// BenchmarkRun measures the rule engine alone over the generated corpus;
// compare the sizes to see that no rule grows faster than the input.
func BenchmarkRun(b *testing.B) {
	for _, n := range []int{1000, 10000} {
		b.Run(itoaBench(n), func(b *testing.B) {
			set := corpusSet(b, n)
			opts := Options{Config: Config{EnableAll: true}, Now: testNow}
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				if _, err := Run(context.Background(), set, opts); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkDecode measures decoding the same corpus, the floor lint is
// compared with.
func BenchmarkDecode(b *testing.B) {
	files, _ := lintcorpus.Generate(lintcorpus.Options{Ingresses: 1000, Seed: 1})
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for _, f := range files {
			if _, err := manifest.Parse(f.Name, f.Data, manifest.Options{}); err != nil {
				b.Fatal(err)
			}
		}
	}
}

func itoaBench(n int) string {
	switch n {
	case 1000:
		return "1k"
	case 10000:
		return "10k"
	}
	return "n"
}

// TestCorpusFindings checks that lint finds every kind of defect the
// benchmark corpus plants, so the benchmark measures a run that works.
func TestCorpusFindings(t *testing.T) {
	files, planted := lintcorpus.Generate(lintcorpus.Options{Ingresses: 200, Seed: 1})
	set := &manifest.Set{}
	for _, f := range files {
		s, err := manifest.Parse(f.Name, f.Data, manifest.Options{})
		if err != nil {
			t.Fatal(err)
		}
		set.Merge(s)
	}
	res, err := Run(context.Background(), set, Options{Now: testNow})
	if err != nil {
		t.Fatal(err)
	}
	objects := map[string]map[string]bool{}
	for _, f := range res.Findings {
		if objects[f.Rule] == nil {
			objects[f.Rule] = map[string]bool{}
		}
		objects[f.Rule][f.Object] = true
	}
	for rule, n := range planted {
		if got := len(objects[rule]); got != n {
			t.Errorf("%s: findings on %d objects, planted %d", rule, got, n)
		}
	}
	for rule := range objects {
		if _, ok := planted[rule]; !ok {
			t.Errorf("unplanted findings of %s, such as %v", rule, objects[rule])
		}
	}
}
