package manifest

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func loadFixture(t *testing.T, name string) *Set {
	t.Helper()
	set, err := Load(context.Background(), Options{Paths: []string{filepath.Join("testdata", name)}})
	if err != nil {
		t.Fatalf("Load(%s): %v", name, err)
	}
	return set
}

// route flattens an Ingress into host path pathType backend strings.
func flatten(ing *Ingress) []string {
	var out []string
	if b := ing.Spec.DefaultBackend; b != nil {
		out = append(out, "default "+BackendString(*b))
	}
	for _, r := range ing.Spec.Rules {
		for _, p := range r.HTTP.Paths {
			out = append(out, r.Host+" "+p.Path+" "+string(*p.PathType)+" "+BackendString(p.Backend))
		}
	}
	return out
}

func TestLoadNormalizesEveryVersion(t *testing.T) {
	set := loadFixture(t, "versions.yaml")
	tests := []struct {
		name, key, apiVersion, class string
		routes                       []string
	}{
		{"extensions v1beta1", "shop/ext", ExtensionsV1beta1, "", []string{
			"default fallback:8080",
			"ext.example.com /api ImplementationSpecific api:80",
			"ext.example.com /web Prefix web:http",
		}},
		{"networking v1beta1", "default/netbeta", NetworkingV1beta1, "nginx", []string{
			"beta.example.com /api Exact api:80",
			"beta.example.com /web ImplementationSpecific web:http",
		}},
		{"networking v1 json", "default/v1json", NetworkingV1, "alb", []string{
			"v1.example.com /api Prefix api:80",
			"v1.example.com /web Prefix web:http",
		}},
	}
	if len(set.Ingresses) != len(tests) {
		t.Fatalf("got %d Ingresses, want %d", len(set.Ingresses), len(tests))
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ing := set.Ingresses[i]
			if ing.Key() != tt.key || ing.Source.APIVersion != tt.apiVersion || ing.Class() != tt.class {
				t.Errorf("got %s %s class %q, want %s %s class %q", ing.Key(), ing.Source.APIVersion, ing.Class(), tt.key, tt.apiVersion, tt.class)
			}
			if ing.APIVersion != NetworkingV1 {
				t.Errorf("normalized apiVersion = %q", ing.APIVersion)
			}
			if diff := cmp.Diff(tt.routes, flatten(ing)); diff != "" {
				t.Errorf("routes (-want +got):\n%s", diff)
			}
		})
	}
	if got := len(set.Services); got != 1 {
		t.Errorf("services = %d, want 1", got)
	}
	if sec := set.Secret("default", "tls"); sec == nil || string(sec.Data["tls.crt"]) != "cert" {
		t.Errorf("secret stringData not merged into data: %+v", sec)
	}
	if c := set.DefaultClass(); c == nil || c.Name != "nginx" || c.Spec.Controller != "k8s.io/ingress-nginx" {
		t.Errorf("default class = %+v", c)
	}
	if diff := cmp.Diff(map[string]int{"ConfigMap": 1}, set.Skipped); diff != "" {
		t.Errorf("skipped (-want +got):\n%s", diff)
	}
}

func TestFieldPositions(t *testing.T) {
	set := loadFixture(t, "versions.yaml")
	file := filepath.Join("testdata", "versions.yaml")
	tests := []struct {
		name  string
		ing   int
		field string
		want  Pos
	}{
		{"object", 0, "", Pos{file, 3, 1}},
		{"v1beta1 default backend under its v1 name", 0, "spec.defaultBackend", Pos{file, 9, 3}},
		{"v1beta1 service port under its v1 name", 0, "spec.rules[0].http.paths[1].backend.service.port", Pos{file, 24, 11}},
		{"path item", 0, "spec.rules[0].http.paths[1]", Pos{file, 20, 9}},
		{"absent field falls back to its parent", 1, "spec.rules[0].http.paths[1].pathType", Pos{file, 41, 9}},
		{"json document", 2, "spec.rules[0].host", Pos{file, 48, 22}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := set.Ingresses[tt.ing].Source.Pos
			if tt.field != "" {
				got = set.Ingresses[tt.ing].Source.FieldPos(tt.field)
			}
			if got != tt.want {
				t.Errorf("FieldPos(%q) = %v, want %v", tt.field, got, tt.want)
			}
		})
	}
}

