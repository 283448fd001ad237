package manifest

import (
	"slices"
	"sort"
	"strconv"
	"strings"
)

// fieldIndex maps the field paths of one object (API-server form,
// spec.rules[0].http.paths[1].backend.service.port) to their positions.
// Every Ingress keeps one, so it is built for size: a tree of path
// segments in document order, whose names are the json names of the
// k8s.io/api fields or the keys as written, shared with the decoded
// object, so no path is stored whole. A Go map from whole paths took three
// times the memory, most of what a loaded Ingress holds, and most of the
// time spent decoding it.
type fieldIndex struct {
	file string
	ents []fieldEntry // depth first, in the order the fields were read
}

// fieldEntry is one segment: a name, or an index in a list.
type fieldEntry struct {
	name      string // ".name"-style segment; several segments when stored flat
	idx       int32  // the list index for a "[idx]" segment, else -1
	end       int32  // the entries of the subtree end before end
	line, col int32
}

// find returns the position recorded for path. A nil index holds nothing.
func (x *fieldIndex) find(path string) (Pos, bool) {
	if x == nil || path == "" {
		return Pos{}, false
	}
	i := x.lookup(0, len(x.ents), path)
	if i < 0 {
		return Pos{}, false
	}
	e := x.ents[i]
	return Pos{File: x.file, Line: int(e.line), Col: int(e.col)}, true
}

// lookup finds path among the siblings that start at from and the
// subtrees below them. When a path was recorded twice, the later record
// wins, as a later assignment to a map key would.
func (x *fieldIndex) lookup(from, to int, path string) int {
	found := -1
	for i := from; i < to; i = int(x.ents[i].end) {
		e := &x.ents[i]
		var rest string
		var ok bool
		if e.idx >= 0 {
			rest, ok = cutIndex(path, int(e.idx))
		} else {
			rest, ok = strings.CutPrefix(path, e.name)
		}
		if !ok {
			continue
		}
		switch {
		case rest == "":
			found = i
			continue
		case rest[0] == '.':
			rest = rest[1:]
		case rest[0] != '[':
			continue
		}
		if k := x.lookup(i+1, int(e.end), rest); k >= 0 {
			found = k
		}
	}
	return found
}

// cutIndex removes "[idx]" from the front of path.
func cutIndex(path string, idx int) (string, bool) {
	if len(path) < 3 || path[0] != '[' {
		return "", false
	}
	j := strings.IndexByte(path, ']')
	if j < 2 || (path[1] == '0' && j > 2) {
		return "", false
	}
	n := 0
	for _, c := range path[1:j] {
		if c < '0' || c > '9' || n > 1<<30 {
			return "", false
		}
		n = n*10 + int(c-'0')
	}
	if n != idx {
		return "", false
	}
	return path[j+1:], true
}

// each calls f for every recorded path, in the order recorded.
func (x *fieldIndex) each(f func(path string, p Pos)) {
	if x == nil {
		return
	}
	type open struct {
		end  int
		path string
	}
	var stack []open
	for i, e := range x.ents {
		for len(stack) > 0 && stack[len(stack)-1].end <= i {
			stack = stack[:len(stack)-1]
		}
		path := e.name
		if len(stack) > 0 {
			parent := stack[len(stack)-1].path
			if e.idx >= 0 {
				path = parent + "[" + strconv.Itoa(int(e.idx)) + "]"
			} else {
				path = parent + "." + e.name
			}
		}
		f(path, Pos{File: x.file, Line: int(e.line), Col: int(e.col)})
		stack = append(stack, open{end: int(e.end), path: path})
	}
}

// with returns the index with the positions in add for the paths it does
// not hold yet.
func (x *fieldIndex) with(add map[string]Pos) *fieldIndex {
	var b fieldBuilder
	if x != nil {
		b.ents = append(b.ents, x.ents...)
	}
	paths := make([]string, 0, len(add))
	for k := range add {
		paths = append(paths, k)
	}
	sort.Strings(paths)
	for _, k := range paths {
		if _, ok := x.find(k); !ok {
			b.close(b.open(k, -1, add[k].Line, add[k].Col))
		}
	}
	file := ""
	if x != nil {
		file = x.file
	}
	return b.index(file)
}

// fieldBuilder collects the entries of a fieldIndex while an object is
// decoded.
type fieldBuilder struct {
	ents []fieldEntry
}

// reset starts a new object, reusing the memory of the entries.
func (b *fieldBuilder) reset() { b.ents = b.ents[:0] }

// open records a segment below the innermost open one and returns its
// number for close; idx is -1 for a named segment.
func (b *fieldBuilder) open(name string, idx, line, col int) int {
	b.ents = append(b.ents, fieldEntry{name: name, idx: int32(idx), line: int32(line), col: int32(col)})
	return len(b.ents) - 1
}

// close ends the subtree of segment i.
func (b *fieldBuilder) close(i int) { b.ents[i].end = int32(len(b.ents)) }

// index returns a copy of what was recorded, exactly the size it needs:
// the builder's own memory, grown for the largest object so far, is
// reused for the next one.
func (b *fieldBuilder) index(file string) *fieldIndex {
	return &fieldIndex{file: file, ents: slices.Clone(b.ents)}
}
