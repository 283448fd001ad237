package nginx

import (
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"

	networkingv1 "k8s.io/api/networking/v1"

	"github.com/ingresskit/ingresskit/manifest"
	"github.com/ingresskit/ingresskit/simulate"
)

// nginxLoc is one nginx location block as ingress-nginx writes it.
type nginxLoc struct {
	// path is the location's path as nginx sees it: a Prefix path gets a
	// trailing "/" (location.go, normalizePrefixPath).
	path string
	// pathType is the written pathType; the exact copy of a Prefix
	// location has Exact.
	pathType networkingv1.PathType
	// exactCopy marks the "= /foo" location added for a Prefix "/foo".
	exactCopy bool
	// isDef marks the root location that serves the default backend.
	isDef bool
	// builtin names a location nginx.tmpl writes into the catch-all
	// server itself ("/healthz", "/nginx_status"); it serves no rule.
	builtin string
	// ing, rule and index say which rule path the location serves; ing
	// is also the source of ann for the default root location.
	ing         *manifest.Ingress
	rule, index int
	ann         *nginxAnn
	backend     networkingv1.IngressBackend
	// re is the compiled "~* ^path" regex of a regex host; nil when the
	// host is not one, or when RE2 cannot compile the PCRE expression
	// (reErr says why).
	re    *regexp.Regexp
	reErr string
}

// nginxServer is one nginx server block: one host of the rules.
type nginxServer struct {
	host string // "" for the catch-all server "_"
	locs []*nginxLoc
	// regex is true when use-regex or rewrite-target on a location of
	// the host makes every location a "~*" regex.
	regex bool
	// regexBy names an Ingress that causes regex.
	regexBy *manifest.Ingress
	// tls is true when the server has a certificate: an Ingress of the
	// host has a spec.tls section, whether or not it names the host
	// (controller.go createServers: extractTLSSecretName, else the
	// default certificate).
	tls bool
	// aliases are the server-alias names of the host's first Ingress
	// that sets them, without names other servers have.
	aliases []string
	// fromToWWW is true when a location of the host has
	// from-to-www-redirect.
	fromToWWW bool
	// dups lists the locations written twice, which nginx refuses.
	dups []nginxDup
	// appRoot is the app-root of the first location that sets one.
	appRoot    string
	appRootIng *manifest.Ingress
	// first maps a path to its first location, while locations are
	// added.
	first map[string]*nginxLoc
}

// nginxDup is a location line written twice in one server: nginx -t
// fails with "duplicate location".
type nginxDup struct {
	first, second *nginxLoc
}

// nginxRouteKey names one path of one rule of one Ingress.
type nginxRouteKey struct {
	ing         *manifest.Ingress
	rule, index int
}

// nginxRoute is what the state knows about one rule path.
type nginxRoute struct {
	server *nginxServer
	// locs are the positions of the path's locations in server.locs.
	locs []int
	// droppedFor is the location that serves the same path and pathType
	// instead, when nginx dropped this one.
	droppedFor *nginxLoc
	// shadowed is true in a regex host when the default root location
	// "~* ^/" comes first.
	shadowed bool
	// refused says why nginx refuses the location this path writes.
	refused string
}

// nginxState is the nginx configuration ingress-nginx would render for a
// set of Ingresses, reduced to what routing needs.
type nginxState struct {
	// ings are the Ingresses the state was built from, in input order.
	ings    []*manifest.Ingress
	servers map[string]*nginxServer
	routes  map[nginxRouteKey]*nginxRoute
	anns    map[*manifest.Ingress]*nginxAnn
	// rejected maps the Ingresses the admission webhook refuses to why.
	rejected map[*manifest.Ingress]string
	// canaries maps a primary upstream to the first canary merged into
	// it (controller.go, mergeAlternativeBackends; only the first
	// alternative backend is used by balancer.lua).
	canaries map[string]*nginxCanary
	// catchAll is the first Ingress without rules that has a
	// spec.defaultBackend: it serves the catch-all server.
	catchAll *manifest.Ingress
	// aliases maps a server-alias name to its server.
	aliases map[string]*nginxServer
	// wwwRedirects maps the host of a from-to-www redirect server to the
	// host it redirects to (pkg/util/ingress/ingress.go BuildRedirects).
	wwwRedirects map[string]string
	// refused, when not empty, says why nginx refuses the configuration.
	refused string
	// refusedLocs are the locations nginx refuses, for lint.
	refusedLocs []nginxDup
}

