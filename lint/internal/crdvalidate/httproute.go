package crdvalidate

import (
	"strings"
	"unicode/utf8"

	gwv1 "sigs.k8s.io/gateway-api/apis/v1"
)

// Verdict is what a native check decided about an object.
type Verdict int8

const (
	// Unknown: the object uses something the native check does not
	// cover; only Validate can tell.
	Unknown Verdict = iota
	// Valid: Validate reports no error for the object.
	Valid
	// Invalid: Validate reports at least one error for the object.
	Invalid
)

func (v Verdict) String() string {
	switch v {
	case Valid:
		return "valid"
	case Invalid:
		return "invalid"
	}
	return "unknown"
}

// HTTPRouteSpec decides, without the API server's code, what Validate
// decides for a gateway.networking.k8s.io/v1 HTTPRoute read from a file
// whose spec is spec, or answers Unknown. It is the fast path of the
// validation: about a microsecond where Validate takes a millisecond,
// nearly all of it in the CEL rules. The rules are those of the v1
// version of the standard-channel CRD in crds/ (OpenAPI types, lengths,
// patterns, enums, defaults, list types and the CEL
// x-kubernetes-validations), each cited below by the field that carries
// it; TestHTTPRouteSpecAgrees and FuzzHTTPRouteSpec check the verdicts
// against Validate.
//
// written is the number of fields the input held below spec
// (manifest.Source.FieldCount), or -1 when spec was not written or the
// count is not known. The Go types cannot tell an absent field from one
// written empty or null, and the CRD's defaults and rules depend on the
// difference (restore in presence.go); the check counts the fields it
// sees set and answers Unknown unless they are all that was written, so
// that the object it judges is the one Validate receives.
//
// An object read from a cluster is validated as its Go value converts,
// with no fields to restore: written is then AsConverted, and the check
// judges the spec the same way.
//
// It answers Unknown for filters, timeouts, the fields the standard
// channel prunes (retry, sessionPersistence, useDefaultGateways) and empty
// lists of those.
func HTTPRouteSpec(spec *gwv1.HTTPRouteSpec, written int) Verdict {
	if written < 0 && written != AsConverted || spec.UseDefaultGateways != "" {
		return Unknown
	}
	c := checker{conv: written == AsConverted}
	c.parentRefs(spec.ParentRefs)
	c.hostnames(spec.Hostnames)
	if c.list(spec.Rules == nil, len(spec.Rules)) {
		// spec.rules: minItems 1, maxItems 16; without rules the
		// default is one rule matching every path, which is valid.
		c.fail(len(spec.Rules) < 1 || len(spec.Rules) > 16)
		matches := 0
		for i := range spec.Rules {
			n, ok := c.rule(&spec.Rules[i])
			if !ok {
				return Unknown
			}
			matches += n
		}
		// spec.rules CEL: "the total number of matches across all
		// rules in a route must be less than 128" (the rule allows
		// 128).
		c.fail(matches > 128)
	}
	switch {
	case !c.conv && c.n != written:
		return Unknown
	case c.invalid:
		return Invalid
	}
	return Valid
}

// AsConverted is the written count of an object validated as its Go
// value converts (runtime.DefaultUnstructuredConverter), without restore.
const AsConverted = -2

// checker walks a spec, counting the fields set and noting whether one
// breaks a rule.
type checker struct {
	n       int
	invalid bool
	// conv: the spec is judged as it converts; an empty list is omitted
	// (omitempty), and no fields are counted against the input's.
	conv bool
}

// absent reports whether a list of n items, nil or not, is missing from
// the object Validate receives.
func (c *checker) absent(isNil bool, n int) bool {
	return isNil || c.conv && n == 0
}

// list reports whether a list of n items is in the object Validate
// receives, counting it and its items when it is.
func (c *checker) list(isNil bool, n int) bool {
	if c.absent(isNil, n) {
		return false
	}
	c.n += 1 + n
	return true
}

func (c *checker) fail(bad bool) {
	if bad {
		c.invalid = true
	}
}

