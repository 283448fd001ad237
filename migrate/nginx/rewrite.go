package nginx

import (
	"fmt"
	"regexp"
	"strings"

	networkingv1 "k8s.io/api/networking/v1"
	gwv1 "sigs.k8s.io/gateway-api/apis/v1"

	"github.com/ingresskit/ingresskit/migrate"
)

// rewrite adds the URLRewrite of rewrite-target and upstream-vhost, and
// the X-Forwarded-Prefix header of x-forwarded-prefix
// (annotations/rewrite, annotations/upstreamvhost,
// annotations/xforwardedprefix).
func (nx *features) rewrite(hr *migrate.HostRoute, rule *gwv1.HTTPRouteRule, p networkingv1.HTTPIngressPath) {
	ing := hr.Ingress
	var rw *gwv1.HTTPURLRewriteFilter
	if target := nx.ann["rewrite-target"]; target != "" {
		rw = &gwv1.HTTPURLRewriteFilter{}
		m := rule.Matches[0].Path
		if prefix, repl, ok := captureIdiom(p.Path, target); ok {
			*m = migrate.Match(gwv1.PathMatchPathPrefix, prefix)
			rw.Path = &gwv1.HTTPPathModifier{Type: gwv1.PrefixMatchHTTPPathModifier, ReplacePrefixMatch: &repl}
			nx.t.tr.Report(ing, field("rewrite-target"), migrate.Info, fmt.Sprintf("rewrite-target %s on %s is the prefix rewrite idiom: PathPrefix %s with ReplacePrefixMatch %s (case-sensitive, where nginx's regex was not)", target, p.Path, prefix, repl))
		} else if !strings.Contains(target, "$") {
			// nginx's rewrite replaces the whole URI when the
			// location's regex matches.
			rw.Path = &gwv1.HTTPPathModifier{Type: gwv1.FullPathHTTPPathModifier, ReplaceFullPath: &target}
		} else {
			nx.t.tr.Report(ing, field("rewrite-target"), migrate.Warning, fmt.Sprintf("rewrite-target %s uses capture groups of %s; URLRewrite has no captures, so the path is forwarded unchanged: use ReplacePrefixMatch or your implementation's regex rewrite", target, p.Path))
			rw.Path = nil
		}
	}
	if vhost := nx.ann["upstream-vhost"]; vhost != "" {
		if rw == nil {
			rw = &gwv1.HTTPURLRewriteFilter{}
		}
		if lv := strings.ToLower(vhost); migrate.PreciseHostname(lv) {
			h := gwv1.PreciseHostname(lv)
			rw.Hostname = &h
		} else {
			nx.t.tr.Report(ing, field("upstream-vhost"), migrate.Warning, fmt.Sprintf("upstream-vhost %q is not a host name URLRewrite takes (lower-case DNS labels); the Host header is forwarded unchanged", vhost))
		}
	}
	if rw != nil && (rw.Path != nil || rw.Hostname != nil) {
		rule.Filters = append(rule.Filters, gwv1.HTTPRouteFilter{Type: gwv1.HTTPRouteFilterURLRewrite, URLRewrite: rw})
	}
	if prefix := nx.ann["x-forwarded-prefix"]; prefix != "" {
		rule.Filters = append(rule.Filters, gwv1.HTTPRouteFilter{Type: gwv1.HTTPRouteFilterRequestHeaderModifier,
			RequestHeaderModifier: &gwv1.HTTPHeaderFilter{Set: []gwv1.HTTPHeader{{Name: "X-Forwarded-Prefix", Value: prefix}}}})
	}
}

// captureIdiom recognises the rewrite documented by ingress-nginx
// (docs/examples/rewrite): path "/something(/|$)(.*)" with target
// "/$2" (or "<prefix>/$2"), which is a prefix replacement.
var captureIdiomRE = regexp.MustCompile(`^(/[A-Za-z0-9._~/-]*?)\(/\|\$\)\(\.\*\)$`)

func captureIdiom(path, target string) (prefix, repl string, ok bool) {
	m := captureIdiomRE.FindStringSubmatch(path)
	if m == nil || !strings.HasSuffix(target, "$2") {
		return "", "", false
	}
	repl = strings.TrimSuffix(target, "$2")
	if strings.Contains(repl, "$") {
		return "", "", false
	}
	repl = strings.TrimSuffix(repl, "/")
	if repl == "" {
		repl = "/"
	}
	return m[1], repl, true
}
