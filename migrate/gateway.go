package migrate

import (
	"fmt"
	"sort"
	"strings"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/validation"
	gwv1 "sigs.k8s.io/gateway-api/apis/v1"

	"github.com/ingresskit/ingresskit/manifest"
)

// plane is the Gateway made for the Ingresses of one class: the data
// plane that one controller's address served. It has an HTTP listener for
// every host, and an HTTPS listener for each TLS host with the Secret the
// Ingress names (Listener and GatewayTLSConfig in apis/v1
// gateway_types.go).
type plane struct {
	gw        gwv1.Gateway
	from      []string
	pos       manifest.Pos
	https     map[string]int // listener index by hostname ("" for none)
	ns        map[string]bool
	listeners []gwv1.Listener
}

const (
	httpListener = "http"
	// gatewayClassDefault names the GatewayClass when the Ingresses name
	// no class and --gateway-class gives none.
	gatewayClassDefault = "ingresskit"
)

// gatewayName names the Gateway of an Ingress class: the class itself,
// "ingresskit" for Ingresses of no class, and for a class that is not a
// valid object name (a lower-case RFC 1123 subdomain, as the API server
// checks metadata.name) the class in lower case with every other
// character made '-'.
func gatewayName(class string) string {
	if class == "" {
		return gatewayClassDefault
	}
	if len(validation.IsDNS1123Subdomain(class)) == 0 {
		return class
	}
	b := []byte(strings.ToLower(class))
	for i, c := range b {
		if !('a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '.' || c == '-') {
			b[i] = '-'
		}
	}
	name := strings.Trim(strings.ReplaceAll(string(b), "..", "-"), "-.")
	if len(name) > 253 {
		name = strings.Trim(name[:253], "-.")
	}
	if len(validation.IsDNS1123Subdomain(name)) != 0 {
		return gatewayClassDefault
	}
	return name
}

// planeFor returns the Gateway for the class of ing, making it on first use.
func (t *translator) planeFor(ing *manifest.Ingress) *plane {
	class := t.classOf(ing)
	if p := t.planes[class]; p != nil {
		if !p.ns[ing.Namespace] {
			p.ns[ing.Namespace] = true
		}
		p.from = append(p.from, ing.Key())
		return p
	}
	name := gatewayName(class)
	if name != class && class != "" {
		field := "spec.ingressClassName"
		if ing.Spec.IngressClassName == nil {
			field = "metadata.annotations.kubernetes.io/ingress.class"
		}
		t.report(ing, field, Info, fmt.Sprintf("Ingress class %q is not a valid object name, so the Gateway for it is named %q", class, name))
	}
	gcName := t.opts.GatewayClass
	if gcName == "" {
		gcName = name
	}
	p := &plane{https: map[string]int{}, ns: map[string]bool{ing.Namespace: true}, from: []string{ing.Key()}, pos: ing.Source.Pos}
	p.gw.APIVersion, p.gw.Kind = manifest.GatewayV1, "Gateway"
	p.gw.Name, p.gw.Namespace = name, ing.Namespace
	p.gw.Spec.GatewayClassName = gwv1.ObjectName(gcName)
	p.listeners = []gwv1.Listener{{Name: httpListener, Port: 80, Protocol: gwv1.HTTPProtocolType}}
	t.planes[class] = p
	return p
}

// httpsListener returns the name of the HTTPS listener for host (a rule
// host, possibly a wildcard, or "" for an entry without hosts), adding it
// with secret when new. A second Secret for the same host is reported by
// the caller: ok is false.
func (p *plane) httpsListener(host, secretNS, secret string) (name string, ok bool) {
	if i, found := p.https[host]; found {
		l := p.listeners[i]
		refs := l.TLS.CertificateRefs
		same := len(refs) == 1 && string(refs[0].Name) == secret && nsOf(refs[0].Namespace, p.gw.Namespace) == secretNS
		return string(l.Name), same
	}
	name = "https"
	if host != "" {
		name = "https-" + listenerSuffix(host)
	}
	l := gwv1.Listener{Name: gwv1.SectionName(name), Port: 443, Protocol: gwv1.HTTPSProtocolType}
	if host != "" {
		h := gwv1.Hostname(host)
		l.Hostname = &h
	}
	mode := gwv1.TLSModeTerminate
	ref := gwv1.SecretObjectReference{Name: gwv1.ObjectName(secret)}
	if secretNS != p.gw.Namespace {
		ns := gwv1.Namespace(secretNS)
		ref.Namespace = &ns
	}
	l.TLS = &gwv1.ListenerTLSConfig{Mode: &mode, CertificateRefs: []gwv1.SecretObjectReference{ref}}
	p.https[host] = len(p.listeners)
	p.listeners = append(p.listeners, l)
	return name, true
}

func nsOf(ns *gwv1.Namespace, def string) string {
	if ns == nil {
		return def
	}
	return string(*ns)
}

// listenerSuffix turns a hostname into the tail of a listener name, which
// must be a DNS label-like SectionName: "*.example.com" becomes
// "wildcard-example-com".
func listenerSuffix(host string) string {
	host = strings.ToLower(host)
	if strings.HasPrefix(host, "*.") {
		host = "wildcard." + host[2:]
	}
	return strings.ReplaceAll(host, ".", "-")
}

// object returns the Gateway with its listeners sorted (HTTP first, then
// HTTPS by name) and allowedRoutes opened to every namespace its routes
// live in.
func (p *plane) object() Object {
	gw := p.gw.DeepCopy()
	ls := append([]gwv1.Listener(nil), p.listeners...)
	sort.SliceStable(ls[1:], func(i, j int) bool { return ls[1+i].Name < ls[1+j].Name })
	var allowed *gwv1.AllowedRoutes
	if len(p.ns) > 1 || !p.ns[gw.Namespace] {
		from := gwv1.NamespacesFromAll
		allowed = &gwv1.AllowedRoutes{Namespaces: &gwv1.RouteNamespaces{From: &from}}
	}
	for i := range ls {
		ls[i].AllowedRoutes = allowed
	}
	gw.Spec.Listeners = ls
	gw.ObjectMeta = metav1.ObjectMeta{Name: gw.Name, Namespace: gw.Namespace}
	return Object{Object: gw, Kind: "Gateway", Namespace: gw.Namespace, Name: gw.Name, From: p.from, Pos: p.pos}
}
