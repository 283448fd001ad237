// Package author builds Ingress objects from kubectl's `create ingress`
// flags and edits Ingress manifests in place, rule by rule.
//
// The rule syntax is kubectl's (k8s.io/kubectl pkg/cmd/create/create_ingress.go,
// ruleRegex): host/path=service:port[,tls[=secret]]. A trailing "*" on the
// path makes it a Prefix path, any other path is Exact. Where kubectl's
// regular expression accepts a rule that its builders then misread, a
// rule here is read once, end to end, and every malformed rule is a
// *RuleError pointing at the character that is wrong.
package author

import (
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	"k8s.io/apimachinery/pkg/util/validation"
)

// Rule is one parsed --rule: a host, a path and its backend, and the TLS
// request that came with it.
type Rule struct {
	// Host is the rule's host; "" for every host.
	Host string
	// Path is the path without the trailing "*" that asked for Prefix.
	Path string
	// PathType is Exact, Prefix or ImplementationSpecific.
	PathType networkingv1.PathType
	// Backend is the Service (or resource) the path sends to.
	Backend networkingv1.IngressBackend
	// TLS is set by ",tls" and ",tls=<secret>".
	TLS bool
	// Secret is the Secret named by ",tls=<secret>"; "" for the
	// controller's default certificate.
	Secret string
}

// RuleError is a malformed rule or backend. It points at the first
// character that is wrong.
type RuleError struct {
	// Flag is the flag or argument the value came from (--rule).
	Flag string
	// Value is the text as given.
	Value string
	// Offset is the byte offset of the wrong character in Value;
	// len(Value) when something is missing at the end.
	Offset int
	// Msg says what is wrong and what to write instead.
	Msg string
}

// Column returns the 1-based column (in characters) of the wrong
// character.
func (e *RuleError) Column() int {
	off := min(max(e.Offset, 0), len(e.Value))
	return utf8.RuneCountInString(e.Value[:off]) + 1
}

// Error formats the error on three lines: the message, the value, and a
// caret under the wrong character.
func (e *RuleError) Error() string {
	flag := e.Flag
	if flag == "" {
		flag = "--rule"
	}
	return fmt.Sprintf("%s %q: column %d: %s\n  %s\n  %s^", flag, e.Value, e.Column(), e.Msg,
		e.Value, strings.Repeat(" ", e.Column()-1))
}

// RuleSyntax is the syntax of a rule, as kubectl's help writes it, with
// the options this package adds.
const RuleSyntax = "host/path=service:port[,tls[=secret]][,pathType=<type>]"

// PathTypes are the path types a rule may ask for, sorted.
var PathTypes = []string{
	string(networkingv1.PathTypeExact),
	string(networkingv1.PathTypeImplementationSpecific),
	string(networkingv1.PathTypePrefix),
}

// ParseOptions configures ParseRule.
type ParseOptions struct {
	// Flag names the flag in errors; "" means --rule.
	Flag string
	// DefaultPathType is the type of a path that has no trailing "*" and
	// no pathType option; "" means Exact, as in kubectl.
	DefaultPathType networkingv1.PathType
}

