package nginx

import (
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/ingresskit/ingresskit/manifest"
)

// AnnotationPrefix is the prefix of ingress-nginx annotations, the
// default of its --annotations-prefix flag (kubernetes/ingress-nginx
// docs/user-guide/nginx-configuration/annotations.md).
const AnnotationPrefix = "nginx.ingress.kubernetes.io/"

// nginxAnn holds the annotations of one Ingress that change routing under
// ingress-nginx, parsed as its annotation parsers do: a value that does
// not parse or fails its validator falls back to the default, as the
// parser logs and continues (dropped lists those values), unless the
// parser returns the validation error, which makes the controller ignore
// the whole Ingress (ignored).
type nginxAnn struct {
	// rewriteTarget and useRegex: internal/ingress/annotations/rewrite.
	rewriteTarget string
	useRegex      bool
	// appRoot is dropped when it is not a relative URI
	// (annotations/rewrite, url.ParseRequestURI and IsAbs checks).
	appRoot string
	// sslRedirect defaults to true, the ConfigMap default ssl-redirect
	// (internal/ingress/controller/config/config.go).
	sslRedirect           bool
	forceSSLRedirect      bool
	preserveTrailingSlash bool
	// redirectURL and redirectCode: annotations/redirect. A
	// temporal-redirect wins over a permanent-redirect.
	redirectURL  string
	redirectCode int
	// fromToWWW and relativeRedirects: annotations/redirect.
	fromToWWW         bool
	relativeRedirects bool
	// aliases: annotations/alias (server-alias), sorted, without
	// duplicates.
	aliases []string
	// canary: annotations/canary.
	canary nginxCanaryConfig
	// dropped lists the annotations whose values the controller drops.
	dropped []DroppedAnnotation
	// ignored, when not empty, says why the controller ignores the
	// whole Ingress because of an annotation value.
	ignored string
}

// DroppedAnnotation is an annotation whose value ingress-nginx does
// not use.
type DroppedAnnotation struct {
	// Name is the annotation's name without the prefix.
	Name string
	// Value is the value as written.
	Value string
	// Why says what is wrong with the value and what the controller
	// does instead, starting with a verb ("is not a boolean: ...").
	Why string
	// IgnoresIngress is true when the value makes the controller ignore
	// the whole Ingress, not only the annotation.
	IgnoresIngress bool
}

// nginxCanaryConfig is the canary-* annotations of one Ingress.
type nginxCanaryConfig struct {
	enabled       bool
	header        string
	headerValue   string
	headerPattern string
	cookie        string
	weight        int
	weightTotal   int
}

// The validators of ingress-nginx's annotations
// (internal/ingress/annotations/parser/validators.go): character classes
// a value must stay within, checked on the raw value before it is parsed
// (checkAnnotation), unless --enable-annotation-validation=false. Every
// validated value also must not hold a carriage return or line feed.
var (
	// nginxBasicChars is letters, digits and "-._~/:".
	nginxBasicChars = `a-zA-Z0-9\-._~/:`
	// nginxPathWithCapture is RegexPathWithCapture: an optional leading
	// "/", then basic characters and "$" (capture references).
	nginxPathWithCapture = regexp.MustCompile(`^/?[` + nginxBasicChars + `$]*$`)
	// nginxURLChars is URLIsValidRegex: basic characters and ",:?&=".
	nginxURLChars = regexp.MustCompile(`^[` + nginxBasicChars + `,?&=]*$`)
	// nginxBasicCharsRE is BasicCharsRegex (validated with spaces
	// removed).
	nginxBasicCharsRE = regexp.MustCompile(`^[` + nginxBasicChars + `]*$`)
	// nginxRegexChars is IsValidRegex: basic characters and the regex
	// characters "^$[](){}*+?|&=\".
	nginxRegexChars = regexp.MustCompile(`^[` + nginxBasicChars + `\^$\[\](){}*+?|&=\\]*$`)
)

// nginxValidator checks a raw annotation value; removeSpace validates it
// with spaces removed (parser.ValidateRegex's removeSpace).
type nginxValidator struct {
	re          *regexp.Regexp
	removeSpace bool
	list        bool // a comma-separated list, each item trimmed (ValidateArrayOfServerName)
	what        string
}

func (v nginxValidator) ok(s string) bool {
	if strings.ContainsAny(s, "\r\n") {
		return false
	}
	if v.list {
		for _, item := range strings.Split(s, ",") {
			if !v.re.MatchString(strings.TrimSpace(item)) {
				return false
			}
		}
		return true
	}
	if v.removeSpace {
		s = strings.ReplaceAll(s, " ", "")
	}
	return v.re.MatchString(s)
}

