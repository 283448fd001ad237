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

// TLSFor returns the index of the spec.tls entry that serves host over
// https, or -1. An entry naming the host exactly wins over a wildcard
// entry, as ingress-nginx's extractTLSSecretName does
// (internal/ingress/controller/controller.go); an entry without hosts
// covers every host of the Ingress's rules, as the controllers apply it
// (ingress-nginx uses it as the default certificate, ingress-gce attaches
// it to the load balancer). An empty string in hosts names no host: the
// API server rejects it.
func (i *Ingress) TLSFor(host string) int {
	wildcard, noHosts := -1, -1
	for n, t := range i.Spec.TLS {
		if len(t.Hosts) == 0 {
			if noHosts < 0 {
				noHosts = n
			}
			continue
		}
		for _, h := range t.Hosts {
			switch {
			case h == "":
			case strings.EqualFold(h, host):
				return n
			case wildcard < 0 && strings.HasPrefix(h, "*.") && MatchHost(h, host):
				wildcard = n
			}
		}
	}
	if wildcard >= 0 {
		return wildcard
	}
	return noHosts
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
	return s.index().defClass
}

// defaultClass picks the default among applied IngressClasses.
func defaultClass(classes []*IngressClass) *IngressClass {
	var best *IngressClass
	for _, c := range classes {
		if c.Annotations[AnnotationDefaultClass] != "true" {
			continue
		}
		if best == nil || best.CreationTimestamp.Before(&c.CreationTimestamp) {
			best = c
		}
	}
	return best
}
