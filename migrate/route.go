package migrate

import (
	"fmt"
	"strings"

	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	gwv1 "sigs.k8s.io/gateway-api/apis/v1"

	"github.com/ingresskit/ingresskit/manifest"
)

// startedIngress is an Ingress whose reader and HTTPS listeners are
// made, waiting for its routes.
type startedIngress struct {
	ing         *manifest.Ingress
	rd          Reader
	pl          *plane
	tlsListener func(host string) string
}

// start reads one Ingress (Reader) and finds its Gateway; nil when its
// provider ignores it or defers it (ingress-nginx canaries add to their
// primary's routes at the end). The caller adds its HTTPS listeners
// (tls) once every Ingress is started.
func (t *translator) start(ing *manifest.Ingress) *startedIngress {
	rd := t.reader(ing)
	if rd == nil {
		return nil
	}
	var pl *plane
	if t.fixed == nil {
		pl = t.planeFor(ing)
	}
	return &startedIngress{ing: ing, rd: rd, pl: pl}
}

// ingress translates one started Ingress: one HTTPRoute per host (one
// with no hostnames for rules without a host and for a defaultBackend
// alone), and the redirect routes its controller makes.
func (t *translator) ingress(s *startedIngress) []Object {
	ing, rd, pl, tlsListener := s.ing, s.rd, s.pl, s.tlsListener

	// Hosts in order of appearance; "" for rules without a host.
	var hosts []string
	byHost := map[string][]int{}
	for i, r := range ing.Spec.Rules {
		if _, ok := byHost[r.Host]; !ok {
			hosts = append(hosts, r.Host)
		}
		byHost[r.Host] = append(byHost[r.Host], i)
	}
	if len(hosts) == 0 && ing.Spec.DefaultBackend != nil {
		hosts = append(hosts, "")
	}
	var out []Object
	for _, host := range hosts {
		name := ing.Name
		if len(hosts) > 1 {
			name = ing.Name + "-" + hostSuffix(host)
		}
		hr := &HostRoute{Ingress: ing, Host: host, rules: map[string]int{}, byPath: map[string]int{}}
		r := &gwv1.HTTPRoute{}
		r.APIVersion, r.Kind = manifest.GatewayV1, "HTTPRoute"
		r.ObjectMeta = metav1.ObjectMeta{Name: name, Namespace: ing.Namespace}
		if host != "" {
			r.Spec.Hostnames = []gwv1.Hostname{gwv1.Hostname(host)}
		}
		hr.Route = r
		redirect := rd.HTTPSRedirect(host)
		section := ""
		if redirect != nil {
			section = tlsListener(host)
			if section == "" {
				section = t.hostHTTPSListener(pl, host)
			}
			if section == "" {
				t.report(ing, "spec.tls", Warning, redirect.NoListener)
				redirect = nil
			}
		}
		r.Spec.ParentRefs = []gwv1.ParentReference{t.parentRef(pl, section)}
		for _, ri := range byHost[host] {
			rule := ing.Spec.Rules[ri]
			if rule.HTTP == nil {
				continue
			}
			for pi, p := range rule.HTTP.Paths {
				field := fmt.Sprintf("spec.rules[%d].http.paths[%d]", ri, pi)
				t.addPath(rd, hr, p, field)
			}
		}
		if ing.Spec.DefaultBackend != nil {
			t.addDefault(rd, hr)
		}
		rd.HostRules(hr)
		if len(r.Spec.Rules) == 0 {
			continue
		}
		t.routes = append(t.routes, hr)
		if hr.GRPC != "" {
			t.grpcRoutes[r] = hr
		}
		out = append(out, Object{Object: r, Kind: "HTTPRoute", Namespace: r.Namespace, Name: r.Name, From: []string{ing.Key()}, Pos: ing.Source.Pos})
		if redirect != nil {
			out = append(out, t.httpsRedirect(ing, pl, host, name, redirect.Code))
		}
	}
	return out
}

// parentRef attaches a route to the Gateway of its plane, or to the
// --gateway one; section names a listener when not empty.
func (t *translator) parentRef(pl *plane, section string) gwv1.ParentReference {
	var ref gwv1.ParentReference
	if t.fixed != nil {
		ns := gwv1.Namespace(t.fixed.namespace)
		ref = gwv1.ParentReference{Name: gwv1.ObjectName(t.fixed.name), Namespace: &ns}
		if t.fixed.section != "" && section == "" {
			section = t.fixed.section
		}
	} else {
		ns := gwv1.Namespace(pl.gw.Namespace)
		ref = gwv1.ParentReference{Name: gwv1.ObjectName(pl.gw.Name), Namespace: &ns}
	}
	if section != "" {
		s := gwv1.SectionName(section)
		ref.SectionName = &s
	}
	return ref
}

