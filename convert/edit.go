package convert

import (
	"bytes"
	"sort"
	"strings"
	"unicode/utf8"

	yaml "go.yaml.in/yaml/v3"
)

// editor records byte-range edits to one document chunk. Every position is
// taken from the nodes as parsed, so edits never depend on each other.
// When a layout is outside what the editor understands, it stops recording
// (ok turns false) and the chunk is re-emitted from the edited node tree
// instead.
type editor struct {
	src   []byte
	lines []int // byte offset of the start of each line
	eol   string
	edits []edit
	ok    bool
}

type edit struct {
	start, end int
	text       string
	seq        int
}

func newEditor(src []byte) *editor {
	e := &editor{src: src, lines: []int{0}, eol: "\n", ok: true}
	for i, c := range src {
		if c == '\n' {
			e.lines = append(e.lines, i+1)
		}
	}
	if bytes.Contains(src, []byte("\r\n")) {
		e.eol = "\r\n"
	}
	// yaml.v3 counts a lone carriage return as a line break; the byte
	// offsets computed here would not match its line numbers.
	if bytes.Count(src, []byte("\r")) != bytes.Count(src, []byte("\r\n")) {
		e.ok = false
	}
	return e
}

func (e *editor) fail() { e.ok = false }

func (e *editor) add(start, end int, text string) {
	if !e.ok {
		return
	}
	e.edits = append(e.edits, edit{start: start, end: end, text: text, seq: len(e.edits)})
}

// apply returns the source with every edit applied, or false when two
// edits overlap.
func (e *editor) apply() ([]byte, bool) {
	// At one offset, insertions go before a replacement that starts there.
	sort.SliceStable(e.edits, func(i, j int) bool {
		a, b := e.edits[i], e.edits[j]
		if a.start != b.start {
			return a.start < b.start
		}
		return a.start == a.end && b.start != b.end
	})
	var out bytes.Buffer
	pos := 0
	for _, ed := range e.edits {
		if ed.start < pos || ed.end < ed.start || ed.end > len(e.src) {
			return nil, false
		}
		out.Write(e.src[pos:ed.start])
		out.WriteString(ed.text)
		pos = ed.end
	}
	out.Write(e.src[pos:])
	return out.Bytes(), true
}

// lineText returns line l (0-based) without its line break.
func (e *editor) lineText(l int) string {
	if l < 0 || l >= len(e.lines) {
		return ""
	}
	end := len(e.src)
	if l+1 < len(e.lines) {
		end = e.lines[l+1]
	}
	return strings.TrimRight(string(e.src[e.lines[l]:end]), "\r\n")
}

// lineEnd returns the offset just past line l and its line break.
func (e *editor) lineEnd(l int) int {
	if l+1 < len(e.lines) {
		return e.lines[l+1]
	}
	return len(e.src)
}

// off returns the byte offset of a node, or -1. yaml.v3 counts columns in
// characters, so the column is walked rune by rune.
func (e *editor) off(n *yaml.Node) int {
	if n == nil || n.Line <= 0 || n.Line > len(e.lines) {
		return -1
	}
	start := e.lines[n.Line-1]
	i := start
	for c := 1; c < n.Column; c++ {
		if i >= len(e.src) || e.src[i] == '\n' {
			return -1
		}
		_, size := utf8.DecodeRune(e.src[i:])
		i += size
	}
	return i
}

// col returns the byte column (0-based) of a node in its line.
func (e *editor) col(n *yaml.Node) int {
	o := e.off(n)
	if o < 0 {
		return -1
	}
	return o - e.lines[n.Line-1]
}

// cleanLine reports whether only spaces precede node n on its line.
func (e *editor) cleanLine(n *yaml.Node) bool {
	o := e.off(n)
	if o < 0 {
		return false
	}
	return strings.TrimLeft(string(e.src[e.lines[n.Line-1]:o]), " ") == ""
}

func indentOf(s string) int { return len(s) - len(strings.TrimLeft(s, " ")) }

func blankOrComment(s string) bool {
	t := strings.TrimLeft(s, " \t")
	return t == "" || t[0] == '#'
}