// hostnames checks spec.hostnames of an HTTPRoute or a GRPCRoute:
// maxItems 16; items minLength 1, maxLength 253, pattern an optional "*."
// then lowercase DNS labels.
func (c *checker) hostnames(hosts []gwv1.Hostname) {
	if !c.list(hosts == nil, len(hosts)) {
		return
	}
	c.fail(len(hosts) > 16)
	for _, h := range hosts {
		s := string(h)
		c.fail(len(s) > 253 || !isHostname(s))
	}
}

// parentRefs checks spec.parentRefs (CommonRouteSpec), the same in the
// HTTPRoute and GRPCRoute CRDs.
func (c *checker) parentRefs(refs []gwv1.ParentReference) {
	if !c.list(refs == nil, len(refs)) {
		return
	}
	// spec.parentRefs: maxItems 32.
	c.fail(len(refs) > 32)
	for i := range refs {
		p := &refs[i]
		// group: default gateway.networking.k8s.io, maxLength 253,
		// pattern empty or lowercase DNS labels.
		if p.Group != nil {
			c.n++
			c.fail(!isGroup(string(*p.Group)))
		}
		// kind: default Gateway, 1-63 characters, pattern a letter,
		// then letters, digits and dashes, not ending with a dash.
		if p.Kind != nil {
			c.n++
			c.fail(!isKind(string(*p.Kind)))
		}
		// namespace: 1-63 characters, an RFC 1123 label.
		if p.Namespace != nil {
			c.n++
			c.fail(!isNamespace(string(*p.Namespace)))
		}
		// name: required, 1-253 characters.
		c.objectName(string(p.Name))
		// sectionName: 1-253 characters, lowercase DNS labels.
		if p.SectionName != nil {
			c.n++
			c.fail(!isSectionName(string(*p.SectionName)))
		}
		// port: 1-65535.
		if p.Port != nil {
			c.n++
			c.fail(*p.Port < 1 || *p.Port > 65535)
		}
	}
	// spec.parentRefs CEL: among the references to one parent (the same
	// group, kind, name and namespace, after defaulting; an absent
	// namespace and an empty one are the same), either all or none set
	// sectionName ("sectionName must be specified when parentRefs
	// includes 2 or more references to the same parent"), and no two
	// have the same sectionName, absent and empty being the same
	// ("sectionName must be unique ..."). port plays no part.
	for i := range refs {
		for j := i + 1; j < len(refs); j++ {
			a, b := &refs[i], &refs[j]
			if parentGroup(a) != parentGroup(b) || parentKind(a) != parentKind(b) || a.Name != b.Name || deref(a.Namespace) != deref(b.Namespace) {
				continue
			}
			sa, sb := deref(a.SectionName), deref(b.SectionName)
			c.fail((sa == "") != (sb == "") || sa == sb)
		}
	}
}

// rule checks one item of spec.rules and returns its number of matches,
// the default counted; false means Unknown.
func (c *checker) rule(r *gwv1.HTTPRouteRule) (matches int, ok bool) {
	if !c.absent(r.Filters == nil, len(r.Filters)) || r.Timeouts != nil || r.Retry != nil || r.SessionPersistence != nil {
		return 0, false
	}
	// name: 1-253 characters, lowercase DNS labels.
	if r.Name != nil {
		c.n++
		c.fail(!isSectionName(string(*r.Name)))
	}
	// matches: maxItems 64; without matches the default is one match
	// of every path.
	matches = 1
	if c.list(r.Matches == nil, len(r.Matches)) {
		matches = len(r.Matches)
		c.fail(len(r.Matches) > 64)
		for i := range r.Matches {
			c.match(&r.Matches[i])
		}
	}
	if c.list(r.BackendRefs == nil, len(r.BackendRefs)) {
		// backendRefs: maxItems 16.
		c.fail(len(r.BackendRefs) > 16)
		for i := range r.BackendRefs {
			if f := r.BackendRefs[i].Filters; !c.absent(f == nil, len(f)) {
				return 0, false
			}
			c.backendRef(&r.BackendRefs[i].BackendRef)
		}
	}
	// The CEL rules on a rule are all about filters, and hold without
	// them.
	return matches, true
}

