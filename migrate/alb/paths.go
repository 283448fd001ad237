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

// PathMatch reads a path as the controller does: "*" and "?" are
// wildcards in ImplementationSpecific paths (AWS Load Balancer Controller
// docs/guide/ingress/spec.md); other ImplementationSpecific paths are
// exact.
func (r *reader) PathMatch(hr *migrate.HostRoute, p networkingv1.HTTPIngressPath, field string) (gwv1.HTTPPathMatch, bool) {
	path := migrate.IngressPath(p)
	switch migrate.PathType(p) {
	case networkingv1.PathTypeImplementationSpecific:
		if strings.ContainsAny(path, "*?") {
			if by, ok := r.shadowedBy(path, field); ok {
				r.t.tr.Report(hr.Ingress, field, migrate.Info, fmt.Sprintf(
					"the ALB never reaches the pattern %s: it evaluates the rule's Prefix path %s first (Exact, then Prefix, then ImplementationSpecific paths; the controller's sortIngressPaths), and every request the pattern matches is below it; it is left out, since a Gateway would rank the RegularExpression by its own precedence",
					path, by))
				return gwv1.HTTPPathMatch{}, false
			}
			return migrate.Match(gwv1.PathMatchRegularExpression, globRegexp(path)), true
		}
		return migrate.Match(gwv1.PathMatchExact, path), true
	case networkingv1.PathTypeExact:
		return migrate.Match(gwv1.PathMatchExact, path), true
	}
	return migrate.Match(gwv1.PathMatchPathPrefix, path), true
}

// globRegexp turns an ALB path pattern into an RE2 that matches the whole
// path: "*" is any run of characters, "?" one character.
func globRegexp(glob string) string {
	var b strings.Builder
	for _, part := range strings.SplitAfter(glob, "") {
		switch part {
		case "*":
			b.WriteString(".*")
		case "?":
			b.WriteString(".")
		default:
			b.WriteString(regexp.QuoteMeta(part))
		}
	}
	return b.String()
}

// shadowedBy returns the Prefix path of the same Ingress rule that takes
// every request a wildcard pattern matches before the ALB tries the
// pattern: the controller orders a rule's paths Exact, then Prefix, then
// ImplementationSpecific (simulate/alb, after sortIngressPaths), and a
// Prefix path Q matches Q and everything below Q/ (its path patterns Q
// and Q/*). So a pattern whose literal start is below Q/, or any pattern
// when Q is "/", is never reached, unless a conditions annotation narrows
// the Prefix path's rule.
func (r *reader) shadowedBy(pattern, field string) (string, bool) {
	var ri, pi int
	if n, err := fmt.Sscanf(field, "spec.rules[%d].http.paths[%d]", &ri, &pi); err != nil || n != 2 {
		return "", false
	}
	rule := r.ing.Spec.Rules[ri]
	if rule.HTTP == nil {
		return "", false
	}
	literal := pattern[:strings.IndexAny(pattern, "*?")]
	for _, q := range rule.HTTP.Paths {
		if q.PathType == nil || *q.PathType != networkingv1.PathTypePrefix || q.Backend.Service == nil {
			continue
		}
		if _, cond := r.ing.Annotations[albsim.AnnotationPrefix+"conditions."+q.Backend.Service.Name]; cond {
			continue
		}
		qp := migrate.IngressPath(q)
		if qp == "/" || strings.HasPrefix(literal, strings.TrimSuffix(qp, "/")+"/") {
			return qp, true
		}
	}
	return "", false
}