// scalarEnd returns the offset just past the text of scalar n.
func (e *editor) scalarEnd(n *yaml.Node) int {
	o := e.off(n)
	if o < 0 || n.Kind != yaml.ScalarNode {
		return -1
	}
	src := e.src
	switch {
	case n.Style&yaml.DoubleQuotedStyle != 0:
		if o >= len(src) || src[o] != '"' {
			return -1
		}
		for i := o + 1; i < len(src); i++ {
			switch src[i] {
			case '\\':
				i++
			case '"':
				return i + 1
			}
		}
		return -1
	case n.Style&yaml.SingleQuotedStyle != 0:
		if o >= len(src) || src[o] != '\'' {
			return -1
		}
		for i := o + 1; i < len(src); i++ {
			if src[i] == '\'' {
				if i+1 < len(src) && src[i+1] == '\'' {
					i++
					continue
				}
				return i + 1
			}
		}
		return -1
	case n.Style&(yaml.LiteralStyle|yaml.FoldedStyle) != 0:
		return -1
	}
	// A plain scalar on one line reads exactly as written.
	if n.Value == "" || !bytes.HasPrefix(src[o:], []byte(n.Value)) {
		return -1
	}
	end := o + len(n.Value)
	if end < len(src) && !strings.ContainsRune(" \t\r\n:,]}#", rune(src[end])) {
		return -1
	}
	return end
}

// flowEnd returns the offset just past the flow collection starting at o.
func (e *editor) flowEnd(o int) int {
	src := e.src
	if o < 0 || o >= len(src) || (src[o] != '{' && src[o] != '[') {
		return -1
	}
	depth := 0
	prev := byte('{') // last significant byte; decides whether a quote opens a scalar
	for i := o; i < len(src); i++ {
		c := src[i]
		switch {
		case c == '{' || c == '[':
			depth++
		case c == '}' || c == ']':
			depth--
			if depth == 0 {
				return i + 1
			}
		case (c == '"' || c == '\'') && strings.IndexByte("{[,:?", prev) >= 0:
			j := i + 1
			for ; j < len(src); j++ {
				if c == '"' && src[j] == '\\' {
					j++
					continue
				}
				if src[j] == c {
					if c == '\'' && j+1 < len(src) && src[j+1] == '\'' {
						j++
						continue
					}
					break
				}
			}
			i = j
		case c == '#' && (i == 0 || strings.IndexByte(" \t\n", src[i-1]) >= 0):
			for i < len(src) && src[i] != '\n' {
				i++
			}
			continue
		}
		if c != ' ' && c != '\t' && c != '\n' && c != '\r' {
			prev = c
		}
	}
	return -1
}

// nodeEnd returns the offset just past a scalar or a flow collection.
func (e *editor) nodeEnd(n *yaml.Node) int {
	switch n.Kind {
	case yaml.ScalarNode:
		return e.scalarEnd(n)
	case yaml.MappingNode, yaml.SequenceNode:
		if n.Style&yaml.FlowStyle != 0 {
			return e.flowEnd(e.off(n))
		}
	}
	return -1
}

// text returns the source text of a scalar or flow node.
func (e *editor) text(n *yaml.Node) (string, bool) {
	o, end := e.off(n), e.nodeEnd(n)
	if o < 0 || end < o {
		return "", false
	}
	return string(e.src[o:end]), true
}

// replaceScalar rewrites the text of scalar n, keeping its quoting.
func (e *editor) replaceScalar(n *yaml.Node, value string) {
	o, end := e.off(n), e.scalarEnd(n)
	if o < 0 || end < 0 {
		e.fail()
		return
	}
	e.add(o, end, quoteLike(n.Style, value))
}

// quoteLike writes a plain identifier in the quoting style of a node.
func quoteLike(style yaml.Style, s string) string {
	switch {
	case style&yaml.DoubleQuotedStyle != 0:
		return `"` + s + `"`
	case style&yaml.SingleQuotedStyle != 0:
		return "'" + s + "'"
	}
	return s
}