// tls adds the HTTPS listeners of the Ingress's TLS entries and returns a
// function giving the listener that serves a host over HTTPS.
func (t *translator) tls(ing *manifest.Ingress, pl *plane) func(host string) string {
	listeners := map[string]string{}
	for i, e := range ing.Spec.TLS {
		field := fmt.Sprintf("spec.tls[%d]", i)
		if e.SecretName == "" {
			t.report(ing, field, Warning, "this TLS entry names no Secret: the controller serves its default certificate, which a Gateway listener cannot name; add a certificateRef to the HTTPS listener")
			continue
		}
		hosts := e.Hosts
		if len(hosts) == 0 {
			hosts = []string{""}
		}
		for _, h := range hosts {
			if t.fixed != nil {
				listeners[h] = t.fixedListenerFor(ing, field, h)
				continue
			}
			name, ok := pl.httpsListener(h, ing.Namespace, e.SecretName)
			if !ok {
				t.report(ing, field+".secretName", Warning, fmt.Sprintf("host %q already has an HTTPS listener with another Secret; a Gateway serves one certificate set per listener hostname, so this Secret is not used", h))
			}
			if ing.Namespace != pl.gw.Namespace {
				t.grantSecret(pl, ing.Namespace)
			}
			listeners[h] = name
		}
	}
	return func(host string) string {
		if l, ok := listeners[host]; ok {
			return l
		}
		return listeners[""]
	}
}

// hostHTTPSListener returns the HTTPS listener another Ingress made
// for host: the host's own, else its parent's wildcard, else one
// without a hostname; "" when there is none.
func (t *translator) hostHTTPSListener(pl *plane, host string) string {
	if t.fixed != nil {
		gw := t.set.Gateway(t.fixed.namespace, t.fixed.name)
		if gw == nil || host == "" {
			return ""
		}
		for _, l := range gw.Spec.Listeners {
			if l.Protocol == gwv1.HTTPSProtocolType && (l.Hostname == nil || hostCovers(string(*l.Hostname), host)) {
				return string(l.Name)
			}
		}
		return ""
	}
	candidates := []string{host}
	if _, rest, ok := strings.Cut(host, "."); ok && !strings.HasPrefix(host, "*.") {
		candidates = append(candidates, "*."+rest)
	}
	candidates = append(candidates, "")
	for _, h := range candidates {
		if i, ok := pl.https[h]; ok {
			return string(pl.listeners[i].Name)
		}
	}
	return ""
}

// fixedListenerFor finds the listener of the --gateway Gateway that serves
// host over HTTPS, reporting when there is none.
func (t *translator) fixedListenerFor(ing *manifest.Ingress, field, host string) string {
	gw := t.set.Gateway(t.fixed.namespace, t.fixed.name)
	if gw == nil {
		return ""
	}
	for _, l := range gw.Spec.Listeners {
		if l.Protocol != gwv1.HTTPSProtocolType {
			continue
		}
		if l.Hostname == nil || hostCovers(string(*l.Hostname), host) {
			return string(l.Name)
		}
	}
	t.report(ing, field, Warning, fmt.Sprintf("Gateway %s/%s has no HTTPS listener for host %q; add one with the Secret this entry names", gw.Namespace, gw.Name, host))
	return ""
}

// hostCovers reports whether a listener hostname accepts a route host
// (Listener.Hostname in apis/v1 gateway_types.go: a wildcard covers any
// subdomain, at any depth).
func hostCovers(listener, host string) bool {
	if listener == host {
		return true
	}
	if strings.HasPrefix(listener, "*.") {
		return strings.HasSuffix(strings.TrimPrefix(host, "*"), listener[1:])
	}
	return false
}

// hostSuffix turns a host into the tail of a route name.
func hostSuffix(host string) string {
	if host == "" {
		return "default"
	}
	return listenerSuffix(host)
}

// backendRef translates an Ingress backend. A named port is resolved
// through the Service; a resource backend has no Gateway API equivalent.
func (t *translator) backendRef(ing *manifest.Ingress, b networkingv1.IngressBackend, field string) (gwv1.HTTPBackendRef, bool) {
	if b.Service == nil {
		t.report(ing, field+".resource", Warning, "a resource backend has no Gateway API equivalent (backendRefs name Services or implementation-specific kinds); the path is left out")
		return gwv1.HTTPBackendRef{}, false
	}
	if b.Service.Name == "" {
		// backendRefs[].name has MinLength 1 (BackendObjectReference in
		// apis/v1 object_reference_types.go); the API server refuses the
		// Ingress too (ValidateIngressSpec: service.name required).
		t.report(ing, field+".service.name", Warning, "the backend names no Service; the path is left out: name the Service")
		return gwv1.HTTPBackendRef{}, false
	}
	port := b.Service.Port.Number
	if b.Service.Port.Name != "" {
		svc := t.set.Service(ing.Namespace, b.Service.Name)
		if svc != nil {
			for _, sp := range svc.Spec.Ports {
				if sp.Name == b.Service.Port.Name {
					port = sp.Port
				}
			}
		}
		if port == 0 {
			t.report(ing, field+".service.port.name", Warning, fmt.Sprintf("port %q names no port of a Service %s/%s in the input, and a backendRef needs a port number; add the Service or use the number", b.Service.Port.Name, ing.Namespace, b.Service.Name))
			return gwv1.HTTPBackendRef{}, false
		}
	}
	p := gwv1.PortNumber(port)
	return gwv1.HTTPBackendRef{BackendRef: gwv1.BackendRef{BackendObjectReference: gwv1.BackendObjectReference{
		Name: gwv1.ObjectName(b.Service.Name), Port: &p}}}, true
}

