package istio

import (
	"net/netip"
	"strings"

	"github.com/ingresskit/ingresskit/manifest"
)

// FQDN returns the host istiod looks a route destination up by: a short
// name (no dot) expanded to <name>.<namespace of the VirtualService>.svc.
// <domain>, any other name as written (pilot/pkg/model/config.go,
// ResolveShortnameToFQDN).
func FQDN(host, vsNamespace string) string {
	host = strings.ToLower(host)
	if host != "" && host != "*" && !strings.Contains(host, ".") {
		if _, err := netip.ParseAddr(host); err != nil {
			return host + "." + vsNamespace + ".svc." + DomainSuffix
		}
	}
	return host
}

// DeclaredBy returns the ServiceEntry of set that adds a destination host
// of a VirtualService of namespace vsNamespace to the registry a Gateway
// of namespace gwNamespace sees, or nil: one of its hosts is the
// destination's fully qualified name, or a wildcard ("*.example.com")
// that takes it (ServiceEntry.hosts), and it is exported to the
// Gateway's namespace: every namespace without exportTo or with "*",
// its own with ".", else the namespaces listed (ServiceEntry.exportTo).
func DeclaredBy(set *manifest.Set, host, vsNamespace, gwNamespace string) *manifest.ServiceEntry {
	fqdn := FQDN(host, vsNamespace)
	for _, se := range set.ServiceEntries {
		if !exported(se, gwNamespace) {
			continue
		}
		for _, h := range se.Spec.Hosts {
			if HostMatch(h, fqdn) {
				return se
			}
		}
	}
	return nil
}

func exported(se *manifest.ServiceEntry, ns string) bool {
	if len(se.Spec.ExportTo) == 0 {
		return true
	}
	for _, e := range se.Spec.ExportTo {
		switch {
		case e == "*", e == ns, e == "." && se.Namespace == ns:
			return true
		}
	}
	return false
}
