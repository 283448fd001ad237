package istio

import (
	"net/netip"
	"strings"
)

// DomainSuffix is the cluster's DNS domain, istiod's default --domain
// (istio/istio pkg/config/constants/constants.go DefaultClusterLocalDomain).
const DomainSuffix = "cluster.local"

// DestinationService reads a route destination's host as istiod does and
// returns the Kubernetes Service it names, with ok=false when it names
// none. istiod expands only a short name, one without a dot, to
// <name>.<namespace of the VirtualService>.svc.<domain>; a name with a dot
// is taken as fully qualified, as is (istio/istio pilot/pkg/model/
// config.go, ResolveShortnameToFQDN). A Kubernetes Service is registered
// under <name>.<namespace>.svc.<domain> only (pilot/pkg/serviceregistry/
// kube/conversion.go, kube.ServiceHostname), so "reviews.prod" or
// "reviews.prod.svc" name no Service: they are external hosts, routed only
// when a ServiceEntry declares them, like "httpbin.org".
func DestinationService(host, vsNamespace string) (ns, name string, ok bool) {
	host = strings.ToLower(host)
	switch {
	case host == "" || host == "*":
		return "", "", false
	case !strings.Contains(host, "."):
		if _, err := netip.ParseAddr(host); err == nil {
			return "", "", false // an IPv6 address has no dot either
		}
		return vsNamespace, host, true
	}
	parts := strings.Split(host, ".")
	if len(parts) == 5 && parts[2] == "svc" && parts[3]+"."+parts[4] == DomainSuffix && parts[0] != "" && parts[1] != "" {
		return parts[1], parts[0], true
	}
	return "", "", false
}

// UnexpandedService returns the Service that a host of the form
// "<name>.<namespace>" or "<name>.<namespace>.svc" looks meant to name,
// which istiod does not expand (DestinationService); ok is false for
// other hosts.
func UnexpandedService(host string) (ns, name string, ok bool) {
	parts := strings.Split(strings.ToLower(host), ".")
	switch {
	case len(parts) == 2, len(parts) == 3 && parts[2] == "svc":
		if parts[0] != "" && parts[1] != "" {
			return parts[1], parts[0], true
		}
	}
	return "", "", false
}

// ServiceOf returns the namespace and name a destination host is keyed by:
// the Service DestinationService reads from it, or, for an external host,
// no namespace and the host itself.
func ServiceOf(host, vsNamespace string) (ns, name string) {
	if ns, name, ok := DestinationService(host, vsNamespace); ok {
		return ns, name
	}
	return "", host
}