func TestLoadErrors(t *testing.T) {
	tests := []struct {
		name string
		data string
		want []string
	}{
		{"malformed yaml keeps other documents", "apiVersion: v1\nkind: Service\nmetadata: {name: a}\n---\nkind: [\n", []string{"x.yaml:5: invalid YAML: did not find expected node content"}},
		{"missing kind", "apiVersion: v1\nmetadata: {name: a}\n", []string{"x.yaml:1:1: kind is missing"}},
		{"not an object", "- a\n- b\n", []string{"x.yaml:1:1: expected a Kubernetes object (a mapping with apiVersion and kind), got a list"}},
		{"unserved ingress version", "apiVersion: networking.k8s.io/v2\nkind: Ingress\nmetadata: {name: a}\n", []string{"x.yaml:1:13: apiVersion networking.k8s.io/v2 is not served for kind Ingress; use networking.k8s.io/v1"}},
		{"port out of range", "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: {name: a}\nspec:\n  defaultBackend: {service: {name: s, port: {number: 99999999999}}}\n", []string{"x.yaml:5:54: spec.defaultBackend.service.port.number: 99999999999 is out of range for a 32-bit integer"}},
		{"annotation not a string", "apiVersion: v1\nkind: Service\nmetadata:\n  name: a\n  annotations:\n    enabled: true\n", []string{`x.yaml:6:14: metadata.annotations.enabled: expected a string, got boolean true (quote it: "true")`}},
		{"only comments", "# nothing here\n", []string{"x.yaml: holds no Kubernetes objects (only blank lines or comments)"}},
		{"empty", "", []string{"x.yaml: file is empty"}},
		{"binary", "\x00\x01\x02", []string{"x.yaml: binary file, not a YAML or JSON manifest"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			set, err := Parse("x.yaml", []byte(tt.data), Options{})
			var le *LoadError
			if !errors.As(err, &le) {
				t.Fatalf("err = %v, want a *LoadError", err)
			}
			var got []string
			for _, e := range le.Errors {
				got = append(got, e.Error())
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("errors (-want +got):\n%s", diff)
			}
			if tt.name == "malformed yaml keeps other documents" && len(set.Services) != 1 {
				t.Errorf("valid document before the bad one was not kept")
			}
		})
	}
}

func TestAliasBomb(t *testing.T) {
	var b strings.Builder
	b.WriteString("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: bomb}\ndata:\n  a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n")
	for i := 1; i < 12; i++ {
		b.WriteString("  a" + string(rune('0'+i%10)) + string(rune('a'+i)) + ": &a" + string(rune('a'+i)) + " [")
		prev := "a0"
		if i > 1 {
			prev = "a" + string(rune('a'+i-1))
		}
		for j := 0; j < 10; j++ {
			if j > 0 {
				b.WriteString(", ")
			}
			b.WriteString("*" + prev)
		}
		b.WriteString("]\n")
	}
	_, err := Parse("bomb.yaml", []byte(b.String()), Options{})
	if err == nil || !strings.Contains(err.Error(), "aliases nested too deeply") {
		t.Fatalf("err = %v, want the alias limit", err)
	}
}

