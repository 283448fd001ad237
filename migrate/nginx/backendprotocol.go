package nginx

import (
	"fmt"
	"net/http"
	"strings"

	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	gwv1 "sigs.k8s.io/gateway-api/apis/v1"

	"github.com/ingresskit/ingresskit/manifest"
	"github.com/ingresskit/ingresskit/migrate"
	"github.com/ingresskit/ingresskit/simulate"
	nginxsim "github.com/ingresskit/ingresskit/simulate/nginx"
)

// backendProtocol reads backend-protocol (annotations/backendprotocol:
// HTTP, HTTPS, AUTO_HTTP, GRPC, GRPCS, FCGI): HTTPS and GRPCS proxy to the
// backend over TLS, which Gateway API expresses with a BackendTLSPolicy
// on the Service (policy.go); GRPC and GRPCS proxy with grpc_pass, which
// a GRPCRoute expresses. AUTO_HTTP and FCGI have no equivalent.
func (nx *features) backendProtocol() {
	bp := strings.ToUpper(nx.ann["backend-protocol"])
	switch bp {
	case "", "HTTP":
		return
	case "HTTPS", "GRPC", "GRPCS":
		nx.tls = bp == "HTTPS" || bp == "GRPCS"
		nx.grpc = bp == "GRPC" || bp == "GRPCS"
		if nx.grpc {
			nx.t.tr.Report(nx.ing, field("backend-protocol"), migrate.Info, fmt.Sprintf("backend-protocol %s: this Ingress's routes are GRPCRoutes, whose method matches come from its paths (/<service>/<method>); a GRPCRoute answers only gRPC requests (Content-Type application/grpc), where ingress-nginx passed every request on these paths to the gRPC backend", bp))
		}
		return
	}
	nx.t.tr.Report(nx.ing, field("backend-protocol"), migrate.Warning, fmt.Sprintf("backend-protocol %s is not translated: no standard Gateway API field selects it; use your implementation's backend policy", bp))
}

// grpcHost writes the host's route as a GRPCRoute when the backends
// speak gRPC, and adds the BackendTLSPolicies of TLS backends.
func (nx *features) grpcHost(hr *migrate.HostRoute) {
	if nx.grpc {
		hr.GRPC = field("backend-protocol")
	}
	if !nx.tls {
		return
	}
	for ri, r := range nx.ing.Spec.Rules {
		if r.Host != hr.Host || r.HTTP == nil {
			continue
		}
		for pi, p := range r.HTTP.Paths {
			nx.backendTLS(p.Backend, fmt.Sprintf("spec.rules[%d].http.paths[%d].backend", ri, pi))
		}
	}
	if b := nx.ing.Spec.DefaultBackend; b != nil {
		nx.backendTLS(*b, "spec.defaultBackend")
	}
}

