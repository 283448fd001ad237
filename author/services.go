package author

import (
	"fmt"
	"sort"
	"strings"

	corev1 "k8s.io/api/core/v1"

	"github.com/ingresskit/ingresskit/manifest"
)

// ServiceRulesOptions configures ServiceRules.
type ServiceRulesOptions struct {
	// Namespace is the namespace whose Services are used; "" means
	// default.
	Namespace string
	// Hosts are the hosts of the proposed rules; none gives rules for
	// every host.
	Hosts []string
}

// ServiceRules proposes one rule per Service of set in the namespace, in
// the --rule syntax: the Prefix path /<service> to the Service's first
// HTTP-looking port (httpPort), on each host. The notes name the Services
// that got no rule and why. Rules are sorted by host and Service name.
func ServiceRules(set *manifest.Set, opts ServiceRulesOptions) (rules []string, notes []string) {
	ns := opts.Namespace
	if ns == "" {
		ns = manifest.DefaultNamespace
	}
	var svcs []*manifest.Service
	if set != nil {
		for _, s := range set.Applied().Services {
			if s.Namespace == ns {
				svcs = append(svcs, s)
			}
		}
	}
	sort.SliceStable(svcs, func(i, j int) bool { return svcs[i].Name < svcs[j].Name })
	hosts := opts.Hosts
	if len(hosts) == 0 {
		hosts = []string{""}
	}
	for _, h := range hosts {
		for _, s := range svcs {
			p, ok := httpPort(s.Spec.Ports)
			if !ok {
				if h == hosts[0] {
					notes = append(notes, fmt.Sprintf("%s: Service %s/%s has no HTTP port (named http or https, appProtocol http, or port 80, 443, 8000, 8080 or 8443); no path proposed", s.Source.Pos, ns, s.Name))
				}
				continue
			}
			port := fmt.Sprint(p.Port)
			if p.Name != "" {
				port = p.Name
			}
			rules = append(rules, fmt.Sprintf("%s/%s*=%s:%s", h, s.Name, s.Name, port))
		}
	}
	return rules, notes
}

// httpPort returns the first port of a Service that looks like HTTP: an
// appProtocol of http, https, h2c or the kubernetes.io/ forms (the
// well-known values of ServicePort.appProtocol, KEP-3726), a name that is
// or starts with http or https (Istio's protocol selection by port name),
// or a port number commonly served over HTTP.
func httpPort(ports []corev1.ServicePort) (corev1.ServicePort, bool) {
	for _, p := range ports {
		if p.Protocol != "" && p.Protocol != corev1.ProtocolTCP {
			continue
		}
		if p.AppProtocol != nil {
			switch strings.ToLower(*p.AppProtocol) {
			case "http", "https", "h2c", "kubernetes.io/h2c", "kubernetes.io/ws", "kubernetes.io/wss":
				return p, true
			}
		}
		name := strings.ToLower(p.Name)
		if name == "http" || name == "https" || name == "web" || strings.HasPrefix(name, "http-") || strings.HasPrefix(name, "https-") {
			return p, true
		}
		switch p.Port {
		case 80, 443, 8000, 8080, 8443:
			return p, true
		}
	}
	return corev1.ServicePort{}, false
}
