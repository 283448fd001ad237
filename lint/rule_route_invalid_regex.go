package lint

import (
	"fmt"
	"strconv"

	gwv1 "sigs.k8s.io/gateway-api/apis/v1"

	"github.com/ingresskit/ingresskit/simulate/gateway"
)

var routeInvalidRegex = &Rule{
	ID:       "route-invalid-regex",
	Severity: Error,
	Default:  true,
	Summary:  "An HTTPRoute RegularExpression path, header or query match does not compile.",
	Doc: `RegularExpression matches are implementation-specific in the Gateway
API (HTTPPathMatch, HTTPHeaderMatch and HTTPQueryParamMatch in
sigs.k8s.io/gateway-api apis/v1 httproute_types.go); ingresskit's engine, like
Envoy-based implementations, uses RE2 syntax, with the whole value anchored.
An expression that does not compile never matches in simulate and proxy,
so the match takes no traffic; what a controller does with it is its own
choice.

**What to do:** fix the expression (RE2 syntax: no backreferences or
lookaround).`,
	Check: checkRouteInvalidRegex,
}

func checkRouteInvalidRegex(p *Pass) {
	for _, rt := range p.Set.HTTPRoutes {
		o := HTTPRouteObject(rt)
		check := func(field, value string) {
			if err := gateway.CheckRegex(value); err != nil {
				p.ReportObject(o, field, fmt.Sprintf("regular expression %q does not compile: %v; fix it (RE2 syntax)", value, err))
			}
		}
		for i, rule := range rt.Spec.Rules {
			for j, m := range rule.Matches {
				base := "spec.rules[" + strconv.Itoa(i) + "].matches[" + strconv.Itoa(j) + "]"
				if m.Path != nil && m.Path.Type != nil && *m.Path.Type == gwv1.PathMatchRegularExpression && m.Path.Value != nil {
					check(base+".path.value", *m.Path.Value)
				}
				for k, h := range m.Headers {
					if h.Type != nil && *h.Type == gwv1.HeaderMatchRegularExpression {
						check(base+".headers["+strconv.Itoa(k)+"].value", h.Value)
					}
				}
				for k, q := range m.QueryParams {
					if q.Type != nil && *q.Type == gwv1.QueryParamMatchRegularExpression {
						check(base+".queryParams["+strconv.Itoa(k)+"].value", q.Value)
					}
				}
			}
		}
	}
}
