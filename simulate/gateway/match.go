package gateway

import (
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"

	gwv1 "sigs.k8s.io/gateway-api/apis/v1"

	"github.com/ingresskit/ingresskit/manifest"
)

// request is a request in the form the matchers read.
type request struct {
	scheme   string
	host     string // lower case, no port
	port     int32
	path     string // normalized, without the query
	badPath  bool   // the implementation answers 400 before any route
	query    url.Values
	rawQuery string
	method   string
	header   http.Header
	grpc     bool // Content-Type application/grpc
	// service and gmethod are the gRPC service and method read from a
	// path /service/method.
	service, gmethod string
}

// match is one compiled match of a rule: an HTTPRouteMatch or a
// GRPCRouteMatch.
type match struct {
	rule    *rule
	index   int // in the rule's matches; -1 for the default match
	field   string
	pos     manifest.Pos
	invalid string // why the match can never match (a bad regular expression)

	grpc bool

	// HTTPRoute
	pathType gwv1.PathMatchType
	path     string // as written
	prefix   string // PathPrefix without its trailing "/"
	pathRE   *regexp.Regexp
	method   string
	headers  []valueMatch
	query    []valueMatch

	// GRPCRoute
	service, gmethod string
	methodRE         *regexp.Regexp
}

// valueMatch is a header or query parameter match.
type valueMatch struct {
	name  string // canonical header key, or the query name as written
	value string
	re    *regexp.Regexp
}

// RegularExpression matches are implementation-specific in the Gateway
// API (HTTPPathMatch, HTTPHeaderMatch, HTTPQueryParamMatch and
// GRPCMethodMatch in apis/v1). ingresskit reads them as Go regular
// expressions (RE2 syntax, https://github.com/google/re2/wiki/Syntax),
// which is the syntax Envoy-based gateways use too, and requires the whole
// value to match, as Envoy's safe_regex does.
func compileRE(expr string) (*regexp.Regexp, error) {
	return regexp.Compile("^(?:" + expr + ")$")
}

func compileHTTPMatch(ru *rule, j int, m gwv1.HTTPRouteMatch) *match {
	mt := &match{rule: ru, index: j, pathType: gwv1.PathMatchPathPrefix, path: "/"}
	if j >= 0 {
		mt.field = fmt.Sprintf("%s.matches[%d]", ru.field, j)
		mt.pos = ru.route.src.FieldPos(mt.field)
	} else {
		mt.field, mt.pos = ru.field, ru.pos
	}
	// HTTPRouteMatch.Path defaults to a PathPrefix match on "/", and
	// HTTPPathMatch.Type to PathPrefix.
	if p := m.Path; p != nil {
		if p.Type != nil {
			mt.pathType = *p.Type
		}
		if p.Value != nil {
			mt.path = *p.Value
		}
	}
	switch mt.pathType {
	case gwv1.PathMatchPathPrefix:
		// "When specified, a trailing / is ignored" (HTTPPathMatch).
		mt.prefix = strings.TrimSuffix(mt.path, "/")
	case gwv1.PathMatchRegularExpression:
		re, err := compileRE(mt.path)
		if err != nil {
			mt.invalid = fmt.Sprintf("path %q is not a valid regular expression: %v", mt.path, err)
		}
		mt.pathRE = re
	case gwv1.PathMatchExact:
	default:
		mt.invalid = fmt.Sprintf("path type %q is not supported", mt.pathType)
	}
	if m.Method != nil {
		mt.method = string(*m.Method)
	}
	seen := map[string]bool{}
	for _, h := range m.Headers {
		// Header names are case-insensitive, and of several entries with
		// equivalent names only the first is considered (HTTPHeaderMatch).
		name := http.CanonicalHeaderKey(string(h.Name))
		if seen[name] {
			continue
		}
		seen[name] = true
		v := valueMatch{name: name, value: h.Value}
		if h.Type != nil && *h.Type == gwv1.HeaderMatchRegularExpression {
			re, err := compileRE(h.Value)
			if err != nil {
				mt.invalid = fmt.Sprintf("header %s value %q is not a valid regular expression: %v", h.Name, h.Value, err)
			}
			v.re = re
		}
		mt.headers = append(mt.headers, v)
	}
	seenQ := map[string]bool{}
	for _, q := range m.QueryParams {
		// Query parameter names are matched exactly, case-sensitively, and
		// only the first of several equal names counts
		// (HTTPQueryParamMatch).
		name := string(q.Name)
		if seenQ[name] {
			continue
		}
		seenQ[name] = true
		v := valueMatch{name: name, value: q.Value}
		if q.Type != nil && *q.Type == gwv1.QueryParamMatchRegularExpression {
			re, err := compileRE(q.Value)
			if err != nil {
				mt.invalid = fmt.Sprintf("query parameter %s value %q is not a valid regular expression: %v", q.Name, q.Value, err)
			}
			v.re = re
		}
		mt.query = append(mt.query, v)
	}
	return mt
}