// ParseRule reads one rule. The path is the longest one after which the
// rest reads as a backend and options, which is what kubectl's ruleRegex
// means once it is anchored at the end (kubernetes/kubernetes#140926), so
// a path may hold "," and "=" (kubernetes/kubernetes#142261).
func ParseRule(s string, opts ParseOptions) (Rule, error) {
	p := &parser{s: s, flag: opts.Flag}
	var r Rule
	slash := strings.IndexByte(s, '/')
	hostEnd := slash
	if slash < 0 {
		hostEnd = len(s)
	}
	if err := p.host(0, hostEnd); err != nil {
		return r, err
	}
	if slash < 0 {
		if i := strings.IndexAny(s, "=,:"); i >= 0 {
			return r, p.errAt(i, "expected '/' to start the path: a rule is "+RuleSyntax+" (write host/=service:port for the whole host)")
		}
		return r, p.errAt(len(s), "expected '/' and a path: a rule is "+RuleSyntax)
	}
	r.Host = s[:slash]
	// Try the '=' signs from the last to the first: the longest path wins,
	// as the greedy (?P<path>/.*) group of kubectl's ruleRegex does. When
	// none is followed by a valid backend, report the error of the
	// shortest path: a path rarely holds '=', so that reading is the one
	// meant.
	var best *RuleError
	for i := len(s) - 1; i > slash; i-- {
		if s[i] != '=' {
			continue
		}
		tail, err := p.tail(i+1, opts)
		if err == nil {
			path := s[slash:i]
			if err := p.path(slash, i); err != nil {
				return r, err
			}
			r.Backend, r.TLS, r.Secret = tail.backend, tail.tls, tail.secret
			r.PathType = tail.pathType
			switch {
			case r.PathType != "":
			case strings.HasSuffix(path, "*"):
				// create_ingress.go buildHTTPIngressPath: a trailing "*"
				// turns the path into a Prefix and is removed.
				r.PathType = networkingv1.PathTypePrefix
				path = strings.TrimSuffix(path, "*")
			case opts.DefaultPathType != "":
				r.PathType = opts.DefaultPathType
			default:
				r.PathType = networkingv1.PathTypeExact
			}
			r.Path = path
			return r, nil
		}
		best = err.(*RuleError)
	}
	if best != nil {
		return r, best
	}
	if err := p.path(slash, len(s)); err != nil {
		return r, err
	}
	return r, p.errAt(len(s), "expected '=' and a backend after the path: a rule is "+RuleSyntax)
}

// ParseBackend reads a backend: service:port, or Kind.group/name for a
// resource backend.
func ParseBackend(s, flag string) (networkingv1.IngressBackend, error) {
	p := &parser{s: s, flag: flag}
	b, end, err := p.backend(0)
	if err != nil {
		return b, err
	}
	if end != len(s) {
		return b, p.errAt(end, fmt.Sprintf("unexpected %q after the backend", s[end:end+1]))
	}
	return b, nil
}

type parser struct {
	s    string
	flag string
}

func (p *parser) errAt(off int, msg string) *RuleError {
	return &RuleError{Flag: p.flag, Value: p.s, Offset: off, Msg: msg}
}

// host checks s[start:end] as an Ingress host: a DNS-1123 subdomain,
// optionally after "*." (networking validation, validateIngressRules).
func (p *parser) host(start, end int) error {
	h := p.s[start:end]
	if h == "" {
		return nil
	}
	for i := 0; i < len(h); i++ {
		c := h[i]
		switch {
		case c >= 'a' && c <= 'z', c >= '0' && c <= '9', c == '-', c == '.':
		case c == '*' && i == 0:
			if len(h) < 2 || h[1] != '.' {
				return p.errAt(start+1, "a wildcard host is '*.' and a domain (*.example.com)")
			}
		case c >= 'A' && c <= 'Z':
			return p.errAt(start+i, fmt.Sprintf("host names are lowercase: write %q", strings.ToLower(h)))
		case c == '*':
			return p.errAt(start+i, "'*' may only be the first label of a host (*.example.com)")
		case c == ':':
			return p.errAt(start+i, "an Ingress host has no port: remove it (the controller's listener decides the port)")
		case c == '=':
			return p.errAt(start+i, "expected '/' before '=': the path starts with '/' (write host/=service:port for the whole host)")
		default:
			return p.errAt(start+i, fmt.Sprintf("%q cannot appear in a host: use lowercase letters, digits, '-' and '.'", string(rune(c))))
		}
	}
	name := strings.TrimPrefix(h, "*.")
	if errs := validation.IsDNS1123Subdomain(name); len(errs) > 0 {
		return p.errAt(start, "invalid host: "+errs[0])
	}
	return nil
}

// path checks s[start:end] as a path: printable and without white space.
func (p *parser) path(start, end int) error {
	for i, c := range p.s[start:end] {
		if c == utf8.RuneError {
			if _, size := utf8.DecodeRuneInString(p.s[start+i:]); size == 1 {
				return p.errAt(start+i, "a path must be UTF-8 text: percent-encode other bytes")
			}
		}
		if c <= ' ' || c == 0x7f {
			return p.errAt(start+i, "a path cannot hold white space or control characters: percent-encode them")
		}
	}
	return nil
}

type tail struct {
	backend  networkingv1.IngressBackend
	tls      bool
	secret   string
	pathType networkingv1.PathType
}