// nginxCanary is a canary Ingress's backend merged into a primary one.
type nginxCanary struct {
	ing     *manifest.Ingress
	rule    int
	index   int
	backend networkingv1.IngressBackend
	cfg     nginxCanaryConfig
}

// upstreamKey names the upstream of a Service backend as ingress-nginx
// does (namespace, Service, port; controller.go upstreamName).
func upstreamKey(ns string, b networkingv1.IngressBackend) string {
	if b.Service == nil {
		return ""
	}
	port := b.Service.Port.Name
	if port == "" {
		port = strconv.Itoa(int(b.Service.Port.Number))
	}
	return ns + "/" + b.Service.Name + ":" + port
}

// nginxPathType is the pathType ingress-nginx uses: the store rewrites a
// missing or ImplementationSpecific pathType to Prefix before it builds
// locations (internal/k8s/main.go SetDefaultNGINXPathType, called from
// store.go on every Ingress it stores).
func nginxPathType(p networkingv1.HTTPIngressPath) networkingv1.PathType {
	if pt := simulate.PathTypeOf(p); pt != networkingv1.PathTypeImplementationSpecific {
		return pt
	}
	return networkingv1.PathTypePrefix
}

// nginxValidPath is the strict path validation of ingress-nginx
// (internal/ingress/inspector/rules.go validPathType; enabled by the
// ConfigMap key strict-validate-path-type, true by default since
// controller v1.12): an Exact or Prefix path may hold only letters,
// digits, ".", "_", "-" and "/", and must start with "/".
var nginxValidPath = regexp.MustCompile(`(?i)^/[[:alnum:]._\-/]*$`)

// nginxStrictReject returns why the admission webhook rejects ing, or ""
// (internal/ingress/inspector/inspector.go ValidatePathType, called from
// controller.go CheckIngress).
func nginxStrictReject(ing *manifest.Ingress) string {
	for _, r := range ing.Spec.Rules {
		if r.HTTP == nil {
			continue
		}
		for _, p := range r.HTTP.Paths {
			if p.Path == "" || simulate.PathTypeOf(p) == networkingv1.PathTypeImplementationSpecific {
				continue
			}
			if !nginxValidPath.MatchString(p.Path) {
				return "path " + strconv.Quote(p.Path) + " cannot be used with pathType " + string(simulate.PathTypeOf(p)) +
					": ingress-nginx's strict path validation (strict-validate-path-type) rejects the whole Ingress; use ImplementationSpecific for regex paths"
			}
		}
	}
	return ""
}

// nginxLess orders Ingresses as the ingress-nginx store does
// (internal/ingress/controller/store/store.go, sortIngressSlice): by
// creationTimestamp, oldest first, and at equal timestamps by
// namespace/name in descending order. Manifests without timestamps all
// tie, so the Ingress whose namespace/name sorts last comes first.
func nginxLess(a, b *manifest.Ingress) bool {
	at, bt := a.CreationTimestamp, b.CreationTimestamp
	if at.Equal(&bt) {
		return a.Key() > b.Key()
	}
	return at.Before(&bt)
}

