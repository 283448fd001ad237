package nginx

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"

	gwv1 "sigs.k8s.io/gateway-api/apis/v1"

	"github.com/ingresskit/ingresskit/migrate"
)

// HTTPSRedirect says whether ingress-nginx redirects http requests for
// host to https, with 308 (the ConfigMap's http-redirect-code default):
// force-ssl-redirect, or ssl-redirect (default true) when a certificate
// is configured for the host (lua_ingress.lua redirect_to_https). The
// host has one when any Ingress of it in the class has a TLS section,
// whatever hosts that names (createServers gives the others the default
// certificate), this Ingress or another (model.HostCertificate); the
// route then attaches to the HTTPS listener of whichever made it.
// Requests for the catch-all server "_" are redirected only by
// force-ssl-redirect.
func (nx *features) HTTPSRedirect(host string) *migrate.HTTPSRedirect {
	force := nx.bool("force-ssl-redirect", false)
	if !force && (host == "" || !nx.bool("ssl-redirect", true) || !nx.t.model(nx.ing).HostCertificate(host)) {
		return nil
	}
	if host == "" {
		host = "<any host>"
	}
	return &migrate.HTTPSRedirect{Code: 308, NoListener: fmt.Sprintf("ingress-nginx redirects http://%s to https and serves it with its default certificate, because an Ingress of the host has a TLS section (createServers); no listener holds a certificate for this host, so the redirect is not translated: add the host to a TLS entry", host)}
}

// redirect makes the rule a RequestRedirect when the Ingress has a
// redirect annotation, which replaces proxying (annotations/redirect):
// temporal wins over permanent. It reports whether it did.
func (nx *features) redirect(hr *migrate.HostRoute, rule *gwv1.HTTPRouteRule) bool {
	for _, r := range []struct {
		name, code string
		def        int
	}{{"temporal-redirect", "temporal-redirect-code", 302}, {"permanent-redirect", "permanent-redirect-code", 301}} {
		target := nx.ann[r.name]
		if target == "" {
			continue
		}
		code := r.def
		if v, err := strconv.Atoi(nx.ann[r.code]); err == nil {
			code = v
		}
		f, ok := redirectFilter(target, code)
		if !ok {
			nx.t.tr.Report(hr.Ingress, field(r.name), migrate.Warning, fmt.Sprintf("%s %q with code %d cannot be a RequestRedirect (it takes absolute http(s) URLs with codes 301, 302, 303, 307 or 308)", r.name, target, code))
			return true
		}
		if u, _ := url.Parse(target); u != nil && (u.RawQuery != "" || u.Fragment != "") {
			nx.t.tr.Report(hr.Ingress, field(r.name), migrate.Warning, "the redirect's query string or fragment is dropped: RequestRedirect sets scheme, hostname, port and path only")
		}
		rule.Filters = append(rule.Filters, f)
		rule.BackendRefs = nil
		return true
	}
	return false
}

// HostRules adds what applies to the host as a whole: gRPC and backend
// TLS (backendprotocol.go), and app-root, which redirects "/" (annotations/rewrite, the server's
// "location = /" with a 302).
func (nx *features) HostRules(hr *migrate.HostRoute) {
	nx.grpcHost(hr)
	root := nx.ann["app-root"]
	if root == "" || hr.Host == "" {
		return
	}
	code := 302
	f := gwv1.HTTPRouteFilter{Type: gwv1.HTTPRouteFilterRequestRedirect,
		RequestRedirect: &gwv1.HTTPRequestRedirectFilter{StatusCode: &code,
			Path: &gwv1.HTTPPathModifier{Type: gwv1.FullPathHTTPPathModifier, ReplaceFullPath: &root}}}
	m := migrate.Match(gwv1.PathMatchExact, "/")
	hr.AppendRule(gwv1.HTTPRouteRule{Matches: []gwv1.HTTPRouteMatch{{Path: &m}}, Filters: []gwv1.HTTPRouteFilter{f}})
}

// redirectFilter turns a redirect URL into a RequestRedirect.
func redirectFilter(target string, code int) (gwv1.HTTPRouteFilter, bool) {
	u, err := url.Parse(target)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return gwv1.HTTPRouteFilter{}, false
	}
	switch code {
	case 301, 302, 303, 307, 308:
	default:
		return gwv1.HTTPRouteFilter{}, false
	}
	scheme := u.Scheme
	// Host names are case-insensitive (RFC 3986 section 6.2.2.1); the
	// field takes them in lower case.
	hn := strings.ToLower(u.Hostname())
	if !migrate.PreciseHostname(hn) {
		return gwv1.HTTPRouteFilter{}, false
	}
	host := gwv1.PreciseHostname(hn)
	rr := &gwv1.HTTPRequestRedirectFilter{Scheme: &scheme, Hostname: &host, StatusCode: &code}
	if p := u.Port(); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil || n < 1 || n > 65535 {
			return gwv1.HTTPRouteFilter{}, false
		}
		pn := gwv1.PortNumber(n)
		rr.Port = &pn
	}
	path := u.EscapedPath()
	if path == "" {
		path = "/"
	}
	rr.Path = &gwv1.HTTPPathModifier{Type: gwv1.FullPathHTTPPathModifier, ReplaceFullPath: &path}
	return gwv1.HTTPRouteFilter{Type: gwv1.HTTPRouteFilterRequestRedirect, RequestRedirect: rr}, true
}
