package simulate

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/ingresskit/ingresskit/manifest"
)

// NginxAnnotationPrefix is the prefix of ingress-nginx annotations, the
// default of its --annotations-prefix flag (kubernetes/ingress-nginx
// docs/user-guide/nginx-configuration/annotations.md).
const NginxAnnotationPrefix = "nginx.ingress.kubernetes.io/"

// nginxAnn holds the annotations of one Ingress that change routing under
// ingress-nginx, parsed as its annotation parsers do: a value that does
// not parse falls back to the default, as the parser logs and continues.
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
	// canary: annotations/canary.
	canary nginxCanaryConfig
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

func nginxString(ing *manifest.Ingress, name string) string {
	return strings.TrimSpace(ing.Annotations[NginxAnnotationPrefix+name])
}

// nginxBool parses like the controller's parser.GetBoolAnnotation
// (strconv.ParseBool); a missing or bad value gives def.
func nginxBool(ing *manifest.Ingress, name string, def bool) bool {
	v, ok := ing.Annotations[NginxAnnotationPrefix+name]
	if !ok {
		return def
	}
	b, err := strconv.ParseBool(strings.TrimSpace(v))
	if err != nil {
		return def
	}
	return b
}

// nginxInt parses like parser.GetIntAnnotation; a missing or bad value
// gives def.
func nginxInt(ing *manifest.Ingress, name string, def int) int {
	v, ok := ing.Annotations[NginxAnnotationPrefix+name]
	if !ok {
		return def
	}
	n, err := strconv.Atoi(strings.TrimSpace(v))
	if err != nil {
		return def
	}
	return n
}

func parseNginxAnn(ing *manifest.Ingress) *nginxAnn {
	a := &nginxAnn{
		rewriteTarget:         nginxString(ing, "rewrite-target"),
		useRegex:              nginxBool(ing, "use-regex", false),
		sslRedirect:           nginxBool(ing, "ssl-redirect", true),
		forceSSLRedirect:      nginxBool(ing, "force-ssl-redirect", false),
		preserveTrailingSlash: nginxBool(ing, "preserve-trailing-slash", false),
	}
	if root := nginxString(ing, "app-root"); root != "" {
		if u, err := url.ParseRequestURI(root); err == nil && !u.IsAbs() {
			a.appRoot = root
		}
	}
	// annotations/redirect/redirect.go: temporal-redirect is read first
	// and returns; its code must lie in 300..307, else 302. A
	// permanent-redirect code must lie in 300..308, else 301.
	if tr := nginxString(ing, "temporal-redirect"); tr != "" {
		code := nginxInt(ing, "temporal-redirect-code", 0)
		if code < http.StatusMultipleChoices || code > http.StatusTemporaryRedirect {
			code = http.StatusFound
		}
		a.redirectURL, a.redirectCode = tr, code
	} else if pr := nginxString(ing, "permanent-redirect"); pr != "" {
		code := nginxInt(ing, "permanent-redirect-code", 0)
		if code < http.StatusMultipleChoices || code > http.StatusPermanentRedirect {
			code = http.StatusMovedPermanently
		}
		a.redirectURL, a.redirectCode = pr, code
	}
	a.canary = nginxCanaryConfig{
		enabled:       nginxBool(ing, "canary", false),
		header:        nginxString(ing, "canary-by-header"),
		headerValue:   nginxString(ing, "canary-by-header-value"),
		headerPattern: nginxString(ing, "canary-by-header-pattern"),
		cookie:        nginxString(ing, "canary-by-cookie"),
		weight:        nginxInt(ing, "canary-weight", 0),
		weightTotal:   nginxInt(ing, "canary-weight-total", 100),
	}
	return a
}
