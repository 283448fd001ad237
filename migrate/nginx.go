package migrate

import (
	"fmt"
	"net/url"
	"regexp"
	"sort"
	"strconv"
	"strings"

	networkingv1 "k8s.io/api/networking/v1"
	gwv1 "sigs.k8s.io/gateway-api/apis/v1"

	"github.com/ingresskit/ingresskit/manifest"
	"github.com/ingresskit/ingresskit/simulate/nginx"
)

// nginxFeatures are the ingress-nginx annotations of one Ingress that the
// translation reads (kubernetes/ingress-nginx
// docs/user-guide/nginx-configuration/annotations.md). Values the
// controller drops (nginx.DroppedAnnotations, from its
// validators) are read as absent, as the controller reads them.
type nginxFeatures struct {
	t   *translator
	ing *manifest.Ingress
	ann map[string]string
	// ignored, when not empty, says why the controller ignores the
	// Ingress.
	ignored string
	canary  *nginxCanary
}

// nginxCanary is a canary Ingress's choice of requests
// (annotations/canary/main.go).
type nginxCanary struct {
	weight, total           int
	header, value, pattern  string
	cookie                  string
	hasWeight, headerOrCook bool
}

// nginxTranslated are the annotations translated into standard fields or
// read for routing, without a finding.
var nginxTranslated = map[string]bool{
	"rewrite-target": true, "use-regex": true, "ssl-redirect": true, "force-ssl-redirect": true,
	"permanent-redirect": true, "permanent-redirect-code": true, "temporal-redirect": true,
	"temporal-redirect-code": true, "app-root": true, "canary": true, "canary-weight": true,
	"canary-weight-total": true, "canary-by-header": true, "canary-by-header-value": true,
	"canary-by-header-pattern": true, "canary-by-cookie": true, "upstream-vhost": true,
	"x-forwarded-prefix": true, "enable-cors": true, "cors-allow-origin": true,
	"cors-allow-methods": true, "cors-allow-headers": true, "cors-expose-headers": true,
	"cors-allow-credentials": true, "cors-max-age": true, "backend-protocol": true,
	"preserve-trailing-slash": true,
}

// nginxAdvice says, for annotations no standard Gateway API field
// expresses, what they did and where to go instead.
var nginxAdvice = map[string]string{
	"affinity":                  "cookie session affinity pins a client to one endpoint; Gateway API's sessionPersistence is experimental (not in the standard channel of v1.6): use your implementation's session policy",
	"session-cookie-name":       "part of cookie session affinity; see affinity",
	"proxy-read-timeout":        "a timeout between two reads from the backend; HTTPRouteRule timeouts bound the whole request instead (timeouts.backendRequest): set one if you relied on it",
	"proxy-send-timeout":        "a timeout between two writes to the backend; see proxy-read-timeout",
	"proxy-connect-timeout":     "a connect timeout; use your implementation's backend policy",
	"proxy-body-size":           "limits request bodies; use your implementation's policy resource",
	"custom-headers":            "adds response headers from a ConfigMap; copy them into a ResponseHeaderModifier filter",
	"auth-url":                  "external authentication; use your implementation's auth policy (ExternalAuth is experimental)",
	"auth-type":                 "basic authentication; use your implementation's auth policy",
	"whitelist-source-range":    "allows client CIDRs; use your implementation's policy resource",
	"allowlist-source-range":    "allows client CIDRs; use your implementation's policy resource",
	"limit-rps":                 "rate limiting; use your implementation's rate-limit policy",
	"limit-connections":         "connection limiting; use your implementation's policy",
	"configuration-snippet":     "raw nginx configuration has no Gateway API equivalent; redesign what it does",
	"server-snippet":            "raw nginx configuration has no Gateway API equivalent; redesign what it does",
	"server-alias":              "extra server names; add them to the HTTPRoute's hostnames",
	"from-to-www-redirect":      "redirects between www. and the bare host; add an HTTPRoute for the other name with a RequestRedirect hostname filter",
	"ssl-passthrough":           "TLS passthrough needs a TLSRoute on a listener in Passthrough mode",
	"proxy-ssl-verify":          "backend TLS verification; use a BackendTLSPolicy",
	"service-upstream":          "sends to the Service's ClusterIP instead of endpoints; implementation-specific",
	"upstream-hash-by":          "consistent hashing; use your implementation's load-balancing policy",
	"load-balance":              "the balancing algorithm; use your implementation's policy",
	"proxy-buffering":           "buffering; implementation-specific",
	"enable-access-log":         "logging; implementation-specific",
	"client-body-buffer-size":   "buffering; implementation-specific",
	"proxy-next-upstream":       "retries; HTTPRouteRule retry is experimental; use your implementation's retry policy",
	"proxy-next-upstream-tries": "retries; see proxy-next-upstream",
}

