package convert

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	networkingv1 "k8s.io/api/networking/v1"

	"github.com/ingresskit/ingresskit/manifest"
	"github.com/ingresskit/ingresskit/simulate"
	_ "github.com/ingresskit/ingresskit/simulate/profiles" // every profile registers itself
)

// answer is what routing decides for one request, without pointers into
// one load or the other.
type answer struct {
	Matched, DefaultBackend bool
	Ingress                 string
	Rule, PathIndex         int
	Host, Path              string
	PathType                networkingv1.PathType
	Backend                 networkingv1.IngressBackend
	TLSSecret               string
	HasTLS                  bool
	Redirect                string
	RedirectCode            int
	RewritePath             string
}

func answerOf(d simulate.Decision) answer {
	a := answer{
		Matched: d.Matched, DefaultBackend: d.DefaultBackend, Rule: d.Rule, PathIndex: d.PathIndex,
		Host: d.Host, Path: d.Path, PathType: d.PathType, Backend: d.Backend,
		Redirect: d.Redirect, RedirectCode: d.RedirectCode, RewritePath: d.RewritePath,
	}
	if d.Ingress != nil {
		a.Ingress = d.Ingress.Key()
	}
	if d.TLS != nil {
		a.HasTLS, a.TLSSecret = true, d.TLS.SecretName
	}
	return a
}

// requestsFor generates requests around every host and path the
// Ingresses declare: the path itself, below it, beside it and above it,
// over http and https, plus hosts no rule names and random paths built
// from the declared segments.
func requestsFor(set *manifest.Set, r *rand.Rand) []simulate.Request {
	hosts := map[string]bool{"unknown.example.org": true}
	paths := map[string]bool{"/": true, "/nothing/here": true}
	var segs []string
	addHost := func(h string) {
		if strings.HasPrefix(h, "*.") {
			hosts["a"+h[1:]] = true
			hosts["a.b"+h[1:]] = true
			hosts[h[2:]] = true
			return
		}
		if h != "" {
			hosts[h] = true
			hosts[strings.ToUpper(h)+":8443"] = true
		}
	}
	for _, ing := range set.Ingresses {
		for _, t := range ing.Spec.TLS {
			for _, h := range t.Hosts {
				addHost(h)
			}
		}
		for _, rule := range ing.Spec.Rules {
			addHost(rule.Host)
			if rule.HTTP == nil {
				continue
			}
			for _, p := range rule.HTTP.Paths {
				base := strings.TrimSuffix(p.Path, "*")
				for _, v := range []string{p.Path, base, p.Path + "/", p.Path + "/sub", p.Path + "x", filepath.Dir(p.Path), base + "1"} {
					if strings.HasPrefix(v, "/") {
						paths[v] = true
					}
				}
				segs = append(segs, strings.Split(strings.Trim(base, "/"), "/")...)
			}
		}
	}
	for i := 0; i < 20 && len(segs) > 0; i++ {
		var b strings.Builder
		for j := 0; j <= r.IntN(4); j++ {
			b.WriteString("/" + segs[r.IntN(len(segs))])
		}
		paths[b.String()] = true
	}
	var reqs []simulate.Request
	for _, h := range sortedKeys(hosts) {
		for _, p := range sortedKeys(paths) {
			for _, scheme := range []string{"http", "https"} {
				reqs = append(reqs, simulate.Request{Scheme: scheme, Host: h, Path: p})
			}
		}
	}
	// A random sample keeps large inputs within the test's time budget.
	r.Shuffle(len(reqs), func(i, j int) { reqs[i], reqs[j] = reqs[j], reqs[i] })
	return reqs[:min(len(reqs), maxRequests)]
}

// maxRequests bounds the requests asked per input, profile and class.
const maxRequests = 400

func sortedKeys(m map[string]bool) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// classesOf lists "" (every Ingress) and each class the input names, so
// that selection by class, through the annotation or spec.ingressClassName,
// is compared too.
func classesOf(set *manifest.Set) []string {
	seen := map[string]bool{"": true}
	classes := []string{""}
	for _, ing := range set.Ingresses {
		if c := ing.Class(); !seen[c] {
			seen[c] = true
			classes = append(classes, c)
		}
	}
	return classes
}

// checkRouting compiles the input and the output with every controller
// profile and class, and asks both every generated request.
func checkRouting(t testing.TB, name string, in, out []byte, r *rand.Rand) {
	t.Helper()
	before, err := manifest.Parse(name, in, manifest.Options{})
	if err != nil {
		t.Fatalf("input does not load: %v", err)
	}
	after, err := manifest.Parse(name, out, manifest.Options{})
	if err != nil {
		t.Fatalf("output does not load: %v", err)
	}
	reqs := requestsFor(before, r)
	if len(simulate.ProfileNames()) < 2 {
		t.Fatalf("profiles registered: %v; the test must link simulate/profiles", simulate.ProfileNames())
	}
	for _, profile := range simulate.ProfileNames() {
		p, _ := simulate.ProfileByName(profile)
		for _, class := range classesOf(before) {
			opts := simulate.Options{IngressClass: class, Profile: p}
			ixBefore, errBefore := simulate.Compile(before, opts)
			ixAfter, errAfter := simulate.Compile(after, opts)
			if (errBefore == nil) != (errAfter == nil) {
				t.Fatalf("%s class %q: compile before: %v, after: %v", profile, class, errBefore, errAfter)
			}
			if errBefore != nil {
				continue
			}
			for _, req := range reqs {
				a, b := answerOf(ixBefore.Lookup(req)), answerOf(ixAfter.Lookup(req))
				if reflect.DeepEqual(a, b) {
					continue
				}
				if d := cmp.Diff(a, b); d != "" {
					t.Errorf("%s class %q %s: answer changed (-before +after):\n%s", profile, class, req, d)
				}
			}
		}
	}
}

// TestRoutingUnchanged answers generated URLs with the simulate engine
// before and after conversion, for every fixture, every example and
// generated corpora, in both annotation modes.
func TestRoutingUnchanged(t *testing.T) {
	files, _ := filepath.Glob("testdata/convert/*.yaml")
	jsonFiles, _ := filepath.Glob("testdata/convert/*.json")
	examples, _ := filepath.Glob("../examples/*.yaml")
	type input struct {
		name string
		data []byte
	}
	var ins []input
	for _, f := range append(append(files, jsonFiles...), examples...) {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		ins = append(ins, input{f, data})
	}
	for seed := uint64(1); seed <= 4; seed++ {
		r := rand.New(rand.NewPCG(seed, 4))
		ins = append(ins, input{fmt.Sprintf("generated-%d.yaml", seed), genCorpus(r, 10)})
	}
	for _, in := range ins {
		for _, mode := range ClassAnnotations {
			t.Run(filepath.Base(in.name)+" "+string(mode), func(t *testing.T) {
				opts := Options{IngressClassAnnotation: mode}
				out, _, err := Bytes(in.name, in.data, opts)
				if err != nil {
					t.Fatal(err)
				}
				checkConverted(t, in.name, in.data, out, opts)
				checkRouting(t, in.name, in.data, out, rand.New(rand.NewPCG(7, 7)))
			})
		}
	}
}