// backendTLS adds the BackendTLSPolicy of one backend's Service (apis/v1
// backendtlspolicy_types.go), once per Service: the Gateway connects to
// it over TLS and checks its certificate against validation.hostname
// (the upstream-vhost, else the Service's DNS name) and the CA.
//
// ingress-nginx does not verify the backend's certificate unless
// proxy-ssl-verify is on (annotations/proxyssl, default "off"), while a
// BackendTLSPolicy always does and needs the CA: caCertificateRefs (a
// ConfigMap with ca.crt) or wellKnownCACertificates. The policy made
// trusts the system CAs, which is valid and right for a backend with a
// public certificate; the finding says to supply the CA otherwise.
func (nx *features) backendTLS(b networkingv1.IngressBackend, fld string) {
	if b.Service == nil {
		return
	}
	t, ing := nx.t, nx.ing
	svc := b.Service.Name
	host := strings.ToLower(nx.ann["upstream-vhost"])
	if host == "" {
		host = svc + "." + ing.Namespace + ".svc"
	}
	key := ing.Namespace + "/" + svc
	// validation.hostname is a PreciseHostname (sigs.k8s.io/gateway-api
	// v1.6.0 apis/v1/backendtlspolicy_types.go): the API server refuses
	// a policy with a port, a variable or an underscore in it. Host
	// names are case-insensitive (RFC 4343), so upper case is lowered.
	if !migrate.PreciseHostname(host) {
		if seen := ing.Key() + " " + key; !t.badTLSHost[seen] {
			t.badTLSHost[seen] = true
			t.tr.Report(ing, field("upstream-vhost"), migrate.Warning, fmt.Sprintf("no BackendTLSPolicy is written for the Service %s: its validation.hostname would be the upstream-vhost %q, which is not a host name the API server takes there (lower-case DNS labels, no port or variable), so the Gateway connects to %s without TLS; set upstream-vhost to the host name in the backend's certificate, or write the BackendTLSPolicy by hand", key, nx.ann["upstream-vhost"], key))
		}
		return
	}
	if prev, ok := t.policies[key]; ok {
		if string(prev.Spec.Validation.Hostname) != host {
			t.tr.Report(ing, field("backend-protocol"), migrate.Warning, fmt.Sprintf("the Service %s already has a BackendTLSPolicy checking hostname %s; a Service has one policy, so %s is not used", key, prev.Spec.Validation.Hostname, host))
		}
		return
	}
	p := &gwv1.BackendTLSPolicy{}
	p.APIVersion, p.Kind = manifest.GatewayV1, "BackendTLSPolicy"
	p.ObjectMeta = metav1.ObjectMeta{Name: svc + "-tls", Namespace: ing.Namespace}
	ref := gwv1.LocalPolicyTargetReferenceWithSectionName{LocalPolicyTargetReference: gwv1.LocalPolicyTargetReference{Group: "", Kind: "Service", Name: gwv1.ObjectName(svc)}}
	if s := t.tr.Set().Service(ing.Namespace, svc); s != nil && len(s.Spec.Ports) > 1 {
		// A policy on the whole Service would make its other ports TLS
		// too; sectionName names the port (a named one).
		for _, sp := range s.Spec.Ports {
			if sp.Name != "" && (sp.Name == b.Service.Port.Name || (b.Service.Port.Name == "" && sp.Port == b.Service.Port.Number)) {
				sn := gwv1.SectionName(sp.Name)
				ref.SectionName = &sn
			}
		}
		if ref.SectionName == nil {
			t.tr.Report(ing, fld+".service.port", migrate.Warning, fmt.Sprintf("the Service %s has several ports and this one has no name, so BackendTLSPolicy %s applies to every port of it: name the port and add it as targetRefs[0].sectionName", key, p.Name))
		}
	}
	p.Spec.TargetRefs = []gwv1.LocalPolicyTargetReferenceWithSectionName{ref}
	system := gwv1.WellKnownCACertificatesSystem
	p.Spec.Validation = gwv1.BackendTLSPolicyValidation{WellKnownCACertificates: &system, Hostname: gwv1.PreciseHostname(host)}
	t.policies[key] = p
	t.tr.Emit(migrate.Object{Object: p, Kind: "BackendTLSPolicy", Namespace: p.Namespace, Name: p.Name, From: []string{ing.Key()}, Pos: ing.Source.Pos})
	t.tr.Report(ing, field("backend-protocol"), migrate.Warning, fmt.Sprintf("BackendTLSPolicy %s/%s makes the Gateway verify the certificate of %s for hostname %s, which ingress-nginx did not do unless proxy-ssl-verify was on; supply the CA: it trusts the system CAs (wellKnownCACertificates: System); for a private CA set caCertificateRefs to a ConfigMap with the CA in ca.crt instead", p.Namespace, p.Name, key, host))
}

// Probes are the gRPC requests (POST, Content-Type application/grpc) to
// the paths of an Ingress whose backends speak gRPC: each path, and a
// method below a path that names only a service.
func (provider) Probes(ing *manifest.Ingress) []simulate.Request {
	bp := strings.ToUpper(ing.Annotations[nginxsim.AnnotationPrefix+"backend-protocol"])
	if bp != "GRPC" && bp != "GRPCS" {
		return nil
	}
	var out []simulate.Request
	for _, r := range ing.Spec.Rules {
		if r.HTTP == nil || r.Host == "" || strings.HasPrefix(r.Host, "*") {
			continue
		}
		for _, p := range r.HTTP.Paths {
			path := strings.TrimSuffix(migrate.IngressPath(p), "/")
			if strings.ContainsAny(path, "()[]*?|^$+\\") {
				continue
			}
			paths := []string{path + "/Probe"}
			if strings.Count(path, "/") == 2 {
				paths = []string{path}
			}
			for _, pp := range paths {
				for _, scheme := range []string{"http", "https"} {
					if scheme == "https" && ing.TLSFor(r.Host) < 0 {
						continue
					}
					out = append(out, simulate.Request{Scheme: scheme, Host: r.Host, Path: pp, Method: "POST", Header: http.Header{"Content-Type": {"application/grpc"}}})
				}
			}
		}
	}
	return out
}

// GRPC reports whether the Ingress's backends speak gRPC.
func (provider) GRPC(ing *manifest.Ingress) bool {
	bp := strings.ToUpper(ing.Annotations[nginxsim.AnnotationPrefix+"backend-protocol"])
	return bp == "GRPC" || bp == "GRPCS"
}

var (
	_ migrate.Prober     = provider{}
	_ migrate.GRPCReader = provider{}
)
