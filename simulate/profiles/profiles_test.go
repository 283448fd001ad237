package profiles

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/ingresskit/ingresskit/simulate"
)

const module = "github.com/ingresskit/ingresskit/"

// imports returns the packages the non-test Go files of dir import.
func imports(t *testing.T, dir string) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(dir, "*.go"))
	if err != nil || len(files) == 0 {
		t.Fatalf("%s: no Go files: %v", dir, err)
	}
	var out []string
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		file, err := parser.ParseFile(token.NewFileSet(), f, nil, parser.ImportsOnly)
		if err != nil {
			t.Fatal(err)
		}
		for _, im := range file.Imports {
			p, _ := strconv.Unquote(im.Path.Value)
			out = append(out, p)
		}
	}
	return out
}

// TestLayout checks the shape of house style §1 "Profiles and data
// planes": the engine core imports no profile or data plane package, and
// a profile imports the core and manifest but never another profile.
func TestLayout(t *testing.T) {
	for _, p := range imports(t, "..") {
		if strings.HasPrefix(p, module+"simulate/") {
			t.Errorf("the engine core imports %s", p)
		}
	}
	for _, dir := range []string{"spec", "nginx", "gce", "alb", "istioingress", "gateway", "istio"} {
		for _, p := range imports(t, filepath.Join("..", dir)) {
			if strings.HasPrefix(p, module+"simulate/") && !strings.HasPrefix(p, module+"simulate/internal/") {
				t.Errorf("simulate/%s imports %s", dir, p)
			}
		}
	}
}

// nameLiterals are the string literals of the core and the proxy that
// equal a profile's name but do not name the profile, by file and
// literal, each with what it is.
var nameLiterals = map[string]string{
	// The "istio:" key of a route test, which names an Istio gateway.
	"simulate/routetest.go \"istio\"": "route test key",
}

// TestNoProfileNames checks that the engine core and the proxy name no
// profile: behaviour that differs by controller is the profile's own, or
// a trait it declares when it registers (simulate.ProfileTraits), never
// a comparison with its name. Every string literal of their non-test
// files that equals a registered profile's name fails, unless
// nameLiterals lists it.
func TestNoProfileNames(t *testing.T) {
	names := map[string]bool{}
	for _, n := range simulate.ProfileNames() {
		names[n] = true
	}
	seen := map[string]bool{}
	for _, dir := range []string{"simulate", "proxy"} {
		files, err := filepath.Glob(filepath.Join("..", "..", dir, "*.go"))
		if err != nil || len(files) == 0 {
			t.Fatalf("%s: no Go files: %v", dir, err)
		}
		for _, f := range files {
			if strings.HasSuffix(f, "_test.go") {
				continue
			}
			fset := token.NewFileSet()
			file, err := parser.ParseFile(fset, f, nil, parser.SkipObjectResolution)
			if err != nil {
				t.Fatal(err)
			}
			rel := filepath.ToSlash(filepath.Join(dir, filepath.Base(f)))
			ast.Inspect(file, func(n ast.Node) bool {
				lit, ok := n.(*ast.BasicLit)
				if !ok || lit.Kind != token.STRING {
					return true
				}
				v, err := strconv.Unquote(lit.Value)
				if err != nil || !names[strings.ToLower(v)] {
					return true
				}
				key := rel + " " + strconv.Quote(v)
				if _, ok := nameLiterals[key]; ok {
					seen[key] = true
					return true
				}
				t.Errorf("%s: the literal %q names the %s profile: declare the behaviour as a trait (simulate.ProfileTraits) and ask simulate.TraitsOf", fset.Position(lit.Pos()), v, v)
				return true
			})
		}
	}
	for key := range nameLiterals {
		if !seen[key] {
			t.Errorf("nameLiterals lists %s, which is no longer there", key)
		}
	}
}

// TestRegistered checks that importing this package registers every
// profile, a default, and every kind of data plane.
func TestRegistered(t *testing.T) {
	if got, want := strings.Join(simulate.ProfileNames(), " "), "alb gce istio nginx spec"; got != want {
		t.Errorf("profiles %q, want %q", got, want)
	}
	if got := simulate.DefaultProfile().Name(); got != "spec" {
		t.Errorf("default profile %q, want spec", got)
	}
	if got, want := strings.Join(simulate.BuilderKinds(), " "), "gateway ingress istio"; got != want {
		t.Errorf("data plane kinds %q, want %q", got, want)
	}
	for name, want := range map[string]simulate.ProfileTraits{
		"nginx": {ForwardsRawPath: true, DecodesSeparators: true},
		"alb":   {},
		"gce":   {IgnoresHeaders: true},
		"istio": {IgnoresHeaders: true},
		"spec":  {IgnoresHeaders: true},
		"other": {},
	} {
		if got := simulate.TraitsOf(name); got != want {
			t.Errorf("traits of %s %+v, want %+v", name, got, want)
		}
	}
	for controller, want := range map[string]string{
		"k8s.io/ingress-nginx": "nginx", "ingress.k8s.aws/alb": "alb", "k8s.io/ingress-gce": "gce", "istio.io/ingress-controller": "istio", "example.com/other": "",
	} {
		if got := simulate.ProfileNameForController(controller); got != want {
			t.Errorf("controller %s -> %q, want %q", controller, got, want)
		}
	}
}