func TestNamespaceDefaulting(t *testing.T) {
	data := "apiVersion: v1\nkind: Service\nmetadata: {name: a}\n---\napiVersion: v1\nkind: Service\nmetadata: {name: b, namespace: kept}\n---\napiVersion: networking.k8s.io/v1\nkind: IngressClass\nmetadata: {name: c}\nspec: {controller: x}\n"
	set, err := Parse("ns.yaml", []byte(data), Options{Namespace: "web"})
	if err != nil {
		t.Fatal(err)
	}
	got := []string{set.Services[0].Key(), set.Services[1].Key(), set.IngressClasses[0].Namespace}
	if diff := cmp.Diff([]string{"web/a", "kept/b", ""}, got); diff != "" {
		t.Errorf("namespaces (-want +got):\n%s", diff)
	}
}

func TestLoadDirectory(t *testing.T) {
	dir := t.TempDir()
	write := func(name, data string) {
		t.Helper()
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	svc := func(n string) string { return "apiVersion: v1\nkind: Service\nmetadata: {name: " + n + "}\n" }
	write("a.yaml", svc("a"))
	write("notes.txt", "not a manifest")
	write("sub/b.yml", svc("b"))
	write("sub/deeper/c.json", `{"apiVersion":"v1","kind":"Service","metadata":{"name":"c"}}`)
	for _, tt := range []struct {
		name      string
		recursive bool
		want      []string
	}{
		{"top level only", false, []string{"default/a"}},
		{"recursive", true, []string{"default/a", "default/b", "default/c"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			set, err := Load(context.Background(), Options{Paths: []string{dir}, Recursive: tt.recursive})
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, s := range set.Services {
				got = append(got, s.Key())
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("services (-want +got):\n%s", diff)
			}
		})
	}
}

func TestMatchHost(t *testing.T) {
	tests := []struct {
		pattern, host string
		want          bool
	}{
		{"", "anything.test", true},
		{"foo.bar.com", "foo.bar.com", true},
		{"foo.bar.com", "FOO.Bar.com", true},
		{"*.foo.com", "bar.foo.com", true},
		{"*.foo.com", "baz.bar.foo.com", false},
		{"*.foo.com", "foo.com", false},
		{"*.foo.com", ".foo.com", false},
	}
	for _, tt := range tests {
		if got := MatchHost(tt.pattern, tt.host); got != tt.want {
			t.Errorf("MatchHost(%q, %q) = %v, want %v", tt.pattern, tt.host, got, tt.want)
		}
	}
}

func TestTLSFor(t *testing.T) {
	data := `apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: t}
spec:
  tls:
  - hosts: [""]
    secretName: empty-host
  - hosts: ["*.example.com"]
    secretName: wildcard
  - hosts: [api.example.com]
    secretName: exact
  - secretName: no-hosts
`
	set, err := Parse("tls.yaml", []byte(data), Options{})
	if err != nil {
		t.Fatal(err)
	}
	ing := set.Ingresses[0]
	for _, tt := range []struct{ host, want string }{
		{"api.example.com", "exact"},
		{"www.example.com", "wildcard"},
		{"a.b.example.com", "no-hosts"},
		{"", "no-hosts"},
	} {
		got := ""
		if i := ing.TLSFor(tt.host); i >= 0 {
			got = ing.Spec.TLS[i].SecretName
		}
		if got != tt.want {
			t.Errorf("TLSFor(%q) = %q, want %q", tt.host, got, tt.want)
		}
	}
}

func TestErrorsNeverRepeatSecrets(t *testing.T) {
	key := "-----BEGIN PRIVATE KEY-----\nMIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg\n-----END PRIVATE KEY-----\n"
	_, err := Parse("ca.key", []byte(key), Options{})
	if err == nil || strings.Contains(err.Error(), "MIGHAgEA") {
		t.Fatalf("error repeats the key: %v", err)
	}
	if !strings.Contains(err.Error(), "a PEM block, not shown") {
		t.Errorf("error = %v, want it to say a PEM block was given", err)
	}
}

// The line of a YAML syntax error is where the problem or the construct
// holding it is, as a person counts lines.
func TestYAMLErrorLines(t *testing.T) {
	tests := []struct {
		name, data, want string
	}{
		{"unclosed flow sequence", "a: 1\nb: 2\nc: [1, 2\nd: 4\n", "x.yaml:3: invalid YAML: did not find expected ',' or ']'"},
		{"tab in indentation", "a: 1\nb:\n  c: 1\n  d: 2\n\te: 3\n", "x.yaml:5: invalid YAML: found a tab character that violates indentation"},
		{"mapping after sequence", "a:\n  - b\n  c: 1\n", "x.yaml:2: invalid YAML: did not find expected '-' indicator"},
		{"nested mapping value", "a: 1\nb: 2\nc: d: e\n", "x.yaml:3: invalid YAML: mapping values are not allowed in this context"},
		{"unterminated quote", "a: 1\nb: \"open\nc: 2\n", "x.yaml:2: invalid YAML: found unexpected end of stream"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse("x.yaml", []byte(tt.data), Options{})
			if err == nil || err.Error() != tt.want {
				t.Errorf("got %v, want %s", err, tt.want)
			}
		})
	}
}

