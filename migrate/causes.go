package migrate

import (
	"net/url"
	"strings"

	"github.com/ingresskit/ingresskit/simulate"
)

// Cause is a known reason why probes are answered differently that no
// translation avoids: the source controller does something no standard
// Gateway API field can say. Verify names the cause of each difference
// it can prove comes from one, so that a report states each cause once
// with what to do, apart from the differences that need a look.
type Cause struct {
	// ID is stable: it names the cause in JSON and in docs/migrate.md
	// ("Differences with a known cause").
	ID string
	// Title says what differs, Why what the controller does and why the
	// Gateway cannot, and Do what the user can do.
	Title, Why, Do string
	// Count is how many differences it explains; First is the index in
	// Verification.Differences of the first.
	Count, First int
}

// Cause IDs.
const (
	// CauseRedirectTrailingSlash: ingress-nginx's HTTPS redirect drops a
	// trailing slash.
	CauseRedirectTrailingSlash = "redirect-trailing-slash"
	// CauseEncodedSlash: the Ingress controller decodes %2F before
	// matching a path; a Gateway does not.
	CauseEncodedSlash = "encoded-slash"
)

// causes are the known causes, in the order reports list them.
var causes = []Cause{
	{
		ID:    CauseRedirectTrailingSlash,
		Title: "the HTTPS redirect of a path ending in / keeps the slash",
		Why: "ingress-nginx's ssl-redirect answers http://host/p/ with https://host/p: it drops a trailing slash unless preserve-trailing-slash is set " +
			"(rootfs/etc/nginx/lua/lua_ingress.lua, rewrite); a RequestRedirect keeps the path as requested, and no standard filter removes one character of it",
		Do: "set nginx.ingress.kubernetes.io/preserve-trailing-slash: \"true\" on the Ingress to check, before switching, that your clients do not depend on it; " +
			"the https request that follows is routed by its own path either way",
	},
	{
		ID:    CauseEncodedSlash,
		Title: "a path with an encoded slash (%2F) reaches another rule",
		Why: "the Ingress controller decodes %2F before it matches locations (nginx ngx_http_parse_complex_uri), so /a%2Fb matches as /a/b; " +
			"a Gateway keeps %2F encoded when it matches (Envoy's default path_with_escaped_slashes_action is KEEP_UNCHANGED, and ingresskit's Gateway engine does the same), so /a%2Fb is not below the prefix /a",
		Do: "if clients send encoded slashes, configure your implementation to unescape them (Envoy: UNESCAPE_AND_REDIRECT or UNESCAPE_AND_FORWARD), " +
			"or match those paths with a RegularExpression; otherwise nothing to do",
	},
}

// explain returns the ID of the known cause of a difference, "" when
// none proves it. after answers the probe again with the cause undone.
func explain(d Difference, set func(simulate.Decision) string, after simulate.DataPlane) string {
	if redirectDropsSlash(d.FromOutcome, d.ToOutcome) {
		return CauseRedirectTrailingSlash
	}
	// The Ingress side decoded the slash (its normalized path has none
	// left encoded), and the Gateway, given the path so decoded, answers
	// as the Ingress side did.
	decoded := d.From.NormalizedPath != "" && !strings.Contains(strings.ToUpper(d.From.NormalizedPath), "%2F")
	if after != nil && decoded {
		if p := simulate.RequestPath(d.Request.Path); strings.Contains(strings.ToUpper(p), "%2F") {
			req := d.Request
			req.Path = strings.NewReplacer("%2F", "/", "%2f", "/").Replace(p) + strings.TrimPrefix(d.Request.Path, p)
			req.URL = ""
			if set(after.Lookup(req)) == d.FromOutcome {
				return CauseEncodedSlash
			}
		}
	}
	return ""
}

// redirectDropsSlash reports whether two redirect outcomes differ only in
// a trailing slash of the path that the first dropped.
func redirectDropsSlash(before, after string) bool {
	b, okb := strings.CutPrefix(before, "redirect ")
	a, oka := strings.CutPrefix(after, "redirect ")
	if !okb || !oka {
		return false
	}
	bc, bl, _ := strings.Cut(b, " ")
	ac, al, _ := strings.Cut(a, " ")
	if bc != ac {
		return false
	}
	bu, err1 := url.Parse(bl)
	au, err2 := url.Parse(al)
	if err1 != nil || err2 != nil || !strings.HasSuffix(au.Path, "/") || au.Path == "/" {
		return false
	}
	au.Path = strings.TrimSuffix(au.Path, "/")
	au.RawPath = ""
	return au.String() == bu.String()
}

// explainAll names the cause of each difference of v and counts them.
func (v *Verification) explainAll(pairs map[string]simulate.Pair) {
	v.CauseOf = make([]string, len(v.Differences))
	count := map[string]int{}
	first := map[string]int{}
	for i, d := range v.Differences {
		p := pairs[d.Pair]
		id := explain(d, func(dec simulate.Decision) string { return simulate.Outcome(p.AfterSet, dec) }, p.After)
		v.CauseOf[i] = id
		if id == "" {
			continue
		}
		if count[id] == 0 {
			first[id] = i
		}
		count[id]++
	}
	for _, c := range causes {
		if count[c.ID] > 0 {
			c.Count, c.First = count[c.ID], first[c.ID]
			v.Causes = append(v.Causes, c)
		}
	}
}

// Unexplained counts the differences no known cause explains.
func (v *Verification) Unexplained() int {
	n := len(v.Differences)
	for _, c := range v.Causes {
		n -= c.Count
	}
	return n
}
