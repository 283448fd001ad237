package convert

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	"k8s.io/apimachinery/pkg/labels"

	"github.com/ingresskit/ingresskit/internal/golden"
	"github.com/ingresskit/ingresskit/manifest"
)

func inputs(t *testing.T, dir string) []string {
	t.Helper()
	var files []string
	for _, pat := range []string{"*.yaml", "*.json"} {
		m, err := filepath.Glob(filepath.Join(dir, pat))
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, m...)
	}
	if len(files) == 0 {
		t.Fatalf("no fixtures in %s", dir)
	}
	return files
}

// TestConvert converts every fixture in both annotation modes: the output
// is golden-tested byte for byte, written by the text editor (never
// re-encoded), and keeps every invariant of checkConverted.
func TestConvert(t *testing.T) {
	for _, file := range inputs(t, "testdata/convert") {
		for _, mode := range ClassAnnotations {
			name := filepath.Base(file) + " " + string(mode)
			t.Run(name, func(t *testing.T) {
				in, err := os.ReadFile(file)
				if err != nil {
					t.Fatal(err)
				}
				opts := Options{IngressClassAnnotation: mode}
				r, err := convertAll(file, in, opts)
				if err != nil {
					t.Fatal(err)
				}
				if r.reemitted != 0 {
					t.Errorf("%d documents were re-encoded instead of edited in place", r.reemitted)
				}
				if r.changed == bytes.Equal(in, r.out) {
					t.Errorf("changed = %v, but output equal to input is %v", r.changed, bytes.Equal(in, r.out))
				}
				golden.Assert(t, r.out, strings.TrimSuffix(file, filepath.Ext(file))+"."+string(mode)+".golden")
				checkConverted(t, file, in, r.out, opts)
			})
		}
	}
}

// TestValid checks the converted fixtures against the API server's
// validation rules for a new networking.k8s.io/v1 Ingress.
func TestValid(t *testing.T) {
	for _, file := range inputs(t, "testdata/convert") {
		t.Run(filepath.Base(file), func(t *testing.T) {
			in, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			for _, mode := range ClassAnnotations {
				out, _, err := Bytes(file, in, Options{IngressClassAnnotation: mode})
				if err != nil {
					t.Fatal(err)
				}
				set, err := manifest.Parse(file, out, manifest.Options{})
				if err != nil {
					t.Fatal(err)
				}
				for _, ing := range set.Ingresses {
					if errs := validateIngressCreate(&ing.Ingress); len(errs) > 0 {
						t.Errorf("%s %s (%s): not valid networking.k8s.io/v1: %v", mode, ing.Key(), ing.Source.Pos, errs.ToAggregate())
					}
				}
			}
		})
	}
}

