package lint

import (
	"fmt"
	"strings"
)

var gcePathRegex = &Rule{
	ID:       "gce-path-regex",
	Severity: Warning,
	Default:  true,
	Summary:  "A GCE Ingress path uses regular-expression syntax, which GCE URL maps match literally.",
	Doc: `Google Cloud URL maps support one wildcard: a ` + "`*`" + ` as the last character,
right after a ` + "`/`" + ` (` + "`/users/*`" + `). They have no regular expressions, so a
path such as ` + "`/api/.*`" + ` or ` + "`/(foo|bar)`" + ` written for ingress-nginx matches only
those literal characters on GCE (cloud.google.com docs, "URL maps overview",
section "Path matcher constraints"; kubernetes/ingress-gce
pkg/utils/utils.go, which turns each Ingress path into a URL-map path rule).

**What to do:** list the paths with a trailing ` + "`/*`" + ` glob, or use
` + "`pathType: Prefix`" + `.`,
	Check: checkGCEPathRegex,
}

// gceRegexChars are characters that mean something in a regular
// expression and nothing in a URL-map path rule.
const gceRegexChars = "^$()[]{}+?|\\"

func checkGCEPathRegex(p *Pass) {
	for _, ing := range p.Set.Ingresses {
		if p.controllerOf(ing) != controllerGCE {
			continue
		}
		for _, b := range p.backends(ing) {
			if b.path == nil {
				continue
			}
			path := strings.TrimSuffix(b.path.Path, "/*")
			if strings.ContainsAny(path, gceRegexChars) || strings.Contains(path, "*") {
				p.Report(ing, b.pathField()+".path", fmt.Sprintf("path %q looks like a regular expression, but GCE allows only a trailing /* glob and matches the rest literally; use a path such as /users/*", b.path.Path))
			}
		}
	}
}