// match checks one item of matches.
func (c *checker) match(m *gwv1.HTTPRouteMatch) {
	// path: default {type: PathPrefix, value: /}.
	if m.Path != nil {
		c.n++
		typ, value := gwv1.PathMatchPathPrefix, "/"
		if m.Path.Type != nil {
			c.n++
			typ = *m.Path.Type
		}
		if m.Path.Value != nil {
			c.n++
			value = *m.Path.Value
		}
		// type: enum Exact, PathPrefix, RegularExpression; value:
		// maxLength 1024.
		c.fail(utf8.RuneCountInString(value) > 1024)
		switch typ {
		case gwv1.PathMatchExact, gwv1.PathMatchPathPrefix:
			// The CEL rules on path for Exact and PathPrefix.
			c.fail(!isMatchPath(value))
		case gwv1.PathMatchRegularExpression:
		default:
			c.invalid = true
		}
	}
	// headers and queryParams: maxItems 16, list-type map keyed by
	// name.
	if c.list(m.Headers == nil, len(m.Headers)) {
		c.fail(len(m.Headers) > 16)
		for i := range m.Headers {
			h := &m.Headers[i]
			c.nameValue(h.Type != nil, string(deref(h.Type)), string(h.Name), h.Value, 4096)
			for _, g := range m.Headers[:i] {
				c.fail(g.Name == h.Name)
			}
		}
	}
	if c.list(m.QueryParams == nil, len(m.QueryParams)) {
		c.fail(len(m.QueryParams) > 16)
		for i := range m.QueryParams {
			q := &m.QueryParams[i]
			c.nameValue(q.Type != nil, string(deref(q.Type)), string(q.Name), q.Value, 1024)
			for _, g := range m.QueryParams[:i] {
				c.fail(g.Name == q.Name)
			}
		}
	}
	// method: enum.
	if m.Method != nil {
		c.n++
		switch *m.Method {
		case "GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH":
		default:
			c.invalid = true
		}
	}
}

// nameValue checks a header or query parameter match: type default
// Exact, enum Exact and RegularExpression; name required, 1-256
// characters of the HTTP token set; value required, 1 to maxValue
// characters.
func (c *checker) nameValue(hasType bool, typ, name, value string, maxValue int) {
	if hasType {
		c.n++
		c.fail(typ != "Exact" && typ != "RegularExpression")
	}
	if name != "" {
		c.n++
	}
	c.fail(len(name) > 256 || !isToken(name))
	if value != "" {
		c.n++
	}
	c.fail(value == "" || utf8.RuneCountInString(value) > maxValue)
}

// backendRef checks one item of backendRefs of an HTTPRoute or a
// GRPCRoute, without its filters.
func (c *checker) backendRef(b *gwv1.BackendRef) {
	// group: default "", maxLength 253, empty or lowercase DNS labels.
	group := ""
	if b.Group != nil {
		c.n++
		group = string(*b.Group)
		c.fail(!isGroup(group))
	}
	// kind: default Service, as the kind of a parentRef.
	kind := "Service"
	if b.Kind != nil {
		c.n++
		kind = string(*b.Kind)
		c.fail(!isKind(kind))
	}
	c.objectName(string(b.Name))
	if b.Namespace != nil {
		c.n++
		c.fail(!isNamespace(string(*b.Namespace)))
	}
	if b.Port != nil {
		c.n++
		c.fail(*b.Port < 1 || *b.Port > 65535)
	}
	// weight: default 1, 0-1000000.
	if b.Weight != nil {
		c.n++
		c.fail(*b.Weight < 0 || *b.Weight > 1000000)
	}
	// CEL on the item: "Must have port for Service reference".
	c.fail(group == "" && kind == "Service" && b.Port == nil)
}

// objectName checks a required name of 1-253 characters. An empty one is
// either absent or written empty, wrong both ways.
func (c *checker) objectName(s string) {
	if s != "" {
		c.n++
	}
	c.fail(s == "" || utf8.RuneCountInString(s) > 253)
}

func parentGroup(p *gwv1.ParentReference) string {
	if p.Group == nil {
		return gwv1.GroupName
	}
	return string(*p.Group)
}