// tail reads backend[,tls[=secret]][,pathType=<type>] from off to the end.
func (p *parser) tail(off int, opts ParseOptions) (tail, error) {
	var t tail
	b, i, err := p.backend(off)
	if err != nil {
		return t, err
	}
	t.backend = b
	seen := map[string]bool{}
	for i < len(p.s) {
		if p.s[i] != ',' {
			return t, p.errAt(i, fmt.Sprintf("unexpected %q after the backend: options follow a ',' (tls, tls=<secret>, pathType=<type>)", p.s[i:i+1]))
		}
		i++
		start := i
		for i < len(p.s) && p.s[i] != ',' && p.s[i] != '=' {
			i++
		}
		key := p.s[start:i]
		if seen[key] {
			return t, p.errAt(start, fmt.Sprintf("%s is given twice", key))
		}
		seen[key] = true
		switch key {
		case "tls":
			t.tls = true
			if i < len(p.s) && p.s[i] == '=' {
				i++
				vs := i
				for i < len(p.s) && p.s[i] != ',' {
					i++
				}
				if err := p.secret(vs, i); err != nil {
					return t, err
				}
				t.secret = p.s[vs:i]
			}
		case "pathType":
			if i >= len(p.s) || p.s[i] != '=' {
				return t, p.errAt(i, "expected '=' and a path type after pathType: "+strings.Join(PathTypes, ", "))
			}
			i++
			vs := i
			for i < len(p.s) && p.s[i] != ',' {
				i++
			}
			v := p.s[vs:i]
			pt, ok := parsePathType(v)
			if !ok {
				return t, p.errAt(vs, fmt.Sprintf("unknown path type %q: use %s", v, strings.Join(PathTypes, ", ")))
			}
			t.pathType = pt
		case "":
			return t, p.errAt(start, "empty option after ',': write tls, tls=<secret> or pathType=<type>")
		default:
			if strings.HasPrefix(key, "tls") {
				// kubectl's regTLS reads ",tlsfoo" as the Secret "foo"
				// while buildTLSRules reads it as no Secret at all.
				return t, p.errAt(start+3, "expected '=' between tls and the Secret name (tls=<secret>)")
			}
			return t, p.errAt(start, fmt.Sprintf("unknown option %q: the options are tls, tls=<secret> and pathType=<type>", key))
		}
	}
	return t, nil
}

// secret checks a TLS Secret name, a DNS-1123 subdomain. An empty name
// is kubectl's ",tls=": the controller's default certificate.
func (p *parser) secret(start, end int) error {
	v := p.s[start:end]
	if v == "" {
		return nil
	}
	if i := badChar(v, true); i >= 0 {
		return p.errAt(start+i, fmt.Sprintf("%q cannot appear in a Secret name: use lowercase letters, digits, '-' and '.'", v[i:i+1]))
	}
	if errs := validation.IsDNS1123Subdomain(v); len(errs) > 0 {
		return p.errAt(start, "invalid Secret name: "+errs[0])
	}
	return nil
}