// addPath adds the rule of one Ingress path.
func (t *translator) addPath(rd Reader, hr *HostRoute, p networkingv1.HTTPIngressPath, field string) {
	match, ok := rd.PathMatch(hr, p, field)
	if !ok {
		return
	}
	if why := pathMatchProblem(match); why != "" {
		t.report(hr.Ingress, field+".path", Warning, fmt.Sprintf("%q cannot be a Gateway API %s value: it %s; the path is left out: rewrite it, or match it with a RegularExpression your implementation supports", *match.Value, *match.Type, why))
		return
	}
	rule, ok := rd.Rule(hr, p, field, match)
	if !ok {
		return
	}
	if _, dup := hr.rules[ruleKey(rule)]; dup {
		t.report(hr.Ingress, field, Info, fmt.Sprintf("the same path %s is declared twice for this host; the first one is kept", *rule.Matches[0].Path.Value))
		return
	}
	if _, ok := hr.byPath[pathKey(p)]; !ok {
		hr.byPath[pathKey(p)] = len(hr.Route.Spec.Rules)
	}
	hr.AppendRule(rule)
}

// addDefault adds spec.defaultBackend as a catch-all rule of the host,
// unless a path of the host already is "PathPrefix /".
func (t *translator) addDefault(rd Reader, hr *HostRoute) {
	ing := hr.Ingress
	if hr.HasRule(Match(gwv1.PathMatchPathPrefix, "/")) {
		return
	}
	match, note, ok := rd.DefaultMatch(hr)
	if !ok {
		return
	}
	ref, ok := t.backendRef(ing, *ing.Spec.DefaultBackend, "spec.defaultBackend")
	if !ok {
		return
	}
	hr.AppendRule(gwv1.HTTPRouteRule{Matches: []gwv1.HTTPRouteMatch{{Path: &match}}, BackendRefs: []gwv1.HTTPBackendRef{ref}})
	if note != "" && !(hr.Host == "" && len(ing.Spec.Rules) > 0) {
		t.report(ing, "spec.defaultBackend", Info, note)
	}
}

// httpsRedirect is the route on the HTTP listener that sends a host's
// requests to https with code.
func (t *translator) httpsRedirect(ing *manifest.Ingress, pl *plane, host, name string, code int) Object {
	r := &gwv1.HTTPRoute{}
	r.APIVersion, r.Kind = manifest.GatewayV1, "HTTPRoute"
	r.ObjectMeta = metav1.ObjectMeta{Name: name + "-https-redirect", Namespace: ing.Namespace}
	if host != "" {
		r.Spec.Hostnames = []gwv1.Hostname{gwv1.Hostname(host)}
	}
	section := httpListener
	if t.fixed != nil {
		section = ""
		if gw := t.set.Gateway(t.fixed.namespace, t.fixed.name); gw != nil {
			for _, l := range gw.Spec.Listeners {
				if l.Protocol == gwv1.HTTPProtocolType {
					section = string(l.Name)
					break
				}
			}
		}
	}
	r.Spec.ParentRefs = []gwv1.ParentReference{t.parentRef(pl, section)}
	scheme := "https"
	r.Spec.Rules = []gwv1.HTTPRouteRule{{Filters: []gwv1.HTTPRouteFilter{{
		Type:            gwv1.HTTPRouteFilterRequestRedirect,
		RequestRedirect: &gwv1.HTTPRequestRedirectFilter{Scheme: &scheme, StatusCode: &code},
	}}}}
	return Object{Object: r, Kind: "HTTPRoute", Namespace: r.Namespace, Name: r.Name, From: []string{ing.Key()}, Pos: ing.Source.Pos}
}

// grantSecret lets the plane's Gateway read Secrets of namespace ns
// (ReferenceGrant in apis/v1 referencegrant_types.go: a Gateway's
// certificateRef to another namespace needs one there).
func (t *translator) grantSecret(pl *plane, ns string) {
	g := t.grants[ns]
	if g == nil {
		g = &gwv1.ReferenceGrant{}
		g.APIVersion, g.Kind = manifest.GatewayV1, "ReferenceGrant"
		g.ObjectMeta = metav1.ObjectMeta{Name: "ingresskit-gateways", Namespace: ns}
		g.Spec.To = []gwv1.ReferenceGrantTo{{Group: "", Kind: "Secret"}}
		t.grants[ns] = g
	}
	from := gwv1.ReferenceGrantFrom{Group: gwv1.GroupName, Kind: "Gateway", Namespace: gwv1.Namespace(pl.gw.Namespace)}
	for _, f := range g.Spec.From {
		if f == from {
			return
		}
	}
	g.Spec.From = append(g.Spec.From, from)
}