// newNginxState renders the servers and locations of set as
// internal/ingress/controller/controller.go does: createServers (a root
// location per host), getBackendServers (one location per rule path,
// first one wins), the length sort, and updateServerLocations
// (location.go).
func newNginxState(set *manifest.Set) *nginxState {
	st := &nginxState{
		ings:     set.Ingresses,
		servers:  map[string]*nginxServer{},
		routes:   map[nginxRouteKey]*nginxRoute{},
		anns:     map[*manifest.Ingress]*nginxAnn{},
		rejected: map[*manifest.Ingress]string{},
		canaries: map[string]*nginxCanary{},
		aliases:  map[string]*nginxServer{},
	}
	var ings, canaries []*manifest.Ingress
	for _, ing := range set.Ingresses {
		if why := nginxStrictReject(ing); why != "" {
			st.rejected[ing] = why
			continue
		}
		a := parseNginxAnn(ing)
		if a.ignored != "" {
			st.rejected[ing] = "ingress-nginx ignores this Ingress: " + a.ignored
			continue
		}
		st.anns[ing] = a
		if a.canary.enabled {
			canaries = append(canaries, ing)
		} else {
			ings = append(ings, ing)
		}
	}
	sort.SliceStable(ings, func(i, j int) bool { return nginxLess(ings[i], ings[j]) })
	sort.SliceStable(canaries, func(i, j int) bool { return nginxLess(canaries[i], canaries[j]) })

	// createServers: the catch-all server and one server per host, each
	// with a root location for the default backend carrying the
	// annotations of the first Ingress of the host.
	st.servers[""] = newNginxServer("", nil, &nginxAnn{sslRedirect: true})
	for _, ing := range ings {
		if st.catchAll == nil && len(ing.Spec.Rules) == 0 && ing.Spec.DefaultBackend != nil && ing.Spec.DefaultBackend.Service != nil {
			st.catchAll = ing
		}
		for _, r := range ing.Spec.Rules {
			h := strings.ToLower(r.Host)
			if _, ok := st.servers[h]; ok {
				continue
			}
			st.servers[h] = newNginxServer(h, ing, st.anns[ing])
		}
	}
	// controller.go createServers, "configure default location, alias,
	// and SSL": the first Ingress of a host with any spec.tls entry gives
	// the server a certificate: the Secret named for the host, else the
	// controller's default certificate, so ssl-redirect applies either
	// way. The first Ingress of a host that sets server-alias gives the
	// aliases.
	for _, ing := range ings {
		for _, r := range ing.Spec.Rules {
			srv := st.servers[strings.ToLower(r.Host)]
			if len(srv.aliases) == 0 {
				srv.aliases = st.anns[ing].aliases
			}
			if r.Host != "" && len(ing.Spec.TLS) > 0 {
				srv.tls = true
			}
		}
	}
	// Aliases that name a server are left out (createServers, allAliases).
	for _, srv := range st.servers {
		var keep []string
		for _, a := range srv.aliases {
			a = strings.ToLower(a)
			if st.servers[a] != nil || a == srv.host {
				continue
			}
			keep = append(keep, a)
			if st.aliases[a] == nil {
				st.aliases[a] = srv
			}
		}
		srv.aliases = keep
	}
	// getBackendServers.
	for _, ing := range ings {
		for ri, r := range ing.Spec.Rules {
			if r.HTTP == nil {
				continue
			}
			srv := st.servers[strings.ToLower(r.Host)]
			for pi, p := range r.HTTP.Paths {
				if p.Backend.Service == nil {
					continue
				}
				key := nginxRouteKey{ing, ri, pi}
				route := &nginxRoute{server: srv}
				st.routes[key] = route
				path := p.Path
				if path == "" {
					path = "/"
				}
				pt := nginxPathType(p)
				// The controller looks at the first location of the path
				// only: "Same paths but different types are allowed",
				// and a second location of another type is added even
				// when a later one has the same type.
				if loc := srv.first[path]; loc != nil && loc.pathType == pt {
					if !loc.isDef {
						route.droppedFor = loc
						continue
					}
					loc.isDef = false
					loc.ing, loc.rule, loc.index, loc.backend, loc.ann = ing, ri, pi, p.Backend, st.anns[ing]
					srv.fromToWWW = srv.fromToWWW || st.anns[ing].fromToWWW
					continue
				}
				srv.fromToWWW = srv.fromToWWW || st.anns[ing].fromToWWW
				loc := &nginxLoc{path: path, pathType: pt, ing: ing, rule: ri, index: pi, backend: p.Backend, ann: st.anns[ing]}
				srv.locs = append(srv.locs, loc)
				if srv.first[path] == nil {
					srv.first[path] = loc
				}
			}
		}
	}
	// controller.go getBackendServers: canaries are merged only when a
	// non-canary Ingress exists (nonCanaryIngressExists).
	if len(ings) > 0 {
		for _, ing := range canaries {
			st.mergeCanary(ing)
		}
	}
	// nginx.tmpl: the catch-all server "_" also has "location /healthz"
	// (the controller's HealthPath, return 200) and "location
	// /nginx_status" (stub_status for 127.0.0.1 only, deny all), plain
	// prefix locations written after the Ingress locations.
	def := st.servers[""]
	def.locs = append(def.locs,
		&nginxLoc{path: "/healthz", pathType: networkingv1.PathTypePrefix, builtin: "/healthz", rule: -1, index: -1, ann: &nginxAnn{}},
		&nginxLoc{path: "/nginx_status", pathType: networkingv1.PathTypePrefix, builtin: "/nginx_status", rule: -1, index: -1, ann: &nginxAnn{}})
	hosts := make([]string, 0, len(st.servers))
	for h := range st.servers {
		hosts = append(hosts, h)
	}
	sort.Strings(hosts)
	for _, h := range hosts {
		srv := st.servers[h]
		st.finishServer(srv)
		// The map of first locations is only read while locations are
		// added; on a large input it was a fifth of the model.
		srv.first = nil
		for _, d := range srv.dups {
			st.refusedLocs = append(st.refusedLocs, d)
			if st.refused == "" {
				st.refused = d.String(srv)
			}
			if d.second.ing != nil && d.second.rule >= 0 {
				if r := st.routes[nginxRouteKey{d.second.ing, d.second.rule, d.second.index}]; r != nil && r.refused == "" {
					r.refused = d.String(srv)
				}
			}
		}
	}
	// pkg/util/ingress/ingress.go BuildRedirects: a server with
	// from-to-www-redirect gets a redirect server for "www.<host>" (or
	// for the host without "www."), unless a server of that name exists.
	for _, h := range hosts {
		srv := st.servers[h]
		if !srv.fromToWWW || h == "" {
			continue
		}
		from := "www." + h
		if rest, ok := strings.CutPrefix(h, "www."); ok {
			from = rest
		}
		if st.servers[from] != nil {
			continue
		}
		if st.wwwRedirects == nil {
			st.wwwRedirects = map[string]string{}
		}
		st.wwwRedirects[from] = h
	}
	return st
}

