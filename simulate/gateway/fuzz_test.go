package gateway

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/ingresskit/ingresskit/simulate"
)

// refAnswer is a linear reference written from the spec text, sharing no
// matching code with the engine: every match of every route attached to
// the listener is tried, and the winner is the one with the highest key
// (HTTPRouteSpec.Hostnames: characters in a matching non-wildcard
// hostname, then in a matching hostname; HTTPRouteRule.Matches: Exact, the
// longest prefix, method, header count, query count; then the oldest
// route, namespace/name, rule and match order).
func refAnswer(l *listener, host, path, method string, header http.Header, query url.Values) *match {
	type key struct {
		exactChars, chars, pathKind, pathLen, method, headers, query int
	}
	less := func(a, b key) bool {
		x := []int{a.exactChars, a.chars, a.pathKind, a.pathLen, a.method, a.headers, a.query}
		y := []int{b.exactChars, b.chars, b.pathKind, b.pathLen, b.method, b.headers, b.query}
		for i := range x {
			if x[i] != y[i] {
				return x[i] < y[i]
			}
		}
		return false
	}
	var best *match
	var bestKey key
	for _, a := range l.routes {
		for _, h := range a.hostnames {
			if h != "" && h != host && !(strings.HasPrefix(h, "*.") && strings.HasSuffix(host, h[1:]) && len(host) > len(h)-1) {
				continue
			}
			k := key{chars: len(h)}
			if !strings.HasPrefix(h, "*.") {
				k.exactChars = len(h)
			}
			for _, ru := range a.route.rules {
				for _, m := range ru.matches {
					if !refMatches(m, path, method, header, query) {
						continue
					}
					mk := k
					switch m.pathType {
					case "Exact":
						mk.pathKind = 3
					case "RegularExpression":
						mk.pathKind, mk.pathLen = 2, len(m.path)
					default:
						mk.pathKind, mk.pathLen = 1, len(m.path)
					}
					if m.method != "" {
						mk.method = 1
					}
					mk.headers, mk.query = len(m.headers), len(m.query)
					if best == nil || less(bestKey, mk) || (!less(mk, bestKey) && routeOrder(m, best)) {
						best, bestKey = m, mk
					}
				}
			}
		}
	}
	return best
}

// refMatches reads a match as HTTPPathMatch, HTTPHeaderMatch and
// HTTPQueryParamMatch describe it, path prefixes by path elements.
func refMatches(m *match, path, method string, header http.Header, query url.Values) bool {
	if m.grpc || m.invalid != "" {
		return false
	}
	switch m.pathType {
	case "Exact":
		if path != m.path {
			return false
		}
	case "RegularExpression":
		if !regexp.MustCompile("^(?:" + m.path + ")$").MatchString(path) {
			return false
		}
	default:
		want := strings.Split(strings.Trim(m.path, "/"), "/")
		got := strings.Split(strings.Trim(path, "/"), "/")
		if strings.Trim(m.path, "/") != "" {
			if len(got) < len(want) {
				return false
			}
			for i := range want {
				if want[i] != got[i] {
					return false
				}
			}
			// "/abc/" is under "/abc", "/abc//x" is not a segment match of
			// "/abc/" handled by Split; a path "/abc" must not match "/ab".
		}
	}
	if m.method != "" && m.method != method {
		return false
	}
	for _, h := range m.headers {
		v := strings.Join(header.Values(h.name), ",")
		if len(header.Values(h.name)) == 0 || (h.re == nil && v != h.value) || (h.re != nil && !h.re.MatchString(v)) {
			return false
		}
	}
	for _, q := range m.query {
		vs, ok := query[q.name]
		if !ok || (q.re == nil && vs[0] != q.value) || (q.re != nil && !q.re.MatchString(vs[0])) {
			return false
		}
	}
	return true
}

// FuzzLookup checks that the indexed lookup of a Gateway data plane
// agrees with the linear reference on the routes of testdata/fuzz.yaml.
func FuzzLookup(f *testing.F) {
	set := load(f, "testdata/fuzz.yaml")
	p := Build(set)[0]
	f.Add("a.example.com", "/api/v1", "GET", "", "")       // exact hostname, longest prefix
	f.Add("b.example.com", "/api", "POST", "", "")         // wildcard hostname, method match
	f.Add("a.example.com", "/api/v1/x", "GET", "2", "x=1") // header and query matches
	f.Add("c.example.com", "/apix", "GET", "", "")         // prefix by path elements
	f.Add("a.example.com", "/exact", "GET", "", "")        // Exact over PathPrefix
	f.Add("x.b.example.com", "/re/123", "GET", "", "")     // regular expression
	f.Fuzz(func(t *testing.T, host, path, method, version, rawQuery string) {
		host = strings.ToLower(host)
		if !strings.HasPrefix(path, "/") || strings.ContainsAny(path, "?#%\\") || strings.ContainsAny(host, ":/[]?#@% ") || host == "" ||
			simulate.NormalizePath(path) != path || strings.ContainsAny(method, " \t\r\n") {
			t.Skip()
		}
		header := http.Header{}
		if version != "" {
			header.Set("X-Version", version)
		}
		query, err := url.ParseQuery(rawQuery)
		if err != nil {
			t.Skip()
		}
		full := path
		if rawQuery != "" {
			full += "?" + rawQuery
		}
		if method == "" {
			method = "GET"
		}
		d := p.Lookup(simulate.Request{Scheme: "http", Host: host, Path: full, Header: header, Method: method})
		l := p.listeners[0]
		want := refAnswer(l, host, path, method, header, query)
		switch {
		case want == nil && d.Matched:
			t.Fatalf("%s %s%s: engine answers %s rule %d, reference no match", method, host, full, d.Object, d.Rule)
		case want != nil && !d.Matched:
			t.Fatalf("%s %s%s: engine no match, reference %s rule %d", method, host, full, want.rule.route.key(), want.rule.index)
		case want != nil && (d.Object != want.rule.route.key() || d.Rule != want.rule.index || d.MatchIndex != want.index):
			t.Fatalf("%s %s%s: engine %s rule %d match %d, reference %s rule %d match %d", method, host, full,
				d.Object, d.Rule, d.MatchIndex, want.rule.route.key(), want.rule.index, want.index)
		}
	})
}
