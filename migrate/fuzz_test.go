package migrate_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ingresskit/ingresskit/lint"
	"github.com/ingresskit/ingresskit/manifest"
	"github.com/ingresskit/ingresskit/migrate"
	_ "github.com/ingresskit/ingresskit/migrate/all"
)

// FuzzTranslate checks the translator on any Ingress YAML: it never
// panics, and its output always decodes and passes the
// gateway-api-validation rule, unless the input is reported, by the
// loader, by lint's error rules on the Ingress, or by a finding of the
// translation on that Ingress. Verify must not panic on the pair either.
func FuzzTranslate(f *testing.F) {
	for _, glob := range []string{"testdata/*.yaml", "../examples/*.yaml"} {
		files, _ := filepath.Glob(glob)
		for _, p := range files {
			b, err := os.ReadFile(p)
			if err != nil {
				f.Fatal(err)
			}
			f.Add(b)
		}
	}
	// A host with upper case and a trailing dot, a path with a space and
	// a regex that does not compile.
	f.Add([]byte("apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: {name: a, annotations: {nginx.ingress.kubernetes.io/use-regex: \"true\"}}\n" +
		"spec: {ingressClassName: nginx, rules: [{host: Foo.example.com., http: {paths: [{path: '/a b/(x', pathType: ImplementationSpecific, backend: {service: {name: s, port: {number: 80}}}}]}}]}\n"))
	rule := lint.Lookup("gateway-api-validation")
	if rule == nil {
		f.Fatal("no gateway-api-validation rule")
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		set, err := manifest.Parse("fuzz.yaml", data, manifest.Options{MaxNodes: 5000})
		if err != nil {
			var le *manifest.LoadError
			if !errors.As(err, &le) {
				t.Fatalf("load error is not a *LoadError: %v", err)
			}
			return // reported by the loader
		}
		if len(set.Ingresses) == 0 || len(set.Ingresses) > 20 {
			return
		}
		res, err := migrate.Translate(set, migrate.Options{})
		if err != nil {
			if err.Error() == "" {
				t.Fatal("Translate failed with an empty message")
			}
			return // reported
		}
		out, err := migrate.YAML(res.Objects)
		if err != nil {
			t.Fatalf("YAML: %v", err)
		}
		after, err := manifest.Parse("out.yaml", out, manifest.Options{})
		if err != nil {
			t.Fatalf("the output does not decode: %v\n%s", err, out)
		}
		if _, err := migrate.Verify(set, res.Set(set), migrate.Options{}); err != nil && err.Error() == "" {
			t.Fatal("Verify failed with an empty message")
		}
		lres, err := lint.Run(context.Background(), after, lint.Options{Rules: []*lint.Rule{rule}})
		if err != nil {
			t.Fatal(err)
		}
		var bad []lint.Finding
		for _, fd := range lres.Findings {
			if fd.Severity == lint.Error {
				bad = append(bad, fd)
			}
		}
		if len(bad) == 0 {
			return
		}
		// The output is invalid: the input must have been reported, as a
		// whole by lint's error rules (an invalid Ingress may name the
		// namespace of the Gateway every route attaches to), or by a
		// translation warning on an Ingress the invalid object came from.
		in, err := lint.Run(context.Background(), set, lint.Options{})
		if err != nil {
			t.Fatal(err)
		}
		for _, fd := range in.Findings {
			if fd.Severity == lint.Error && strings.HasPrefix(fd.Object, "Ingress ") {
				return
			}
		}
		reported := map[string]bool{}
		for _, fd := range res.Findings {
			if fd.Severity == migrate.Warning {
				reported[fd.Ingress] = true
			}
		}
		// Each invalid object must come from a reported Ingress.
		for _, fd := range bad {
			var from []string
			for _, o := range res.Objects {
				if fd.Object == o.Kind+" "+o.Namespace+"/"+o.Name || fd.Object == o.Kind+" "+o.Name {
					from = o.From
				}
			}
			ok := false
			for _, k := range from {
				ok = ok || reported[k]
			}
			if !ok {
				t.Fatalf("the translation of %v is invalid and no Ingress it came from is reported:\n%s\ninput:\n%s\noutput:\n%s", from, fd, data, out)
			}
		}
	})
}
