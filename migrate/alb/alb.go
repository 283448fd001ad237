// Package alb translates what the AWS Load Balancer Controller does with
// an Ingress into Gateway API: its path wildcards (paths.go), the
// actions.<name> annotations (actions.go) and the conditions.<name>
// annotations (conditions.go), as
// kubernetes-sigs/aws-load-balancer-controller
// docs/guide/ingress/annotations.md describes them. It registers itself
// with migrate for the "alb" profile.
package alb

import (
	"fmt"
	"sort"
	"strings"

	networkingv1 "k8s.io/api/networking/v1"
	gwv1 "sigs.k8s.io/gateway-api/apis/v1"

	"github.com/ingresskit/ingresskit/manifest"
	"github.com/ingresskit/ingresskit/migrate"
	albsim "github.com/ingresskit/ingresskit/simulate/alb"
)

func init() { migrate.Register(provider{}) }

// provider is the AWS Load Balancer Controller provider.
type provider struct{}

func (provider) Name() string { return "alb" }

func (provider) New(tr *migrate.Translation) migrate.IngressTranslator {
	return &translation{tr: tr}
}

// translation is the provider's state for one input.
type translation struct {
	tr *migrate.Translation
}

// Ingress reads one Ingress as the controller does, reporting the
// annotations no Gateway API field carries.
func (t *translation) Ingress(ing *manifest.Ingress) migrate.Reader {
	t.annotations(ing)
	return &reader{Base: migrate.Base{Tr: t.tr}, t: t, ing: ing}
}

// reader reads one Ingress.
type reader struct {
	migrate.Base
	t   *translation
	ing *manifest.Ingress
}

// Rule makes the rule of one path: its matches with the path's
// conditions, and its backends or the action its servicePort
// use-annotation names.
func (r *reader) Rule(hr *migrate.HostRoute, p networkingv1.HTTPIngressPath, field string, match gwv1.HTTPPathMatch) (gwv1.HTTPRouteRule, bool) {
	matches, ok := r.conditionMatches(hr, p, field, match)
	if !ok {
		return gwv1.HTTPRouteRule{}, false
	}
	rule := gwv1.HTTPRouteRule{Matches: matches}
	if usesAction(p) {
		if !r.actionRule(hr, p, field, &rule) {
			return gwv1.HTTPRouteRule{}, false
		}
		return rule, true
	}
	ref, ok := r.t.tr.BackendRef(r.ing, p.Backend, field+".backend")
	if !ok {
		return gwv1.HTTPRouteRule{}, false
	}
	rule.BackendRefs = []gwv1.HTTPBackendRef{ref}
	return rule, true
}

// advice says, for the controller's annotations that change what a
// request gets and that no standard Gateway API field expresses, what to
// use instead. Annotations of the load balancer itself (scheme, subnets,
// certificates, tags, health checks, target type, attributes) describe
// infrastructure a GatewayClass or the implementation's own resources
// hold, and are reported as such.
var advice = map[string]string{
	"ssl-redirect":                        "redirects HTTP to HTTPS; add an HTTPRoute on the http listener with a RequestRedirect scheme https",
	"listen-ports":                        "chooses the listeners' ports and protocols; set them on the Gateway's listeners",
	"group.order":                         "orders the rules of an IngressGroup; Gateway API orders rules by precedence (HTTPRouteRule), not by a number: check the routes that overlap",
	"group.name":                          "merges Ingresses into one ALB; attach their routes to one Gateway (--gateway)",
	"auth-type":                           "authentication (Cognito or OIDC); use your implementation's auth policy",
	"auth-idp-cognito":                    "authentication; use your implementation's auth policy",
	"auth-idp-oidc":                       "authentication; use your implementation's auth policy",
	"inbound-cidrs":                       "allows client CIDRs; use your implementation's policy resource",
	"wafv2-acl-arn":                       "a web ACL; use your implementation's policy resource",
	"waf-acl-id":                          "a web ACL; use your implementation's policy resource",
	"shield-advanced-protection":          "DDoS protection; an implementation setting",
	"target-group-attributes":             "target group settings (stickiness, algorithm); use your implementation's backend policy",
	"backend-protocol":                    "the protocol to the targets; HTTPS needs a BackendTLSPolicy on the Service",
	"backend-protocol-version":            "HTTP/2 or gRPC to the targets; set the Service port's appProtocol, or use a GRPCRoute for gRPC",
	"use-regex-path-match":                "reads ImplementationSpecific paths as regular expressions, which the path translation here does not: check those paths",
	"transforms":                          "rewrites host or URL; use a URLRewrite filter",
	"jwt-validation":                      "JWT validation; use your implementation's auth policy",
	"frontend-nlb-scheme":                 "a frontend NLB; an implementation setting",
	"enable-frontend-nlb":                 "a frontend NLB; an implementation setting",
	"mutual-authentication":               "client certificate verification; use the Gateway listener's frontendValidation where your implementation supports it",
	"ssl-policy":                          "the TLS policy of the HTTPS listeners; use your implementation's TLS policy",
	"load-balancer-attributes":            "load balancer settings (timeouts, logs); an implementation setting",
	"target-node-labels":                  "which nodes take traffic; an implementation setting",
	"security-groups":                     "the load balancer's security groups; an implementation setting",
	"manage-backend-security-group-rules": "security group rules; an implementation setting",
}

// infrastructure are annotations of the load balancer's own resources.
var infrastructure = []string{"scheme", "subnets", "certificate-arn", "tags", "target-type", "ip-address-type",
	"load-balancer-name", "customer-owned-ipv4-pool", "ipam-ipv4-pool-id", "healthcheck-", "success-codes",
	"unhealthy-threshold-count", "healthy-threshold-count", "security-group-prefix-lists", "minimum-load-balancer-capacity"}

// annotations reports the controller's annotations of ing that the
// translation does not carry; actions and conditions are read per path.
func (t *translation) annotations(ing *manifest.Ingress) {
	var names []string
	for k := range ing.Annotations {
		if strings.HasPrefix(k, albsim.AnnotationPrefix) {
			names = append(names, k)
		}
	}
	sort.Strings(names)
	for _, k := range names {
		name := strings.TrimPrefix(k, albsim.AnnotationPrefix)
		if strings.HasPrefix(name, "actions.") || strings.HasPrefix(name, "conditions.") {
			continue
		}
		if a := advice[name]; a != "" {
			t.tr.Report(ing, annField(name), migrate.Warning, k+" is not translated: "+a)
			continue
		}
		infra := false
		for _, p := range infrastructure {
			infra = infra || name == p || strings.HasSuffix(p, "-") && strings.HasPrefix(name, p)
		}
		if infra {
			t.tr.Report(ing, annField(name), migrate.Info, fmt.Sprintf("%s configures the load balancer itself, not routing: set it where your Gateway implementation provisions its load balancer (GatewayClass parameters or its own resources)", k))
			continue
		}
		t.tr.Report(ing, annField(name), migrate.Warning, k+" is not translated: no standard Gateway API field does what it does; check your implementation's policies")
	}
}
