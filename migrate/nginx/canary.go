package nginx

import (
	"fmt"
	"regexp"
	"strconv"

	networkingv1 "k8s.io/api/networking/v1"
	gwv1 "sigs.k8s.io/gateway-api/apis/v1"

	"github.com/ingresskit/ingresskit/manifest"
	"github.com/ingresskit/ingresskit/migrate"
)

// canaryChoice is a canary Ingress's choice of requests
// (annotations/canary/main.go).
type canaryChoice struct {
	weight, total           int
	header, value, pattern  string
	cookie                  string
	hasWeight, headerOrCook bool
}

// readCanary reads the canary annotations; nil when the Ingress is not a
// canary.
func (nx *features) readCanary() *canaryChoice {
	if !nx.bool("canary", false) {
		return nil
	}
	c := &canaryChoice{total: 100}
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
	return c
}

// pendingCanary is a canary Ingress waiting for its primary's routes.
type pendingCanary struct {
	ing *manifest.Ingress
	nx  *features
}

// canary merges a canary Ingress into the routes of its primary, as
// ingress-nginx merges it into the primary's locations
// (controller.go mergeAlternativeBackends): by weight into the rule's
// backendRefs, by header or cookie as a rule with a header match that
// ranks above the rule without (HTTPRouteRule precedence: more header
// matches first). It reports false when nothing could be merged.
func (t *translation) canary(c pendingCanary) bool {
	ing, cn := c.ing, c.nx.canary
	tr := t.tr
	merged := false
	for ri, r := range ing.Spec.Rules {
		if r.HTTP == nil {
			continue
		}
		for pi, p := range r.HTTP.Paths {
			fld := fmt.Sprintf("spec.rules[%d].http.paths[%d]", ri, pi)
			hr, idx := t.primaryRule(ing, r.Host, p)
			if hr == nil {
				tr.Report(ing, fld, migrate.Warning, fmt.Sprintf("canary with no primary Ingress for host %q and path %s: ingress-nginx uses it for nothing; nothing is translated", r.Host, p.Path))
				continue
			}
			ref, ok := tr.BackendRef(ing, p.Backend, fld+".backend")
			if !ok {
				continue
			}
			primary := &hr.Route.Spec.Rules[idx]
			if cn.headerOrCook {
				rule := *primary.DeepCopy()
				rule.BackendRefs = []gwv1.HTTPBackendRef{ref}
				for i := range rule.Matches {
					rule.Matches[i].Headers = append(rule.Matches[i].Headers, canaryHeader(cn))
				}
				hr.Route.Spec.Rules = append(hr.Route.Spec.Rules, rule)
				if cn.cookie != "" && cn.header == "" {
					tr.Report(ing, field("canary-by-cookie"), migrate.Info, "canary-by-cookie becomes a regular-expression match on the Cookie header (Gateway API has no cookie match)")
				}
				if cn.value == "" && cn.pattern == "" && cn.header != "" {
					tr.Report(ing, field("canary-by-header"), migrate.Info, fmt.Sprintf("requests with %s: always go to the canary; %s: never, which ingress-nginx also honours, is not expressed and falls to the weights", cn.header, cn.header))
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
		tr.Report(ing, "spec.defaultBackend", migrate.Warning, "a canary with only a defaultBackend: ingress-nginx merges it into the catch-all server's backend, which has no Gateway API route here; nothing is translated")
	}
	return merged
}

// primaryRule finds the rule translated from the primary of a canary path:
// the same namespace, host and path (ImplementationSpecific and Prefix are
// one to nginx; canaries of other namespaces are merged by ingress-nginx
// too, but a Gateway API rule cannot name a Service of another namespace
// without a ReferenceGrant, so they are reported as missing a primary).
func (t *translation) primaryRule(canary *manifest.Ingress, host string, p networkingv1.HTTPIngressPath) (*migrate.HostRoute, int) {
	for _, hr := range t.tr.Routes() {
		if hr.Host != host || hr.Ingress.Namespace != canary.Namespace {
			continue
		}
		if i, ok := hr.RuleFor(p); ok {
			return hr, i
		}
	}
	return nil, -1
}

// canaryHeader is the header match of a header or cookie canary.
func canaryHeader(c *canaryChoice) gwv1.HTTPHeaderMatch {
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
