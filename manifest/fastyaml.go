package manifest

import (
	"strings"
	"unsafe"

	yaml "go.yaml.in/yaml/v3"
)

// fastParser builds the yaml.Node tree of one document written in the
// block style that kubectl, helm and kustomize emit, several times faster
// than go.yaml.in/yaml/v3, whose scanner and parser dominate the cost of
// loading a large input.
//
// It handles a deliberately small subset: one block mapping at column 0,
// optionally after a "---" line; block mappings and sequences (including
// "- key: value" and sequences at the same indent as their key); plain
// scalars on one line; single- and double-quoted scalars on one line with
// the simple escapes; flow sequences and mappings on one line; comments.
// Anything else (anchors, aliases, tags, block scalars, multi-line scalars,
// tabs, carriage returns, bytes outside printable ASCII, directives, "...",
// odd indentation, and every kind of invalid input) makes it give up, and
// the document goes through yaml.v3 as before, so errors and edge cases stay
// exactly yaml.v3's. Where it succeeds it returns the tree yaml.v3 builds:
// the same Kind, Tag, Value, Style, Line, Column and Content on every node
// (FuzzFastYAML checks this against yaml.v3). Comments are skipped, not
// attached to nodes: nothing in the loader reads them.
//
// A fastParser is reused across documents by one goroutine, and so is the
// memory of its nodes: a tree is valid only until the next call to parse.
// The loader keeps no node, only positions and copies of values (the
// values point into the input, not into the nodes; see strArena).
type fastParser struct {
	src string // the document
	bad bool   // the input is outside the subset

	// The current line: it starts at off, ends (before its '\n') at end,
	// has ind leading spaces, and is the 0-based line number line. col is
	// where the unread part starts. eof is set when no content line is
	// left.
	off, end, ind, line, col int
	eof                      bool

	depth int // nesting of collections

	nodes []yaml.Node  // slab the nodes are carved from, reused
	count int          // nodes made for this document
	stack []*yaml.Node // children of the collections being built
	arena []*yaml.Node // slab the Content slices are carved from, reused
}

// maxFastDepth bounds nesting; deeper documents go to yaml.v3, which has
// its own limit (max_indents and max_flow_level in scannerc.go).
const maxFastDepth = 200

// maxFastKey bounds the length of a key, quoted or not, from its first
// character to its ':': yaml.v3 rejects simple keys that span more than
// 1024 characters (yaml_parser_stale_simple_keys in scannerc.go), so long
// keys go to yaml.v3 for its error.
const maxFastKey = 1000

// parse returns the document node of data, or false when data is outside
// the subset. The values of the nodes point into data, which must never be
// modified afterwards.
func (p *fastParser) parse(data []byte) (*yaml.Node, bool) {
	for _, b := range data {
		if (b < 0x20 || b > 0x7e) && b != '\n' {
			return nil, false
		}
	}
	// Every plain scalar is a substring of the document, with no copy:
	// the loader's inputs are never modified (input in load.go).
	p.src = unsafe.String(unsafe.SliceData(data), len(data))
	p.bad, p.eof, p.off, p.end, p.line, p.depth, p.count = false, false, 0, 0, -1, 0, 0
	p.stack = p.stack[:0]
	p.nodes = p.nodes[:0]
	p.arena = p.arena[:0]

	p.load(0)
	if p.eof {
		return nil, false
	}
	doc := p.node(yaml.DocumentNode, "", "", 0)
	if p.at("---") {
		// A document start marker alone on its line: the document node
		// starts there (yaml_parser_parse_document_start in parserc.go).
		if strings.TrimRight(p.src[p.off+3:p.end], " ") != "" {
			return nil, false
		}
		p.next()
		if p.eof {
			return nil, false
		}
	} else {
		doc.Line, doc.Column = p.line+1, p.col+1
	}
	if p.ind != 0 || !p.keyAhead() {
		return nil, false
	}
	mark := len(p.stack)
	p.stack = append(p.stack, p.mapping(0))
	if p.bad || !p.eof {
		return nil, false
	}
	doc.Content = p.collect(mark)
	return doc, true
}