// TestGCEExample pins the example the README converts: valid v1, its
// comments kept and its Service documents unchanged.
func TestGCEExample(t *testing.T) {
	const file = "../examples/gce-v1beta1.yaml"
	in, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	out, changed, err := Bytes(file, in, Options{})
	if err != nil || !changed {
		t.Fatalf("Bytes: changed %v, err %v", changed, err)
	}
	set, err := manifest.Parse(file, out, manifest.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(set.Ingresses) != 1 || len(set.Services) != 2 {
		t.Fatalf("got %d Ingresses and %d Services, want 1 and 2", len(set.Ingresses), len(set.Services))
	}
	ing := set.Ingresses[0]
	if ing.Source.APIVersion != manifest.NetworkingV1 {
		t.Errorf("apiVersion %s, want %s", ing.Source.APIVersion, manifest.NetworkingV1)
	}
	if errs := validateIngressCreate(&ing.Ingress); len(errs) > 0 {
		t.Errorf("not valid networking.k8s.io/v1: %v", errs.ToAggregate())
	}
	for _, line := range strings.Split(string(in), "\n") {
		if strings.Contains(line, "#") && !strings.Contains(string(out), line) {
			t.Errorf("comment line lost: %q", line)
		}
	}
	inDocs, _ := manifest.SplitDocuments(in)
	outDocs, _ := manifest.SplitDocuments(out)
	for i := 0; i < 2; i++ {
		if !bytes.Equal(inDocs[i], outDocs[i]) {
			t.Errorf("Service document %d changed:\n%s", i, cmp.Diff(string(inDocs[i]), string(outDocs[i])))
		}
	}
}

// TestErrors checks that bad input and fields without a v1 equivalent are
// errors naming file:line, with no output.
func TestErrors(t *testing.T) {
	for _, file := range inputs(t, "testdata/errors") {
		t.Run(filepath.Base(file), func(t *testing.T) {
			in, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			out, changed, err := Bytes(filepath.ToSlash(file), in, Options{IngressClassAnnotation: MoveClassAnnotation})
			if err == nil {
				t.Fatalf("no error; output:\n%s", out)
			}
			if out != nil || changed {
				t.Errorf("output %q, changed %v beside the error", out, changed)
			}
			var le *manifest.LoadError
			if !errors.As(err, &le) {
				t.Fatalf("error %T is not a *manifest.LoadError: %v", err, err)
			}
			for _, ie := range le.Errors {
				if ie.Pos.Line == 0 {
					t.Errorf("error without a line: %v", ie)
				}
			}
			golden.Assert(t, []byte(err.Error()+"\n"), strings.TrimSuffix(file, filepath.Ext(file))+".golden")
		})
	}
}

func TestBadMode(t *testing.T) {
	if _, _, err := Bytes("x.yaml", []byte("kind: x\n"), Options{IngressClassAnnotation: "drop"}); err == nil {
		t.Fatal("an unknown annotation mode was accepted")
	}
}

// model is what routing depends on: every object as the loader
// normalizes it.
type model struct {
	Ingresses []networkingv1.Ingress
	Services  []corev1.Service
	Secrets   []corev1.Secret
	Classes   []networkingv1.IngressClass
}

func modelOf(set *manifest.Set, opts Options) model {
	var m model
	for _, ing := range set.Ingresses {
		o := *ing.Ingress.DeepCopy()
		if v, ok := o.Annotations[manifest.AnnotationIngressClass]; ok && opts.IngressClassAnnotation == MoveClassAnnotation {
			delete(o.Annotations, manifest.AnnotationIngressClass)
			if len(o.Annotations) == 0 {
				o.Annotations = nil
			}
			o.Spec.IngressClassName = &v
		}
		m.Ingresses = append(m.Ingresses, o)
	}
	for _, s := range set.Services {
		m.Services = append(m.Services, s.Service)
	}
	for _, s := range set.Secrets {
		m.Secrets = append(m.Secrets, s.Secret)
	}
	for _, c := range set.IngressClasses {
		m.Classes = append(m.Classes, c.IngressClass)
	}
	return m
}

// checkConverted asserts the invariants of a conversion: the output loads
// with every Ingress and IngressClass on networking.k8s.io/v1, converting
// it again changes nothing, the normalized objects (and so routing) are
// those of the input, and documents with nothing to convert are copied
// byte for byte.
func checkConverted(t testing.TB, name string, in, out []byte, opts Options) {
	t.Helper()
	before, err := manifest.Parse(name, in, manifest.Options{})
	if err != nil {
		t.Fatalf("input does not load: %v", err)
	}
	after, err := manifest.Parse(name, out, manifest.Options{})
	if err != nil {
		t.Fatalf("output does not load: %v\n%s", err, out)
	}
	for _, ing := range after.Ingresses {
		if ing.Source.APIVersion != manifest.NetworkingV1 {
			t.Errorf("%s: Ingress still on %s", ing.Source.Pos, ing.Source.APIVersion)
		}
		if opts.IngressClassAnnotation == MoveClassAnnotation && ing.Annotations[manifest.AnnotationIngressClass] != "" {
			t.Errorf("%s: class annotation not moved", ing.Source.Pos)
		}
	}
	for _, ic := range after.IngressClasses {
		if ic.Source.APIVersion != manifest.NetworkingV1 {
			t.Errorf("%s: IngressClass still on %s", ic.Source.Pos, ic.Source.APIVersion)
		}
	}
	again, changed, err := Bytes(name, out, opts)
	if err != nil || changed || !bytes.Equal(again, out) {
		t.Errorf("converting the output again: changed %v, err %v\n%s", changed, err, cmp.Diff(string(out), string(again)))
	}
	// The loader gives an old-API rule with "paths:" empty an empty list
	// and a v1 one nil; both route nothing.
	if d := cmp.Diff(modelOf(before, opts), modelOf(after, opts), cmpopts.EquateEmpty()); d != "" {
		t.Errorf("normalized objects differ (-before +after):\n%s", d)
	}
	inDocs, _ := manifest.SplitDocuments(in)
	outDocs, _ := manifest.SplitDocuments(out)
	if len(inDocs) != len(outDocs) {
		return
	}
	for i := range inDocs {
		work := bytes.Contains(inDocs[i], []byte("v1beta1")) ||
			opts.IngressClassAnnotation == MoveClassAnnotation && bytes.Contains(inDocs[i], []byte("ingress.class"))
		if !work && !bytes.Equal(inDocs[i], outDocs[i]) {
			t.Errorf("document %d has nothing to convert but changed:\n%s", i, cmp.Diff(string(inDocs[i]), string(outDocs[i])))
		}
	}
}

// TestSelector converts only the Ingresses a label selector picks (-l); the others keep their bytes.
func TestSelector(t *testing.T) {
	in := `apiVersion: extensions/v1beta1
kind: Ingress
metadata:
  name: web
  labels: {app: shop}
spec:
  backend: {serviceName: web, servicePort: 80}
---
apiVersion: extensions/v1beta1
kind: Ingress
metadata:
  name: blog
spec:
  backend: {serviceName: blog, servicePort: 80}
`
	sel, err := labels.Parse("app=shop")
	if err != nil {
		t.Fatal(err)
	}
	out, changed, err := Bytes("in.yaml", []byte(in), Options{Selector: sel})
	if err != nil {
		t.Fatal(err)
	}
	if !changed {
		t.Fatal("nothing changed")
	}
	web, blog, ok := strings.Cut(string(out), "---\n")
	if !ok {
		t.Fatalf("output lost its separator:\n%s", out)
	}
	if !strings.Contains(web, "apiVersion: networking.k8s.io/v1\n") {
		t.Errorf("the selected Ingress was not converted:\n%s", web)
	}
	if want := in[strings.Index(in, "---\n")+4:]; blog != want {
		t.Errorf("the other Ingress changed:\n%s", blog)
	}
	none, _ := labels.Parse("app=none")
	if _, changed, err := Bytes("in.yaml", []byte(in), Options{Selector: none}); err != nil || changed {
		t.Errorf("a selector matching nothing changed the file (err %v)", err)
	}
}
