package manifest

import "strings"

// MatchHost reports whether host matches an Ingress host pattern. An empty
// pattern matches every host. A pattern "*.foo.com" matches exactly one
// extra DNS label: "bar.foo.com", not "baz.bar.foo.com" and not "foo.com"
// (networking.k8s.io/v1 IngressRule.Host, k8s.io/api/networking/v1/types.go).
// Both sides compare case-insensitively; host must carry no port.
func MatchHost(pattern, host string) bool {
	if pattern == "" {
		return true
	}
	if suffix, ok := strings.CutPrefix(pattern, "*."); ok {
		label, rest, found := strings.Cut(host, ".")
		return found && label != "" && strings.EqualFold(rest, suffix)
	}
	return strings.EqualFold(pattern, host)
}

// TLSFor returns the index of the first spec.tls entry that covers host,
// or -1. An entry without hosts covers every host of the Ingress's rules,
// as the controllers apply it (ingress-nginx uses it as the default
// certificate; ingress-gce attaches it to the load balancer).
func (i *Ingress) TLSFor(host string) int {
	for n, t := range i.Spec.TLS {
		if len(t.Hosts) == 0 {
			return n
		}
		for _, h := range t.Hosts {
			if MatchHost(h, host) {
				return n
			}
		}
	}
	return -1
}

// Class returns the IngressClass name the Ingress asks for:
// spec.ingressClassName, else the deprecated kubernetes.io/ingress.class
// annotation, else "" (the cluster's default class applies).
func (i *Ingress) Class() string {
	if i.Spec.IngressClassName != nil && *i.Spec.IngressClassName != "" {
		return *i.Spec.IngressClassName
	}
	return i.Annotations[AnnotationIngressClass]
}

// Annotations the loader and its users interpret.
const (
	// AnnotationIngressClass is the deprecated class annotation.
	AnnotationIngressClass = "kubernetes.io/ingress.class"
	// AnnotationDefaultClass marks the default IngressClass.
	AnnotationDefaultClass = "ingressclass.kubernetes.io/is-default-class"
)

// DefaultClass returns the IngressClass marked as the cluster default, or
// nil. With several marked, the newest wins, as the admission plugin
// picks it (kubernetes plugin/pkg/admission/network/defaultingressclass).
func (s *Set) DefaultClass() *IngressClass {
	var best *IngressClass
	for _, c := range s.IngressClasses {
		if c.Annotations[AnnotationDefaultClass] != "true" {
			continue
		}
		if best == nil || best.CreationTimestamp.Before(&c.CreationTimestamp) {
			best = c
		}
	}
	return best
}
