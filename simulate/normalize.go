package simulate

import "strings"

// NormalizePath returns the request path as a controller compares it with
// rules, so that "/users/../admin" or "/%61dmin" cannot slip past a rule
// for "/admin":
//
//   - percent-encoded unreserved characters (ALPHA, DIGIT, "-", ".", "_",
//     "~") are decoded and the hex digits of every other escape are
//     upper-cased (RFC 3986 section 6.2.2.1 and 6.2.2.2); other escapes,
//     "%2F" among them, stay encoded;
//   - runs of "/" are merged into one, as nginx does with merge_slashes
//     on, its default (nginx ngx_http_parse_complex_uri);
//   - "." and ".." segments are removed (RFC 3986 section 5.2.4); ".."
//     never climbs above the root.
//
// path must start with "/" and carry no query string; a path that does
// not start with "/" is treated as if it did.
func NormalizePath(path string) string {
	for !isClean(path) {
		next := normalizeOnce(path)
		if next == path {
			break
		}
		// Decoding can make a new escape or dot segment of what was
		// not one ("%%32e" decodes to "%2e"): repeat until nothing
		// changes, so that normalizing twice changes nothing.
		path = next
	}
	return path
}

// normalizeOnce makes one pass of decoding, slash merging and dot-segment
// removal.
func normalizeOnce(path string) string {
	// Decode unreserved escapes.
	var b strings.Builder
	b.Grow(len(path) + 1)
	if !strings.HasPrefix(path, "/") {
		b.WriteByte('/')
	}
	for i := 0; i < len(path); i++ {
		c := path[i]
		if c == '%' && i+2 < len(path) && IsHex(path[i+1]) && IsHex(path[i+2]) {
			v := Unhex(path[i+1])<<4 | Unhex(path[i+2])
			if isUnreserved(v) {
				b.WriteByte(v)
			} else {
				b.WriteByte('%')
				b.WriteByte(upper(path[i+1]))
				b.WriteByte(upper(path[i+2]))
			}
			i += 2
			continue
		}
		b.WriteByte(c)
	}
	decoded := b.String()

	// Split into segments, merging slashes and removing dot segments.
	segs := make([]string, 0, strings.Count(decoded, "/"))
	trailing := false
	rest := decoded[1:]
	for {
		seg, tail, more := strings.Cut(rest, "/")
		switch seg {
		case "":
			// an empty segment from "//" or a trailing "/"
			trailing = !more
		case ".":
			trailing = true
		case "..":
			if len(segs) > 0 {
				segs = segs[:len(segs)-1]
			}
			trailing = true
		default:
			segs = append(segs, seg)
			trailing = false
		}
		if !more {
			break
		}
		rest = tail
	}
	out := "/" + strings.Join(segs, "/")
	if trailing && len(segs) > 0 {
		out += "/"
	}
	return out
}

// isClean reports whether NormalizePath would return path unchanged, so
// that the common case allocates nothing.
func isClean(path string) bool {
	if path == "" || path[0] != '/' {
		return false
	}
	for i := 0; i < len(path); i++ {
		switch path[i] {
		case '%':
			return false
		case '/':
			if i+1 < len(path) {
				switch path[i+1] {
				case '/':
					return false
				case '.':
					// "/." or "/.." as a whole segment
					j := i + 2
					if j < len(path) && path[j] == '.' {
						j++
					}
					if j == len(path) || path[j] == '/' {
						return false
					}
				}
			}
		}
	}
	return true
}

// IsHex reports whether c is a hexadecimal digit.
func IsHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

// Unhex returns the value of the hexadecimal digit c.
func Unhex(c byte) byte {
	switch {
	case '0' <= c && c <= '9':
		return c - '0'
	case 'a' <= c && c <= 'f':
		return c - 'a' + 10
	default:
		return c - 'A' + 10
	}
}

func upper(c byte) byte {
	if 'a' <= c && c <= 'f' {
		return c - 'a' + 'A'
	}
	return c
}

// isUnreserved reports whether c is an RFC 3986 unreserved character.
func isUnreserved(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' ||
		c == '-' || c == '.' || c == '_' || c == '~'
}
