package gwcorpus_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/http"
	"runtime"
	"syscall"
	"testing"
	"time"

	"github.com/ingresskit/ingresskit/bench/gwcorpus"
	"github.com/ingresskit/ingresskit/lint"
	"github.com/ingresskit/ingresskit/manifest"
	"github.com/ingresskit/ingresskit/simulate"
	"github.com/ingresskit/ingresskit/simulate/gateway"
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

// BenchmarkCompile builds the Gateway data plane of the parsed 10,000
// HTTPRoutes, as simulate and the proxy do once per run: attachment,
// status and the per-hostname indexes. The bound is 0.5 s of CPU
// (docs/performance.md).
func BenchmarkCompile(b *testing.B) {
	c := gwcorpus.Generate(10000)
	set := parse(b, c.Gateway, c.Services).Applied()
	b.ReportAllocs()
	// The garbage of parsing is collected before the clock starts.
	runtime.GC()
	start := cpuTime()
	b.ResetTimer()
	for b.Loop() {
		if planes := gateway.Build(set); len(planes) != 1 {
			b.Fatal("no data plane")
		}
	}
	b.ReportMetric((cpuTime()-start).Seconds()/float64(b.N), "cpu-s/op")
}

// BenchmarkLookup answers requests for the hostnames and paths of the
// corpus on its data plane; the bound is 1 µs of CPU per lookup.
func BenchmarkLookup(b *testing.B) {
	c := gwcorpus.Generate(10000)
	p := gateway.Build(parse(b, c.Gateway, c.Services).Applied())[0]
	r := rand.New(rand.NewPCG(3, 3))
	reqs := make([]simulate.Request, 1024)
	for i := range reqs {
		var h http.Header
		if i%4 == 0 {
			h = http.Header{"X-Version": {"2"}}
		}
		req, err := simulate.ParseRequest(fmt.Sprintf("http://host-%d.example.com/svc-%d/v%d/x", r.IntN(2000), r.IntN(50), r.IntN(3)), h)
		if err != nil {
			b.Fatal(err)
		}
		reqs[i] = req
	}
	// Most requests are answered, so the lookups do the work of a match.
	matched := 0
	for _, req := range reqs {
		if p.Lookup(req).Matched {
			matched++
		}
	}
	if matched < len(reqs)/4 {
		b.Fatalf("%d of %d requests matched", matched, len(reqs))
	}
	b.ReportAllocs()
	// The garbage of parsing is collected before the clock starts.
	runtime.GC()
	start := cpuTime()
	b.ResetTimer()
	i := 0
	for b.Loop() {
		p.Lookup(reqs[i%len(reqs)])
		i++
	}
	b.ReportMetric(float64((cpuTime()-start).Nanoseconds())/float64(b.N), "cpu-ns/op")
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
