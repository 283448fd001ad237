package alb

import (
	"fmt"
	"regexp"
	"strings"

	networkingv1 "k8s.io/api/networking/v1"
	gwv1 "sigs.k8s.io/gateway-api/apis/v1"

	"github.com/ingresskit/ingresskit/migrate"
	albsim "github.com/ingresskit/ingresskit/simulate/alb"
)

// maxMatches is the most matches a rule may have (HTTPRouteRule.Matches,
// MaxItems 64).
const maxMatches = 64

// conditionMatches returns the matches of a path with the
// conditions.<serviceName> annotation added (annotations.md,
// "conditions": in addition to the Ingress's host and path). Within a
// condition the values are alternatives; the conditions all hold:
//
//   - path-pattern values are more paths, each a match of its own: a
//     pattern with * or ? a RegularExpression, else Exact (ALB path
//     patterns are case-sensitive); regexValues match anywhere in the path
//     unless anchored, so they become ".*(?:re).*";
//   - http-header is a header match, one RegularExpression of its values,
//     case-insensitive (ALB compares header values without case), and
//     of its regexValues, matching anywhere unless anchored;
//   - http-request-method values are one match per method;
//   - query-string pairs are one match per pair, the value a
//     case-insensitive RegularExpression;
//   - host-header adds hostnames, which a rule cannot: reported;
//   - source-ip has no field: reported, the rule matches every client.
//
// false leaves the path out (reported).
func (r *reader) conditionMatches(hr *migrate.HostRoute, p networkingv1.HTTPIngressPath, field string, match gwv1.HTTPPathMatch) ([]gwv1.HTTPRouteMatch, bool) {
	base := []gwv1.HTTPRouteMatch{{Path: &match}}
	if p.Backend.Service == nil {
		return base, true
	}
	tr, ing := r.t.tr, r.ing
	name := p.Backend.Service.Name
	raw, ok := ing.Annotations[albsim.AnnotationPrefix+"conditions."+name]
	if !ok {
		return base, true
	}
	fld := annField("conditions." + name)
	cs, err := albsim.DecodeConditions(raw)
	if err != nil {
		tr.Report(ing, fld, migrate.Warning, fmt.Sprintf("the conditions are not valid JSON (%v): the controller fails to build the Ingress's group; the path is left out", err))
		return nil, false
	}
	paths := []gwv1.HTTPPathMatch{match}
	var headers []gwv1.HTTPHeaderMatch
	methods := []string{""}
	type param struct{ name, value string }
	var queries [][]param
	for _, c := range cs {
		switch c.Field {
		case "path-pattern":
			if c.PathPatternConfig == nil {
				continue
			}
			for _, v := range c.PathPatternConfig.Values {
				if strings.ContainsAny(v, "*?") {
					paths = append(paths, migrate.Match(gwv1.PathMatchRegularExpression, globRegexp(v)))
				} else {
					paths = append(paths, migrate.Match(gwv1.PathMatchExact, v))
				}
			}
			for _, v := range c.PathPatternConfig.RegexValues {
				if _, err := regexp.Compile(v); err != nil {
					tr.Report(ing, fld, migrate.Warning, fmt.Sprintf("path regex %q is not RE2 (%v); it is left out", v, err))
					continue
				}
				paths = append(paths, migrate.Match(gwv1.PathMatchRegularExpression, ".*(?:"+v+").*"))
			}
		case "http-header":
			h := c.HTTPHeaderConfig
			if h == nil {
				continue
			}
			var globs, alts []string
			for _, v := range h.Values {
				globs = append(globs, globRegexp(v))
			}
			if len(globs) > 0 {
				alts = append(alts, "(?i:"+strings.Join(globs, "|")+")")
			}
			for _, v := range h.RegexValues {
				alts = append(alts, ".*(?:"+v+").*")
			}
			for _, prev := range headers {
				if strings.EqualFold(string(prev.Name), h.HTTPHeaderName) {
					tr.Report(ing, fld, migrate.Warning, fmt.Sprintf("two http-header conditions on %s: a Gateway API match reads only the first match of a header name (HTTPHeaderMatch), so the second is dropped", h.HTTPHeaderName))
				}
			}
			re := gwv1.HeaderMatchRegularExpression
			headers = append(headers, gwv1.HTTPHeaderMatch{Type: &re, Name: gwv1.HTTPHeaderName(h.HTTPHeaderName), Value: strings.Join(alts, "|")})
		case "http-request-method":
			if c.HTTPRequestMethodConfig == nil {
				continue
			}
			var ms []string
			for _, m := range c.HTTPRequestMethodConfig.Values {
				switch gwv1.HTTPMethod(m) {
				case gwv1.HTTPMethodGet, gwv1.HTTPMethodHead, gwv1.HTTPMethodPost, gwv1.HTTPMethodPut, gwv1.HTTPMethodDelete,
					gwv1.HTTPMethodConnect, gwv1.HTTPMethodOptions, gwv1.HTTPMethodTrace, gwv1.HTTPMethodPatch:
					ms = append(ms, m)
				default:
					tr.Report(ing, fld, migrate.Warning, fmt.Sprintf("method %q is not one HTTPRouteMatch.method names; it is left out", m))
				}
			}
			if len(ms) > 0 {
				methods = ms
			}
		case "query-string":
			if c.QueryStringConfig == nil {
				continue
			}
			var alts []param
			for _, kv := range c.QueryStringConfig.Values {
				if kv.Key == nil || strings.ContainsAny(*kv.Key, "*?") {
					tr.Report(ing, fld, migrate.Warning, fmt.Sprintf("a query-string value %q without a literal key: HTTPQueryParamMatch needs the parameter's name; it is left out", kv.Value))
					continue
				}
				alts = append(alts, param{*kv.Key, "(?i)" + globRegexp(kv.Value)})
			}
			if len(alts) > 0 {
				queries = append(queries, alts)
			}
		case "host-header":
			var vs []string
			if c.HostHeaderConfig != nil {
				vs = append(append(vs, c.HostHeaderConfig.Values...), c.HostHeaderConfig.RegexValues...)
			}
			tr.Report(ing, fld, migrate.Warning, fmt.Sprintf("the host-header condition adds hosts %s to this path, and a Gateway API rule cannot add hostnames: the rule answers only for %s; add an HTTPRoute with those hostnames and this rule", strings.Join(vs, ", "), hostLabel(hr.Host)))
		case "source-ip":
			tr.Report(ing, fld, migrate.Warning, "the source-ip condition has no Gateway API field, so the rule now matches every client: use your implementation's policy to allow the CIDRs")
		default:
			tr.Report(ing, fld, migrate.Warning, fmt.Sprintf("unknown condition field %q: it is left out", c.Field))
		}
	}
	// Every combination of one path, one method and one pair of each
	// query-string condition is a match; the headers go into each.
	var out []gwv1.HTTPRouteMatch
	for _, pm := range paths {
		for _, m := range methods {
			combos := [][]param{nil}
			for _, alts := range queries {
				var next [][]param
				for _, c := range combos {
					for _, a := range alts {
						next = append(next, append(append([]param(nil), c...), a))
					}
				}
				combos = next
			}
			for _, qs := range combos {
				hm := gwv1.HTTPRouteMatch{Path: &pm, Headers: headers}
				if m != "" {
					method := gwv1.HTTPMethod(m)
					hm.Method = &method
				}
				re := gwv1.QueryParamMatchRegularExpression
				for _, q := range qs {
					hm.QueryParams = append(hm.QueryParams, gwv1.HTTPQueryParamMatch{Type: &re, Name: gwv1.HTTPHeaderName(q.name), Value: q.value})
				}
				out = append(out, hm)
			}
		}
	}
	if len(out) > maxMatches {
		tr.Report(ing, fld, migrate.Warning, fmt.Sprintf("the conditions make %d combinations of path, method and query, more than a rule's %d matches; the path is left out: split it into several rules", len(out), maxMatches))
		return nil, false
	}
	return out, true
}

func hostLabel(h string) string {
	if h == "" {
		return "every host"
	}
	return h
}
