package lint

import (
	"fmt"
)

var routeMatchShadowed = &Rule{
	ID:       "route-match-shadowed",
	Severity: Warning,
	Default:  true,
	Summary:  "A route match takes only requests that an earlier match on the same Gateway listener and hostname takes, so it never serves.",
	Doc: `The routes attached to one Gateway listener are tried, for each
hostname, in the Gateway API's precedence order (HTTPRouteRule in
sigs.k8s.io/gateway-api apis/v1 httproute_types.go): an Exact path match,
then the longest PathPrefix, then a method match, then the most header
matches, then the most query parameter matches; remaining ties go to the
oldest route by creation timestamp, then the first by namespace/name, then
the first rule and match in order. A match never serves when, on every
hostname it is attached under, a match that comes earlier takes every
request it would take:

- the same match written twice, in one route or in two (across routes
  this is a conflict that depends on which route was created first);
- PathPrefix ` + "`/a/`" + ` and ` + "`/a`" + `, which take the same requests
  (prefixes match whole path elements, HTTPPathMatch), the longer one
  first;
- header names in another case (header names are case-insensitive,
  HTTPHeaderMatch.Name);
- a route on the hostnames a.example.com and b.example.com before a route
  with the same match on a.example.com alone.

A more general match never hides a more specific one: ` + "`PathPrefix /a`" + `
comes after ` + "`PathPrefix /a/b`" + `, and a match without a header after the same
match with one, so neither is reported. Regular expressions count only when
written the same, since their precedence is implementation-specific.

**What to do:** remove the match that never serves, or make it differ.`,
	Check: checkRouteMatchShadowed,
}

func checkRouteMatchShadowed(p *Pass) {
	for _, sh := range p.gatewayModel().Shadowed() {
		if sh.Route == nil || sh.By.Route == nil {
			continue
		}
		by := sh.By.Route
		what := "is the same as"
		if !sh.Identical {
			what = "takes only requests taken first by"
		}
		p.ReportObject(routeObject(sh.Route), sh.Field,
			fmt.Sprintf("this match %s %s %s/%s rule %d on %s, which takes its traffic; remove it or make it differ",
				what, by.Kind, by.Namespace, by.Name, sh.By.Rule, sh.DataPlane),
			Related{Pos: sh.By.Pos, Message: "the match that serves"})
	}
}
