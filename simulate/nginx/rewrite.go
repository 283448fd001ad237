package nginx

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/ingresskit/ingresskit/simulate"
)

// rewrite applies rewrite-target as the location does:
//
//	rewrite "(?i)<path>" <target> break;
//
// (template.go buildProxyPass): the path, as written, is an unanchored
// case-insensitive PCRE searched in the normalized URI; $1..$9 in the
// target are its capture groups. Without "?" in the target nginx appends
// the request's arguments; a target ending in "?" drops them (nginx docs,
// ngx_http_rewrite_module "rewrite").
func (Profile) rewrite(d *simulate.Decision, loc *nginxLoc, query string) {
	re, err := regexp.Compile("(?i)" + loc.path)
	if err != nil {
		d.Notes = append(d.Notes, fmt.Sprintf("rewrite-target: regex %q is not valid RE2, which ingresskit evaluates instead of nginx's PCRE: %v", loc.path, err))
		return
	}
	m := re.FindStringSubmatchIndex(d.NormalizedPath)
	if m == nil {
		d.Notes = append(d.Notes, fmt.Sprintf("rewrite-target: %q does not match the path; nginx sends it unchanged", loc.path))
		return
	}
	target := expandNginxCaptures(loc.ann.rewriteTarget, d.NormalizedPath, m)
	switch {
	case strings.HasSuffix(target, "?"):
		target = strings.TrimSuffix(target, "?")
	case query == "":
	case strings.Contains(target, "?"):
		target += "&" + query
	default:
		target += "?" + query
	}
	d.RewritePath = target
	d.Notes = append(d.Notes, fmt.Sprintf("rewrite-target %s: nginx sends %s upstream", loc.ann.rewriteTarget, target))
}

// expandNginxCaptures replaces $1..$9 with the groups of match m in s;
// an unset group expands to "" and other "$" sequences stay.
func expandNginxCaptures(target, s string, m []int) string {
	var b strings.Builder
	for i := 0; i < len(target); i++ {
		c := target[i]
		if c == '$' && i+1 < len(target) && target[i+1] >= '1' && target[i+1] <= '9' {
			g := int(target[i+1] - '0')
			if 2*g+1 < len(m) && m[2*g] >= 0 {
				b.WriteString(s[m[2*g]:m[2*g+1]])
			}
			i++
			continue
		}
		b.WriteByte(c)
	}
	return b.String()
}
