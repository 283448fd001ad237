package nginx

import (
	"fmt"
	"net/http"
	"strings"

	networkingv1 "k8s.io/api/networking/v1"

	"github.com/ingresskit/ingresskit/simulate"
)

// nginxHTTPRedirectCode is the status of the HTTPS redirect, the
// ConfigMap default http-redirect-code
// (internal/ingress/controller/config/config.go).
const nginxHTTPRedirectCode = http.StatusPermanentRedirect

// nginxNoTLSRedirectLocations is the ConfigMap default
// no-tls-redirect-locations: locations never redirected to HTTPS, so
// that ACME HTTP-01 challenges succeed.
const nginxNoTLSRedirectLocations = "/.well-known/acme-challenge"

// Decorate adds what nginx does on top of picking a location, in the
// order of nginx's request phases: the app-root redirect of the server
// (server rewrite phase), the trailing-slash redirect (find-config
// phase), permanent and temporal redirects and rewrite-target (location
// rewrite phase), the HTTPS redirect (rewrite_by_lua, lua_ingress.lua),
// then the canary choice (balancer.lua).
func (n Profile) Decorate(d *simulate.Decision, req simulate.Request) {
	st := n.state(d.Ingress)
	if st.refused != "" {
		*d = simulate.Decision{URL: d.URL, RequestHost: d.RequestHost, NormalizedPath: d.NormalizedPath, Profile: d.Profile,
			Rule: -1, PathIndex: -1, Refused: st.refused}
		return
	}
	path := d.NormalizedPath
	query := simulate.RawQuery(req.Path)
	scheme := strings.ToLower(req.Scheme)
	if scheme == "" {
		scheme = "http"
	}
	// ngx_http_parse_complex_uri: a ".." segment above the root, written
	// plainly or escaped, makes the request invalid, and nginx answers
	// 400 before it looks for a server's location.
	if nginxAboveRoot(simulate.RequestPath(req.Path)) {
		n.answer(d, http.StatusBadRequest, "the path goes above the root (\"..\"): nginx answers 400 Bad Request")
		return
	}
	// The redirect server of from-to-www-redirect: return 308 to the
	// other name, with the server's port and the request URI without a
	// trailing slash (nginx.tmpl RedirectServers;
	// rootfs/etc/nginx/lua/nginx/ngx_srv_redirect.lua).
	if to, ok := st.wwwRedirects[d.RequestHost]; ok && st.servers[d.RequestHost] == nil {
		port := "80"
		if scheme == "https" {
			port = "443"
		}
		*d = simulate.Decision{URL: d.URL, RequestHost: d.RequestHost, NormalizedPath: d.NormalizedPath, Profile: d.Profile, Rule: -1, PathIndex: -1}
		d.Redirect = scheme + "://" + to + ":" + port + strings.TrimSuffix(requestURI(req.Path), "/")
		d.RedirectCode = nginxHTTPRedirectCode
		d.Notes = append(d.Notes, fmt.Sprintf("from-to-www-redirect of %s: the redirect server %s answers %d", to, d.RequestHost, nginxHTTPRedirectCode))
		return
	}
	srv := st.server(d.RequestHost)
	if st.servers[d.RequestHost] == nil && st.aliases[d.RequestHost] == srv && srv != nil {
		// A server-alias name: the engine knows rule hosts only, so the
		// alias's server answers as nginx picks its location.
		st.routeAlias(d, srv)
	}

	// nginx.tmpl: if ($uri = /) { return 302 $scheme://$http_host<app-root>; }
	if srv.appRoot != "" && path == "/" {
		d.Redirect = scheme + "://" + req.Host + srv.appRoot
		d.RedirectCode = http.StatusFound
		d.Notes = append(d.Notes, fmt.Sprintf("app-root of %s: nginx redirects / to %s", srv.appRootIng.Key(), srv.appRoot))
		return
	}

	if !d.Matched || d.DefaultBackend {
		st.applyDefault(d, srv)
	}
	if b := st.builtinFor(srv, path); b != nil {
		switch b.builtin {
		case "/healthz":
			n.answer(d, http.StatusOK, "the catch-all server's built-in location /healthz answers 200 (nginx.tmpl, the controller's health check)")
		default:
			n.answer(d, http.StatusForbidden, "the catch-all server's built-in location /nginx_status answers 403 to every client but 127.0.0.1 (nginx.tmpl, stub_status with deny all)")
		}
		return
	}

	var loc *nginxLoc
	if d.Matched && !d.DefaultBackend && d.Ingress != nil {
		if r := st.routeFor(d.Ingress, d.Rule, d.PathIndex); r != nil && len(r.locs) > 0 {
			loc = r.server.locs[r.locs[0]]
		}
	}
	root := srv.locs[len(srv.locs)-1]
	for _, l := range srv.locs {
		if l.path == "/" && (l.isDef || l.pathType == networkingv1.PathTypePrefix) {
			root = l
		}
	}
	served := loc
	if served == nil {
		served = root
	}
	// The trailing-slash redirect of a prefix location ending in "/"
	// (ngx_http_core_find_static_location, auto_redirect set by
	// proxy_pass). nginx.tmpl writes absolute_redirect off only for the
	// ConfigMap's relative-redirects or a location's relative-redirects
	// annotation, so the Location is absolute: the scheme, the request's
	// host without its port (server_name_in_redirect off,
	// port_in_redirect off), the path and the arguments.
	if loc != nil && !srv.regex && loc.pathType != networkingv1.PathTypeExact && loc.path == path+"/" && !srv.hasPath(path) {
		d.Redirect = path + "/"
		if !loc.ann.relativeRedirects {
			d.Redirect = scheme + "://" + simulate.CanonicalHost(req.Host) + d.Redirect
		}
		if query != "" {
			d.Redirect += "?" + query
		}
		d.RedirectCode = http.StatusMovedPermanently
		d.Notes = append(d.Notes, fmt.Sprintf("nginx redirects %s to the location %s (trailing slash)", path, loc.path))
		return
	}

	// nginx.tmpl: return <code> <url>; for permanent-redirect and
	// temporal-redirect.
	if served.ann != nil && served.ann.redirectURL != "" && (loc != nil || served.isDef) {
		d.Redirect, d.RedirectCode = served.ann.redirectURL, served.ann.redirectCode
		kind := "permanent-redirect"
		if served.ann.redirectCode == http.StatusFound || served.ann.redirectCode < http.StatusMovedPermanently ||
			served.ann.redirectCode == http.StatusSeeOther || served.ann.redirectCode == http.StatusTemporaryRedirect {
			kind = "redirect"
		}
		d.Notes = append(d.Notes, fmt.Sprintf("%s annotation: nginx answers %d instead of proxying", kind, served.ann.redirectCode))
		return
	}

	// lua_ingress.lua redirect_to_https: force-ssl-redirect, or
	// ssl-redirect when a certificate is configured for the request's
	// host (certificate.lua configured_for_current_request: the host,
	// else its wildcard).
	if scheme == "http" && served.ann != nil && !strings.HasPrefix(served.path, nginxNoTLSRedirectLocations) &&
		(served.ann.forceSSLRedirect || served.ann.sslRedirect && st.certFor(d.RequestHost)) {
		uri := req.Path
		if !served.ann.preserveTrailingSlash {
			uri = strings.TrimSuffix(uri, "/")
		}
		d.Redirect = "https://" + simulate.CanonicalHost(req.Host) + uri
		d.RedirectCode = nginxHTTPRedirectCode
		why := "ssl-redirect (on by default) and the host has a TLS certificate"
		if served.ann.forceSSLRedirect {
			why = "force-ssl-redirect"
		}
		d.Notes = append(d.Notes, "nginx redirects to HTTPS: "+why)
		return
	}

	// The root location of a host carries the annotations of the host's
	// first Ingress (createServers, locationApplyAnnotations), its
	// rewrite-target too, so a defaultBackend gets the rewritten path.
	if served.needsRewrite() && (loc != nil || served.isDef && d.Matched) {
		n.rewrite(d, served, query)
	}
	if d.Matched {
		st.chooseCanary(d, req)
	}
	if !d.Matched {
		d.Notes = append(d.Notes, "no location matches: nginx answers from the default backend (404)")
	}
}