// load reads the line starting at off, and the lines after it, until one
// holds content (not blank, not a comment).
func (p *fastParser) load(off int) {
	for {
		p.line++
		if off >= len(p.src) {
			p.eof = true
			return
		}
		end := strings.IndexByte(p.src[off:], '\n')
		if end < 0 {
			end = len(p.src)
		} else {
			end += off
		}
		i := off
		for i < end && p.src[i] == ' ' {
			i++
		}
		if i < end && p.src[i] != '#' {
			p.off, p.end, p.ind, p.col = off, end, i-off, i-off
			if p.ind == 0 && (p.at("...") || p.at("---")) {
				// Document markers other than the leading one.
				if p.at("---") && p.line == 0 {
					return
				}
				p.bad = true
				p.eof = true
			}
			return
		}
		off = end + 1
	}
}

// next moves to the next content line.
func (p *fastParser) next() { p.load(p.end + 1) }

// at reports whether the current line starts with marker followed by a
// blank or the line end, at column 0.
func (p *fastParser) at(marker string) bool {
	l := p.src[p.off:p.end]
	return strings.HasPrefix(l, marker) && (len(l) == len(marker) || l[len(marker)] == ' ')
}

// peek returns the byte at column col of the current line, or 0 past its
// end.
func (p *fastParser) peek(col int) byte {
	if p.off+col < p.end {
		return p.src[p.off+col]
	}
	return 0
}

func (p *fastParser) node(kind yaml.Kind, tag, value string, style yaml.Style) *yaml.Node {
	if len(p.nodes) == cap(p.nodes) {
		// The nodes made so far stay where they are, in the old slab.
		p.nodes = make([]yaml.Node, 0, max(1024, 2*cap(p.nodes)))
	}
	p.nodes = p.nodes[:len(p.nodes)+1]
	n := &p.nodes[len(p.nodes)-1]
	*n = yaml.Node{Kind: kind, Tag: tag, Value: value, Style: style, Line: p.line + 1, Column: p.col + 1}
	p.count++
	return n
}

// collect turns the children pushed since mark into a Content slice.
func (p *fastParser) collect(mark int) []*yaml.Node {
	n := len(p.stack) - mark
	if n == 0 {
		return nil
	}
	if cap(p.arena)-len(p.arena) < n {
		p.arena = make([]*yaml.Node, 0, max(n, 2*cap(p.arena), 1024))
	}
	start := len(p.arena)
	p.arena = append(p.arena, p.stack[mark:]...)
	p.stack = p.stack[:mark]
	return p.arena[start : start+n : start+n]
}

// seqAhead reports whether the current line holds a block sequence entry
// at col.
func (p *fastParser) seqAhead() bool {
	c := p.peek(p.col + 1)
	return p.peek(p.col) == '-' && (c == ' ' || c == 0)
}

// keyAhead reports whether the unread part of the current line starts a
// mapping entry ("key: ..." or "key:" at the line end).
func (p *fastParser) keyAhead() bool {
	_, _, _, ok := p.scanKey()
	return ok
}

// scanKey finds the key at col: its value, style and the column of its
// ':' indicator.
func (p *fastParser) scanKey() (value string, style yaml.Style, colon int, ok bool) {
	l := p.src[p.off:p.end]
	i := p.col
	switch c := p.peek(i); {
	case c == '\'' || c == '"':
		v, j, ok := p.quoted(i)
		if !ok {
			return "", 0, 0, false
		}
		for j < len(l) && l[j] == ' ' {
			j++
		}
		if j >= len(l) || l[j] != ':' || (j+1 < len(l) && l[j+1] != ' ') || j-i > maxFastKey {
			return "", 0, 0, false
		}
		style = yaml.SingleQuotedStyle
		if c == '"' {
			style = yaml.DoubleQuotedStyle
		}
		return v, style, j, true
	case !plainStart(l, i):
		return "", 0, 0, false
	}
	for j := i; j < len(l); j++ {
		switch l[j] {
		case ':':
			if j+1 == len(l) || l[j+1] == ' ' {
				if j-i > maxFastKey {
					return "", 0, 0, false
				}
				v := strings.TrimRight(l[i:j], " ")
				return v, 0, j, true
			}
		case '#':
			if l[j-1] == ' ' {
				return "", 0, 0, false
			}
		}
	}
	return "", 0, 0, false
}