// pairLines returns the line of key i of block mapping m and the last line
// holding content of its value: later lines belong to the value while they
// are indented deeper than the key, or at the key's indentation when they
// continue a sequence ("- "), as YAML's block indentation rules say.
func (e *editor) pairLines(m *yaml.Node, i int) (first, last int, ok bool) {
	k := m.Content[i]
	col := e.col(k)
	if col < 0 {
		return 0, 0, false
	}
	first = k.Line - 1
	limit := len(e.lines) - 1
	for j := i + 2; j < len(m.Content); j += 2 {
		if m.Content[j].Line > 0 {
			limit = m.Content[j].Line - 2
			break
		}
	}
	last = first
	for l := first + 1; l <= limit; l++ {
		t := e.lineText(l)
		if blankOrComment(t) {
			continue
		}
		ind := indentOf(t)
		rest := t[ind:]
		if ind > col || (ind == col && (rest == "-" || strings.HasPrefix(rest, "- "))) {
			last = l
			continue
		}
		break
	}
	return first, last, true
}

// pairText returns the lines of pair i of block mapping m, indented by
// shift more spaces, with the key renamed.
func (e *editor) pairText(m *yaml.Node, i, shift int, key string) (string, int, int, bool) {
	k := m.Content[i]
	first, last, ok := e.pairLines(m, i)
	if !ok || !e.cleanLine(k) {
		return "", 0, 0, false
	}
	ko, kend := e.off(k), e.scalarEnd(k)
	if kend < 0 {
		return "", 0, 0, false
	}
	seg := string(e.src[e.lines[first]:ko]) + quoteLike(k.Style, key) + string(e.src[kend:e.lineEnd(last)])
	if !strings.HasSuffix(seg, "\n") {
		seg += e.eol
	}
	pad := strings.Repeat(" ", shift)
	var b strings.Builder
	for _, line := range strings.SplitAfter(seg, "\n") {
		if line == "" {
			continue
		}
		if strings.TrimSpace(line) != "" {
			b.WriteString(pad)
		}
		b.WriteString(line)
	}
	return b.String(), first, last, true
}

// replaceLines replaces lines first..last with text. A file whose last line
// has no line break keeps it that way.
func (e *editor) replaceLines(first, last int, text string) {
	end := e.lineEnd(last)
	if end == len(e.src) && !bytes.HasSuffix(e.src, []byte("\n")) {
		text = strings.TrimSuffix(strings.TrimSuffix(text, "\n"), "\r")
	}
	e.add(e.lines[first], end, text)
}

// insertAfterLine inserts whole lines after line l.
func (e *editor) insertAfterLine(l int, text string) {
	end := e.lineEnd(l)
	if end == len(e.src) && !bytes.HasSuffix(e.src, []byte("\n")) {
		text = e.eol + strings.TrimSuffix(strings.TrimSuffix(text, "\n"), "\r")
	}
	e.add(end, end, text)
}

// gapBefore returns the whitespace between the previous token and node n
// when it spans a line break ("\n    "), or " ".
func (e *editor) gapBefore(n *yaml.Node) string {
	o := e.off(n)
	if o < 0 {
		return " "
	}
	i := o
	for i > 0 && strings.IndexByte(" \t\r\n", e.src[i-1]) >= 0 {
		i--
	}
	ws := string(e.src[i:o])
	if j := strings.LastIndex(ws, "\n"); j >= 0 {
		nl := "\n"
		if strings.HasSuffix(ws[:j], "\r") {
			nl = "\r\n"
		}
		return nl + ws[j+1:]
	}
	return ws
}

// colonAfter returns the text between key k and its value in a flow
// mapping: ":" and the spaces after it as written after a quoted key
// (JSON often has none), ": " after a plain key, which YAML requires.
func (e *editor) colonAfter(k *yaml.Node) string {
	if k.Style&(yaml.DoubleQuotedStyle|yaml.SingleQuotedStyle) == 0 {
		return ": "
	}
	end := e.scalarEnd(k)
	if end < 0 {
		return ": "
	}
	i := end
	for i < len(e.src) && e.src[i] == ' ' {
		i++
	}
	if i >= len(e.src) || e.src[i] != ':' {
		return ": "
	}
	j := i + 1
	for j < len(e.src) && e.src[j] == ' ' {
		j++
	}
	return string(e.src[i:j])
}