// backend reads service:port or Kind.group/name starting at off and
// returns the offset just past it.
func (p *parser) backend(off int) (networkingv1.IngressBackend, int, error) {
	var b networkingv1.IngressBackend
	end := off
	for end < len(p.s) && p.s[end] != ',' {
		end++
	}
	text := p.s[off:end]
	if text == "" {
		return b, off, p.errAt(off, "expected a backend: service:port, or Kind.group/name for a resource")
	}
	if slash := strings.IndexByte(text, '/'); slash >= 0 && !strings.Contains(text[:slash], ":") {
		r, err := p.resource(off, end)
		b.Resource = r
		return b, end, err
	}
	colon := strings.IndexByte(text, ':')
	nameEnd := end
	if colon >= 0 {
		nameEnd = off + colon
	}
	name := p.s[off:nameEnd]
	if name == "" {
		return b, off, p.errAt(off, "expected a Service name before ':'")
	}
	if i := badChar(name, false); i >= 0 {
		c := name[i : i+1]
		if c == "=" {
			return b, off + i, p.errAt(off+i, "expected ':' between the Service name and the port")
		}
		return b, off + i, p.errAt(off+i, fmt.Sprintf("%q cannot appear in a Service name: use lowercase letters, digits and '-'", c))
	}
	if errs := validation.IsDNS1035Label(name); len(errs) > 0 {
		return b, off, p.errAt(off, "invalid Service name: "+errs[0])
	}
	if colon < 0 {
		return b, end, p.errAt(end, "expected ':' and a port after the Service name (service:80 or service:http)")
	}
	ps := nameEnd + 1
	port := p.s[ps:end]
	if port == "" {
		return b, ps, p.errAt(ps, "expected a port number or name after ':'")
	}
	b.Service = &networkingv1.IngressServiceBackend{Name: name}
	// create_ingress.go parseServiceBackendPort: a number is a port
	// number, anything else a port name (intstr.Parse).
	if n, err := strconv.Atoi(port); err == nil {
		if n < 1 || n > 65535 {
			return b, ps, p.errAt(ps, fmt.Sprintf("port %d is out of range: use 1-65535", n))
		}
		b.Service.Port.Number = int32(n)
		return b, end, nil
	}
	for i := 0; i < len(port); i++ {
		c := port[i]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-') {
			return b, ps + i, p.errAt(ps+i, fmt.Sprintf("%q cannot appear in a port name: use lowercase letters, digits and '-' (an IANA service name)", port[i:i+1]))
		}
	}
	if errs := validation.IsValidPortName(port); len(errs) > 0 {
		return b, ps, p.errAt(ps, "invalid port name: "+errs[0])
	}
	b.Service.Port.Name = port
	return b, end, nil
}

// resource reads Kind.group/name (or Kind/name for the core group), the
// way kubectl names a resource of a group (kubectl get TYPE.GROUP/NAME).
func (p *parser) resource(start, end int) (*corev1.TypedLocalObjectReference, error) {
	text := p.s[start:end]
	slash := strings.IndexByte(text, '/')
	kindGroup, name := text[:slash], text[slash+1:]
	if kindGroup == "" {
		return nil, p.errAt(start, "expected a Kind before '/': a resource backend is Kind.group/name")
	}
	kind, group, _ := strings.Cut(kindGroup, ".")
	if kind == "" {
		return nil, p.errAt(start, "expected a Kind before '.': a resource backend is Kind.group/name")
	}
	if kind[0] < 'A' || kind[0] > 'Z' {
		return nil, p.errAt(start, fmt.Sprintf("a Kind starts with an uppercase letter (%s): a resource backend is Kind.group/name", strings.ToUpper(kind[:1])+kind[1:]))
	}
	for i := 0; i < len(kind); i++ {
		c := kind[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
			return nil, p.errAt(start+i, fmt.Sprintf("%q cannot appear in a Kind", kind[i:i+1]))
		}
	}
	gs := start + len(kind) + 1
	if group != "" {
		if i := badChar(group, true); i >= 0 {
			return nil, p.errAt(gs+i, fmt.Sprintf("%q cannot appear in an API group", group[i:i+1]))
		}
		if errs := validation.IsDNS1123Subdomain(group); len(errs) > 0 {
			return nil, p.errAt(gs, "invalid API group: "+errs[0])
		}
	}
	ns := start + slash + 1
	if name == "" {
		return nil, p.errAt(ns, "expected the resource's name after '/'")
	}
	if i := badChar(name, true); i >= 0 {
		return nil, p.errAt(ns+i, fmt.Sprintf("%q cannot appear in a resource name", name[i:i+1]))
	}
	if errs := validation.IsDNS1123Subdomain(name); len(errs) > 0 {
		return nil, p.errAt(ns, "invalid resource name: "+errs[0])
	}
	ref := &corev1.TypedLocalObjectReference{Kind: kind, Name: name}
	if group != "" {
		ref.APIGroup = &group
	}
	return ref, nil
}

// badChar returns the index of the first byte that cannot appear in a
// lowercase DNS name (dots allowed when dots is set), or -1.
func badChar(s string, dots bool) int {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || dots && c == '.' {
			continue
		}
		return i
	}
	return -1
}

func parsePathType(s string) (networkingv1.PathType, bool) {
	for _, t := range PathTypes {
		if t == s {
			return networkingv1.PathType(t), true
		}
	}
	return "", false
}