var (
	nginxPathValue   = nginxValidator{re: nginxPathWithCapture, what: "a path of letters, digits, -._~/:$ (no ?, space or other characters)"}
	nginxURLValue    = nginxValidator{re: nginxURLChars, what: "a URL of letters, digits and -._~/:,?&= only"}
	nginxBasicValue  = nginxValidator{re: nginxBasicCharsRE, removeSpace: true, what: "letters, digits and -._~/: only"}
	nginxRegexValue  = nginxValidator{re: nginxRegexChars, what: "letters, digits, -._~/: and regex characters only"}
	nginxServerNames = nginxValidator{re: nginxRegexChars, list: true, what: "comma-separated server names"}
)

// nginxReader reads the annotations of one Ingress as the controller's
// parser package does (parser/main.go GetBoolAnnotation,
// GetStringAnnotation, GetIntAnnotation), recording what it drops.
type nginxReader struct {
	ing *manifest.Ingress
	a   *nginxAnn
}

// raw returns the value of an annotation and whether it is set.
func (r nginxReader) raw(name string) (string, bool) {
	v, ok := r.ing.Annotations[AnnotationPrefix+name]
	return v, ok
}

func (r nginxReader) drop(name, value, why string, ignores bool) {
	r.a.dropped = append(r.a.dropped, DroppedAnnotation{Name: name, Value: value, Why: why, IgnoresIngress: ignores})
	if ignores && r.a.ignored == "" {
		r.a.ignored = fmt.Sprintf("annotation %s%s: %s", AnnotationPrefix, name, why)
	}
}

// bool reads a boolean: strconv.ParseBool of the raw value, untrimmed
// (ValidateBool, then parseBool). A bad value gives def; strict makes it
// ignore the Ingress (parsers that return the validation error).
func (r nginxReader) bool(name string, def, strict bool) bool {
	v, ok := r.raw(name)
	if !ok {
		return def
	}
	b, err := strconv.ParseBool(v)
	if err != nil {
		if strict && v != "" {
			r.drop(name, v, "is not a boolean: the annotation parser fails, and the controller ignores the whole Ingress", true)
		} else {
			r.drop(name, v, fmt.Sprintf("is not a boolean: the controller uses %t", def), false)
		}
		return def
	}
	return b
}

// int reads an integer: strconv.Atoi of the raw value (ValidateInt).
func (r nginxReader) int(name string, def int, strict bool) int {
	v, ok := r.raw(name)
	if !ok {
		return def
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		if strict && v != "" {
			r.drop(name, v, "is not an integer: the annotation parser fails, and the controller ignores the whole Ingress", true)
		} else {
			r.drop(name, v, fmt.Sprintf("is not an integer: the controller uses %d", def), false)
		}
		return def
	}
	return n
}

// string reads a string: the raw value is validated, then each line is
// trimmed (parser.normalizeString); an empty result is invalid content.
func (r nginxReader) string(name string, v nginxValidator, strict bool) string {
	raw, ok := r.raw(name)
	if !ok {
		return ""
	}
	if raw != "" && !v.ok(raw) {
		if strict {
			r.drop(name, raw, "does not pass the controller's validation ("+v.what+"): the annotation parser fails, and the controller ignores the whole Ingress", true)
		} else {
			r.drop(name, raw, "does not pass the controller's validation ("+v.what+"): the controller drops the annotation", false)
		}
		return ""
	}
	lines := strings.Split(raw, "\n")
	for i := range lines {
		lines[i] = strings.TrimSpace(lines[i])
	}
	s := strings.Join(lines, "\n")
	if s == "" {
		r.drop(name, raw, "is empty: the controller drops the annotation", false)
	}
	return s
}

// nginxString returns the value of an annotation as the string parser
// reads it, without validation.
func nginxString(ing *manifest.Ingress, name string) string {
	return strings.TrimSpace(ing.Annotations[AnnotationPrefix+name])
}

// nginxBool parses like strconv.ParseBool; a missing or bad value gives
// def. It reads without validation, for quick checks.
func nginxBool(ing *manifest.Ingress, name string, def bool) bool {
	return ParseBool(ing.Annotations[AnnotationPrefix+name], def)
}