// routeAlias sets d to the location nginx picks in srv, the server of a
// server-alias name.
func (st *nginxState) routeAlias(d *simulate.Decision, srv *nginxServer) {
	l := st.locate(srv, d.NormalizedPath)
	d.Matched, d.DefaultBackend, d.Ingress, d.Rule, d.PathIndex = false, false, nil, -1, -1
	d.Backend, d.Conflict, d.Match = networkingv1.IngressBackend{}, nil, simulate.PathMatch{}
	note := fmt.Sprintf("%s is a server-alias of %s", d.RequestHost, srv.host)
	if l == nil || l.isDef || l.builtin != "" {
		d.Notes = append(d.Notes, note)
		return
	}
	p := l.ing.Spec.Rules[l.rule].HTTP.Paths[l.index]
	d.Matched, d.Ingress, d.Rule, d.PathIndex = true, l.ing, l.rule, l.index
	d.Host, d.Path, d.PathType, d.Backend = l.ing.Spec.Rules[l.rule].Host, p.Path, simulate.PathTypeOf(p), p.Backend
	d.Notes = append(d.Notes, note+fmt.Sprintf(": nginx picks its location %s", l.directive(srv.regex)))
}

// answer makes d the controller's own answer with status.
func (Profile) answer(d *simulate.Decision, status int, note string) {
	*d = simulate.Decision{URL: d.URL, RequestHost: d.RequestHost, NormalizedPath: d.NormalizedPath, Profile: d.Profile,
		Rule: -1, PathIndex: -1, Status: status, Notes: []string{note}}
}

