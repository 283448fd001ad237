package lint

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/ingresskit/ingresskit/manifest"
)

// FuzzRun checks that no rule panics on any input the loader accepts, that
// every finding has a position in the input, and that a second run over
// the same objects gives the same findings (rules are deterministic).
func FuzzRun(f *testing.F) {
	// Every rule's fixtures: inputs that exercise each rule's reporting
	// paths.
	for _, r := range Registry() {
		for _, name := range []string{"bad.yaml", "good.yaml"} {
			if b, err := os.ReadFile(filepath.Join(FixtureDir(r.ID), name)); err == nil {
				f.Add(b)
			}
		}
	}
	// An Ingress whose backend, rules and paths are all empty or null.
	f.Add([]byte("apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: {name: x}\nspec:\n  defaultBackend: {}\n  rules: [{}, {http: {paths: [{}]}}]\n  tls: [{}]\n"))
	// A v1beta1 Ingress with a string port and a resource backend.
	f.Add([]byte("apiVersion: extensions/v1beta1\nkind: Ingress\nmetadata: {name: y}\nspec:\n  backend: {serviceName: s, servicePort: http, resource: {kind: K, name: n}}\n"))
	// A TLS Secret whose certificate is garbage.
	f.Add([]byte("apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: {name: z}\nspec:\n  tls: [{hosts: ['*.a.b'], secretName: s}]\n  rules: [{host: '*.a.b'}]\n---\napiVersion: v1\nkind: Secret\nmetadata: {name: s}\ntype: kubernetes.io/tls\nstringData: {tls.crt: 'x', tls.key: 'y'}\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		set, _ := manifest.Parse("fuzz.yaml", data, manifest.Options{MaxNodes: 20000})
		if set == nil {
			return
		}
		opts := Options{Config: Config{EnableAll: true}, Now: testNow}
		res, err := Run(context.Background(), set, opts)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range res.Findings {
			if f.Pos.File != "fuzz.yaml" || f.Pos.Line < 1 || f.Rule == "" || f.Message == "" {
				t.Errorf("finding without a position, rule or message: %+v", f)
			}
		}
		again, err := Run(context.Background(), set, opts)
		if err != nil {
			t.Fatal(err)
		}
		if len(again.Findings) != len(res.Findings) {
			t.Fatalf("second run: %d findings, first %d", len(again.Findings), len(res.Findings))
		}
		for i := range res.Findings {
			if again.Findings[i].String() != res.Findings[i].String() {
				t.Errorf("second run differs: %s vs %s", again.Findings[i], res.Findings[i])
			}
		}
	})
}
