package gwcorpus_test

import (
	"context"
	"syscall"
	"testing"
	"time"

	"github.com/ingresskit/ingresskit/bench/gwcorpus"
	"github.com/ingresskit/ingresskit/lint"
	"github.com/ingresskit/ingresskit/manifest"
)

// parse loads the corpus documents as files would be.
func parse(tb testing.TB, docs ...[]byte) *manifest.Set {
	tb.Helper()
	set := &manifest.Set{}
	for i, d := range docs {
		s, err := manifest.Parse("corpus-"+string(rune('a'+i))+".yaml", d, manifest.Options{})
		if err != nil {
			tb.Fatal(err)
		}
		set.Merge(s)
	}
	return set
}

func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkLint runs lint (every rule) on 10,000 HTTPRoutes of 1-10 rules
// on 2,000 hostnames and on 10,000 Ingresses of the same shape; the
// issue's bound is the first within 1.5x of the second
// (docs/performance.md). cpu-s/op is the process's CPU time, the rules'
// goroutines and garbage collection included.
func BenchmarkLint(b *testing.B) {
	c := gwcorpus.Generate(10000)
	for _, tc := range []struct {
		name string
		docs [][]byte
	}{{"httproutes", [][]byte{c.Gateway, c.Services}}, {"ingresses", [][]byte{c.Ingress, c.Services}}} {
		b.Run(tc.name, func(b *testing.B) {
			set := parse(b, tc.docs...)
			opts := lint.Options{Config: lint.Config{EnableAll: true}}
			b.ReportAllocs()
			start := cpuTime()
			b.ResetTimer()
			for b.Loop() {
				if _, err := lint.Run(context.Background(), set, opts); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric((cpuTime()-start).Seconds()/float64(b.N), "cpu-s/op")
		})
	}
}

// TestCorpusShape checks that both corpora hold what the bounds speak of:
// 10,000 routes and as many Ingresses, on 2,000 hostnames.
func TestCorpusShape(t *testing.T) {
	if testing.Short() {
		t.Skip("generates 10,000 routes")
	}
	c := gwcorpus.Generate(10000)
	gw, ing := parse(t, c.Gateway, c.Services), parse(t, c.Ingress, c.Services)
	if len(gw.HTTPRoutes) != 10000 || len(ing.Ingresses) != 10000 || len(gw.Services) != 10000 {
		t.Fatalf("%d HTTPRoutes, %d Ingresses, %d Services; want 10,000 each", len(gw.HTTPRoutes), len(ing.Ingresses), len(gw.Services))
	}
	hosts := map[string]bool{}
	rules := 0
	for _, r := range gw.HTTPRoutes {
		for _, h := range r.Spec.Hostnames {
			hosts[string(h)] = true
		}
		if n := len(r.Spec.Rules); n < 1 || n > 10 {
			t.Fatalf("route %s has %d rules", r.Name, n)
		}
		rules += len(r.Spec.Rules)
	}
	if len(hosts) < 1500 || len(hosts) > 2000 {
		t.Errorf("%d hostnames, want about 2,000", len(hosts))
	}
	t.Logf("%d hostnames, %d rules", len(hosts), rules)
}