func (t *translator) nginxFeatures(ing *manifest.Ingress) *nginxFeatures {
	nx := &nginxFeatures{t: t, ing: ing, ann: map[string]string{}}
	dropped := map[string]string{}
	for _, d := range nginx.DroppedAnnotations(ing) {
		dropped[d.Name] = d.Why
		if d.IgnoresIngress {
			nx.ignored = nginx.AnnotationPrefix + d.Name + ": " + d.Why
		}
	}
	var names []string
	for k := range ing.Annotations {
		if strings.HasPrefix(k, nginx.AnnotationPrefix) {
			names = append(names, k)
		}
	}
	sort.Strings(names)
	for _, k := range names {
		name := strings.TrimPrefix(k, nginx.AnnotationPrefix)
		field := "metadata.annotations." + k
		if why, ok := dropped[name]; ok {
			t.report(ing, field, Info, fmt.Sprintf("ingress-nginx drops this value (%s), so it is not translated either", why))
			continue
		}
		nx.ann[name] = ing.Annotations[k]
		switch {
		case nginxTranslated[name]:
		case nginxAdvice[name] != "":
			t.report(ing, field, Warning, k+" is not translated: "+nginxAdvice[name])
		default:
			t.report(ing, field, Warning, k+" is not translated: no standard Gateway API field does what it does; check your implementation's policies")
		}
	}
	if nx.bool("canary", false) {
		c := &nginxCanary{total: 100}
		if v, ok := nx.ann["canary-weight"]; ok {
			c.weight, _ = strconv.Atoi(v)
			c.hasWeight = true
		}
		if v, ok := nx.ann["canary-weight-total"]; ok {
			if n, err := strconv.Atoi(v); err == nil && n > 0 {
				c.total = n
			}
		}
		c.header, c.value, c.pattern = nx.ann["canary-by-header"], nx.ann["canary-by-header-value"], nx.ann["canary-by-header-pattern"]
		c.cookie = nx.ann["canary-by-cookie"]
		c.headerOrCook = c.header != "" || c.cookie != ""
		nx.canary = c
	}
	if bp := strings.ToUpper(nx.ann["backend-protocol"]); bp != "" && bp != "HTTP" {
		advice := "use a BackendTLSPolicy naming the Service, with the CA and hostname the backend's certificate is checked against"
		if bp == "GRPC" || bp == "GRPCS" {
			advice = "serve it with a GRPCRoute (the routes here are HTTPRoutes, whose backends speak HTTP/1.1 or h2c by appProtocol)"
		}
		t.report(ing, "metadata.annotations."+nginx.AnnotationPrefix+"backend-protocol", Warning, fmt.Sprintf("backend-protocol %s is not translated: %s", bp, advice))
	}
	return nx
}

func (nx *nginxFeatures) bool(name string, def bool) bool {
	v, ok := nx.ann[name]
	if !ok {
		return def
	}
	b, err := strconv.ParseBool(v)
	if err != nil {
		return def
	}
	return b
}

// regexHost reports whether ingress-nginx makes every location of host a
// regex: use-regex or rewrite-target on any nginx Ingress of the host
// (template.go enforceRegexModifier).
func (nx *nginxFeatures) regexHost(host string) bool {
	t := nx.t
	if t.regexHosts == nil {
		t.regexHosts = map[string]bool{}
		for _, ing := range t.set.Ingresses {
			if t.profileName(ing) != "nginx" {
				continue
			}
			dropped := map[string]bool{}
			for _, d := range nginx.DroppedAnnotations(ing) {
				dropped[d.Name] = true
			}
			regex := false
			if v, err := strconv.ParseBool(ing.Annotations[nginx.AnnotationPrefix+"use-regex"]); err == nil && v && !dropped["use-regex"] {
				regex = true
			}
			if ing.Annotations[nginx.AnnotationPrefix+"rewrite-target"] != "" && !dropped["rewrite-target"] {
				regex = true
			}
			if !regex {
				continue
			}
			for _, r := range ing.Spec.Rules {
				t.regexHosts[r.Host] = true
			}
		}
	}
	return t.regexHosts[host]
}

