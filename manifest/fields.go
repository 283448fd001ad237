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
// k8s.io/api fields or the keys as written, so no path is stored whole. A
// Go map from whole paths took three times the memory, most of what a
// loaded Ingress holds, and most of the time spent decoding it.
//
// The entries hold no pointers: a name is a number in names, a table the
// indexes built by one fieldBuilder share. An entry with a string in it
// took twice the memory, and the garbage collector had to scan it.
type fieldIndex struct {
	file  string
	names []string     // the segment names entries refer to; read only
	ents  []fieldEntry // depth first, in the order the fields were read
}

// fieldEntry is one segment: a name, or an index in a list.
type fieldEntry struct {
	// seg is the list index of a "[idx]" segment when at least 0; else
	// names[^seg] is a ".name"-style segment (several segments when
	// stored flat).
	seg       int32
	end       int32 // the entries of the subtree end before end
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

// count returns the number of entries below the one recorded for path.
// An index that stores whole paths flat (only the metadata's) holds no
// entry for a field with fields below it.
func (x *fieldIndex) count(path string) (int, bool) {
	if x == nil || path == "" {
		return 0, false
	}
	i := x.lookup(0, len(x.ents), path)
	if i < 0 {
		return 0, false
	}
	return int(x.ents[i].end) - i - 1, true
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
		if e.seg >= 0 {
			rest, ok = cutIndex(path, int(e.seg))
		} else {
			rest, ok = strings.CutPrefix(path, x.names[^e.seg])
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
		var path string
		switch {
		case e.seg >= 0:
			path = "[" + strconv.Itoa(int(e.seg)) + "]"
			if len(stack) > 0 {
				path = stack[len(stack)-1].path + path
			}
		case len(stack) > 0:
			path = stack[len(stack)-1].path + "." + x.names[^e.seg]
		default:
			path = x.names[^e.seg]
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
		// Full to capacity, the shared table is copied before a name is
		// added, never written to.
		b.names = x.names[:len(x.names):len(x.names)]
	}
	paths := make([]string, 0, len(add))
	for k := range add {
		paths = append(paths, k)
	}
	sort.Strings(paths)
	for _, k := range paths {
		if _, ok := x.find(k); !ok {
			// Each path is added once: no need to look its name up.
			b.names = append(b.names, k)
			b.close(b.push(^int32(len(b.names)-1), add[k].Line, add[k].Col))
		}
	}
	file := ""
	if x != nil {
		file = x.file
	}
	return b.index(file)
}

// fieldBuilder collects the entries of a fieldIndex while an object is
// decoded. One builder serves one goroutine; its name table grows from
// object to object and the indexes it built share it.
type fieldBuilder struct {
	ents  []fieldEntry
	names []string         // appended to only, so shared prefixes stay valid
	ids   map[string]int32 // position of each name in names
}

// reset starts a new object, reusing the memory of the entries.
func (b *fieldBuilder) reset() { b.ents = b.ents[:0] }

// name returns the number of a segment name in the table, adding it.
func (b *fieldBuilder) name(s string) int32 {
	if id, ok := b.ids[s]; ok {
		return id
	}
	return b.add(s)
}

// nameBytes is name for a name held in a buffer the caller reuses: only
// a name new to the table is copied.
func (b *fieldBuilder) nameBytes(s []byte) int32 {
	if id, ok := b.ids[string(s)]; ok {
		return id
	}
	return b.add(string(s))
}

func (b *fieldBuilder) add(s string) int32 {
	if b.ids == nil {
		b.ids = make(map[string]int32)
	}
	// A name may be a key read from the input (an annotation's): a copy
	// keeps the table from holding the input's memory.
	s = strings.Clone(s)
	id := int32(len(b.names))
	b.names = append(b.names, s)
	b.ids[s] = id
	return id
}

// open records a named segment below the innermost open one and returns
// its number for close.
func (b *fieldBuilder) open(name string, line, col int) int {
	return b.push(^b.name(name), line, col)
}

// openPath is open for a name held in a buffer the caller reuses.
func (b *fieldBuilder) openPath(name []byte, line, col int) int {
	return b.push(^b.nameBytes(name), line, col)
}

// openIndex records a list item segment "[idx]".
func (b *fieldBuilder) openIndex(idx, line, col int) int {
	return b.push(int32(idx), line, col)
}

func (b *fieldBuilder) push(seg int32, line, col int) int {
	b.ents = append(b.ents, fieldEntry{seg: seg, line: int32(line), col: int32(col)})
	return len(b.ents) - 1
}

// close ends the subtree of segment i.
func (b *fieldBuilder) close(i int) { b.ents[i].end = int32(len(b.ents)) }

// index returns a copy of the entries recorded, exactly the size they
// need, with the name table as it is now: the builder's own memory,
// grown for the largest object so far, is reused for the next one.
func (b *fieldBuilder) index(file string) *fieldIndex {
	return &fieldIndex{file: file, names: b.names[:len(b.names):len(b.names)], ents: slices.Clone(b.ents)}
}