// TestLoadDirectoryOrder checks that files read and split in parallel give
// the objects, files and errors in the order of the files, as one worker
// reading them one by one does.
func TestLoadDirectoryOrder(t *testing.T) {
	dir := t.TempDir()
	for i := 0; i < 40; i++ {
		data := fmt.Sprintf("apiVersion: v1\nkind: Service\nmetadata: {name: s%02d}\n---\napiVersion: v1\nkind: Service\nmetadata: {name: t%02d}\n", i, i)
		switch i % 10 {
		case 3:
			data = "" // empty
		case 5:
			data = "# only a comment\n"
		case 7:
			data = strings.Repeat("x", 200) // over MaxFileSize
		case 9:
			data = "kind: [\n" // invalid YAML
		}
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("f%02d.yaml", i)), []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	load := func(workers int) (services, files, errs []string) {
		set, err := Load(context.Background(), Options{Paths: []string{dir}, MaxFileSize: 150, Workers: workers})
		var le *LoadError
		if !errors.As(err, &le) {
			t.Fatalf("err = %v, want a *LoadError", err)
		}
		for _, s := range set.Services {
			services = append(services, s.Name)
		}
		for _, f := range set.Files {
			files = append(files, filepath.Base(f))
		}
		for _, e := range le.Errors {
			errs = append(errs, strings.TrimPrefix(e.Error(), dir+string(filepath.Separator)))
		}
		return services, files, errs
	}
	wantServices, wantFiles, wantErrs := load(1)
	var inOrder []string
	for i := 0; i < 40; i++ {
		if i%10 != 3 && i%10 != 5 && i%10 != 7 && i%10 != 9 {
			inOrder = append(inOrder, fmt.Sprintf("s%02d", i), fmt.Sprintf("t%02d", i))
		}
	}
	if diff := cmp.Diff(inOrder, wantServices); diff != "" {
		t.Errorf("one worker: services (-want +got):\n%s", diff)
	}
	if len(wantFiles) != 36 || !slices.IsSorted(wantFiles) || len(wantErrs) != 16 {
		t.Errorf("one worker: files %v, %d errors; want 36 files in order and 16 errors", wantFiles, len(wantErrs))
	}
	for _, workers := range []int{2, 4, 8} {
		services, files, errs := load(workers)
		if diff := cmp.Diff(wantServices, services); diff != "" {
			t.Errorf("%d workers: services (-one worker +parallel):\n%s", workers, diff)
		}
		if diff := cmp.Diff(wantFiles, files); diff != "" {
			t.Errorf("%d workers: files (-one worker +parallel):\n%s", workers, diff)
		}
		if diff := cmp.Diff(wantErrs, errs); diff != "" {
			t.Errorf("%d workers: errors (-one worker +parallel):\n%s", workers, diff)
		}
	}
}
