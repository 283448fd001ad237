package gateway

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"

	gwv1 "sigs.k8s.io/gateway-api/apis/v1"

	"github.com/ingresskit/ingresskit/simulate"
)

// applyFilters applies the filters of the winning rule to the answer, in
// the order they are written ("Wherever possible, implementations SHOULD
// implement filters in the order they are specified", HTTPRouteRule.Filters
// in apis/v1 httproute_types.go).
func (p *Plane) applyFilters(d *simulate.Decision, req *request, l *listener, m *match) {
	for _, f := range m.rule.filters {
		switch f.Type {
		case gwv1.HTTPRouteFilterRequestHeaderModifier:
			if f.RequestHeaderModifier != nil {
				d.RequestHeaders = headerEdits(f.RequestHeaderModifier).Apply(requestHeaders(d, req))
			}
		case gwv1.HTTPRouteFilterResponseHeaderModifier:
			if f.ResponseHeaderModifier != nil {
				d.ResponseHeaders = headerEdits(f.ResponseHeaderModifier)
			}
		case gwv1.HTTPRouteFilterRequestRedirect:
			if f.RequestRedirect != nil {
				d.Redirect, d.RedirectCode = redirect(f.RequestRedirect, req, l, m)
			}
		case gwv1.HTTPRouteFilterURLRewrite:
			if rw := f.URLRewrite; rw != nil {
				if rw.Hostname != nil {
					d.RewriteHost = string(*rw.Hostname)
				}
				if rw.Path != nil {
					d.RewritePath = modifyPath(rw.Path, req.path, m)
				}
			}
		case gwv1.HTTPRouteFilterRequestMirror:
			if mi := f.RequestMirror; mi != nil {
				d.Mirrors = append(d.Mirrors, p.mirror(mi, m.rule.route))
			}
		case gwv1.HTTPRouteFilterCORS:
			if f.CORS != nil {
				cors(d, req, f.CORS)
			}
		case gwv1.HTTPRouteFilterExtensionRef:
			if f.ExtensionRef != nil {
				d.Notes = append(d.Notes, fmt.Sprintf("extensionRef filter %s %s is implementation-specific and not simulated", f.ExtensionRef.Kind, f.ExtensionRef.Name))
			}
		}
	}
	if d.RewritePath != "" && req.rawQuery != "" {
		d.RewritePath += "?" + req.rawQuery
	}
}

func requestHeaders(d *simulate.Decision, req *request) http.Header {
	if d.RequestHeaders != nil {
		return d.RequestHeaders
	}
	return req.header
}

// headerEdits converts an HTTPHeaderFilter. Header names are
// case-insensitive (HTTPHeaderName).
func headerEdits(f *gwv1.HTTPHeaderFilter) *simulate.HeaderEdits {
	e := &simulate.HeaderEdits{}
	for _, h := range f.Set {
		if e.Set == nil {
			e.Set = http.Header{}
		}
		e.Set.Set(string(h.Name), h.Value)
	}
	for _, h := range f.Add {
		if e.Add == nil {
			e.Add = http.Header{}
		}
		e.Add.Add(string(h.Name), h.Value)
	}
	for _, name := range f.Remove {
		e.Remove = append(e.Remove, http.CanonicalHeaderKey(name))
	}
	return e
}

// redirect returns the Location and status of a RequestRedirect filter.
// The status defaults to 302; the scheme and host to the request's; the
// port to the scheme's well-known port when the filter sets a scheme, else
// to the listener's; and the port is left out of the Location for http on
// 80 and https on 443 (HTTPRequestRedirectFilter in apis/v1
// httproute_types.go).
func redirect(f *gwv1.HTTPRequestRedirectFilter, req *request, l *listener, m *match) (string, int) {
	code := 302
	if f.StatusCode != nil {
		code = *f.StatusCode
	}
	scheme := req.scheme
	port := l.port
	if f.Scheme != nil {
		scheme = *f.Scheme
		switch scheme {
		case "http":
			port = 80
		case "https":
			port = 443
		}
	}
	if f.Port != nil {
		port = int32(*f.Port)
	}
	host := req.host
	if f.Hostname != nil {
		host = string(*f.Hostname)
	}
	path := req.path
	if f.Path != nil {
		path = modifyPath(f.Path, req.path, m)
	}
	loc := scheme + "://" + host
	if !(scheme == "http" && port == 80) && !(scheme == "https" && port == 443) {
		loc += ":" + strconv.Itoa(int(port))
	}
	loc += path
	if req.rawQuery != "" {
		loc += "?" + req.rawQuery
	}
	return loc, code
}

// modifyPath applies an HTTPPathModifier. ReplacePrefixMatch replaces the
// matched prefix by whole path elements, trailing slashes ignored; the
// table in HTTPPathModifier.ReplacePrefixMatch (apis/v1
// httproute_types.go) gives the cases: /foo/bar with prefix /foo and
// replacement /xyz/ is /xyz/bar, /foo/ with replacement "" is /.
func modifyPath(pm *gwv1.HTTPPathModifier, path string, m *match) string {
	switch pm.Type {
	case gwv1.FullPathHTTPPathModifier:
		if pm.ReplaceFullPath != nil {
			return *pm.ReplaceFullPath
		}
	case gwv1.PrefixMatchHTTPPathModifier:
		if pm.ReplacePrefixMatch == nil || m.pathType != gwv1.PathMatchPathPrefix {
			return path
		}
		rest := path[len(m.prefix):]
		out := strings.TrimSuffix(*pm.ReplacePrefixMatch, "/") + rest
		if out == "" {
			out = "/"
		}
		return out
	}
	return path
}

// mirror resolves a RequestMirror filter. Percent and Fraction give the
// share of requests mirrored; without either, every request is
// (HTTPRequestMirrorFilter).
func (p *Plane) mirror(f *gwv1.HTTPRequestMirrorFilter, r *route) simulate.Mirror {
	pct := 100.0
	switch {
	case f.Percent != nil:
		pct = float64(*f.Percent)
	case f.Fraction != nil:
		den := int32(100)
		if f.Fraction.Denominator != nil {
			den = *f.Fraction.Denominator
		}
		if den > 0 {
			pct = 100 * float64(f.Fraction.Numerator) / float64(den)
		}
	}
	b := weighted(f.BackendRef, 0, r)
	if c := p.model.resolve(r, f.BackendRef); !c.Status {
		b.Problem = c.Message
	}
	return simulate.Mirror{Backend: b, Percent: pct}
}

// weighted describes a backend reference of route r.
func weighted(ref gwv1.BackendObjectReference, weight int32, r *route) simulate.WeightedBackend {
	b := simulate.WeightedBackend{Kind: "Service", Namespace: r.namespace, Name: string(ref.Name), Weight: weight}
	if ref.Kind != nil {
		b.Kind = string(*ref.Kind)
	}
	if ref.Namespace != nil {
		b.Namespace = string(*ref.Namespace)
	}
	if ref.Port != nil {
		b.Port = int32(*ref.Port)
	}
	if r.grpc != nil {
		// A GRPCRoute's backends speak gRPC, which is HTTP/2.
		b.Protocol = simulate.ProtocolH2C
	}
	return b
}