// builtinFor returns the built-in location of the catch-all server that
// nginx picks for path, or nil: the longest prefix location, unless an
// exact location matches, or a regex location does on a regex server
// (ngx_http_core_find_location).
func (st *nginxState) builtinFor(srv *nginxServer, path string) *nginxLoc {
	if srv.host != "" {
		return nil
	}
	var best *nginxLoc
	for _, l := range srv.locs {
		switch {
		case l.builtin != "":
		case srv.regex:
			continue
		case l.pathType == networkingv1.PathTypeExact:
			if l.path == path {
				return nil
			}
			continue
		}
		if strings.HasPrefix(path, l.path) && (best == nil || len(l.path) > len(best.path)) {
			best = l
		}
	}
	if best == nil || best.builtin == "" {
		return nil
	}
	if srv.regex {
		for _, l := range srv.locs {
			if l.re != nil && l.re.MatchString(path) {
				return nil
			}
		}
	}
	return best
}

// certFor reports whether a certificate is configured for a request
// host: its server's, else the wildcard server's of its parent
// (certificate.lua get_pem_cert_uid).
func (st *nginxState) certFor(host string) bool {
	if s := st.servers[host]; s != nil && host != "" && s.tls {
		return true
	}
	if s := st.aliases[host]; s != nil && s.tls {
		return true
	}
	if _, rest, ok := strings.Cut(host, "."); ok {
		if s := st.servers["*."+rest]; s != nil && s.tls {
			return true
		}
	}
	return false
}

// requestURI is nginx's $request_uri: the target without a fragment.
func requestURI(target string) string {
	if i := strings.IndexByte(target, '#'); i >= 0 {
		return target[:i]
	}
	return target
}

// nginxAboveRoot reports whether a request path, its escapes decoded,
// climbs above the root with "..".
func nginxAboveRoot(path string) bool {
	if !strings.Contains(path, ".") && !strings.Contains(path, "%") {
		return false
	}
	depth := 0
	for _, seg := range strings.Split(nginxDecode(path), "/")[1:] {
		switch seg {
		case "", ".":
		case "..":
			depth--
			if depth < 0 {
				return true
			}
		default:
			depth++
		}
	}
	return false
}
