package gateway

import (
	"net/http"
	"strconv"
	"strings"

	gwv1 "sigs.k8s.io/gateway-api/apis/v1"

	"github.com/ingresskit/ingresskit/simulate"
)

// cors applies a CORS filter (HTTPCORSFilter in apis/v1
// httproute_types.go). A request whose Origin matches allowOrigins gets
// Access-Control-Allow-Origin with that origin, and
// Access-Control-Allow-Credentials and Access-Control-Expose-Headers when
// configured. A preflight request (OPTIONS with Origin and
// Access-Control-Request-Method) is answered by the gateway with 200 and,
// for a matching origin, the allowed methods, headers and max age; the
// methods and headers echo the request's, which the filter allows for a
// wildcard and requires when credentials are allowed.
func cors(d *simulate.Decision, req *request, f *gwv1.HTTPCORSFilter) {
	origin := req.header.Get("Origin")
	preflight := req.method == http.MethodOptions && origin != "" && req.header.Get("Access-Control-Request-Method") != ""
	if preflight {
		d.Status = http.StatusOK
		d.Notes = append(d.Notes, "CORS preflight request: answered by the gateway")
	}
	if origin == "" || !originAllowed(f.AllowOrigins, origin) {
		if origin != "" {
			d.Notes = append(d.Notes, "the CORS filter does not allow origin "+origin+": no CORS response headers")
		}
		return
	}
	set := http.Header{}
	set.Set("Access-Control-Allow-Origin", origin)
	if f.AllowCredentials != nil && *f.AllowCredentials {
		set.Set("Access-Control-Allow-Credentials", "true")
	}
	if len(f.ExposeHeaders) > 0 {
		set.Set("Access-Control-Expose-Headers", joinNames(f.ExposeHeaders))
	}
	if preflight {
		if rm := req.header.Get("Access-Control-Request-Method"); rm != "" && len(f.AllowMethods) > 0 {
			methods := make([]string, len(f.AllowMethods))
			wildcard := false
			for i, m := range f.AllowMethods {
				methods[i] = string(m)
				wildcard = wildcard || m == "*"
			}
			if wildcard {
				set.Set("Access-Control-Allow-Methods", rm)
			} else {
				set.Set("Access-Control-Allow-Methods", strings.Join(methods, ", "))
			}
		}
		if rh := req.header.Get("Access-Control-Request-Headers"); rh != "" && len(f.AllowHeaders) > 0 {
			wildcard := false
			for _, h := range f.AllowHeaders {
				wildcard = wildcard || h == "*"
			}
			if wildcard {
				set.Set("Access-Control-Allow-Headers", rh)
			} else {
				set.Set("Access-Control-Allow-Headers", joinNames(f.AllowHeaders))
			}
		}
		if f.MaxAge != 0 {
			set.Set("Access-Control-Max-Age", strconv.Itoa(int(f.MaxAge)))
		}
	}
	if d.ResponseHeaders == nil {
		d.ResponseHeaders = &simulate.HeaderEdits{}
	}
	if d.ResponseHeaders.Set == nil {
		d.ResponseHeaders.Set = http.Header{}
	}
	for k, v := range set {
		d.ResponseHeaders.Set[k] = v
	}
}

func joinNames(hs []gwv1.HTTPHeaderName) string {
	out := make([]string, len(hs))
	for i, h := range hs {
		out[i] = string(h)
	}
	return strings.Join(out, ", ")
}

// originAllowed matches an Origin against allowOrigins: "*" allows every
// origin; a "*" in the host matches any characters, dots included, to its
// left; a missing port is 80 for http and 443 for https.
func originAllowed(allowed []gwv1.CORSOrigin, origin string) bool {
	o := normalizeOrigin(origin)
	for _, a := range allowed {
		pat := string(a)
		if pat == "*" {
			return true
		}
		pat = normalizeOrigin(pat)
		if i := strings.IndexByte(pat, '*'); i >= 0 {
			if strings.HasPrefix(o, pat[:i]) && strings.HasSuffix(o, pat[i+1:]) && len(o) > len(pat)-1 {
				return true
			}
			continue
		}
		if o == pat {
			return true
		}
	}
	return false
}

func normalizeOrigin(o string) string {
	o = strings.ToLower(o)
	scheme, hostport, ok := strings.Cut(o, "://")
	if !ok {
		return o
	}
	if !strings.Contains(strings.TrimPrefix(hostport, "*"), ":") {
		switch scheme {
		case "http":
			hostport += ":80"
		case "https":
			hostport += ":443"
		}
	}
	return scheme + "://" + hostport
}
