// Package spec is the engine's profile of the Kubernetes specification
// itself, the default profile. It registers itself with package simulate
// from init.
package spec

import (
	"strings"

	networkingv1 "k8s.io/api/networking/v1"

	"github.com/ingresskit/ingresskit/manifest"
	"github.com/ingresskit/ingresskit/simulate"
)

// The specification's profile is the default: the one used without
// --controller when no IngressClass or class name selects another.
func init() {
	simulate.RegisterProfile(simulate.ProfileRegistration{
		Profile: Profile{},
		Default: true,
		// An Ingress rule matches on host and path only
		// (networking.k8s.io/v1 HTTPIngressRuleValue).
		Traits: simulate.ProfileTraits{IgnoresHeaders: true},
	})
}

// Profile is the profile of the Kubernetes specification itself
// (networking.k8s.io/v1), the default profile (simulate.DefaultProfile):
// used when simulate.Options.Profile is nil. A test profile may embed it
// to override only some points.
//
// Sources: the Ingress concept page (kubernetes.io/docs/concepts/
// services-networking/ingress/, "Path types", "Examples", "Multiple
// matches", "Hostname wildcards"), the API reference of HTTPIngressPath
// and IngressRule (k8s.io/api/networking/v1/types.go), and the API
// server's validation (kubernetes/kubernetes
// pkg/apis/networking/validation/validation.go, validateIngressPath).
type Profile struct{}

var (
	_ simulate.Profile     = Profile{}
	_ simulate.Undecorated = Profile{}
)

// Name returns "spec".
func (Profile) Name() string { return "spec" }

// NormalizePath applies NormalizePath: percent-decoding of unreserved
// characters, duplicate slashes merged, "." and ".." segments removed.
func (Profile) NormalizePath(path string) string { return simulate.NormalizePath(path) }

// PathMatch compiles Exact and Prefix paths as the API reference defines
// them and treats ImplementationSpecific as Prefix: the specification
// leaves its meaning to the controller ("Matching is up to the
// IngressClass", HTTPIngressPath.PathType in k8s.io/api/networking/v1),
// and Prefix is what the common controllers do for a plain path.
//
// Paths the API server would reject are left out, as a cluster would
// never hold them (validateHTTPIngressPath): Exact and Prefix paths
// must be absolute and must not contain "//", "/./", "/../", "%2f" or
// "%2F" nor end in "/.." or "/.". An ImplementationSpecific path needs
// only be absolute when not empty; the spec profile reads an empty one as
// "/" and leaves out one that would not be a valid Prefix path, since it
// cannot be read as Prefix. A path without pathType (only possible in
// input the loader converted from an older API version) counts as
// ImplementationSpecific, the default of extensions/v1beta1 and
// networking.k8s.io/v1beta1.
func (Profile) PathMatch(_ *manifest.Ingress, _ int, p networkingv1.HTTPIngressPath) (simulate.PathMatch, bool, string) {
	pt := networkingv1.PathTypeImplementationSpecific
	if p.PathType != nil {
		pt = *p.PathType
	}
	path := p.Path
	switch pt {
	case networkingv1.PathTypeExact, networkingv1.PathTypePrefix:
		if reason := invalidSpecPath(path); reason != "" {
			return simulate.PathMatch{}, false, reason
		}
		if pt == networkingv1.PathTypeExact {
			return simulate.PathMatch{Kind: simulate.MatchExact, Path: path}, true, ""
		}
		return simulate.PathMatch{Kind: simulate.MatchPrefix, Path: path}, true, ""
	case networkingv1.PathTypeImplementationSpecific:
		if path == "" {
			path = "/"
		}
		if reason := invalidSpecPath(path); reason != "" {
			return simulate.PathMatch{}, false, reason + " to be read as Prefix, as the spec profile reads ImplementationSpecific"
		}
		return simulate.PathMatch{Kind: simulate.MatchPrefix, Path: path, Note: "ImplementationSpecific treated as Prefix (spec profile)"}, true, ""
	default:
		return simulate.PathMatch{}, false, "unsupported pathType " + string(pt)
	}
}

// invalidSpecPath returns why the API server rejects an Exact or Prefix
// path, or "" (kubernetes/kubernetes
// pkg/apis/networking/validation/validation.go, validateIngressPath and
// its invalidPathSequences and invalidPathSuffixes).
func invalidSpecPath(path string) string {
	if !strings.HasPrefix(path, "/") {
		return "path must be an absolute path"
	}
	for _, seq := range []string{"//", "/./", "/../", "%2f", "%2F"} {
		if strings.Contains(path, seq) {
			return "path must not contain " + seq
		}
	}
	for _, suf := range []string{"/..", "/."} {
		if strings.HasSuffix(path, suf) {
			return "path must not end with " + suf
		}
	}
	return ""
}

// FallThrough is true: the specification routes by rules, and a rule
// without a host "applies to all inbound HTTP traffic" (concept page,
// "Ingress rules"), so a request that no rule of its host matches is
// tried against the less specific rules. The AWS Load Balancer
// Controller evaluates rules this way (each rule is a listener rule
// with its own host and path conditions); ingress-nginx and GCE do not,
// and their profiles say so.
func (Profile) FallThrough() bool { return true }

// Less orders by creationTimestamp, oldest first, then by namespace/name,
// as ingress-nginx resolves rules that several Ingresses declare
// (kubernetes/ingress-nginx internal/ingress/controller/store sorts
// Ingresses by creation timestamp before building servers; later
// duplicates of a location are dropped).
func (Profile) Less(a, b *manifest.Ingress) bool { return simulate.OldestFirst(a, b) }

// Decorate adds nothing: the specification has no redirects or rewrites.
func (Profile) Decorate(*simulate.Decision, simulate.Request) {}

// Undecorated is true: Decorate does nothing, and the engine skips it.
func (Profile) Undecorated() bool { return true }