// plainStart reports whether a plain scalar may start at l[i] in block
// context: not an indicator (yaml_parser_fetch_next_token in scannerc.go),
// except '-' before a non-blank. '?' and ':' before a non-blank also start
// plain scalars there, but are rare enough to leave to yaml.v3.
func plainStart(l string, i int) bool {
	if i >= len(l) {
		return false
	}
	switch l[i] {
	case '-':
		return i+1 < len(l) && l[i+1] != ' '
	case ' ', '?', ':', ',', '[', ']', '{', '}', '#', '&', '*', '!', '|', '>', '\'', '"', '%', '@', '`':
		return false
	}
	return true
}

// plainTag is the tag yaml.v3 gives a plain scalar (parser.node in
// decode.go calls resolve in resolve.go). The common cases are decided
// here the way resolve decides them, without its allocations:
//   - a first byte with no entry in resolveTable means a string;
//   - a first byte of class 'M' (yYnNtTfFoO) means a bool or null when the
//     value is in resolveMap, else a string (resolve tries nothing more);
//   - digits without a leading zero, short enough for an int64, are an
//     int: not a timestamp (parseTimestamp wants "YYYY-"), and
//     strconv.ParseInt accepts them.
//
// Everything else is left to resolve itself. "<<" is a merge key
// (parser.scalar), left to yaml.v3.
func plainTag(v string) (string, bool) {
	if v == "<<" {
		return "", false
	}
	if v != "" {
		switch c := v[0]; c {
		case 'y', 'Y', 'n', 'N', 't', 'T', 'f', 'F', 'o', 'O':
			switch v {
			case "true", "True", "TRUE", "false", "False", "FALSE":
				return "!!bool", true
			case "null", "Null", "NULL":
				return "!!null", true
			}
			return "!!str", true
		case '1', '2', '3', '4', '5', '6', '7', '8', '9':
			if len(v) <= 18 && allDigits(v) {
				return "!!int", true
			}
		case '+', '-', '.', '~', '<', '0':
		default:
			return "!!str", true
		}
	}
	n := yaml.Node{Kind: yaml.ScalarNode, Value: v}
	return n.ShortTag(), true
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

func (p *fastParser) fail() *yaml.Node {
	p.bad = true
	return nil
}

// mapping reads a block mapping whose keys are at column ind, starting at
// the current position.
func (p *fastParser) mapping(ind int) *yaml.Node {
	p.depth++
	defer func() { p.depth-- }()
	if p.depth > maxFastDepth {
		return p.fail()
	}
	m := p.node(yaml.MappingNode, "!!map", "", 0)
	mark := len(p.stack)
	for {
		v, style, colon, ok := p.scanKey()
		if !ok {
			return p.fail()
		}
		tag := "!!str"
		if style == 0 {
			if tag, ok = plainTag(v); !ok {
				return p.fail()
			}
		}
		k := p.node(yaml.ScalarNode, tag, v, style)
		keyLine := p.line
		p.col = colon + 1
		p.stack = append(p.stack, k, p.value(ind, keyLine, colon, true))
		if p.bad {
			return nil
		}
		if p.eof || p.ind < ind {
			break
		}
		if p.ind > ind || p.seqAhead() {
			return p.fail()
		}
	}
	m.Content = p.collect(mark)
	return m
}

// sequence reads a block sequence whose entries are at column ind.
func (p *fastParser) sequence(ind int) *yaml.Node {
	p.depth++
	defer func() { p.depth-- }()
	if p.depth > maxFastDepth {
		return p.fail()
	}
	s := p.node(yaml.SequenceNode, "!!seq", "", 0)
	mark := len(p.stack)
	for {
		dash, dashLine := p.col, p.line
		p.col++
		p.stack = append(p.stack, p.value(ind, dashLine, dash, false))
		if p.bad {
			return nil
		}
		if p.eof || p.ind < ind || !p.seqAhead() {
			break
		}
		if p.ind > ind {
			return p.fail()
		}
	}
	s.Content = p.collect(mark)
	return s
}

// value reads what follows a key's ':' or an entry's '-' (at column ind on
// line indLine); the current position is just after the indicator. In a
// mapping, a sequence may sit at the key's own indent.
func (p *fastParser) value(ind, indLine, indCol int, inMap bool) *yaml.Node {
	l := p.src[p.off:p.end]
	i := p.col
	for i < len(l) && l[i] == ' ' {
		i++
	}
	if i < len(l) && l[i] != '#' {
		p.col = i
		if !inMap {
			// "- - a" and "- key: value": a collection inside the entry.
			if p.seqAhead() {
				return p.sequence(i)
			}
			if p.keyAhead() {
				return p.mapping(i)
			}
		}
		n := p.inline()
		if n == nil {
			return p.fail()
		}
		p.next()
		return n
	}
	if i < len(l) && l[i-1] != ' ' {
		// '#' right after the indicator.
		return p.fail()
	}
	// Nothing on the indicator's line: the value is on the lines below, or
	// empty. An empty value is a null scalar positioned just after the
	// indicator (yaml_parser_process_empty_scalar with the indicator's end
	// mark, in yaml_parser_parse_block_mapping_value and
	// yaml_parser_parse_block_sequence_entry, parserc.go).
	p.next()
	switch {
	case p.bad:
		return nil
	case !p.eof && p.ind > ind:
		if p.seqAhead() {
			return p.sequence(p.ind)
		}
		if p.keyAhead() {
			return p.mapping(p.ind)
		}
		return p.fail()
	case !p.eof && p.ind == ind && inMap && p.seqAhead():
		return p.sequence(ind)
	}
	n := p.node(yaml.ScalarNode, "!!null", "", 0)
	n.Line, n.Column = indLine+1, indCol+2
	return n
}

// inline reads a scalar or flow collection that ends its line.
func (p *fastParser) inline() *yaml.Node {
	l := p.src[p.off:p.end]
	i := p.col
	var n *yaml.Node
	var j int
	switch c := l[i]; c {
	case '\'', '"':
		v, e, ok := p.quoted(i)
		if !ok {
			return nil
		}
		style := yaml.SingleQuotedStyle
		if c == '"' {
			style = yaml.DoubleQuotedStyle
		}
		n, j = p.node(yaml.ScalarNode, "!!str", v, style), e
	case '[', '{':
		var ok bool
		if n, j, ok = p.flow(i); !ok {
			return nil
		}
	default:
		if !plainStart(l, i) {
			return nil
		}
		j = i
		for ; j < len(l); j++ {
			if l[j] == ':' && (j+1 == len(l) || l[j+1] == ' ') {
				// "a: b: c" is an error in yaml.v3.
				return nil
			}
			if l[j] == '#' && l[j-1] == ' ' {
				break
			}
		}
		v := strings.TrimRight(l[i:j], " ")
		tag, ok := plainTag(v)
		if !ok {
			return nil
		}
		return p.node(yaml.ScalarNode, tag, v, 0)
	}
	// After a quoted scalar or a flow collection: blanks, then the end or
	// a comment.
	k := j
	for k < len(l) && l[k] == ' ' {
		k++
	}
	if k < len(l) && (l[k] != '#' || k == j) {
		return nil
	}
	return n
}

// quoted reads the single- or double-quoted scalar starting at column i of
// the current line, which must end on that line, and returns its value and
// the column after the closing quote. Double-quoted scalars may use the
// one-character escapes of yaml_parser_scan_flow_scalar (scannerc.go) that
// stand for printable ASCII or the usual control characters; other escapes
// go to yaml.v3.
func (p *fastParser) quoted(i int) (string, int, bool) {
	l := p.src[p.off:p.end]
	q := l[i]
	start := i + 1
	var b *strings.Builder
	for j := start; j < len(l); j++ {
		c := l[j]
		switch {
		case c == q && q == '\'' && j+1 < len(l) && l[j+1] == '\'':
			if b == nil {
				b = &strings.Builder{}
			}
			b.WriteString(l[start : j+1])
			j++
			start = j + 1
		case c == q:
			if b == nil {
				return l[start:j], j + 1, true
			}
			b.WriteString(l[start:j])
			return b.String(), j + 1, true
		case c == '\\' && q == '"':
			if j+1 >= len(l) {
				return "", 0, false
			}
			var r byte
			switch l[j+1] {
			case '0':
				r = 0
			case 'a':
				r = '\a'
			case 'b':
				r = '\b'
			case 't':
				r = '\t'
			case 'n':
				r = '\n'
			case 'v':
				r = '\v'
			case 'f':
				r = '\f'
			case 'r':
				r = '\r'
			case 'e':
				r = 0x1b
			case ' ', '"', '\'', '\\':
				r = l[j+1]
			default:
				return "", 0, false
			}
			if b == nil {
				b = &strings.Builder{}
			}
			b.WriteString(l[start:j])
			b.WriteByte(r)
			j++
			start = j + 1
		}
	}
	return "", 0, false
}

// flow reads a flow sequence or mapping that ends on the current line,
// starting at column i; its scalars are quoted, or plain and made of
// characters that mean nothing in flow context. It returns the node and
// the column after the closing bracket.
func (p *fastParser) flow(i int) (*yaml.Node, int, bool) {
	p.depth++
	defer func() { p.depth-- }()
	if p.depth > maxFastDepth {
		return nil, 0, false
	}
	l := p.src[p.off:p.end]
	open := l[i]
	p.col = i
	var n *yaml.Node
	closer := byte(']')
	if open == '[' {
		n = p.node(yaml.SequenceNode, "!!seq", "", yaml.FlowStyle)
	} else {
		n = p.node(yaml.MappingNode, "!!map", "", yaml.FlowStyle)
		closer = '}'
	}
	mark := len(p.stack)
	j := skipSpaces(l, i+1)
	if j < len(l) && l[j] == closer {
		n.Content = p.collect(mark)
		return n, j + 1, true
	}
	for {
		start := j
		item, e, ok := p.flowItem(j)
		if !ok {
			return nil, 0, false
		}
		p.stack = append(p.stack, item)
		j = skipSpaces(l, e)
		if open == '{' && e-start > maxFastKey {
			return nil, 0, false
		}
		if open == '{' {
			// A key must be a scalar followed by ": " (or ':' right after
			// a quoted key, as in JSON).
			if item.Kind != yaml.ScalarNode || j != e || j+1 >= len(l) || l[j] != ':' ||
				(l[j+1] != ' ' && item.Style == 0) {
				return nil, 0, false
			}
			j = skipSpaces(l, j+1)
			if j < len(l) && (l[j] == ',' || l[j] == '}') {
				// An empty value; left to yaml.v3.
				return nil, 0, false
			}
			val, e, ok := p.flowItem(j)
			if !ok {
				return nil, 0, false
			}
			p.stack = append(p.stack, val)
			j = skipSpaces(l, e)
		}
		if j >= len(l) {
			return nil, 0, false
		}
		switch l[j] {
		case closer:
			n.Content = p.collect(mark)
			return n, j + 1, true
		case ',':
			j = skipSpaces(l, j+1)
			if j >= len(l) || l[j] == closer || l[j] == ',' {
				// A trailing or doubled comma; left to yaml.v3.
				return nil, 0, false
			}
		default:
			return nil, 0, false
		}
	}
}

// flowItem reads one scalar or nested collection inside a flow collection.
func (p *fastParser) flowItem(j int) (*yaml.Node, int, bool) {
	l := p.src[p.off:p.end]
	if j >= len(l) {
		return nil, 0, false
	}
	p.col = j
	switch c := l[j]; c {
	case '[', '{':
		return p.flow(j)
	case '\'', '"':
		v, e, ok := p.quoted(j)
		if !ok {
			return nil, 0, false
		}
		style := yaml.SingleQuotedStyle
		if c == '"' {
			style = yaml.DoubleQuotedStyle
		}
		return p.node(yaml.ScalarNode, "!!str", v, style), e, true
	}
	e := j
	for e < len(l) && flowPlain(l[e]) {
		e++
	}
	if e == j || (l[j] == '-' && (e == j+1)) {
		return nil, 0, false
	}
	v := l[j:e]
	tag, ok := plainTag(v)
	if !ok {
		return nil, 0, false
	}
	return p.node(yaml.ScalarNode, tag, v, 0), e, true
}

// flowPlain reports whether c may appear in a plain scalar inside a flow
// collection with no chance of meaning something else there: letters,
// digits and a few punctuation marks.
func flowPlain(c byte) bool {
	switch {
	case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		return true
	}
	switch c {
	case '.', '-', '_', '/', '+', '=', '~', '$', '(', ')', ';', '^':
		return true
	}
	return false
}

func skipSpaces(l string, i int) int {
	for i < len(l) && l[i] == ' ' {
		i++
	}
	return i
}
