package proxy

import "bytes"

// maxFastFields bounds the header fields a request may carry and still
// take the fast path; a request with more goes to net/http.
const maxFastFields = 64

// field is one header field of a request head, as slices of the
// connection's read buffer: valid until the buffer is read again.
type field struct{ name, value []byte }

// requestHead is a request head parsed in place: no maps and no copies.
type requestHead struct {
	method string // one of the constants GET, HEAD, OPTIONS
	target []byte // request-target as sent: path, then "?query" if any
	path   []byte // target up to the '?'
	host   []byte
	fields [maxFastFields]field
	n      int
	// size is the length of the head, final empty line included.
	size int
	// close is true when the client's Connection header says close.
	close bool
	// listed is true when a Connection header names fields to drop.
	listed bool
}

// parseResult says what parseRequestHead made of the buffered bytes.
type parseResult int

const (
	// headMore: the head is not complete yet and nothing seen so far
	// rules the fast path out.
	headMore parseResult = iota
	// headFast: a complete head the fast path serves.
	headFast
	// headOther: net/http must read this request (a body, an upgrade,
	// HTTP/1.0, an unusual or malformed head); it answers malformed
	// heads with its own 400 or 431.
	headOther
)

// parseRequestHead parses the head at the start of b. It accepts a strict
// subset of what net/http's server accepts (net/http/request.go
// readRequest, server.go (*conn).readRequest), so that whatever it
// accepts net/http would read the same way; FuzzParseRequestHead checks
// that. Everything else is headOther, for net/http to answer.
func parseRequestHead(b []byte, h *requestHead) parseResult {
	h.n, h.host, h.close, h.listed = 0, nil, false, false
	line, rest, res := nextLine(b)
	if res != headFast {
		return res
	}
	// Request line, RFC 9112 section 3: method SP request-target SP
	// HTTP-version, single spaces.
	sp := bytes.IndexByte(line, ' ')
	if sp < 0 {
		return headOther
	}
	switch string(line[:sp]) {
	case "GET":
		h.method = "GET"
	case "HEAD":
		h.method = "HEAD"
	case "OPTIONS":
		h.method = "OPTIONS"
	default:
		// Other methods may carry a body and are not retried on a
		// kept-alive upstream connection the upstream closed.
		return headOther
	}
	line = line[sp+1:]
	sp = bytes.IndexByte(line, ' ')
	if sp < 0 || string(line[sp+1:]) != "HTTP/1.1" {
		// HTTP/1.0 keep-alive and chunking rules are net/http's.
		return headOther
	}
	h.target = line[:sp]
	if !fastTarget(h.target) {
		return headOther
	}
	h.path = h.target
	if q := bytes.IndexByte(h.target, '?'); q >= 0 {
		h.path = h.target[:q]
	}
	for {
		line, rest, res = nextLine(rest)
		if res != headFast {
			return res
		}
		if len(line) == 0 {
			break
		}
		colon := bytes.IndexByte(line, ':')
		// A line starting with white space (obs-fold, RFC 9112 section
		// 5.2) or a name that is not a token is net/http's to refuse.
		if colon <= 0 || !isToken(line[:colon]) {
			return headOther
		}
		name, value := line[:colon], trimOWS(line[colon+1:])
		if !fieldValueOK(value) {
			return headOther
		}
		switch {
		case equalFold(name, "Host"):
			if h.host != nil || !hostOK(value) {
				return headOther
			}
			h.host = value
		case equalFold(name, "Content-Length"), equalFold(name, "Transfer-Encoding"),
			equalFold(name, "Expect"), equalFold(name, "Upgrade"), equalFold(name, "Te"):
			// A body, 100-continue, an upgrade, or TE: trailers, which
			// httputil.ReverseProxy passes on: net/http serves those.
			return headOther
		case equalFold(name, "Connection"):
			for tok := range tokens(value) {
				switch {
				case equalFold(tok, "close"):
					h.close = true
				case equalFold(tok, "upgrade"):
					return headOther
				case equalFold(tok, "keep-alive"):
				default:
					h.listed = true
				}
			}
		}
		if h.n == len(h.fields) {
			return headOther
		}
		h.fields[h.n] = field{name, value}
		h.n++
	}
	if h.host == nil {
		// HTTP/1.1 requires Host (RFC 9112 section 3.2); net/http
		// answers 400.
		return headOther
	}
	h.size = len(b) - len(rest)
	return headFast
}

// nextLine cuts the CRLF-terminated line at the start of b. A bare LF,
// which net/http tolerates, sends the request to net/http.
func nextLine(b []byte) (line, rest []byte, res parseResult) {
	i := bytes.IndexByte(b, '\n')
	if i < 0 {
		if len(b) > 0 && bytes.IndexByte(b, '\r') >= 0 && b[len(b)-1] != '\r' {
			// A CR not followed by LF.
			return nil, nil, headOther
		}
		return nil, nil, headMore
	}
	if i == 0 || b[i-1] != '\r' {
		return nil, nil, headOther
	}
	line = b[:i-1]
	if bytes.IndexByte(line, '\r') >= 0 {
		return nil, nil, headOther
	}
	return line, b[i+1:], headFast
}

