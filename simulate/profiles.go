package simulate

import "sort"

// profiles is the registry of controller profiles, one entry per
// profile; Spec is the default. A new profile adds one line here.
var profiles = []Profile{
	Spec{},
	Nginx{}, GCE{}, ALB{}, // nginx.go, gce.go, alb.go; Bind them to the set (hooks_bind.go)
}

// ProfileByName returns the registered profile of that name.
func ProfileByName(name string) (Profile, bool) {
	for _, p := range profiles {
		if p.Name() == name {
			return p, true
		}
	}
	return nil, false
}

// ProfileNames lists the registered profiles' names, sorted.
func ProfileNames() []string {
	names := make([]string, len(profiles))
	for i, p := range profiles {
		names[i] = p.Name()
	}
	sort.Strings(names)
	return names
}
