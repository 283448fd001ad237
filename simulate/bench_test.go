package simulate_test

import (
	"fmt"
	"math/rand/v2"
	"syscall"
	"testing"
	"time"

	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/ingresskit/ingresskit/manifest"
	"github.com/ingresskit/ingresskit/simulate"
)

// benchCorpus generates n Ingresses with 1-10 paths each: most on one of
// n/5 exact hosts, some on wildcard hosts, some without a host; path
// types mixed. The same n always gives the same corpus.
func benchCorpus(n int) *manifest.Set {
	r := rand.New(rand.NewPCG(1, uint64(n)))
	types := []networkingv1.PathType{networkingv1.PathTypePrefix, networkingv1.PathTypeExact, networkingv1.PathTypeImplementationSpecific}
	hosts := max(n/5, 1)
	set := &manifest.Set{}
	for i := 0; i < n; i++ {
		ing := &manifest.Ingress{}
		ing.Name = fmt.Sprintf("ing-%05d", i)
		ing.Namespace = fmt.Sprintf("ns-%d", i%50)
		ing.CreationTimestamp = metav1.NewTime(time.Date(2024, 1, 1, 0, 0, i, 0, time.UTC))
		host := fmt.Sprintf("host-%d.example.com", r.IntN(hosts))
		switch k := r.IntN(20); {
		case k == 0:
			host = ""
		case k < 3:
			host = fmt.Sprintf("*.zone-%d.example.com", r.IntN(hosts))
		}
		rule := networkingv1.IngressRule{Host: host, IngressRuleValue: networkingv1.IngressRuleValue{HTTP: &networkingv1.HTTPIngressRuleValue{}}}
		for p := r.IntN(10) + 1; p > 0; p-- {
			pt := types[r.IntN(len(types))]
			path := fmt.Sprintf("/svc-%d/v%d", r.IntN(50), r.IntN(3))
			if r.IntN(4) == 0 {
				path = fmt.Sprintf("/svc-%d", r.IntN(50))
			}
			rule.HTTP.Paths = append(rule.HTTP.Paths, networkingv1.HTTPIngressPath{Path: path, PathType: &pt,
				Backend: networkingv1.IngressBackend{Service: &networkingv1.IngressServiceBackend{
					Name: fmt.Sprintf("svc-%d", i), Port: networkingv1.ServiceBackendPort{Number: 80}}}})
		}
		ing.Spec.Rules = append(ing.Spec.Rules, rule)
		set.Ingresses = append(set.Ingresses, ing)
	}
	return set
}

// cpuTime returns the CPU time the process has used so far.
func cpuTime(b *testing.B) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// reportCPU adds cpu-ns/op: CPU time rather than wall time, which on a
// loaded machine says more about the code than ns/op does.
func reportCPU(b *testing.B, start time.Duration) {
	b.ReportMetric(float64(cpuTime(b)-start)/float64(b.N), "cpu-ns/op")
}

func BenchmarkCompile(b *testing.B) {
	for _, n := range []int{1000, 10000} {
		set := benchCorpus(n)
		b.Run(fmt.Sprintf("ingresses=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			start := cpuTime(b)
			for b.Loop() {
				if _, err := simulate.Compile(set, simulate.Options{}); err != nil {
					b.Fatal(err)
				}
			}
			reportCPU(b, start)
		})
	}
}

// BenchmarkLookup answers a mix of requests: an exact host and a deep
// path, a wildcard host, and a host no rule names (falling through to
// the rules without a host). The cost must not grow with the number of
// Ingresses.
func BenchmarkLookup(b *testing.B) {
	reqs := []simulate.Request{
		{Scheme: "http", Host: "host-7.example.com", Path: "/svc-3/v1/users/42?page=2", URL: "u"},
		{Scheme: "https", Host: "api.zone-11.example.com", Path: "/svc-12/v0", URL: "u"},
		{Scheme: "http", Host: "unknown.test:8080", Path: "/svc-1/x/../v2/", URL: "u"},
	}
	for _, n := range []int{100, 1000, 10000} {
		ix, err := simulate.Compile(benchCorpus(n), simulate.Options{})
		if err != nil {
			b.Fatal(err)
		}
		b.Run(fmt.Sprintf("ingresses=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			start := cpuTime(b)
			i := 0
			for b.Loop() {
				d := ix.Lookup(reqs[i%len(reqs)])
				i++
				_ = d
			}
			reportCPU(b, start)
		})
	}
}