// sslRedirect reports whether ingress-nginx redirects http requests for
// host to https: ssl-redirect (default true) when the Ingress has any TLS
// entry, whatever hosts it names (createServers gives the other hosts the
// default certificate), or force-ssl-redirect.
func (nx *nginxFeatures) sslRedirect(ing *manifest.Ingress, host string) bool {
	if nx.bool("force-ssl-redirect", false) {
		return true
	}
	return len(ing.Spec.TLS) > 0 && nx.bool("ssl-redirect", true)
}

// ruleFilters adds the filters of the Ingress's annotations to the rule
// of one path.
func (nx *nginxFeatures) ruleFilters(t *translator, hr *hostRoute, rule *gwv1.HTTPRouteRule, p networkingv1.HTTPIngressPath) {
	ing := hr.ing
	field := func(name string) string { return "metadata.annotations." + nginx.AnnotationPrefix + name }
	// A redirect replaces proxying (annotations/redirect): temporal
	// wins over permanent.
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
			t.report(ing, field(r.name), Warning, fmt.Sprintf("%s %q with code %d cannot be a RequestRedirect (it takes absolute http(s) URLs with codes 301, 302, 303, 307 or 308)", r.name, target, code))
			return
		}
		if u, _ := url.Parse(target); u != nil && (u.RawQuery != "" || u.Fragment != "") {
			t.report(ing, field(r.name), Warning, "the redirect's query string or fragment is dropped: RequestRedirect sets scheme, hostname, port and path only")
		}
		rule.Filters = append(rule.Filters, f)
		rule.BackendRefs = nil
		return
	}
	var rw *gwv1.HTTPURLRewriteFilter
	if target := nx.ann["rewrite-target"]; target != "" {
		rw = &gwv1.HTTPURLRewriteFilter{}
		m := rule.Matches[0].Path
		if prefix, repl, ok := captureIdiom(p.Path, target); ok {
			typ, v := gwv1.PathMatchPathPrefix, prefix
			*m = gwv1.HTTPPathMatch{Type: &typ, Value: &v}
			rw.Path = &gwv1.HTTPPathModifier{Type: gwv1.PrefixMatchHTTPPathModifier, ReplacePrefixMatch: &repl}
			t.report(ing, field("rewrite-target"), Info, fmt.Sprintf("rewrite-target %s on %s is the prefix rewrite idiom: PathPrefix %s with ReplacePrefixMatch %s (case-sensitive, where nginx's regex was not)", target, p.Path, prefix, repl))
		} else if !strings.Contains(target, "$") {
			// nginx's rewrite replaces the whole URI when the
			// location's regex matches.
			rw.Path = &gwv1.HTTPPathModifier{Type: gwv1.FullPathHTTPPathModifier, ReplaceFullPath: &target}
		} else {
			t.report(ing, field("rewrite-target"), Warning, fmt.Sprintf("rewrite-target %s uses capture groups of %s; URLRewrite has no captures, so the path is forwarded unchanged: use ReplacePrefixMatch or your implementation's regex rewrite", target, p.Path))
			rw.Path = nil
		}
	}
	if vhost := nx.ann["upstream-vhost"]; vhost != "" {
		if rw == nil {
			rw = &gwv1.HTTPURLRewriteFilter{}
		}
		h := gwv1.PreciseHostname(vhost)
		rw.Hostname = &h
	}
	if rw != nil && (rw.Path != nil || rw.Hostname != nil) {
		rule.Filters = append(rule.Filters, gwv1.HTTPRouteFilter{Type: gwv1.HTTPRouteFilterURLRewrite, URLRewrite: rw})
	}
	if prefix := nx.ann["x-forwarded-prefix"]; prefix != "" {
		rule.Filters = append(rule.Filters, gwv1.HTTPRouteFilter{Type: gwv1.HTTPRouteFilterRequestHeaderModifier,
			RequestHeaderModifier: &gwv1.HTTPHeaderFilter{Set: []gwv1.HTTPHeader{{Name: "X-Forwarded-Prefix", Value: prefix}}}})
	}
	if nx.bool("enable-cors", false) {
		rule.Filters = append(rule.Filters, gwv1.HTTPRouteFilter{Type: gwv1.HTTPRouteFilterCORS, CORS: nx.cors()})
	}
}

