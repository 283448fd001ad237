package simulate

import (
	"fmt"
	"net/http"
	"strings"

	networkingv1 "k8s.io/api/networking/v1"
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
func (n Nginx) Decorate(d *Decision, req Request) {
	st := n.state(d.Ingress)
	srv := st.server(d.RequestHost)
	path := d.NormalizedPath
	query := rawQuery(req.Path)
	scheme := strings.ToLower(req.Scheme)
	if scheme == "" {
		scheme = "http"
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
	// proxy_pass); ingress-nginx sets absolute_redirect off, so the
	// Location is relative.
	if loc != nil && !srv.regex && loc.pathType != networkingv1.PathTypeExact && loc.path == path+"/" && !srv.hasPath(path) {
		d.Redirect = path + "/"
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

	// lua_ingress.lua redirect_to_https.
	if scheme == "http" && served.ann != nil && !strings.HasPrefix(served.path, nginxNoTLSRedirectLocations) &&
		(served.ann.forceSSLRedirect || served.ann.sslRedirect && srv.tls) {
		uri := req.Path
		if !served.ann.preserveTrailingSlash {
			uri = strings.TrimSuffix(uri, "/")
		}
		d.Redirect = "https://" + CanonicalHost(req.Host) + uri
		d.RedirectCode = nginxHTTPRedirectCode
		why := "ssl-redirect (on by default) and the host has a TLS certificate"
		if served.ann.forceSSLRedirect {
			why = "force-ssl-redirect"
		}
		d.Notes = append(d.Notes, "nginx redirects to HTTPS: "+why)
		return
	}

	if loc != nil && loc.needsRewrite() {
		n.rewrite(d, loc, query)
	}
	if d.Matched && !d.DefaultBackend {
		st.chooseCanary(d, req)
	}
	if !d.Matched {
		d.Notes = append(d.Notes, "no location matches: nginx answers from the default backend (404)")
	}
}

// rawQuery returns the query string of a request target, without "?".
func rawQuery(target string) string {
	if i := strings.IndexByte(target, '#'); i >= 0 {
		target = target[:i]
	}
	if i := strings.IndexByte(target, '?'); i >= 0 {
		return target[i+1:]
	}
	return ""
}
