package manifest

import (
	"strings"
	"unsafe"
)

// strArena copies the strings the loaded objects keep into large shared
// blocks. The fast parser's strings point into the input (fastParser.parse),
// so one string kept from a document kept the whole input alive for as long
// as the objects: at 50,000 Ingresses that was the input's 60 MB on top of
// the objects. Copied, a string costs its own bytes, with one allocation
// per block rather than per string, and the input is freed once it is
// parsed.
//
// The blocks are never written again once a string is cut from them, so
// the strings stay immutable. One arena serves one goroutine.
type strArena struct {
	buf []byte
}

// arenaBlock is the size of a block; longer strings get a copy of their
// own.
const arenaBlock = 16 << 10

// clone returns a copy of s in the arena.
func (a *strArena) clone(s string) string {
	switch {
	case a == nil:
		return s
	case s == "":
		return ""
	case len(s) > arenaBlock/8:
		return strings.Clone(s)
	}
	if cap(a.buf)-len(a.buf) < len(s) {
		a.buf = make([]byte, 0, arenaBlock)
	}
	start := len(a.buf)
	a.buf = append(a.buf, s...)
	return unsafe.String(&a.buf[start], len(s))
}
