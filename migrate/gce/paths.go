package gce

import (
	"regexp"
	"strings"

	networkingv1 "k8s.io/api/networking/v1"
	gwv1 "sigs.k8s.io/gateway-api/apis/v1"

	"github.com/ingresskit/ingresskit/migrate"
)

// PathMatch reads a path as ingress-gce's URL map does: "/*" is every
// path and "/foo/*" everything below "/foo/" (ingress-gce URL map path
// rules); Prefix paths are prefixes; other paths are exact.
func (r *reader) PathMatch(_ *migrate.HostRoute, p networkingv1.HTTPIngressPath, _ string) (gwv1.HTTPPathMatch, bool) {
	path := migrate.IngressPath(p)
	switch {
	case path == "/*":
		return migrate.Match(gwv1.PathMatchPathPrefix, "/"), true
	case strings.HasSuffix(path, "/*"):
		return migrate.Match(gwv1.PathMatchRegularExpression, regexp.QuoteMeta(strings.TrimSuffix(path, "*"))+".*"), true
	case migrate.PathType(p) == networkingv1.PathTypePrefix:
		return migrate.Match(gwv1.PathMatchPathPrefix, path), true
	}
	return migrate.Match(gwv1.PathMatchExact, path), true
}
