package istio

import (
	"regexp"

	"github.com/ingresskit/ingresskit/manifest"
)

// fqdnService is the form of a Service's fully qualified name that
// istioctl analyze reads a namespace from (istio/istio
// pkg/config/analysis/analyzers/util/constants.go, fqdnPattern).
var fqdnService = regexp.MustCompile(`^(.+)\.(.+)\.svc\.cluster\.local$`)

// resourceName reads a host of an object of namespace ns as istioctl
// analyze does: <name>.<namespace>.svc.cluster.local names that
// namespace, any other host is a name in ns (util/hosts.go,
// GetResourceNameFromHost).
func resourceName(ns, host string) [2]string {
	if m := fqdnService.FindStringSubmatch(host); m != nil {
		return [2]string{m[2], m[1]}
	}
	return [2]string{ns, host}
}

// SubsetDefined reports whether a DestinationRule of set defines subset
// for the destination host of a VirtualService of namespace vsNamespace,
// as istioctl analyze checks it for IST0101 ReferencedResourceNotFound
// (istio/istio pkg/config/analysis/analyzers/virtualservice/
// destinationrules.go): the DestinationRule's host, read in its own
// namespace, and the destination's, read in the VirtualService's, name
// the same namespace and name. An empty subset needs no DestinationRule.
func SubsetDefined(set *manifest.Set, vsNamespace, host, subset string) bool {
	if subset == "" {
		return true
	}
	want := resourceName(vsNamespace, host)
	for _, dr := range set.DestinationRules {
		if resourceName(dr.Namespace, dr.Spec.Host) != want {
			continue
		}
		for _, s := range dr.Spec.Subsets {
			if s.Name == subset {
				return true
			}
		}
	}
	return false
}