// String says what nginx refuses.
func (d nginxDup) String(srv *nginxServer) string {
	name := srv.host
	if name == "" {
		name = "_"
	}
	return fmt.Sprintf("nginx -t fails with duplicate location %s in server %s: %s and %s both render it; the reload fails and the previous configuration keeps serving",
		d.first.directive(false), name, d.first.source(), d.second.source())
}

// writtenType is the pathType of the rule path as written.
func (l *nginxLoc) writtenType() networkingv1.PathType {
	if l.ing == nil || l.rule < 0 {
		return l.pathType
	}
	return simulate.PathTypeOf(l.ing.Spec.Rules[l.rule].HTTP.Paths[l.index])
}

// source names the rule path a location serves.
func (l *nginxLoc) source() string {
	if l.ing == nil {
		return "the default backend"
	}
	if l.rule < 0 {
		return l.ing.Key() + " spec.defaultBackend"
	}
	return fmt.Sprintf("%s spec.rules[%d].http.paths[%d]", l.ing.Key(), l.rule, l.index)
}

// directive is the location's argument as nginx.tmpl writes it
// (template.go buildLocation): `~* "^path"` on a regex server, `=
// "path"` for Exact, `"path"` for a prefix; quotes and backslashes
// escaped (sanitizeQuotedRegex). Built-in locations are written bare.
//
// A Replacer builds its tables on first use, which cost more than the
// rest of rendering a location, so there is one, built once.
var quoteEscaper = strings.NewReplacer(`\`, `\\`, `"`, `\"`)

func (l *nginxLoc) directive(regex bool) string {
	if l.builtin != "" {
		return l.builtin
	}
	p := l.path
	if strings.ContainsAny(p, `\"`) {
		p = quoteEscaper.Replace(p)
	}
	switch {
	case regex:
		return `~* "^` + p + `"`
	case l.pathType == networkingv1.PathTypeExact:
		return `= "` + p + `"`
	}
	return `"` + p + `"`
}

// newNginxServer returns a server with its root location for the default
// backend, carrying the annotations of the host's first Ingress.
func newNginxServer(host string, ing *manifest.Ingress, ann *nginxAnn) *nginxServer {
	root := &nginxLoc{path: "/", pathType: networkingv1.PathTypePrefix, isDef: true, ing: ing, ann: ann, rule: -1, index: -1}
	return &nginxServer{host: host, locs: []*nginxLoc{root}, first: map[string]*nginxLoc{"/": root}}
}

// mergeCanary records the backends of a canary Ingress as alternatives of
// the upstreams serving the same host, path and pathType
// (controller.go, mergeAlternativeBackends). The alternative belongs to
// the upstream, so every location using that Service gets the canary.
func (st *nginxState) mergeCanary(ing *manifest.Ingress) {
	// A canary's spec.defaultBackend is merged into the upstream of every
	// location of the catch-all server, the root location of an Ingress
	// without rules among them.
	if b := ing.Spec.DefaultBackend; b != nil && b.Service != nil {
		st.mergeInto(st.servers[""], ing, -1, -1, *b, func(*nginxLoc) bool { return true })
	}
	for ri, r := range ing.Spec.Rules {
		if r.HTTP == nil {
			continue
		}
		srv := st.servers[strings.ToLower(r.Host)]
		if srv == nil {
			continue
		}
		for pi, p := range r.HTTP.Paths {
			if p.Backend.Service == nil {
				continue
			}
			path := p.Path
			if path == "" {
				path = "/"
			}
			st.mergeInto(srv, ing, ri, pi, p.Backend, func(loc *nginxLoc) bool {
				return loc.path == path && loc.pathType == nginxPathType(p)
			})
		}
	}
}

// mergeInto records a canary backend as the alternative of the upstream
// of every location of srv that match selects, until a location uses
// the canary's own upstream (controller.go mergeAlternativeBackends,
// canMergeBackend: never into the controller's default upstream).
func (st *nginxState) mergeInto(srv *nginxServer, ing *manifest.Ingress, ri, pi int, b networkingv1.IngressBackend, match func(*nginxLoc) bool) {
	alt := upstreamKey(ing.Namespace, b)
	for _, loc := range srv.locs {
		pri := st.locUpstream(srv, loc)
		if pri == alt {
			break
		}
		if pri == "" || !match(loc) {
			continue
		}
		if _, ok := st.canaries[pri]; !ok {
			st.canaries[pri] = &nginxCanary{ing: ing, rule: ri, index: pi, backend: b, cfg: st.anns[ing].canary}
		}
	}
}

// locUpstream is the upstream a location proxies to, "" for the
// controller's default backend: a rule path's Service, or for a root
// location of the default backend, the spec.defaultBackend the server
// uses (nginxDefault).
func (st *nginxState) locUpstream(srv *nginxServer, loc *nginxLoc) string {
	if loc.builtin != "" {
		return ""
	}
	if !loc.isDef {
		return upstreamKey(loc.ing.Namespace, loc.backend)
	}
	if ing := st.nginxDefault(srv); ing != nil {
		return upstreamKey(ing.Namespace, *ing.Spec.DefaultBackend)
	}
	return ""
}

// needsRewrite is template.go's needsRewrite: a rewrite-target other
// than the location's own path.
func (l *nginxLoc) needsRewrite() bool {
	return l.ann != nil && l.ann.rewriteTarget != "" && l.ann.rewriteTarget != l.path
}

func (st *nginxState) finishServer(srv *nginxServer) {
	// controller.go getBackendServers: sort by path, descending, then
	// stably by length, descending.
	sort.SliceStable(srv.locs, func(i, j int) bool { return srv.locs[i].path > srv.locs[j].path })
	sort.SliceStable(srv.locs, func(i, j int) bool { return len(srv.locs[i].path) > len(srv.locs[j].path) })

	// location.go updateServerLocations: a Prefix location without
	// rewrite or regex gets a trailing "/" and an exact twin, unless an
	// Exact location of that path exists.
	exact := map[string]bool{}
	for _, l := range srv.locs {
		if l.pathType == networkingv1.PathTypeExact {
			exact[l.path] = true
		}
	}
	var locs []*nginxLoc
	for _, l := range srv.locs {
		if l.path == "/" || l.builtin != "" || l.pathType != networkingv1.PathTypePrefix || l.needsRewrite() || l.ann.useRegex {
			locs = append(locs, l)
			continue
		}
		written := l.path
		if !strings.HasSuffix(l.path, "/") {
			l.path += "/"
		}
		locs = append(locs, l)
		if exact[written] {
			continue
		}
		twin := *l
		twin.path = written
		twin.pathType = networkingv1.PathTypeExact
		twin.exactCopy = true
		locs = append(locs, &twin)
	}
	srv.locs = locs

	// template.go enforceRegexModifier.
	for _, l := range srv.locs {
		if l.builtin == "" && (l.needsRewrite() || l.ann.useRegex) {
			srv.regex = true
			if l.ing != nil && (srv.regexBy == nil || nginxLess(l.ing, srv.regexBy)) {
				srv.regexBy = l.ing
			}
		}
	}
	// nginx.tmpl: "if ($uri = /) { return 302 ...app-root }" for every
	// location with an app-root; the first one in order answers.
	for _, l := range srv.locs {
		if l.ann != nil && l.ann.appRoot != "" {
			srv.appRoot, srv.appRootIng = l.ann.appRoot, l.ing
			break
		}
	}
	// nginx refuses two prefix or exact locations of the same path in
	// one server ("duplicate location"); regex locations may repeat.
	seen := map[string]*nginxLoc{}
	for _, l := range srv.locs {
		if srv.regex && l.builtin == "" {
			continue
		}
		key := l.directive(false)
		if l.builtin != "" {
			key = `"` + l.builtin + `"`
		}
		if first := seen[key]; first != nil {
			srv.dups = append(srv.dups, nginxDup{first: first, second: l})
			continue
		}
		seen[key] = l
	}
	shadowed := false
	for i, l := range srv.locs {
		if l.builtin != "" {
			continue
		}
		if srv.regex {
			// template.go buildLocation: ~* "^path", quotes escaped.
			re, err := regexp.Compile(`(?i)^` + l.path)
			if err != nil {
				l.reErr = err.Error()
			} else {
				l.re = re
			}
		}
		if l.isDef {
			shadowed = srv.regex
			continue
		}
		if l.ing == nil {
			continue
		}
		r := st.routes[nginxRouteKey{l.ing, l.rule, l.index}]
		if r == nil || r.droppedFor != nil {
			continue
		}
		r.locs = append(r.locs, i)
		if shadowed && len(r.locs) == 1 {
			r.shadowed = true
		}
	}
}

// server returns the server nginx picks for a request host: the exact
// server name, else the wildcard server (ingress-nginx writes "*.foo.com"
// as the regex ~^(?<subdomain>[\w-]+)\.foo\.com$, one label; template.go
// buildServerName), else the catch-all server.
func (st *nginxState) server(host string) *nginxServer {
	if s := st.servers[host]; s != nil && host != "" {
		return s
	}
	if s := st.aliases[host]; s != nil {
		return s
	}
	if label, rest, ok := strings.Cut(host, "."); ok && label != "" {
		if s := st.servers["*."+rest]; s != nil {
			return s
		}
	}
	return st.servers[""]
}

// locate returns the location nginx picks in srv for a normalized path
// (ngx_http_core_find_location): an exact location of the path; else the
// longest prefix location, unless a regex location matches, the first in
// order winning. nil means no location matches.
func (st *nginxState) locate(srv *nginxServer, path string) *nginxLoc {
	var best *nginxLoc
	for _, l := range srv.locs {
		if srv.regex && l.builtin == "" {
			continue
		}
		if l.pathType == networkingv1.PathTypeExact && l.builtin == "" {
			if l.path == path {
				return l
			}
			continue
		}
		if strings.HasPrefix(path, l.path) && (best == nil || len(l.path) > len(best.path)) {
			best = l
		}
	}
	if srv.regex {
		for _, l := range srv.locs {
			if l.builtin == "" && l.re != nil && l.re.MatchString(path) {
				return l
			}
		}
	}
	return best
}

// routeFor returns the state of one rule path, or nil.
func (st *nginxState) routeFor(ing *manifest.Ingress, rule, index int) *nginxRoute {
	return st.routes[nginxRouteKey{ing, rule, index}]
}
