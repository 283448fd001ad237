package crdvalidate

import (
	gwv1 "sigs.k8s.io/gateway-api/apis/v1"
)

// GatewaySpec is HTTPRouteSpec for a gateway.networking.k8s.io/v1
// Gateway, with the rules of the v1 version of the standard-channel
// Gateway CRD in crds/. It answers Unknown for addresses, infrastructure,
// allowedListeners, spec.tls, a listener's TLS options, namespace
// selectors and protocols of the domain-prefixed form.
func GatewaySpec(spec *gwv1.GatewaySpec, written int) Verdict {
	if written < 0 && written != AsConverted || spec.DefaultScope != "" ||
		spec.Infrastructure != nil || spec.AllowedListeners != nil || spec.TLS != nil {
		return Unknown
	}
	c := checker{conv: written == AsConverted}
	if !c.absent(spec.Addresses == nil, len(spec.Addresses)) {
		return Unknown
	}
	// gatewayClassName: required, 1-253 characters.
	c.objectName(string(spec.GatewayClassName))
	// listeners: required, 1-64 items, a list-type map keyed by name.
	c.list(spec.Listeners == nil, len(spec.Listeners))
	c.fail(len(spec.Listeners) < 1 || len(spec.Listeners) > 64)
	for i := range spec.Listeners {
		if !c.listener(&spec.Listeners[i]) {
			return Unknown
		}
	}
	// The CEL rules on listeners: unique names, and a unique
	// combination of port, protocol and hostname (an absent hostname
	// equal only to another absent one).
	for i := range spec.Listeners {
		for j := i + 1; j < len(spec.Listeners); j++ {
			a, b := &spec.Listeners[i], &spec.Listeners[j]
			c.fail(a.Name == b.Name)
			sameHost := (a.Hostname == nil) == (b.Hostname == nil) && (a.Hostname == nil || *a.Hostname == *b.Hostname)
			c.fail(a.Port == b.Port && a.Protocol == b.Protocol && sameHost)
		}
	}
	switch {
	case !c.conv && c.n != written:
		return Unknown
	case c.invalid:
		return Invalid
	}
	return Valid
}

// listener checks one item of listeners; false means Unknown.
func (c *checker) listener(l *gwv1.Listener) bool {
	// name: required, 1-253 characters, lowercase DNS labels.
	if l.Name != "" {
		c.n++
	}
	c.fail(!isSectionName(string(l.Name)))
	// hostname: as a route's hostname.
	if l.Hostname != nil {
		c.n++
		s := string(*l.Hostname)
		c.fail(len(s) > 253 || !isHostname(s))
	}
	// port: required, 1-65535.
	if l.Port != 0 {
		c.n++
	}
	c.fail(l.Port < 1 || l.Port > 65535)
	// protocol: required, 1-255 characters matching
	// ^[a-zA-Z0-9]([-a-zA-Z0-9]*[a-zA-Z0-9])?$ or, the second
	// alternative anchored at the end only, a domain-prefixed name:
	// that form is left to Validate.
	p := string(l.Protocol)
	if p != "" {
		c.n++
	}
	if p != "" && !isLabelFold(p) {
		return false
	}
	c.fail(p == "" || len(p) > 255)
	if tls := l.TLS; tls != nil {
		c.n++
		if tls.Options != nil {
			return false
		}
		// mode: default Terminate, enum Terminate and Passthrough.
		mode := gwv1.TLSModeTerminate
		if tls.Mode != nil {
			c.n++
			mode = *tls.Mode
			c.fail(mode != gwv1.TLSModeTerminate && mode != gwv1.TLSModePassthrough)
		}
		// certificateRefs: maxItems 64; group default "", kind
		// default Secret, name required, namespace a label.
		if c.list(tls.CertificateRefs == nil, len(tls.CertificateRefs)) {
			c.fail(len(tls.CertificateRefs) > 64)
			for i := range tls.CertificateRefs {
				r := &tls.CertificateRefs[i]
				if r.Group != nil {
					c.n++
					c.fail(!isGroup(string(*r.Group)))
				}
				if r.Kind != nil {
					c.n++
					c.fail(!isKind(string(*r.Kind)))
				}
				c.objectName(string(r.Name))
				if r.Namespace != nil {
					c.n++
					c.fail(!isNamespace(string(*r.Namespace)))
				}
			}
		}
		// CEL on tls: "certificateRefs or options must be specified
		// when mode is Terminate".
		c.fail(mode == gwv1.TLSModeTerminate && len(tls.CertificateRefs) == 0)
		// CEL on listeners: "tls must not be specified for
		// protocols ['HTTP', 'TCP', 'UDP']", "tls mode must be
		// Terminate for protocol HTTPS".
		c.fail(p == "HTTP" || p == "TCP" || p == "UDP")
		c.fail(p == "HTTPS" && mode != gwv1.TLSModeTerminate)
	}
	// CEL on listeners: "tls mode must be set for protocol TLS" (a
	// present tls always has a mode, by default).
	c.fail(p == "TLS" && l.TLS == nil)
	// CEL on listeners: "hostname must not be specified for protocols
	// ['TCP', 'UDP']".
	c.fail((p == "TCP" || p == "UDP") && l.Hostname != nil && *l.Hostname != "")
	if ar := l.AllowedRoutes; ar != nil {
		c.n++
		if ns := ar.Namespaces; ns != nil {
			c.n++
			if ns.Selector != nil {
				return false
			}
			// from: default Same, enum All, Selector, Same.
			if ns.From != nil {
				c.n++
				switch *ns.From {
				case gwv1.NamespacesFromAll, gwv1.NamespacesFromSelector, gwv1.NamespacesFromSame:
				default:
					c.invalid = true
				}
			}
		}
		// kinds: maxItems 8; group as a parentRef's, kind required.
		if c.list(ar.Kinds == nil, len(ar.Kinds)) {
			c.fail(len(ar.Kinds) > 8)
			for i := range ar.Kinds {
				k := &ar.Kinds[i]
				if k.Group != nil {
					c.n++
					c.fail(!isGroup(string(*k.Group)))
				}
				if k.Kind != "" {
					c.n++
				}
				c.fail(!isKind(string(k.Kind)))
			}
		}
	}
	return true
}

// isLabelFold reports whether s matches
// ^[a-zA-Z0-9]([-a-zA-Z0-9]*[a-zA-Z0-9])?$, the first form of a protocol.
func isLabelFold(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		switch b := s[i]; {
		case b >= 'a' && b <= 'z', b >= 'A' && b <= 'Z', b >= '0' && b <= '9':
		case b == '-' && i > 0 && i < len(s)-1:
		default:
			return false
		}
	}
	return true
}