// fastTarget reports whether a request-target is in origin-form (RFC 9112
// section 3.2.1) and reads the same in every way the proxy uses it:
// net/url.ParseRequestURI accepts it and URL.EscapedPath gives the path
// back byte for byte (net/url/url.go validEncoded and shouldEscape), so
// the engine sees the same path as for a request net/http parsed.
// Absolute-form, asterisk-form and fragments go to net/http.
func fastTarget(t []byte) bool {
	if len(t) == 0 || t[0] != '/' {
		return false
	}
	inQuery := false
	for i := 0; i < len(t); i++ {
		c := t[i]
		if c <= ' ' || c >= 0x7f {
			return false
		}
		if inQuery {
			if c == '#' {
				return false
			}
			continue
		}
		switch c {
		case '?':
			inQuery = true
		case '%':
			if i+2 >= len(t) || !isHex(t[i+1]) || !isHex(t[i+2]) {
				return false
			}
		case '"', '#', '<', '>', '\\', '^', '`', '{', '|', '}':
			return false
		}
	}
	return true
}

// simplePath reports whether a path is one fastTarget would accept
// without a query: url.ParseRequestURI and EscapedPath leave it as it is.
func simplePath(p string) bool {
	if len(p) == 0 || p[0] != '/' {
		return false
	}
	for i := 0; i < len(p); i++ {
		switch c := p[i]; {
		case c <= ' ' || c >= 0x7f:
			return false
		case c == '%':
			if i+2 >= len(p) || !isHex(p[i+1]) || !isHex(p[i+2]) {
				return false
			}
		case c == '?' || c == '"' || c == '#' || c == '<' || c == '>' || c == '\\' ||
			c == '^' || c == '`' || c == '{' || c == '|' || c == '}':
			return false
		}
	}
	return true
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

// isToken reports whether b is a token (RFC 9110 section 5.6.2), as
// golang.org/x/net/http/httpguts.ValidHeaderFieldName checks.
func isToken(b []byte) bool {
	if len(b) == 0 {
		return false
	}
	for _, c := range b {
		if c >= 0x80 || !tokenChars[c] {
			return false
		}
	}
	return true
}

var tokenChars = func() (t [128]bool) {
	for c := '0'; c <= '9'; c++ {
		t[c] = true
	}
	for c := 'a'; c <= 'z'; c++ {
		t[c] = true
		t[c-'a'+'A'] = true
	}
	for _, c := range "!#$%&'*+-.^_`|~" {
		t[c] = true
	}
	return t
}()

// fieldValueOK accepts visible ASCII, space and tab: a subset of what
// httpguts.ValidHeaderFieldValue accepts (no obs-text, no controls).
func fieldValueOK(v []byte) bool {
	for _, c := range v {
		if (c < ' ' && c != '\t') || c >= 0x7f {
			return false
		}
	}
	return true
}

// hostOK accepts a reg-name or IP literal with an optional port, from
// a subset of the characters httpguts.ValidHostHeader allows; others go
// to net/http, which refuses or punycodes them.
func hostOK(v []byte) bool {
	if len(v) == 0 {
		return false
	}
	for _, c := range v {
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		case c == '.' || c == '-' || c == '_' || c == ':' || c == '[' || c == ']':
		default:
			return false
		}
	}
	return true
}

// trimOWS removes optional white space (RFC 9110 section 5.6.3) around
// a field value, as net/textproto does.
func trimOWS(b []byte) []byte {
	for len(b) > 0 && (b[0] == ' ' || b[0] == '\t') {
		b = b[1:]
	}
	for len(b) > 0 && (b[len(b)-1] == ' ' || b[len(b)-1] == '\t') {
		b = b[:len(b)-1]
	}
	return b
}

// equalFold compares an ASCII field name with a lower- or mixed-case
// constant, case-insensitively.
func equalFold(b []byte, s string) bool {
	if len(b) != len(s) {
		return false
	}
	for i := 0; i < len(b); i++ {
		if lower(b[i]) != lower(s[i]) {
			return false
		}
	}
	return true
}

func lower(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

// tokens yields the non-empty elements of a comma-separated list, trimmed.
func tokens(v []byte) func(yield func([]byte) bool) {
	return func(yield func([]byte) bool) {
		for len(v) > 0 {
			var tok []byte
			if i := bytes.IndexByte(v, ','); i >= 0 {
				tok, v = v[:i], v[i+1:]
			} else {
				tok, v = v, nil
			}
			if tok = trimOWS(tok); len(tok) > 0 && !yield(tok) {
				return
			}
		}
	}
}

// listedIn reports whether a field name appears in the comma-separated
// lists of the given Connection fields.
func listedIn(name []byte, conn []field) bool {
	for _, c := range conn {
		for tok := range tokens(c.value) {
			if len(tok) == len(name) && equalFoldBytes(tok, name) {
				return true
			}
		}
	}
	return false
}

func equalFoldBytes(a, b []byte) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if lower(a[i]) != lower(b[i]) {
			return false
		}
	}
	return true
}
