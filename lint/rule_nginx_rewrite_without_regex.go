package lint

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

const (
	nginxPrefix          = "nginx.ingress.kubernetes.io/"
	annotationNginxRegex = nginxPrefix + "use-regex"
	annotationRewrite    = nginxPrefix + "rewrite-target"
)

var nginxRewriteWithoutRegex = &Rule{
	ID:       "nginx-rewrite-without-regex",
	Severity: Warning,
	Default:  true,
	Summary:  "An ingress-nginx rewrite-target uses capture groups without use-regex, or more groups than its paths capture.",
	Doc: `Since ingress-nginx 0.22.0 ` + "`rewrite-target`" + ` refers to the path's regular
expression capture groups as ` + "`$1`" + `, ` + "`$2`" + ` and so on; a path without those
groups gives empty substitutions and every request is rewritten to the same
URL (kubernetes/ingress-nginx docs/examples/rewrite/README.md). The documented
form sets ` + "`nginx.ingress.kubernetes.io/use-regex: \"true\"`" + ` as well: the
controller would switch the whole host to regular-expression locations anyway
when it sees rewrite-target (docs/user-guide/ingress-path-matching.md), so
leaving use-regex out hides that every other Ingress of the host now matches
by regular expression too. Capture groups need ` + "`pathType: ImplementationSpecific`" + `:
recent releases reject regex characters in Exact and Prefix paths
(strict-validate-path-type).

**What to do:** add ` + "`nginx.ingress.kubernetes.io/use-regex: \"true\"`" + `, write the
paths with the groups the target uses (` + "`/api(/|$)(.*)`" + ` for ` + "`/$2`" + `), and give
them ` + "`pathType: ImplementationSpecific`" + `.`,
	Check: checkNginxRewriteWithoutRegex,
}

var captureRef = regexp.MustCompile(`\$(\d)`)

func checkNginxRewriteWithoutRegex(p *Pass) {
	for _, ing := range p.Set.Ingresses {
		target, ok := ing.Annotations[annotationRewrite]
		if !ok {
			continue
		}
		maxRef := 0
		for _, m := range captureRef.FindAllStringSubmatch(target, -1) {
			n, _ := strconv.Atoi(m[1])
			maxRef = max(maxRef, n)
		}
		if maxRef == 0 {
			continue
		}
		field := "metadata.annotations." + annotationRewrite
		if strings.TrimSpace(ing.Annotations[annotationNginxRegex]) != "true" {
			p.Report(ing, field, fmt.Sprintf("rewrite-target %q uses capture group $%d but %s is not \"true\"; add it and write the groups into ImplementationSpecific paths", target, maxRef, annotationNginxRegex))
			continue
		}
		for _, b := range p.backends(ing) {
			if b.path == nil {
				continue
			}
			if groups := captureGroups(b.path.Path); groups < maxRef {
				p.Report(ing, b.pathField()+".path", fmt.Sprintf("rewrite-target %q uses $%d but path %q has %d capture groups, so the rewrite substitutes nothing; add the groups, as in /api(/|$)(.*)", target, maxRef, b.path.Path, groups),
					Related{Pos: ing.Source.FieldPos(field), Message: "rewrite-target"})
			}
		}
	}
}

// captureGroups counts the capturing groups of a PCRE-style path: every
// "(" that is not escaped, not inside a character class, and not "(?".
func captureGroups(path string) int {
	n, inClass := 0, false
	for i := 0; i < len(path); i++ {
		switch c := path[i]; {
		case c == '\\':
			i++
		case inClass:
			if c == ']' {
				inClass = false
			}
		case c == '[':
			inClass = true
		case c == '(' && (i+1 >= len(path) || path[i+1] != '?'):
			n++
		}
	}
	return n
}
