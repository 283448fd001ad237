package kustomize

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/ingresskit/ingresskit/manifest"
)

// load renders dir and loads the output as the CLI does.
func load(t *testing.T, dir string) (*Output, *manifest.Set) {
	t.Helper()
	out, err := Render(dir)
	if err != nil {
		t.Fatal(err)
	}
	set, err := manifest.Parse(out.Name, out.YAML, manifest.Options{Relocate: out.Relocate})
	if err != nil {
		t.Fatal(err)
	}
	return out, set
}

// TestRender applies the overlay's namespace, name prefix and patch to the
// base, as kustomize build does, and leaves out the origin annotations
// the build asked for.
func TestRender(t *testing.T) {
	out, set := load(t, "testdata/app")
	if len(set.Ingresses) != 1 || len(set.Services) != 1 {
		t.Fatalf("got %d Ingresses and %d Services", len(set.Ingresses), len(set.Services))
	}
	ing := set.Ingresses[0]
	if got := ing.Key(); got != "shop/prod-web" {
		t.Errorf("Ingress is %s, want shop/prod-web", got)
	}
	if got := ing.Spec.Rules[0].HTTP.Paths[1].Backend.Service.Port.Number; got != 8080 {
		t.Errorf("patched port is %d, want 8080", got)
	}
	if strings.Contains(string(out.YAML), "config.kubernetes.io/origin") {
		t.Errorf("output keeps the origin annotation:\n%s", out.YAML)
	}
}

// TestPositions points at the base's file for what kustomize left as
// written, and at kustomize build's output for what it wrote itself.
func TestPositions(t *testing.T) {
	_, set := load(t, "testdata/app")
	const base, built = "testdata/app/base/ingress.yaml", "kustomize build testdata/app"
	ing, svc := set.Ingresses[0], set.Services[0]
	for _, tc := range []struct {
		name string
		got  manifest.Pos
		want manifest.Pos
	}{
		{"object", ing.Source.Pos, manifest.Pos{File: base, Line: 9, Col: 1}},
		{"second object of a file", svc.Source.Pos, manifest.Pos{File: base, Line: 1, Col: 1}},
		{"unchanged field", ing.Source.FieldPos("spec.rules[0].host"), manifest.Pos{File: base, Line: 16, Col: 5}},
		{"list item", ing.Source.FieldPos("spec.rules[0].http.paths[1]"), manifest.Pos{File: base, Line: 26, Col: 9}},
		{"unchanged port", ing.Source.FieldPos("spec.rules[0].http.paths[0].backend.service.port.number"), manifest.Pos{File: base, Line: 25, Col: 15}},
		{"patched port", ing.Source.FieldPos("spec.rules[0].http.paths[1].backend.service.port.number"), manifest.Pos{File: built, Line: 32, Col: 15}},
		{"prefixed name", ing.Source.FieldPos("metadata.name"), manifest.Pos{File: built, Line: 13, Col: 3}},
		{"added namespace", ing.Source.FieldPos("metadata.namespace"), manifest.Pos{File: built, Line: 14, Col: 3}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, tc.got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

// TestRenderError names the directory and kustomize's reason.
func TestRenderError(t *testing.T) {
	_, err := Render("testdata/missing")
	if err == nil || !strings.HasPrefix(err.Error(), "kustomize build testdata/missing: ") {
		t.Fatalf("got %v", err)
	}
}

// TestUserOrigin keeps the origin annotations a kustomization asks for
// itself, as kustomize build prints them.
func TestUserOrigin(t *testing.T) {
	out, err := Render("testdata/origin")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(out.YAML), "config.kubernetes.io/origin") {
		t.Errorf("output lacks the origin annotation:\n%s", out.YAML)
	}
}

// TestLoadError relocates an input error in an object of the
// kustomization to the file it was written in.
func TestLoadError(t *testing.T) {
	out, err := Render("testdata/bad")
	if err != nil {
		t.Fatal(err)
	}
	_, err = manifest.Parse(out.Name, out.YAML, manifest.Options{Relocate: out.Relocate})
	if err == nil || !strings.HasPrefix(err.Error(), "testdata/bad/ingress.yaml:") {
		t.Fatalf("got %v", err)
	}
}
