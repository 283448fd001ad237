package migrate_test

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/ingresskit/ingresskit/bench/lintcorpus"
	"github.com/ingresskit/ingresskit/lint"
	"github.com/ingresskit/ingresskit/manifest"
	"github.com/ingresskit/ingresskit/migrate"
)

// loadLintCorpus writes the lint corpus of n Ingresses (bench/lintcorpus)
// into a temporary directory and loads it as the commands do.
func loadLintCorpus(b *testing.B, n int) *manifest.Set {
	b.Helper()
	dir := b.TempDir()
	files, _ := lintcorpus.Generate(lintcorpus.Options{Ingresses: n})
	err := lintcorpus.WriteTo(files, func(name string) (io.WriteCloser, error) { return os.Create(filepath.Join(dir, name)) })
	if err != nil {
		b.Fatal(err)
	}
	set, err := manifest.Load(context.Background(), manifest.Options{Paths: []string{dir}})
	if err != nil {
		b.Fatal(err)
	}
	return set
}

// cpuTime returns the CPU time the process has used so far: on a shared
// machine cpu-ns/op says more about the code than ns/op does.
func cpuTime(b *testing.B) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkLintCorpus measures, on the lint corpus (`make bench`), lint
// with its default rules, the translation, and the translation with its
// verification, the pair the migration's speed target compares: convert
// + verify within 5x of lint (docs/performance.md).
func BenchmarkLintCorpus(b *testing.B) {
	for _, n := range []int{1000, 10000} {
		set := loadLintCorpus(b, n)
		b.Run(fmt.Sprintf("lint/%d", n), func(b *testing.B) {
			start := cpuTime(b)
			defer func() { b.ReportMetric(float64(cpuTime(b)-start)/float64(b.N), "cpu-ns/op") }()
			for i := 0; i < b.N; i++ {
				if _, err := lint.Run(context.Background(), set, lint.Options{}); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(fmt.Sprintf("translate/%d", n), func(b *testing.B) {
			start := cpuTime(b)
			defer func() { b.ReportMetric(float64(cpuTime(b)-start)/float64(b.N), "cpu-ns/op") }()
			for i := 0; i < b.N; i++ {
				if _, err := migrate.Translate(set, migrate.Options{}); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(fmt.Sprintf("translate+verify/%d", n), func(b *testing.B) {
			start := cpuTime(b)
			defer func() { b.ReportMetric(float64(cpuTime(b)-start)/float64(b.N), "cpu-ns/op") }()
			for i := 0; i < b.N; i++ {
				res, err := migrate.Translate(set, migrate.Options{})
				if err != nil {
					b.Fatal(err)
				}
				v, err := migrate.Verify(set, res.Set(set), migrate.Options{})
				if err != nil {
					b.Fatal(err)
				}
				b.ReportMetric(float64(v.Probes)/float64(n), "probes/ingress")
			}
		})
	}
}