// cors translates the cors-* annotations with ingress-nginx's defaults
// (annotations/cors/main.go).
func (nx *nginxFeatures) cors() *gwv1.HTTPCORSFilter {
	split := func(v, def string) []string {
		if v == "" {
			v = def
		}
		var out []string
		for _, s := range strings.Split(v, ",") {
			if s = strings.TrimSpace(s); s != "" {
				out = append(out, s)
			}
		}
		return out
	}
	f := &gwv1.HTTPCORSFilter{}
	for _, o := range split(nx.ann["cors-allow-origin"], "*") {
		f.AllowOrigins = append(f.AllowOrigins, gwv1.CORSOrigin(o))
	}
	for _, m := range split(nx.ann["cors-allow-methods"], "GET, PUT, POST, DELETE, PATCH, OPTIONS") {
		f.AllowMethods = append(f.AllowMethods, gwv1.HTTPMethodWithWildcard(strings.ToUpper(m)))
	}
	for _, h := range split(nx.ann["cors-allow-headers"], "DNT,Keep-Alive,User-Agent,X-Requested-With,If-Modified-Since,Cache-Control,Content-Type,Range,Authorization") {
		f.AllowHeaders = append(f.AllowHeaders, gwv1.HTTPHeaderName(h))
	}
	for _, h := range split(nx.ann["cors-expose-headers"], "") {
		f.ExposeHeaders = append(f.ExposeHeaders, gwv1.HTTPHeaderName(h))
	}
	creds := nx.bool("cors-allow-credentials", true)
	f.AllowCredentials = &creds
	f.MaxAge = 1728000
	if v, err := strconv.Atoi(nx.ann["cors-max-age"]); err == nil {
		f.MaxAge = int32(v)
	}
	return f
}