func parentKind(p *gwv1.ParentReference) string {
	if p.Kind == nil {
		return "Gateway"
	}
	return string(*p.Kind)
}

func deref[T ~string](p *T) T {
	if p == nil {
		return ""
	}
	return *p
}

// isDNSLabels reports whether s matches
// ^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$: labels
// of lowercase letters, digits and inner dashes, joined by dots.
func isDNSLabels(s string) bool {
	if s == "" {
		return false
	}
	for len(s) > 0 {
		label := s
		if i := strings.IndexByte(s, '.'); i >= 0 {
			label, s = s[:i], s[i+1:]
			if s == "" {
				return false
			}
		} else {
			s = ""
		}
		if !isLabel(label) {
			return false
		}
	}
	return true
}

// isNamespace is the pattern and length of a Namespace: a label of 1-63
// characters.
func isNamespace(s string) bool {
	return len(s) <= 63 && isLabel(s)
}

// isLabel reports whether s matches ^[a-z0-9]([-a-z0-9]*[a-z0-9])?$.
func isLabel(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		switch b := s[i]; {
		case b >= 'a' && b <= 'z', b >= '0' && b <= '9':
		case b == '-' && i > 0 && i < len(s)-1:
		default:
			return false
		}
	}
	return true
}

// isHostname is the pattern of a route's hostname: an optional "*."
// before DNS labels.
func isHostname(s string) bool {
	return isDNSLabels(strings.TrimPrefix(s, "*."))
}

// isGroup is the pattern and length of a group: empty, or DNS labels.
func isGroup(s string) bool {
	return s == "" || len(s) <= 253 && isDNSLabels(s)
}

// isSectionName is the pattern and length of a SectionName.
func isSectionName(s string) bool {
	return len(s) <= 253 && isDNSLabels(s)
}

// isKind reports whether s matches ^[a-zA-Z]([-a-zA-Z0-9]*[a-zA-Z0-9])?$
// and is 1-63 characters long.
func isKind(s string) bool {
	if s == "" || len(s) > 63 {
		return false
	}
	for i := 0; i < len(s); i++ {
		switch b := s[i]; {
		case b >= 'a' && b <= 'z', b >= 'A' && b <= 'Z':
		case b >= '0' && b <= '9', b == '-':
			if i == 0 || b == '-' && i == len(s)-1 {
				return false
			}
		default:
			return false
		}
	}
	return true
}

// isToken reports whether s matches ^[A-Za-z0-9!#$%&'*+\-.^_\x60|~]+$,
// the pattern of HTTPHeaderName.
func isToken(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		switch b := s[i]; {
		case b >= 'a' && b <= 'z', b >= 'A' && b <= 'Z', b >= '0' && b <= '9':
		case strings.IndexByte("!#$%&'*+-.^_`|~", b) >= 0:
		default:
			return false
		}
	}
	return true
}

// isMatchPath reports whether an Exact or PathPrefix value passes the CEL
// rules on HTTPPathMatch: it starts with a slash; contains no "//", "/./",
// "/../", "%2f", "%2F" or "#"; does not end with "/.." or "/."; and
// matches ^(?:[-A-Za-z0-9/._~!$&'()*+,;=:@]|[%][0-9a-fA-F]{2})+$.
func isMatchPath(s string) bool {
	if !strings.HasPrefix(s, "/") || strings.HasSuffix(s, "/..") || strings.HasSuffix(s, "/.") {
		return false
	}
	for _, bad := range []string{"//", "/./", "/../", "%2f", "%2F", "#"} {
		if strings.Contains(s, bad) {
			return false
		}
	}
	for i := 0; i < len(s); i++ {
		switch b := s[i]; {
		case b >= 'a' && b <= 'z', b >= 'A' && b <= 'Z', b >= '0' && b <= '9':
		case strings.IndexByte("-/._~!$&'()*+,;=:@", b) >= 0:
		case b == '%' && i+2 < len(s) && isHex(s[i+1]) && isHex(s[i+2]):
			i += 2
		default:
			return false
		}
	}
	return true
}

func isHex(b byte) bool {
	return b >= '0' && b <= '9' || b >= 'a' && b <= 'f' || b >= 'A' && b <= 'F'
}
