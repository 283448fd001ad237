package lint

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/ingresskit/ingresskit/manifest"
)

// nginxBasicChars and nginxRegexChars are the validators ingress-nginx
// applies to the canary-by-header, canary-by-header-value and
// canary-by-cookie values, and to canary-by-header-pattern
// (internal/ingress/annotations/parser/validators.go, BasicCharsRegex and
// IsValidRegex); a value that fails is read as "".
var (
	nginxBasicChars = regexp.MustCompile(`^[/\-._~a-zA-Z0-9/:]*$`)
	nginxRegexChars = regexp.MustCompile(`^[/\-._~a-zA-Z0-9/:` + regexp.QuoteMeta(`^$[](){}*+?|&=\`) + `]*$`)
)

var nginxCanaryNeverMatches = &Rule{
	ID:       "nginx-canary-never-matches",
	Severity: Warning,
	Default:  true,
	Summary:  "An ingress-nginx canary's header or cookie rule can never choose the canary.",
	Doc: `The balancer picks a canary by header first, then by cookie, then by weight
(kubernetes/ingress-nginx rootfs/etc/nginx/lua/balancer.lua,
route_to_alternative_balancer), with the values the annotation parser
accepted (internal/ingress/annotations/canary/main.go and
parser/validators.go). A header or cookie rule does nothing when:

- ` + "`canary-by-header-value`" + ` or ` + "`canary-by-header-pattern`" + ` is set without
  ` + "`canary-by-header`" + `: there is no header to compare;
- ` + "`canary-by-header-pattern`" + ` is set beside ` + "`canary-by-header-value`" + `: the value
  is used and the pattern ignored;
- a header or cookie name, or a header value, holds characters outside
  letters, digits and ` + "`-._~/:`" + `, or a pattern holds others than those and
  regular-expression operators: the controller drops the value;
- a pattern is not a valid regular expression: no request matches it;
- the canary has no weight, header or cookie at all: it receives no request.

**What to do:** set ` + "`canary-by-header`" + ` with its value or pattern, use plain
names and values, or give the canary a ` + "`canary-weight`" + `.`,
	Check: checkNginxCanaryNeverMatches,
}

func checkNginxCanaryNeverMatches(p *Pass) {
	for _, ing := range p.Set.Ingresses {
		if !p.isNginxCanary(ing) {
			continue
		}
		ann := func(k string) (string, bool) {
			v, ok := ing.Annotations[k]
			return strings.TrimSpace(v), ok
		}
		report := func(k, msg string) { p.Report(ing, "metadata.annotations."+k, msg) }
		header, hasHeader := ann(annotationCanaryHeader)
		value, hasValue := ann(annotationCanaryHeaderValue)
		pattern, hasPattern := ann(annotationCanaryHeaderPattern)
		cookie, hasCookie := ann(annotationCanaryCookie)
		for _, a := range []struct {
			key, val string
			has      bool
			what     string
		}{{annotationCanaryHeader, header, hasHeader, "header name"}, {annotationCanaryHeaderValue, value, hasValue, "header value"}, {annotationCanaryCookie, cookie, hasCookie, "cookie name"}} {
			if a.has && !nginxBasicChars.MatchString(a.val) {
				report(a.key, fmt.Sprintf("canary %s %q holds characters ingress-nginx does not accept (letters, digits and -._~/: only), so it is dropped and never matches; use a plain %s", a.what, a.val, a.what))
			}
		}
		headerOK := header != "" && nginxBasicChars.MatchString(header)
		cookieOK := cookie != "" && nginxBasicChars.MatchString(cookie)
		switch {
		case (hasValue || hasPattern) && !headerOK:
			k := annotationCanaryHeaderValue
			if !hasValue {
				k = annotationCanaryHeaderPattern
			}
			if !hasHeader {
				report(k, fmt.Sprintf("%s has no effect without %s: there is no header to compare; add canary-by-header", strings.TrimPrefix(k, nginxPrefix), annotationCanaryHeader))
			}
		case hasValue && hasPattern:
			report(annotationCanaryHeaderPattern, "canary-by-header-pattern is ignored because canary-by-header-value is set; keep one of them")
		case hasPattern && !nginxRegexChars.MatchString(pattern):
			report(annotationCanaryHeaderPattern, fmt.Sprintf("canary-by-header-pattern %q holds characters ingress-nginx does not accept, so it is dropped and the header is compared with \"always\" and \"never\" only; use letters, digits, -._~/: and regular-expression operators", pattern))
		case hasPattern:
			// ngx.re.match is PCRE; an expression RE2 cannot compile
			// either is almost always malformed rather than PCRE-only.
			if _, err := regexp.Compile(pattern); err != nil {
				report(annotationCanaryHeaderPattern, fmt.Sprintf("canary-by-header-pattern %q is not a valid regular expression, so no header value matches it; fix the expression", pattern))
			}
		}
		usable := headerOK || cookieOK || hasWeightAnnotation(ing)
		if !usable && !hasHeader && !hasCookie && !hasValue && !hasPattern {
			report(annotationCanary, "canary has no canary-weight, canary-by-header or canary-by-cookie, so it never receives a request; add one of them")
		}
	}
}

// hasWeightAnnotation reports whether ing sets canary-weight (0 included:
// a weight of 0 is how a canary is paused on purpose; a value that is no
// integer is nginx-canary-weight's to report).
func hasWeightAnnotation(ing *manifest.Ingress) bool {
	_, ok := ing.Annotations[annotationCanaryWeight]
	return ok
}