// routeFilters adds the rules of annotations that apply to the host as a
// whole: app-root redirects "/" (annotations/rewrite, the server's
// "location = /" with a 302).
func (nx *nginxFeatures) routeFilters(t *translator, hr *hostRoute) {
	root := nx.ann["app-root"]
	if root == "" || hr.host == "" {
		return
	}
	typ, v := gwv1.PathMatchExact, "/"
	code := 302
	f := gwv1.HTTPRouteFilter{Type: gwv1.HTTPRouteFilterRequestRedirect,
		RequestRedirect: &gwv1.HTTPRequestRedirectFilter{StatusCode: &code,
			Path: &gwv1.HTTPPathModifier{Type: gwv1.FullPathHTTPPathModifier, ReplaceFullPath: &root}}}
	hr.rules["Exact /"] = len(hr.route.Spec.Rules)
	hr.route.Spec.Rules = append(hr.route.Spec.Rules, gwv1.HTTPRouteRule{
		Matches: []gwv1.HTTPRouteMatch{{Path: &gwv1.HTTPPathMatch{Type: &typ, Value: &v}}}, Filters: []gwv1.HTTPRouteFilter{f}})
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
	host := gwv1.PreciseHostname(u.Hostname())
	rr := &gwv1.HTTPRequestRedirectFilter{Scheme: &scheme, Hostname: &host, StatusCode: &code}
	if p := u.Port(); p != "" {
		n, _ := strconv.Atoi(p)
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

// captureIdiom recognises the rewrite documented by ingress-nginx
// (docs/examples/rewrite): path "/something(/|$)(.*)" with target
// "/$2" (or "<prefix>/$2"), which is a prefix replacement.
var captureIdiomRE = regexp.MustCompile(`^(/[A-Za-z0-9._~/-]*?)\(/\|\$\)\(\.\*\)$`)

func captureIdiom(path, target string) (prefix, repl string, ok bool) {
	m := captureIdiomRE.FindStringSubmatch(path)
	if m == nil || !strings.HasSuffix(target, "$2") {
		return "", "", false
	}
	repl = strings.TrimSuffix(target, "$2")
	if strings.Contains(repl, "$") {
		return "", "", false
	}
	repl = strings.TrimSuffix(repl, "/")
	if repl == "" {
		repl = "/"
	}
	return m[1], repl, true
}

// pendingCanary is a canary Ingress waiting for its primary's routes.
type pendingCanary struct {
	ing *manifest.Ingress
	nx  *nginxFeatures
}

// canary merges a canary Ingress into the routes of its primary, as
// ingress-nginx merges it into the primary's locations
// (controller.go mergeAlternativeBackends): by weight into the rule's
// backendRefs, by header or cookie as a rule with a header match that
// ranks above the rule without (HTTPRouteRule precedence: more header
// matches first). It reports false when nothing could be merged.
func (t *translator) canary(c pendingCanary) bool {
	ing, cn := c.ing, c.nx.canary
	merged := false
	for ri, r := range ing.Spec.Rules {
		if r.HTTP == nil {
			continue
		}
		for pi, p := range r.HTTP.Paths {
			field := fmt.Sprintf("spec.rules[%d].http.paths[%d]", ri, pi)
			hr, idx := t.primaryRule(ing, r.Host, p)
			if hr == nil {
				t.report(ing, field, Warning, fmt.Sprintf("canary with no primary Ingress for host %q and path %s: ingress-nginx uses it for nothing; nothing is translated", r.Host, p.Path))
				continue
			}
			ref, ok := t.backendRef(ing, p.Backend, field+".backend")
			if !ok {
				continue
			}
			primary := &hr.route.Spec.Rules[idx]
			if cn.headerOrCook {
				rule := *primary.DeepCopy()
				rule.BackendRefs = []gwv1.HTTPBackendRef{ref}
				for i := range rule.Matches {
					rule.Matches[i].Headers = append(rule.Matches[i].Headers, canaryHeader(cn))
				}
				hr.route.Spec.Rules = append(hr.route.Spec.Rules, rule)
				if cn.cookie != "" && cn.header == "" {
					t.report(ing, "metadata.annotations."+nginx.AnnotationPrefix+"canary-by-cookie", Info, "canary-by-cookie becomes a regular-expression match on the Cookie header (Gateway API has no cookie match)")
				}
				if cn.value == "" && cn.pattern == "" && cn.header != "" {
					t.report(ing, "metadata.annotations."+nginx.AnnotationPrefix+"canary-by-header", Info, fmt.Sprintf("requests with %s: always go to the canary; %s: never, which ingress-nginx also honours, is not expressed and falls to the weights", cn.header, cn.header))
				}
			}
			if cn.hasWeight && cn.weight > 0 && len(primary.BackendRefs) > 0 {
				w := int32(cn.weight)
				rest := int32(cn.total) - w
				if rest < 0 {
					rest = 0
				}
				primary.BackendRefs[0].Weight = &rest
				ref.Weight = &w
				primary.BackendRefs = append(primary.BackendRefs, ref)
			}
			merged = true
		}
	}
	if len(ing.Spec.Rules) == 0 && ing.Spec.DefaultBackend != nil {
		t.report(ing, "spec.defaultBackend", Warning, "a canary with only a defaultBackend: ingress-nginx merges it into the catch-all server's backend, which has no Gateway API route here; nothing is translated")
	}
	return merged
}

// primaryRule finds the rule translated from the primary of a canary path:
// the same namespace, host and path (ImplementationSpecific and Prefix are
// one to nginx; canaries of other namespaces are merged by ingress-nginx
// too, but a Gateway API rule cannot name a Service of another namespace
// without a ReferenceGrant, so they are reported as missing a primary).
func (t *translator) primaryRule(canary *manifest.Ingress, host string, p networkingv1.HTTPIngressPath) (*hostRoute, int) {
	key := pathKey(p)
	for _, hr := range t.routes {
		if hr.host != host || hr.ing.Namespace != canary.Namespace {
			continue
		}
		if i, ok := hr.byPath[key]; ok {
			return hr, i
		}
	}
	return nil, -1
}

// pathKey identifies an Ingress path as nginx does: the path, and whether
// it is Exact.
func pathKey(p networkingv1.HTTPIngressPath) string {
	path := p.Path
	if path == "" {
		path = "/"
	}
	if nginxExact(p) {
		return "= " + path
	}
	return path
}

func nginxExact(p networkingv1.HTTPIngressPath) bool {
	return p.PathType != nil && *p.PathType == networkingv1.PathTypeExact
}

// canaryHeader is the header match of a header or cookie canary.
func canaryHeader(c *nginxCanary) gwv1.HTTPHeaderMatch {
	re := gwv1.HeaderMatchRegularExpression
	if c.header != "" {
		switch {
		case c.pattern != "":
			return gwv1.HTTPHeaderMatch{Type: &re, Name: gwv1.HTTPHeaderName(c.header), Value: c.pattern}
		case c.value != "":
			return gwv1.HTTPHeaderMatch{Name: gwv1.HTTPHeaderName(c.header), Value: c.value}
		}
		return gwv1.HTTPHeaderMatch{Name: gwv1.HTTPHeaderName(c.header), Value: "always"}
	}
	return gwv1.HTTPHeaderMatch{Type: &re, Name: "Cookie", Value: `(.*;\s*)?` + regexp.QuoteMeta(c.cookie) + `=always(;.*)?`}
}
