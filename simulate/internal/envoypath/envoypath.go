// Package envoypath normalizes a request path as an Istio ingress
// gateway's Envoy does before it matches routes.
//
// istiod sets the gateway's HTTP connection manager from the mesh
// config's pathNormalization, whose default (DEFAULT, the same as BASE)
// turns normalize_path on and leaves merge_slashes off, with
// path_with_escaped_slashes_action KEEP_UNCHANGED (istio/istio
// pilot/pkg/networking/core/listener_builder.go,
// buildHTTPConnectionManager). Slashes are merged only with
// pathNormalization MERGE_SLASHES or DECODE_AND_MERGE_SLASHES, or a
// ProxyConfig connectionSettings profile EDGE
// (pilot/pkg/networking/core/connection_settings.go).
//
// Envoy's normalize_path is RFC 3986 normalization by Chromium's path
// canonicalizer (envoyproxy/envoy source/common/http/path_utility.cc
// PathTransformer::rfcNormalize; the rules are in
// source/common/chromium_url/url_canon_path.cc, DoPartialPath). A path it
// cannot canonicalize is answered 400 by Envoy itself
// (source/common/http/conn_manager_utility.cc, maybeNormalizePath).
package envoypath

import "strings"

// class is how the canonicalizer treats one byte of a path
// (url_canon_path.cc, kPathCharLookup).
type class uint8

const (
	pass     class = iota // copied as is, and kept escaped when escaped
	unescape              // copied as is; decoded when escaped
	escape                // percent-encoded in the output
	invalid               // fails the path (NUL)
)

var classes = func() [256]class {
	var t [256]class
	for c := 0; c < 256; c++ {
		switch {
		case c == 0:
			t[c] = invalid
		case c < 0x20, c >= 0x7f:
			t[c] = escape
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9',
			c == '-', c == '.', c == '_', c == '~':
			t[c] = unescape
		case strings.IndexByte(" \"#%<>?\\^`{|}", byte(c)) >= 0:
			t[c] = escape
		default:
			t[c] = pass
		}
	}
	return t
}()

// Normalize returns path (without its query string) as Envoy rewrites it
// with normalize_path on and merge_slashes off, and ok=false when Envoy
// rejects it with a 400:
//
//   - "." and ".." segments are removed, also when written "%2e"; ".."
//     never climbs above the root;
//   - a backslash becomes "/";
//   - an escaped unreserved character (ALPHA, DIGIT, "-", ".", "_", "~")
//     is decoded; every other escape, "%2F" among them, is kept as
//     written, hex case included; a "%" that starts no escape is kept;
//   - a space, control or non-ASCII byte and any of `"#<>?^{|}` and
//     the backquote are percent-encoded;
//   - runs of "/" are kept;
//   - a NUL byte, raw or "%00", fails the path.
func Normalize(path string) (string, bool) {
	out := make([]byte, 0, len(path)+1)
	if path == "" || (path[0] != '/' && path[0] != '\\') {
		out = append(out, '/')
	}
	ok := true
	// lastStray is where in out the last "%" that started no escape was
	// written, for nestedEscape.
	lastStray := -3
	for i := 0; i < len(path); i++ {
		c := path[i]
		if n := dotLen(path, i); n > 0 {
			if len(out) == 0 || out[len(out)-1] != '/' {
				// A dot inside a segment is part of the name.
				out = append(out, '.')
				i += n - 1
				continue
			}
			kind, consumed := afterDot(path, i+n)
			switch kind {
			case notDirectory:
				out = append(out, '.')
			case upDirectory:
				out = backUp(out)
				if lastStray >= len(out) {
					lastStray = -3 // the stray "%" went with its segment
				}
			}
			i += n + consumed - 1
			continue
		}
		switch {
		case c == '\\':
			out = append(out, '/')
		case c == '%':
			if i+2 < len(path) && isHex(path[i+1]) && isHex(path[i+2]) {
				v := unhex(path[i+1])<<4 | unhex(path[i+2])
				switch classes[v] {
				case unescape:
					out = append(out, v)
					if lastStray >= len(out)-3 {
						out = nestedEscape(path, i+3, lastStray, out)
					}
				case invalid:
					out = append(out, path[i:i+3]...)
					ok = false
				default:
					out = append(out, path[i:i+3]...)
				}
				i += 2
				continue
			}
			lastStray = len(out)
			out = append(out, '%')
		case classes[c] == invalid:
			out = append(out, '%', hexDigit[c>>4], hexDigit[c&15])
			ok = false
		case classes[c] == escape:
			out = append(out, '%', hexDigit[c>>4], hexDigit[c&15])
		default:
			out = append(out, c)
		}
	}
	return string(out), ok
}

const hexDigit = "0123456789ABCDEF"

// nestedEscape keeps a decoded character from turning a stray "%"
// written just before it into an escape ("%6%61" must not become "%6a",
// which a second decoding would read as "j"): that "%" is written "%25"
// (url_canon_path.cc, CheckForNestedEscapes). next indexes the input
// after the escape just decoded; stray indexes the "%" in out.
func nestedEscape(path string, next, stray int, out []byte) []byte {
	n := len(out)
	last := out[n-1]
	appendNext := stray == n-2
	if appendNext {
		// "%c" so far: the next input byte would complete an escape.
		if next == len(path) || path[next] >= 0x80 {
			return out
		}
		out = append(out, path[next])
	}
	if !isHex(out[stray+1]) || !isHex(out[stray+2]) {
		return out[:n]
	}
	if !appendNext {
		out = append(out, out[stray+1])
	}
	out[stray+1], out[stray+2] = '2', '5'
	return append(out, last)
}

// dotLen returns the length of the dot at path[i]: 1 for ".", 3 for
// "%2e" or "%2E", 0 for anything else (url_canon_internal.h, IsDot).
func dotLen(path string, i int) int {
	switch {
	case path[i] == '.':
		return 1
	case path[i] == '%' && i+2 < len(path) && path[i+1] == '2' && (path[i+2] == 'e' || path[i+2] == 'E'):
		return 3
	}
	return 0
}

type dotKind int

const (
	notDirectory dotKind = iota // part of a name, as in ".well-known"
	currentDirectory
	upDirectory
)

// afterDot classifies a dot that follows a "/" by what comes after it at
// path[j], and returns how many more bytes the dot segment takes
// (url_canon_path.cc, ClassifyAfterDot).
func afterDot(path string, j int) (dotKind, int) {
	switch {
	case j == len(path):
		return currentDirectory, 0
	case path[j] == '/' || path[j] == '\\':
		return currentDirectory, 1
	}
	if n := dotLen(path, j); n > 0 {
		k := j + n
		switch {
		case k == len(path):
			return upDirectory, n
		case path[k] == '/' || path[k] == '\\':
			return upDirectory, n + 1
		}
	}
	return notDirectory, 0
}

// backUp removes the last segment of out, which ends with "/", keeping
// the root (url_canon_path.cc, BackUpToPreviousSlash).
func backUp(out []byte) []byte {
	i := len(out) - 1
	if i == 0 {
		return out
	}
	i--
	for i > 0 && out[i] != '/' {
		i--
	}
	return out[:i+1]
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

func unhex(c byte) byte {
	switch {
	case c <= '9':
		return c - '0'
	case c >= 'a':
		return c - 'a' + 10
	}
	return c - 'A' + 10
}
