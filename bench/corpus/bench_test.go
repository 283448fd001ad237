package corpus_test

import (
	"fmt"
	"testing"

	"github.com/ingresskit/ingresskit/bench/corpus"
)

// BenchmarkMixed runs lint, simulate (compile and one lookup per
// Ingress rule), routes and convert on the mixed and the easy corpus at
// 1,000 and 10,000 Ingresses (`make bench`; bench/scale.sh times the
// binary end to end). ns/op divided by the Ingresses is the cost per
// Ingress, which stays flat when every pass is linear.
func BenchmarkMixed(b *testing.B) {
	for _, shape := range []struct {
		name string
		opts func(int) corpus.Options
	}{{"mixed", corpus.Mixed}, {"easy", corpus.Easy}} {
		for _, n := range []int{1000, 10000} {
			l := load(b, shape.opts(n))
			for _, op := range operations {
				b.Run(fmt.Sprintf("%s/%s/%d", op.name, shape.name, n), func(b *testing.B) {
					b.ReportAllocs()
					for i := 0; i < b.N; i++ {
						op.run(b, l)
					}
					b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/ingress")
				})
			}
		}
	}
}
