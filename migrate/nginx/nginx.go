// Package nginx translates what ingress-nginx does with an Ingress
// (kubernetes/ingress-nginx docs/user-guide/nginx-configuration/annotations.md)
// into Gateway API: its path reading (paths.go), redirects (redirect.go),
// rewrites and upstream headers (rewrite.go), CORS (cors.go), canaries
// (canary.go) and backend protocols (backendprotocol.go). It registers
// itself with migrate for the "nginx" profile.
package nginx

import (
	"fmt"
	"sort"
	"strings"

	networkingv1 "k8s.io/api/networking/v1"
	gwv1 "sigs.k8s.io/gateway-api/apis/v1"

	"github.com/ingresskit/ingresskit/manifest"
	"github.com/ingresskit/ingresskit/migrate"
	nginxsim "github.com/ingresskit/ingresskit/simulate/nginx"
)

func init() { migrate.Register(provider{}) }

// provider is the ingress-nginx provider.
type provider struct{}

func (provider) Name() string { return "nginx" }

func (provider) New(tr *migrate.Translation) migrate.IngressTranslator {
	return &translation{tr: tr, policies: map[string]*gwv1.BackendTLSPolicy{}, badTLSHost: map[string]bool{}}
}

// UnroutedAnnotations names the ingress-nginx annotations of ing whose
// effect the routing model does not check: those not translated, and
// those translated into headers (CORS, x-forwarded-prefix,
// upstream-vhost).
func (provider) UnroutedAnnotations(ing *manifest.Ingress) []string {
	var out []string
	for k := range ing.Annotations {
		name := strings.TrimPrefix(k, nginxsim.AnnotationPrefix)
		if name == k {
			continue
		}
		if !translated[name] || strings.HasPrefix(name, "cors-") || name == "enable-cors" || name == "x-forwarded-prefix" || name == "upstream-vhost" || name == "backend-protocol" {
			out = append(out, k)
		}
	}
	sort.Strings(out)
	return out
}

var _ migrate.UnroutedLister = provider{}

// translation is the provider's state for one input.
type translation struct {
	tr *migrate.Translation
	// canaries wait until every primary is translated.
	canaries []pendingCanary
	// regexHosts are the hosts ingress-nginx serves with regex
	// locations, computed on first use.
	regexHosts map[string]bool
	// policies are the BackendTLSPolicies made, by "namespace/service".
	policies map[string]*gwv1.BackendTLSPolicy
	// badTLSHost holds "<ingress> <namespace>/<service>" once its
	// upstream-vhost was reported as no BackendTLSPolicy hostname.
	badTLSHost map[string]bool
	// models are ingress-nginx's configuration for the Ingresses of each
	// class (one controller each), made on first use.
	models map[string]*nginxsim.Model
}

// model returns ingress-nginx's configuration for the Ingresses of the
// class of ing, as the verification routes them.
func (t *translation) model(ing *manifest.Ingress) *nginxsim.Model {
	if t.models == nil {
		// One pass parts the Ingresses by class; a model is computed on
		// first use, so a class never asked for costs nothing.
		subs := map[string]*manifest.Set{}
		for _, o := range t.tr.Set().Ingresses {
			c := t.tr.Class(o)
			if subs[c] == nil {
				subs[c] = &manifest.Set{}
			}
			subs[c].Ingresses = append(subs[c].Ingresses, o)
		}
		t.models = make(map[string]*nginxsim.Model, len(subs))
		for c, sub := range subs {
			t.models[c] = nginxsim.NewModel(sub)
		}
	}
	class := t.tr.Class(ing)
	m := t.models[class]
	if m == nil {
		m = nginxsim.NewModel(&manifest.Set{})
		t.models[class] = m
	}
	return m
}

var _ migrate.Finisher = (*translation)(nil)

// Ingress reads the annotations of one Ingress; an Ingress the
// controller ignores, or a canary, is not translated now.
func (t *translation) Ingress(ing *manifest.Ingress) migrate.Reader {
	nx := t.features(ing)
	if nx.ignored != "" {
		t.tr.Report(ing, "metadata.annotations", migrate.Warning, "ingress-nginx ignores this Ingress ("+nx.ignored+"); nothing is translated")
		return nil
	}
	if nx.canary != nil {
		t.canaries = append(t.canaries, pendingCanary{ing: ing, nx: nx})
		return nil
	}
	return nx
}

