package simulate

import "github.com/ingresskit/ingresskit/manifest"

// Binder is implemented by profiles whose answers depend on the whole
// input and not on one Ingress at a time: ingress-nginx turns every path
// of a host into a regular expression when one Ingress of that host asks
// for it, merges canary Ingresses into the backends of others, and
// redirects to HTTPS when any Ingress holds a certificate for the host;
// the AWS Load Balancer Controller merges the Ingresses of an
// IngressGroup into one ordered list of listener rules.
//
// Bind returns a copy of the profile that knows set. It must be called
// with the set that is then compiled; the profiles that ProfileByName
// and ParseProfile return are unbound and answers as if each Ingress were alone.
type Binder interface {
	Bind(set *manifest.Set) Profile
}

// Bind returns p bound to set when p implements Binder, else p. Callers
// that choose a profile by name call it before Compile:
//
//	p, err := simulate.ParseProfile("nginx")
//	ix, err := simulate.Compile(set, simulate.Options{Profile: simulate.Bind(p, set)})
func Bind(p Profile, set *manifest.Set) Profile {
	if b, ok := p.(Binder); ok && set != nil {
		return b.Bind(set)
	}
	return p
}
