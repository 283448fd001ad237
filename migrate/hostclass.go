package migrate

import (
	"sort"
	"strconv"
	"strings"

	networkingv1 "k8s.io/api/networking/v1"

	"github.com/ingresskit/ingresskit/manifest"
)

// hostClasses groups the exact hosts of one Ingress class whose rules are
// the same but for names: every Ingress with a rule for the host, in
// order, with its annotations (the host written as a placeholder), its
// TLS entry for the host and whether the Secret is there and in the
// Gateway's namespace, its namespace's relation to the Gateway's, the
// lengths of its name and of the host (route names derive from them),
// and each path with its type and backend, the Service reduced to
// whether it exists and the port it resolves to. The translation and both
// data planes treat such hosts alike, request by request, so Verify
// probes one host of each class and counts the others as verified
// through it.
//
// Hosts that interact with others are never grouped: a wildcard host, a
// host a wildcard rule of the class covers, and hosts of canary
// Ingresses. It returns, per host left out of the probes, the host
// probed in its place.
func hostClasses(ings []*manifest.Ingress, set *manifest.Set, gwNamespace string) map[string]string {
	var wildcards []string
	byHost := map[string][]*manifest.Ingress{}
	var hosts []string
	skip := map[string]bool{}
	for _, ing := range ings {
		canary := ing.Annotations["nginx.ingress.kubernetes.io/canary"] != ""
		seen := map[string]bool{}
		for _, r := range ing.Spec.Rules {
			h := strings.ToLower(r.Host)
			switch {
			case h == "":
				continue
			case strings.HasPrefix(h, "*"):
				wildcards = append(wildcards, h)
				continue
			}
			if canary {
				skip[h] = true
			}
			if seen[h] {
				continue
			}
			seen[h] = true
			if byHost[h] == nil {
				hosts = append(hosts, h)
			}
			byHost[h] = append(byHost[h], ing)
		}
	}
	rep := map[string]string{}
	first := map[string]string{}
	for _, h := range hosts {
		if skip[h] || coveredByWildcard(h, wildcards) {
			continue
		}
		sig := hostSignature(h, byHost[h], set, gwNamespace)
		if r, ok := first[sig]; ok {
			rep[h] = r
		} else {
			first[sig] = h
		}
	}
	return rep
}

func coveredByWildcard(h string, wildcards []string) bool {
	for _, w := range wildcards {
		if manifest.MatchHost(w, h) {
			return true
		}
	}
	return false
}

// hostSignature is the class key of host h (hostClasses).
func hostSignature(h string, ings []*manifest.Ingress, set *manifest.Set, gwNamespace string) string {
	var b strings.Builder
	w := func(parts ...string) {
		for _, p := range parts {
			b.WriteString(strings.ReplaceAll(p, h, "{host}"))
			b.WriteByte(0)
		}
	}
	w(strconv.Itoa(len(h)))
	for _, ing := range ings {
		w("ingress", strconv.Itoa(len(ing.Name)), strconv.FormatBool(ing.Namespace == gwNamespace), ing.Class())
		keys := make([]string, 0, len(ing.Annotations))
		for k := range ing.Annotations {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			w(k, ing.Annotations[k])
		}
		if t := ing.TLSFor(h); t >= 0 {
			sec := ing.Spec.TLS[t].SecretName
			w("tls", strconv.Itoa(len(ing.Spec.TLS[t].Hosts)), strconv.FormatBool(sec != ""),
				strconv.FormatBool(set.Secret(ing.Namespace, sec) != nil), strconv.FormatBool(ing.Namespace == gwNamespace))
		}
		if d := ing.Spec.DefaultBackend; d != nil {
			w("default", manifest.BackendString(*d), ing.Namespace)
		}
		for _, r := range ing.Spec.Rules {
			if !strings.EqualFold(r.Host, h) {
				continue
			}
			w("rule")
			if r.HTTP == nil {
				continue
			}
			for _, p := range r.HTTP.Paths {
				pt := ""
				if p.PathType != nil {
					pt = string(*p.PathType)
				}
				w("path", p.Path, pt)
				backendSignature(w, ing.Namespace, p.Backend, set)
			}
		}
	}
	return b.String()
}

// backendSignature writes a backend without its Service's name: whether
// the Service exists, and the port as written and as resolved.
func backendSignature(w func(...string), ns string, be networkingv1.IngressBackend, set *manifest.Set) {
	svc := be.Service
	if svc == nil {
		w("backend", manifest.BackendString(be))
		return
	}
	s := set.Service(ns, svc.Name)
	resolved := ""
	if s != nil {
		for _, p := range s.Spec.Ports {
			if (svc.Port.Name != "" && p.Name == svc.Port.Name) || (svc.Port.Name == "" && p.Port == svc.Port.Number) {
				resolved = strconv.Itoa(int(p.Port)) + "/" + p.Name
				if p.AppProtocol != nil {
					resolved += "/" + *p.AppProtocol
				}
			}
		}
	}
	typ := ""
	if s != nil {
		typ = string(s.Spec.Type)
	}
	w("service", strconv.FormatBool(s != nil), typ, svc.Port.Name, strconv.Itoa(int(svc.Port.Number)), resolved)
}
