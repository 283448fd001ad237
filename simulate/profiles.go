package simulate

import (
	"fmt"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
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
	// Traits declare how the controller treats a request besides
	// routing it, for callers that serve requests for real.
	Traits ProfileTraits
}

// ProfileTraits are what a profile declares, when it registers, about how
// its controller handles a request beyond the answer of Decorate: a
// caller that serves requests (the proxy) asks TraitsOf for them and
// names no profile. The zero value is the cautious answer: headers are
// read, the normalized path is forwarded and encoded separators are not
// decoded before matching.
type ProfileTraits struct {
	// IgnoresHeaders is true when no answer of the profile depends on
	// Request.Header, so that a caller may leave the headers out of the
	// Request (the proxy's fast path then parses none).
	IgnoresHeaders bool
	// ForwardsRawPath is true when the controller forwards the request
	// path as the client sent it (no rewrite), rather than the path it
	// matched (Decision.NormalizedPath).
	ForwardsRawPath bool
	// DecodesSeparators is true when NormalizePath decodes an encoded
	// "/" (%2F) or "\\" (%5C) before the rules are matched, so that the
	// rules see the segments an upstream that decodes the path sees.
	DecodesSeparators bool
}

var (
	profilesMu   sync.RWMutex
	profiles     = map[string]Profile{}
	byController = map[string]string{}
	byClass      = map[string]string{}
	defaultName  string
	// traits is replaced, never changed, on each registration, so that
	// TraitsOf, which runs on every proxied request, takes no lock.
	traits atomic.Pointer[map[string]ProfileTraits]
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
	next := map[string]ProfileTraits{name: r.Traits}
	if old := traits.Load(); old != nil {
		for k, v := range *old {
			next[k] = v
		}
	}
	traits.Store(&next)
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

// TraitsOf returns the traits the profile called name declared when it
// registered (a Decision's Profile), the zero ProfileTraits for a name
// that is not registered (a data plane other than Ingress, or a profile
// given to Compile without registering).
func TraitsOf(name string) ProfileTraits {
	if m := traits.Load(); m != nil {
		return (*m)[name]
	}
	return ProfileTraits{}
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