func compileGRPCMatch(ru *rule, j int, m gwv1.GRPCRouteMatch) *match {
	mt := &match{rule: ru, index: j, grpc: true}
	if j >= 0 {
		mt.field = fmt.Sprintf("%s.matches[%d]", ru.field, j)
		mt.pos = ru.route.src.FieldPos(mt.field)
	} else {
		mt.field, mt.pos = ru.field, ru.pos
	}
	if gm := m.Method; gm != nil {
		if gm.Service != nil {
			mt.service = *gm.Service
		}
		if gm.Method != nil {
			mt.gmethod = *gm.Method
		}
		if gm.Type != nil && *gm.Type == gwv1.GRPCMethodMatchRegularExpression {
			// A regular expression match reads service and method as
			// expressions; an empty one matches any (GRPCMethodMatch).
			svc, meth := mt.service, mt.gmethod
			if svc == "" {
				svc = "[^/]+"
			}
			if meth == "" {
				meth = "[^/]+"
			}
			re, err := regexp.Compile("^/(?:" + svc + ")/(?:" + meth + ")$")
			if err != nil {
				mt.invalid = fmt.Sprintf("method match is not a valid regular expression: %v", err)
			}
			mt.methodRE = re
		}
	}
	seen := map[string]bool{}
	for _, h := range m.Headers {
		name := http.CanonicalHeaderKey(string(h.Name))
		if seen[name] {
			continue
		}
		seen[name] = true
		v := valueMatch{name: name, value: h.Value}
		if h.Type != nil && *h.Type == gwv1.GRPCHeaderMatchRegularExpression {
			re, err := compileRE(h.Value)
			if err != nil {
				mt.invalid = fmt.Sprintf("header %s value %q is not a valid regular expression: %v", h.Name, h.Value, err)
			}
			v.re = re
		}
		mt.headers = append(mt.headers, v)
	}
	return mt
}

// accepts reports whether the match accepts req. It is matches without
// the reason, which lookups do not need.
func (m *match) accepts(req *request) bool {
	if m.invalid != "" {
		return false
	}
	if m.grpc {
		ok, _ := m.matchesGRPC(req)
		return ok
	}
	switch m.pathType {
	case gwv1.PathMatchExact:
		if req.path != m.path {
			return false
		}
	case gwv1.PathMatchPathPrefix:
		if !prefixMatches(m.prefix, req.path) {
			return false
		}
	case gwv1.PathMatchRegularExpression:
		if !m.pathRE.MatchString(req.path) {
			return false
		}
	}
	if m.method != "" && req.method != m.method {
		return false
	}
	for _, h := range m.headers {
		vs := req.header.Values(h.name)
		if len(vs) == 0 {
			return false
		}
		v := vs[0]
		if len(vs) > 1 {
			v = strings.Join(vs, ",")
		}
		if !h.accepts(v) {
			return false
		}
	}
	for _, q := range m.query {
		vs, ok := req.query[q.name]
		if !ok || !q.accepts(vs[0]) {
			return false
		}
	}
	return true
}

// matches reports whether the match accepts req, and when not, why.
func (m *match) matches(req *request) (bool, string) {
	if m.invalid != "" {
		return false, m.invalid
	}
	if m.grpc {
		return m.matchesGRPC(req)
	}
	switch m.pathType {
	case gwv1.PathMatchExact:
		if req.path != m.path {
			return false, fmt.Sprintf("path %s is not exactly %s", req.path, m.path)
		}
	case gwv1.PathMatchPathPrefix:
		if !prefixMatches(m.prefix, req.path) {
			return false, fmt.Sprintf("path %s is not under the prefix %s (whole path elements)", req.path, m.path)
		}
	case gwv1.PathMatchRegularExpression:
		if !m.pathRE.MatchString(req.path) {
			return false, fmt.Sprintf("path %s does not match the regular expression %s", req.path, m.path)
		}
	}
	if m.method != "" && req.method != m.method {
		return false, fmt.Sprintf("method %s is not %s", req.method, m.method)
	}
	if ok, why := headersMatch(m.headers, req.header); !ok {
		return false, why
	}
	for _, q := range m.query {
		vs, ok := req.query[q.name]
		if !ok {
			return false, fmt.Sprintf("query parameter %s is missing", q.name)
		}
		// A repeated parameter is implementation-specific
		// (HTTPQueryParamMatch); the first value counts, as in Envoy.
		if !q.accepts(vs[0]) {
			return false, fmt.Sprintf("query parameter %s=%s does not match %s", q.name, vs[0], q.value)
		}
	}
	return true, ""
}

func (m *match) matchesGRPC(req *request) (bool, string) {
	if !req.grpc {
		return false, "not a gRPC request (Content-Type application/grpc)"
	}
	switch {
	case m.methodRE != nil:
		if !m.methodRE.MatchString("/" + req.service + "/" + req.gmethod) {
			return false, fmt.Sprintf("gRPC method %s/%s does not match the regular expressions", req.service, req.gmethod)
		}
	default:
		if m.service != "" && req.service != m.service {
			return false, fmt.Sprintf("gRPC service %s is not %s", req.service, m.service)
		}
		if m.gmethod != "" && req.gmethod != m.gmethod {
			return false, fmt.Sprintf("gRPC method %s is not %s", req.gmethod, m.gmethod)
		}
	}
	return headersMatch(m.headers, req.header)
}

func headersMatch(hs []valueMatch, header http.Header) (bool, string) {
	for _, h := range hs {
		vs := header.Values(h.name)
		if len(vs) == 0 {
			return false, fmt.Sprintf("header %s is missing", h.name)
		}
		// A repeated header is read as its values joined by commas, as
		// RFC 9110 section 5.3 combines them (HTTPHeaderMatch leaves it
		// to the implementation and points to the RFC).
		v := strings.Join(vs, ",")
		if !h.accepts(v) {
			return false, fmt.Sprintf("header %s: %s does not match %s", h.name, v, h.value)
		}
	}
	return true, ""
}

func (v valueMatch) accepts(s string) bool {
	if v.re != nil {
		return v.re.MatchString(s)
	}
	return s == v.value
}

// prefixMatches reports whether path is under prefix (written without its
// trailing "/") by whole path elements: "/abc" matches "/abc", "/abc/" and
// "/abc/def" but not "/abcd" (HTTPPathMatch).
func prefixMatches(prefix, path string) bool {
	if prefix == "" {
		return true
	}
	if !strings.HasPrefix(path, prefix) {
		return false
	}
	return len(path) == len(prefix) || path[len(prefix)] == '/'
}