// flowInsertAfter inserts ", key: value" after pair i of flow mapping m.
func (e *editor) flowInsertAfter(m *yaml.Node, i int, pair string) {
	end := e.nodeEnd(m.Content[i+1])
	if end < 0 {
		e.fail()
		return
	}
	e.add(end, end, ","+e.sepBefore(m, i)+pair)
}

// sepBefore returns the white space to write after a comma that precedes
// pair i of flow mapping m: the line break and indentation before its key
// when the mapping has one pair a line, else what follows the mapping's
// commas.
func (e *editor) sepBefore(m *yaml.Node, i int) string {
	if g := e.gapBefore(m.Content[i]); strings.Contains(g, "\n") {
		return g
	}
	return e.layoutOf(m).gap
}

// flowInsertFirst inserts "key: value," before the first pair of flow
// mapping m.
func (e *editor) flowInsertFirst(m *yaml.Node, pair string) {
	if len(m.Content) == 0 {
		e.fail()
		return
	}
	o := e.off(m.Content[0])
	if o < 0 {
		e.fail()
		return
	}
	e.add(o, o, pair+","+e.sepBefore(m, 0))
}

// flowDeletePair removes pair i of flow mapping m with one separating
// comma. Comments inside the removed text make the layout unsupported.
func (e *editor) flowDeletePair(m *yaml.Node, i int) {
	var start, end int
	switch {
	case i > 0:
		start, end = e.nodeEnd(m.Content[i-1]), e.nodeEnd(m.Content[i+1])
	case len(m.Content) > 2:
		start, end = e.off(m.Content[0]), e.off(m.Content[2])
	default:
		start, end = e.off(m.Content[0]), e.nodeEnd(m.Content[1])
	}
	if start < 0 || end < start || bytes.IndexByte(e.src[start:end], '#') >= 0 && !quotedOnly(e.src[start:end]) {
		e.fail()
		return
	}
	e.add(start, end, "")
}

// quotedOnly reports whether every '#' in b sits inside quotes.
func quotedOnly(b []byte) bool {
	var q byte
	for _, c := range b {
		switch {
		case q != 0 && c == q:
			q = 0
		case q == 0 && (c == '"' || c == '\''):
			q = c
		case q == 0 && c == '#':
			return false
		}
	}
	return true
}

// flowLayout describes how a flow mapping is laid out: multi-line with its
// keys at column keyCol and nested levels step columns deeper, or on one
// line.
type flowLayout struct {
	multi  bool
	keyCol int
	step   int
	eol    string
	gap    string // after a comma, on one line
	colon  string // between a key and its value
}

func (e *editor) layoutOf(m *yaml.Node) flowLayout {
	l := flowLayout{eol: e.eol, gap: " ", colon: ": "}
	if len(m.Content) == 0 {
		return l
	}
	l.colon = e.colonAfter(m.Content[0])
	if len(m.Content) > 2 {
		l.gap = e.gapBefore(m.Content[2])
	}
	if m.Content[0].Line <= m.Line {
		l.multi = false
		return l
	}
	l.multi = true
	l.keyCol = e.col(m.Content[0])
	l.step = l.keyCol - indentOf(e.lineText(m.Line-1))
	if l.step <= 0 {
		l.step = 2
	}
	return l
}

// entry is a key with either a value's text or nested entries.
type entry struct {
	key string
	val string
	sub []entry
}

// renderFlow writes entries as a flow mapping in layout l, level levels
// below the layout's key column.
func renderFlow(es []entry, l flowLayout, level int) string {
	var b strings.Builder
	b.WriteByte('{')
	for i, en := range es {
		if i > 0 {
			b.WriteByte(',')
			if !l.multi {
				b.WriteString(l.gap)
			}
		}
		if l.multi {
			b.WriteString(l.eol + strings.Repeat(" ", l.keyCol+level*l.step))
		}
		b.WriteString(en.key + l.colon)
		if en.sub != nil {
			b.WriteString(renderFlow(en.sub, l, level+1))
		} else {
			b.WriteString(en.val)
		}
	}
	if l.multi {
		b.WriteString(l.eol + strings.Repeat(" ", l.keyCol+(level-1)*l.step))
	}
	b.WriteByte('}')
	return b.String()
}
