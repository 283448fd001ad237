package simulate

import (
	"strings"
	"testing"

	networkingv1 "k8s.io/api/networking/v1"

	"github.com/ingresskit/ingresskit/manifest"
)

// namedProfile is a profile that only has a name, for the registry
// checks.
type namedProfile string

func (p namedProfile) Name() string                   { return string(p) }
func (namedProfile) NormalizePath(path string) string { return path }
func (namedProfile) PathMatch(*manifest.Ingress, int, networkingv1.HTTPIngressPath) (PathMatch, bool, string) {
	return PathMatch{}, false, "test profile"
}
func (namedProfile) FallThrough() bool                { return true }
func (namedProfile) Less(a, b *manifest.Ingress) bool { return OldestFirst(a, b) }
func (namedProfile) Decorate(*Decision, Request)      {}

// withRegistry runs f with an empty profile registry and restores the
// registry afterwards.
func withRegistry(t *testing.T, f func()) {
	t.Helper()
	profilesMu.Lock()
	saved, savedCtl, savedClass, savedDefault := profiles, byController, byClass, defaultName
	profiles, byController, byClass, defaultName = map[string]Profile{}, map[string]string{}, map[string]string{}, ""
	profilesMu.Unlock()
	defer func() {
		profilesMu.Lock()
		profiles, byController, byClass, defaultName = saved, savedCtl, savedClass, savedDefault
		profilesMu.Unlock()
	}()
	f()
}

func TestRegisterProfile(t *testing.T) {
	withRegistry(t, func() {
		RegisterProfile(ProfileRegistration{Profile: namedProfile("base"), Default: true})
		RegisterProfile(ProfileRegistration{Profile: namedProfile("one"), Controllers: []string{"Example.com/One"}, Classes: []string{"One"}})
		if got := ProfileNames(); strings.Join(got, ",") != "base,one" {
			t.Errorf("ProfileNames = %v, want [base one]", got)
		}
		if got := DefaultProfile().Name(); got != "base" {
			t.Errorf("DefaultProfile = %q, want base", got)
		}
		if got := ProfileNameForController("example.com/ONE"); got != "one" {
			t.Errorf("controller example.com/ONE -> %q, want one", got)
		}
		set := &manifest.Set{}
		for class, want := range map[string]string{"one": "one", "ONE": "one", "two": "base", "": "base"} {
			ing := &manifest.Ingress{}
			if class != "" {
				ing.Spec.IngressClassName = &class
			}
			if got := InferProfileName(set, ing); got != want {
				t.Errorf("class %q -> %q, want %q", class, got, want)
			}
		}
	})
}

func TestRegisterProfilePanics(t *testing.T) {
	tests := []struct {
		name string
		regs []ProfileRegistration
		want string
	}{
		{"name twice", []ProfileRegistration{{Profile: namedProfile("a")}, {Profile: namedProfile("a")}}, `profile "a" registered twice`},
		{"two defaults", []ProfileRegistration{{Profile: namedProfile("a"), Default: true}, {Profile: namedProfile("b"), Default: true}}, "both registered as the default"},
		{"controller twice", []ProfileRegistration{{Profile: namedProfile("a"), Controllers: []string{"x/y"}}, {Profile: namedProfile("b"), Controllers: []string{"X/Y"}}}, `controller "x/y"`},
		{"class twice", []ProfileRegistration{{Profile: namedProfile("a"), Classes: []string{"c"}}, {Profile: namedProfile("b"), Classes: []string{"c"}}}, `class name "c"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			withRegistry(t, func() {
				defer func() {
					r := recover()
					if s, _ := r.(string); !strings.Contains(s, tt.want) {
						t.Errorf("panic %v, want one mentioning %q", r, tt.want)
					}
				}()
				for _, r := range tt.regs {
					RegisterProfile(r)
				}
			})
		})
	}
}

func TestDefaultProfileUnregistered(t *testing.T) {
	withRegistry(t, func() {
		defer func() {
			if s, _ := recover().(string); !strings.Contains(s, "simulate/profiles") {
				t.Errorf("panic %q, want one naming simulate/profiles", s)
			}
		}()
		DefaultProfile()
	})
}