// ParseBool reads a boolean annotation value v as strconv.ParseBool does,
// as the controller's parser reads it (parser.GetBoolAnnotation); an
// empty (missing) or bad value gives def. It does not report the value.
func ParseBool(v string, def bool) bool {
	b, err := strconv.ParseBool(v)
	if err != nil {
		return def
	}
	return b
}

func parseNginxAnn(ing *manifest.Ingress) *nginxAnn {
	a := &nginxAnn{}
	r := nginxReader{ing: ing, a: a}
	// annotations/rewrite/main.go Parse: every value that fails is
	// logged and replaced by its default.
	a.rewriteTarget = r.string("rewrite-target", nginxPathValue, false)
	a.sslRedirect = r.bool("ssl-redirect", true, false)
	a.preserveTrailingSlash = r.bool("preserve-trailing-slash", false, false)
	a.forceSSLRedirect = r.bool("force-ssl-redirect", false, false)
	a.useRegex = r.bool("use-regex", false, false)
	if root := r.string("app-root", nginxPathValue, false); root != "" {
		if u, err := url.ParseRequestURI(root); err != nil || u.IsAbs() {
			r.drop("app-root", root, "is not a relative path: the controller drops the annotation", false)
		} else {
			a.appRoot = root
		}
	}
	// annotations/redirect/redirect.go Parse returns every error of its
	// annotations, and annotations.go Extract then fails for a validation
	// error: the store never adds the Ingress (store.go
	// updateSecretIngressMap's caller, "Extract" error).
	a.fromToWWW = r.bool("from-to-www-redirect", false, true)
	a.relativeRedirects = r.bool("relative-redirects", false, true)
	if tr := r.string("temporal-redirect", nginxURLValue, true); tr != "" {
		// The code must lie in 300..307, else 302; the URL must be http
		// or https (isValidURL), else the redirect is dropped.
		code := r.int("temporal-redirect-code", 0, true)
		if code < http.StatusMultipleChoices || code > http.StatusTemporaryRedirect {
			code = http.StatusFound
		}
		if u, err := url.Parse(tr); err != nil || !strings.HasPrefix(u.Scheme, "http") {
			r.drop("temporal-redirect", tr, "is not an http or https URL: the controller drops the redirect annotations", false)
		} else {
			a.redirectURL, a.redirectCode = tr, code
		}
	} else if a.ignored == "" {
		// A permanent-redirect code must lie in 300..308, else 301.
		pr := r.string("permanent-redirect", nginxURLValue, true)
		code := r.int("permanent-redirect-code", 0, true)
		if code < http.StatusMultipleChoices || code > http.StatusPermanentRedirect {
			code = http.StatusMovedPermanently
		}
		if pr != "" {
			a.redirectURL, a.redirectCode = pr, code
		}
	}
	// annotations/alias/main.go returns the validation error too.
	if v := r.string("server-alias", nginxServerNames, true); v != "" {
		seen := map[string]bool{}
		for _, s := range strings.Split(v, ",") {
			s = strings.TrimSpace(s)
			if s != "" && !seen[s] {
				seen[s] = true
				a.aliases = append(a.aliases, s)
			}
		}
		sort.Strings(a.aliases)
	}
	// annotations/canary/main.go Parse: bad values fall back to their
	// defaults; canary-* settings without canary: "true" are an invalid
	// configuration, and the canary annotations are dropped.
	a.canary = nginxCanaryConfig{
		enabled:       r.bool("canary", false, false),
		weight:        r.int("canary-weight", 0, false),
		weightTotal:   r.int("canary-weight-total", 100, false),
		header:        r.string("canary-by-header", nginxBasicValue, false),
		headerValue:   r.string("canary-by-header-value", nginxBasicValue, false),
		headerPattern: r.string("canary-by-header-pattern", nginxRegexValue, false),
		cookie:        r.string("canary-by-cookie", nginxBasicValue, false),
	}
	if !a.canary.enabled && (a.canary.weight > 0 || a.canary.header != "" || a.canary.headerValue != "" || a.canary.cookie != "" || a.canary.headerPattern != "") {
		r.drop("canary", ing.Annotations[AnnotationPrefix+"canary"], `is not "true" while canary-* annotations are set: the controller drops them`, false)
		a.canary = nginxCanaryConfig{weightTotal: 100}
	}
	return a
}

// DroppedAnnotations returns, for ing, the annotations whose values
// ingress-nginx drops or for which it ignores the whole Ingress, in the
// order the controller's parsers read them.
func DroppedAnnotations(ing *manifest.Ingress) []DroppedAnnotation {
	return parseNginxAnn(ing).dropped
}
