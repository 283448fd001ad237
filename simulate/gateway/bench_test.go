package gateway

import (
	"fmt"
	"math/rand/v2"
	"net/http"
	"syscall"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	gwv1 "sigs.k8s.io/gateway-api/apis/v1"

	"github.com/ingresskit/ingresskit/manifest"
	"github.com/ingresskit/ingresskit/simulate"
)

// benchCorpus generates one Gateway and n HTTPRoutes of 1-10 rules on
// n/5 hostnames (2,000 for 10,000 routes): most on an exact hostname, some
// on a wildcard, 50 on none; PathPrefix, Exact and header matches
// mixed; every backend a Service of the input. The same n always gives
// the same corpus.
func benchCorpus(n int) *manifest.Set {
	r := rand.New(rand.NewPCG(2, uint64(n)))
	hosts := max(n/5, 1)
	set := &manifest.Set{}
	all := gwv1.NamespacesFromAll
	gw := &manifest.Gateway{}
	gw.Name, gw.Namespace = "gw", "infra"
	gw.Spec.Listeners = []gwv1.Listener{{Name: "http", Port: 80, Protocol: gwv1.HTTPProtocolType,
		AllowedRoutes: &gwv1.AllowedRoutes{Namespaces: &gwv1.RouteNamespaces{From: &all}}}}
	set.Gateways = append(set.Gateways, gw)
	gwNS := gwv1.Namespace("infra")
	exact, prefix := gwv1.PathMatchExact, gwv1.PathMatchPathPrefix
	for i := 0; i < n; i++ {
		hr := &manifest.HTTPRoute{}
		hr.Name = fmt.Sprintf("route-%05d", i)
		hr.Namespace = fmt.Sprintf("ns-%d", i%50)
		hr.CreationTimestamp = metav1.NewTime(time.Date(2024, 1, 1, 0, 0, i, 0, time.UTC))
		hr.Spec.ParentRefs = []gwv1.ParentReference{{Name: "gw", Namespace: &gwNS}}
		// 50 routes have no hostname, whatever n: they are on every
		// hostname, so they do not count as routes of other hostnames.
		switch k := r.IntN(20); {
		case i < 50:
		case k < 3:
			hr.Spec.Hostnames = []gwv1.Hostname{gwv1.Hostname(fmt.Sprintf("*.zone-%d.example.com", r.IntN(hosts)))}
		default:
			hr.Spec.Hostnames = []gwv1.Hostname{gwv1.Hostname(fmt.Sprintf("host-%d.example.com", r.IntN(hosts)))}
		}
		svc := &manifest.Service{}
		svc.Name, svc.Namespace = fmt.Sprintf("svc-%d", i), hr.Namespace
		svc.Spec.Ports = []corev1.ServicePort{{Port: 80}}
		set.Services = append(set.Services, svc)
		port := gwv1.PortNumber(80)
		for k := r.IntN(10) + 1; k > 0; k-- {
			path := fmt.Sprintf("/svc-%d/v%d", r.IntN(50), r.IntN(3))
			pt := &prefix
			if r.IntN(3) == 0 {
				pt = &exact
			}
			m := gwv1.HTTPRouteMatch{Path: &gwv1.HTTPPathMatch{Type: pt, Value: &path}}
			if r.IntN(5) == 0 {
				m.Headers = []gwv1.HTTPHeaderMatch{{Name: "X-Version", Value: "2"}}
			}
			hr.Spec.Rules = append(hr.Spec.Rules, gwv1.HTTPRouteRule{Matches: []gwv1.HTTPRouteMatch{m},
				BackendRefs: []gwv1.HTTPBackendRef{{BackendRef: gwv1.BackendRef{BackendObjectReference: gwv1.BackendObjectReference{
					Name: gwv1.ObjectName(svc.Name), Port: &port}}}}})
		}
		set.HTTPRoutes = append(set.HTTPRoutes, hr)
	}
	return set
}

// cpuTime returns the process's user and system CPU time.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkCompile builds the data plane of a Gateway with 10,000
// HTTPRoutes of 1-10 rules on 2,000 hostnames: attachment, status and the
// per-hostname indexes. cpu-s/op is the CPU time, the bound
// being 0.5 s (docs/performance.md).
func BenchmarkCompile(b *testing.B) {
	set := benchCorpus(10000)
	b.ReportAllocs()
	start := cpuTime()
	b.ResetTimer()
	for b.Loop() {
		if planes := Build(set); len(planes) != 1 {
			b.Fatal("no data plane")
		}
	}
	b.ReportMetric((cpuTime()-start).Seconds()/float64(b.N), "cpu-s/op")
}

// BenchmarkLookup answers requests on Gateways of 1,000 and 10,000
// routes with the same number of routes per hostname: the time per lookup
// stays the same, as a lookup reads only the request's hostname groups.
// cpu-ns/op is the process's CPU time per lookup, garbage collection
// included, the bound being 1 µs.
func BenchmarkLookup(b *testing.B) {
	for _, n := range []int{1000, 10000} {
		b.Run(fmt.Sprintf("routes=%d", n), func(b *testing.B) {
			p := Build(benchCorpus(n))[0]
			r := rand.New(rand.NewPCG(3, 3))
			hosts := max(n/5, 1)
			reqs := make([]simulate.Request, 1024)
			for i := range reqs {
				// Requests as simulate, test and the proxy make them
				// (simulate.ParseRequest), so the answer's URL is the
				// one given.
				var h http.Header
				if i%4 == 0 {
					h = http.Header{"X-Version": {"2"}}
				}
				req, err := simulate.ParseRequest(fmt.Sprintf("http://host-%d.example.com/svc-%d/v%d/x", r.IntN(hosts), r.IntN(50), r.IntN(3)), h)
				if err != nil {
					b.Fatal(err)
				}
				reqs[i] = req
			}
			b.ReportAllocs()
			start := cpuTime()
			b.ResetTimer()
			i := 0
			for b.Loop() {
				p.Lookup(reqs[i%len(reqs)])
				i++
			}
			b.ReportMetric(float64((cpuTime()-start).Nanoseconds())/float64(b.N), "cpu-ns/op")
		})
	}
}
