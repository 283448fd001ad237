package simulate

import (
	"fmt"
	"sort"
	"strings"

	"github.com/ingresskit/ingresskit/manifest"
)

// ParseProfile returns the profile called name, unbound (pass it through
// Bind with the set to compile), or an error listing the names
// ProfileNames gives; the --controller flag uses it.
func ParseProfile(name string) (Profile, error) {
	if p, ok := ProfileByName(strings.ToLower(strings.TrimSpace(name))); ok {
		return p, nil
	}
	return nil, fmt.Errorf("unknown controller %q: use one of %s", name, strings.Join(ProfileNames(), ", "))
}

// ProfileNameForController returns the profile name for an IngressClass
// spec.controller value (compared case-insensitively), or "" when no
// registered profile models that controller.
func ProfileNameForController(controller string) string {
	profilesMu.RLock()
	defer profilesMu.RUnlock()
	return byController[strings.ToLower(controller)]
}

// profileNameForClass guesses the profile from a class name alone, for
// inputs without IngressClass objects, from the class names each profile
// registered (ProfileRegistration.Classes).
func profileNameForClass(class string) string {
	profilesMu.RLock()
	defer profilesMu.RUnlock()
	return byClass[strings.ToLower(class)]
}

// InferProfileName returns the profile name the class of ing selects: the
// controller of the IngressClass it names (or of the default IngressClass
// when it names none), else a guess from the class name; the default
// profile's name ("spec") when neither says. With ing nil it looks at
// every Ingress in set and returns the name they agree on, or the
// default's.
func InferProfileName(set *manifest.Set, ing *manifest.Ingress) string {
	if ing == nil {
		if names := InferProfileNames(set); len(names) == 1 {
			return names[0]
		}
		return DefaultProfile().Name()
	}
	class := ing.Class()
	var ic *manifest.IngressClass
	if set != nil {
		if class != "" {
			ic = set.IngressClass(class)
		} else {
			ic = set.DefaultClass()
		}
	}
	if ic != nil {
		if n := ProfileNameForController(ic.Spec.Controller); n != "" {
			return n
		}
		class = ic.Name
	}
	if n := profileNameForClass(class); n != "" {
		return n
	}
	return DefaultProfile().Name()
}

// InferProfileNames returns the profile names the Ingresses of set infer
// (InferProfileName of each), sorted and without repeats.
func InferProfileNames(set *manifest.Set) []string {
	if set == nil {
		return nil
	}
	seen := map[string]bool{}
	var names []string
	for _, i := range set.Ingresses {
		if n := InferProfileName(set, i); !seen[n] {
			seen[n] = true
			names = append(names, n)
		}
	}
	sort.Strings(names)
	return names
}

// InferProfile returns the profile InferProfileName names, bound to set.
func InferProfile(set *manifest.Set, ing *manifest.Ingress) Profile {
	p, ok := ProfileByName(InferProfileName(set, ing))
	if !ok {
		p = DefaultProfile()
	}
	return Bind(p, set)
}

// InferProfileForClass returns the profile for the Ingresses of one class:
// the controller of that IngressClass, else a guess from its name. With
// class empty it is InferProfile(set, nil).
func InferProfileForClass(set *manifest.Set, class string) Profile {
	if class == "" {
		return InferProfile(set, nil)
	}
	probe := &manifest.Ingress{}
	probe.Spec.IngressClassName = &class
	return InferProfile(set, probe)
}
