package manifest

import (
	"slices"
	"sort"
	"strings"
)

// fieldIndex maps the field paths of one object (API-server form,
// spec.rules[0].http.paths[1].backend.service.port) to their positions.
// Every Ingress keeps one, so it is built for size: the paths share one
// string and the entries, sorted by path, are found by binary search. A
// Go map of strings to positions took four times the memory and most of
// the time spent decoding an Ingress.
type fieldIndex struct {
	file string
	keys string       // every path, concatenated
	ents []fieldEntry // sorted by path, one per path
}

type fieldEntry struct {
	off, end  uint32 // the path is keys[off:end]
	line, col int32
}

func (x *fieldIndex) key(i int) string {
	e := x.ents[i]
	return x.keys[e.off:e.end]
}

// find returns the position recorded for path. A nil index holds nothing.
func (x *fieldIndex) find(path string) (Pos, bool) {
	if x == nil {
		return Pos{}, false
	}
	i := sort.Search(len(x.ents), func(i int) bool { return x.key(i) >= path })
	if i < len(x.ents) && x.key(i) == path {
		e := x.ents[i]
		return Pos{File: x.file, Line: int(e.line), Col: int(e.col)}, true
	}
	return Pos{}, false
}

// fieldBuilder collects paths and positions while an object is decoded.
// One builder is reused for object after object.
type fieldBuilder struct {
	buf  []byte
	ents []fieldEntry
}

func (b *fieldBuilder) reset() {
	b.buf = b.buf[:0]
	b.ents = b.ents[:0]
}

// add records the position of path; a later position for the same path
// replaces an earlier one.
func (b *fieldBuilder) add(path []byte, line, col int) {
	off := len(b.buf)
	b.buf = append(b.buf, path...)
	b.ents = append(b.ents, fieldEntry{off: uint32(off), end: uint32(len(b.buf)), line: int32(line), col: int32(col)})
}

// index returns what was recorded, sorted for lookups.
func (b *fieldBuilder) index(file string) *fieldIndex {
	x := &fieldIndex{file: file, keys: string(b.buf)}
	ents := slices.Clone(b.ents)
	slices.SortStableFunc(ents, func(a, c fieldEntry) int {
		return strings.Compare(x.keys[a.off:a.end], x.keys[c.off:c.end])
	})
	// Of the entries for one path, the last recorded wins, as the last
	// assignment to a map key would.
	out := ents[:0]
	for i, e := range ents {
		if i+1 < len(ents) && x.keys[e.off:e.end] == x.keys[ents[i+1].off:ents[i+1].end] {
			continue
		}
		out = append(out, e)
	}
	x.ents = slices.Clip(out)
	return x
}

// with returns the index with the positions in add for the paths it does
// not hold yet.
func (x *fieldIndex) with(add map[string]Pos) *fieldIndex {
	var b fieldBuilder
	for i := range x.ents {
		e := x.ents[i]
		b.add([]byte(x.key(i)), int(e.line), int(e.col))
	}
	paths := make([]string, 0, len(add))
	for k := range add {
		paths = append(paths, k)
	}
	sort.Strings(paths)
	for _, k := range paths {
		if _, ok := x.find(k); !ok {
			b.add([]byte(k), add[k].Line, add[k].Col)
		}
	}
	return b.index(x.file)
}

// each calls f for every recorded path, in order.
func (x *fieldIndex) each(f func(path string, p Pos)) {
	if x == nil {
		return
	}
	for i, e := range x.ents {
		f(x.key(i), Pos{File: x.file, Line: int(e.line), Col: int(e.col)})
	}
}
