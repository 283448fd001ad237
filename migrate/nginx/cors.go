package nginx

import (
	"strconv"
	"strings"

	gwv1 "sigs.k8s.io/gateway-api/apis/v1"
)

// cors translates the cors-* annotations with ingress-nginx's defaults
// (annotations/cors/main.go).
func (nx *features) cors() *gwv1.HTTPCORSFilter {
	split := func(v, def string) []string {
		if v == "" {
			v = def
		}
		var out []string
		for _, s := range strings.Split(v, ",") {
			if s = strings.TrimSpace(s); s != "" {
				out = append(out, s)
			}
		}
		return out
	}
	f := &gwv1.HTTPCORSFilter{}
	for _, o := range split(nx.ann["cors-allow-origin"], "*") {
		f.AllowOrigins = append(f.AllowOrigins, gwv1.CORSOrigin(o))
	}
	for _, m := range split(nx.ann["cors-allow-methods"], "GET, PUT, POST, DELETE, PATCH, OPTIONS") {
		f.AllowMethods = append(f.AllowMethods, gwv1.HTTPMethodWithWildcard(strings.ToUpper(m)))
	}
	for _, h := range split(nx.ann["cors-allow-headers"], "DNT,Keep-Alive,User-Agent,X-Requested-With,If-Modified-Since,Cache-Control,Content-Type,Range,Authorization") {
		f.AllowHeaders = append(f.AllowHeaders, gwv1.HTTPHeaderName(h))
	}
	for _, h := range split(nx.ann["cors-expose-headers"], "") {
		f.ExposeHeaders = append(f.ExposeHeaders, gwv1.HTTPHeaderName(h))
	}
	creds := nx.bool("cors-allow-credentials", true)
	f.AllowCredentials = &creds
	f.MaxAge = 1728000
	if v, err := strconv.Atoi(nx.ann["cors-max-age"]); err == nil {
		f.MaxAge = int32(v)
	}
	return f
}