// Finish merges the canaries into their primaries' routes.
func (t *translation) Finish() []*manifest.Ingress {
	var done []*manifest.Ingress
	for _, c := range t.canaries {
		if t.canary(c) {
			done = append(done, c.ing)
		}
	}
	return done
}

// features are the ingress-nginx annotations of one Ingress that the
// translation reads. Values the controller drops
// (simulate/nginx DroppedAnnotations, from its validators) are read as
// absent, as the controller reads them.
type features struct {
	migrate.Base
	t   *translation
	ing *manifest.Ingress
	ann map[string]string
	// ignored, when not empty, says why the controller ignores the
	// Ingress.
	ignored string
	canary  *canaryChoice
	// tls and grpc are what backend-protocol asks of the backends.
	tls, grpc bool
}

// translated are the annotations translated into standard fields or
// read for routing, without a finding.
var translated = map[string]bool{
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

// advice says, for annotations no standard Gateway API field expresses,
// what they did and where to go instead.
var advice = map[string]string{
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

// field is the API-server path of an ingress-nginx annotation.
func field(name string) string {
	return "metadata.annotations." + nginxsim.AnnotationPrefix + name
}

func (t *translation) features(ing *manifest.Ingress) *features {
	tr := t.tr
	nx := &features{Base: migrate.Base{Tr: tr}, t: t, ing: ing, ann: map[string]string{}}
	dropped := map[string]string{}
	for _, d := range nginxsim.DroppedAnnotations(ing) {
		dropped[d.Name] = d.Why
		if d.IgnoresIngress {
			nx.ignored = nginxsim.AnnotationPrefix + d.Name + ": " + d.Why
		}
	}
	var names []string
	for k := range ing.Annotations {
		if strings.HasPrefix(k, nginxsim.AnnotationPrefix) {
			names = append(names, k)
		}
	}
	sort.Strings(names)
	for _, k := range names {
		name := strings.TrimPrefix(k, nginxsim.AnnotationPrefix)
		if why, ok := dropped[name]; ok {
			tr.Report(ing, field(name), migrate.Info, fmt.Sprintf("ingress-nginx drops this value (%s), so it is not translated either", why))
			continue
		}
		nx.ann[name] = ing.Annotations[k]
		switch {
		case translated[name]:
		case advice[name] != "":
			tr.Report(ing, field(name), migrate.Warning, k+" is not translated: "+advice[name])
		default:
			tr.Report(ing, field(name), migrate.Warning, k+" is not translated: no standard Gateway API field does what it does; check your implementation's policies")
		}
	}
	nx.canary = nx.readCanary()
	nx.backendProtocol()
	return nx
}

// bool reads a boolean annotation the translation keeps; a missing or
// bad value gives def.
func (nx *features) bool(name string, def bool) bool {
	return nginxsim.ParseBool(nx.ann[name], def)
}

// Rule forwards to the path's backend with the filters of the Ingress's
// annotations.
func (nx *features) Rule(hr *migrate.HostRoute, p networkingv1.HTTPIngressPath, field string, match gwv1.HTTPPathMatch) (gwv1.HTTPRouteRule, bool) {
	rule, ok := nx.Base.Rule(hr, p, field, match)
	if !ok {
		return rule, false
	}
	nx.ruleFilters(hr, &rule, p)
	return rule, true
}

// ruleFilters adds the filters of the Ingress's annotations to the rule
// of one path: a redirect replaces proxying; otherwise the rewrites and
// headers apply.
func (nx *features) ruleFilters(hr *migrate.HostRoute, rule *gwv1.HTTPRouteRule, p networkingv1.HTTPIngressPath) {
	if nx.redirect(hr, rule) {
		return
	}
	nx.rewrite(hr, rule, p)
	if nx.bool("enable-cors", false) {
		rule.Filters = append(rule.Filters, gwv1.HTTPRouteFilter{Type: gwv1.HTTPRouteFilterCORS, CORS: nx.cors()})
	}
}
