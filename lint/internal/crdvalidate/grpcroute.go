package crdvalidate

import (
	"unicode/utf8"

	gwv1 "sigs.k8s.io/gateway-api/apis/v1"
)

// GRPCRouteSpec is HTTPRouteSpec for a gateway.networking.k8s.io/v1
// GRPCRoute, with the rules of the v1 version of the standard-channel
// GRPCRoute CRD in crds/. It answers Unknown for filters and the fields
// the standard channel prunes (sessionPersistence, useDefaultGateways).
func GRPCRouteSpec(spec *gwv1.GRPCRouteSpec, written int) Verdict {
	if written < 0 && written != AsConverted || spec.UseDefaultGateways != "" {
		return Unknown
	}
	c := checker{conv: written == AsConverted}
	c.parentRefs(spec.ParentRefs)
	c.hostnames(spec.Hostnames)
	if c.list(spec.Rules == nil, len(spec.Rules)) {
		// spec.rules: maxItems 16, no minimum and no default.
		c.fail(len(spec.Rules) > 16)
		matches := 0
		for i := range spec.Rules {
			r := &spec.Rules[i]
			if !c.absent(r.Filters == nil, len(r.Filters)) || r.SessionPersistence != nil {
				return Unknown
			}
			if r.Name != nil {
				c.n++
				c.fail(!isSectionName(string(*r.Name)))
			}
			if c.list(r.Matches == nil, len(r.Matches)) {
				// matches: maxItems 64, no default.
				c.fail(len(r.Matches) > 64)
				matches += len(r.Matches)
				for j := range r.Matches {
					if !c.grpcMatch(&r.Matches[j]) {
						return Unknown
					}
				}
			}
			if c.list(r.BackendRefs == nil, len(r.BackendRefs)) {
				c.fail(len(r.BackendRefs) > 16)
				for j := range r.BackendRefs {
					if f := r.BackendRefs[j].Filters; !c.absent(f == nil, len(f)) {
						return Unknown
					}
					c.backendRef(&r.BackendRefs[j].BackendRef)
				}
			}
		}
		// spec.rules CEL: at most 128 matches in all rules.
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

// grpcMatch checks one item of matches; false means Unknown.
func (c *checker) grpcMatch(m *gwv1.GRPCRouteMatch) bool {
	if mm := m.Method; mm != nil {
		c.n++
		// type: default Exact, enum Exact and RegularExpression;
		// service and method: maxLength 1024.
		typ := gwv1.GRPCMethodMatchExact
		if mm.Type != nil {
			c.n++
			typ = *mm.Type
			c.fail(typ != gwv1.GRPCMethodMatchExact && typ != gwv1.GRPCMethodMatchRegularExpression)
		}
		if mm.Service != nil {
			c.n++
			c.fail(utf8.RuneCountInString(*mm.Service) > 1024)
		}
		if mm.Method != nil {
			c.n++
			c.fail(utf8.RuneCountInString(*mm.Method) > 1024)
		}
		// CEL on method: type always has a value once defaulted, so
		// "One or both of 'service' or 'method' must be specified".
		c.fail(mm.Service == nil && mm.Method == nil)
		if typ == gwv1.GRPCMethodMatchExact {
			// CEL: an Exact service matches
			// ^(?i)\.?[a-z_][a-z_0-9]*(\.[a-z_][a-z_0-9]*)*$ and an
			// Exact method ^[A-Za-z_][A-Za-z_0-9]*$. Case folding
			// also lets a few non-ASCII letters match the first
			// (U+017F, U+212A): those are left to Validate.
			if mm.Service != nil {
				ok, ascii := isGRPCService(*mm.Service)
				if !ascii {
					return false
				}
				c.fail(!ok)
			}
			if mm.Method != nil {
				c.fail(!isGRPCMethod(*mm.Method))
			}
		}
	}
	if c.list(m.Headers == nil, len(m.Headers)) {
		// headers: maxItems 16, list-type map keyed by name; each as
		// an HTTPRoute's header match.
		c.fail(len(m.Headers) > 16)
		for i := range m.Headers {
			h := &m.Headers[i]
			c.nameValue(h.Type != nil, string(deref(h.Type)), string(h.Name), h.Value, 4096)
			for _, g := range m.Headers[:i] {
				c.fail(g.Name == h.Name)
			}
		}
	}
	return true
}

// isGRPCService reports whether an ASCII s matches the pattern of an
// Exact service: dot-separated identifiers of letters, digits and
// underscores, not starting with a digit, with an optional leading dot.
// ascii is false when s holds other bytes.
func isGRPCService(s string) (ok, ascii bool) {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false, false
		}
	}
	if len(s) > 0 && s[0] == '.' {
		s = s[1:]
	}
	start := true
	for i := 0; i < len(s); i++ {
		switch b := s[i]; {
		case b == '.':
			if start {
				return false, true
			}
			start = true
		case b >= 'a' && b <= 'z', b >= 'A' && b <= 'Z', b == '_':
			start = false
		case b >= '0' && b <= '9':
			if start {
				return false, true
			}
		default:
			return false, true
		}
	}
	return !start, true
}

// isGRPCMethod reports whether s matches ^[A-Za-z_][A-Za-z_0-9]*$.
func isGRPCMethod(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		switch b := s[i]; {
		case b >= 'a' && b <= 'z', b >= 'A' && b <= 'Z', b == '_':
		case b >= '0' && b <= '9' && i > 0:
		default:
			return false
		}
	}
	return true
}
