package simulate

import (
	"fmt"
	"sort"
	"strings"
	"sync"
)

// ProfileRegistration is what a profile package tells the engine about
// its controller when it registers (RegisterProfile). The engine names no
// controller itself: --controller, IngressClass inference and the
// Ingress data planes find profiles only through the registry, as
// ingress2gateway's providers do (pkg/i2gw/providers.go).
type ProfileRegistration struct {
	// Profile is the unbound profile; Bind binds it to a set.
	Profile Profile
	// Controllers are the IngressClass spec.controller values of the
	// controller the profile models.
	Controllers []string
	// Classes are the class names the controller's documentation uses,
	// for inputs that name a class without an IngressClass object.
	Classes []string
	// Default makes the profile the one used when Options.Profile is nil
	// and when neither an IngressClass nor a class name selects another.
	// One registered profile is the default: the specification's.
	Default bool
}

var (
	profilesMu   sync.RWMutex
	profiles     = map[string]Profile{}
	byController = map[string]string{}
	byClass      = map[string]string{}
	defaultName  string
)

// RegisterProfile makes a profile known to ProfileByName, ParseProfile and
// the inference from IngressClass controllers and class names. Profile
// packages call it from init; the package simulate/profiles links every
// one. Registering a name, a controller or a class name twice, or a
// second default, panics, as it is a programming error.
func RegisterProfile(r ProfileRegistration) {
	profilesMu.Lock()
	defer profilesMu.Unlock()
	name := r.Profile.Name()
	if _, dup := profiles[name]; dup {
		panic(fmt.Sprintf("simulate: profile %q registered twice", name))
	}
	if r.Default && defaultName != "" {
		panic(fmt.Sprintf("simulate: profiles %q and %q both registered as the default", defaultName, name))
	}
	for _, c := range r.Controllers {
		c = strings.ToLower(c)
		if other, dup := byController[c]; dup {
			panic(fmt.Sprintf("simulate: controller %q registered by profiles %q and %q", c, other, name))
		}
		byController[c] = name
	}
	for _, c := range r.Classes {
		c = strings.ToLower(c)
		if other, dup := byClass[c]; dup {
			panic(fmt.Sprintf("simulate: class name %q registered by profiles %q and %q", c, other, name))
		}
		byClass[c] = name
	}
	profiles[name] = r.Profile
	if r.Default {
		defaultName = name
	}
}

// DefaultProfile returns the registered default profile, unbound. It
// panics when none is registered: a program that compiles Ingresses
// must link the profiles (import github.com/ingresskit/ingresskit/
// simulate/profiles, or at least simulate/spec).
func DefaultProfile() Profile {
	profilesMu.RLock()
	defer profilesMu.RUnlock()
	if defaultName == "" {
		panic("simulate: no default profile registered: import github.com/ingresskit/ingresskit/simulate/profiles")
	}
	return profiles[defaultName]
}

// ProfileByName returns the registered profile of that name, unbound.
func ProfileByName(name string) (Profile, bool) {
	profilesMu.RLock()
	defer profilesMu.RUnlock()
	p, ok := profiles[name]
	return p, ok
}

// ProfileNames lists the registered profiles' names, sorted.
func ProfileNames() []string {
	profilesMu.RLock()
	defer profilesMu.RUnlock()
	names := make([]string, 0, len(profiles))
	for n := range profiles {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}
