package author

import (
	"bytes"
	"fmt"
	"sort"
	"strings"

	yaml "go.yaml.in/yaml/v3"

	"github.com/ingresskit/ingresskit/manifest"
)

// Target names the object an edit changes.
type Target struct {
	// Kind is Ingress or HTTPRoute; "" means Ingress.
	Kind string
	// Name is metadata.name; "" accepts the only object of the kind in the
	// file.
	Name string
	// Namespace is the object's namespace; an object that names none is
	// in DefaultNamespace.
	Namespace string
	// DefaultNamespace is the namespace of objects that name none; ""
	// means default.
	DefaultNamespace string
}

func (t Target) kind() string {
	if t.Kind == "" {
		return "Ingress"
	}
	return t.Kind
}

// doc is one file being edited: its bytes, its lines and the parsed
// object that is the target. Edits are recorded as byte ranges of the
// original text and applied together, so that every byte outside them
// (comments, key order, quoting, the other documents) stays as it was:
// the approach of convert/edit.go.
type doc struct {
	file  string
	src   []byte
	lines []int // byte offset of the start of each line (0-based lines)
	eol   string
	obj   *yaml.Node // the target's mapping node; lines are the file's
	edits []span
	st    style
}

type span struct {
	start, end int
	text       string
}

// style is how the file indents: step columns per mapping level, and
// seq columns between a key and the dashes of its block sequence (0 for
// kubectl's "indentless" sequences).
type style struct {
	step, seq int
}

// openDoc finds the target in data. Lines of the nodes count from the
// start of the file.
func openDoc(file string, data []byte, t Target) (*doc, error) {
	d := &doc{file: file, src: data, lines: []int{0}, eol: "\n"}
	for i, c := range data {
		if c == '\n' {
			d.lines = append(d.lines, i+1)
		}
	}
	if bytes.Contains(data, []byte("\r\n")) {
		d.eol = "\r\n"
	}
	defNS := t.DefaultNamespace
	if defNS == "" {
		defNS = manifest.DefaultNamespace
	}
	chunks, starts := manifest.SplitDocuments(data)
	var found []*yaml.Node
	var names []string
	for i, c := range chunks {
		var n yaml.Node
		if err := yaml.Unmarshal(c, &n); err != nil || len(n.Content) == 0 {
			continue
		}
		root := n.Content[0]
		if root.Kind != yaml.MappingNode || scalar(root, "kind") != t.kind() {
			continue
		}
		shift(root, starts[i])
		md := get(root, "metadata")
		name, ns := scalar(md, "name"), scalar(md, "namespace")
		if ns == "" {
			ns = defNS
		}
		names = append(names, ns+"/"+name)
		if t.Name != "" && name != t.Name || t.Namespace != "" && ns != t.Namespace {
			continue
		}
		found = append(found, root)
	}
	switch {
	case len(found) == 1:
		d.obj = found[0]
	case len(found) > 1:
		return nil, d.errorf(found[1], "%d %s match; name one with --%s <name> (and -n <namespace>)", len(found), plural(t.kind()), strings.ToLower(t.kind()))
	case t.Name == "":
		return nil, &manifest.InputError{Pos: manifest.Pos{File: file}, Msg: fmt.Sprintf("no %s in the file", t.kind())}
	default:
		msg := fmt.Sprintf("no %s named %s", t.kind(), t.Name)
		if len(names) > 0 {
			msg += "; the file has " + strings.Join(names, ", ")
		}
		return nil, &manifest.InputError{Pos: manifest.Pos{File: file}, Msg: msg}
	}
	if t.kind() == "Ingress" {
		if v := scalar(d.obj, "apiVersion"); v != "networking.k8s.io/v1" {
			return nil, d.errorf(get(d.obj, "apiVersion"), "this Ingress is %s: convert it to networking.k8s.io/v1 first (ingresskit convert --in-place -f %s)", v, file)
		}
	}
	if d.obj.Style&yaml.FlowStyle != 0 {
		return nil, d.errorf(d.obj, "the %s is written in flow style (JSON or {...}); only block-style YAML is edited in place", t.kind())
	}
	d.st = d.inferStyle()
	return d, nil
}

// shift moves the lines of a chunk's nodes to the file's lines.
func shift(n *yaml.Node, by int) {
	n.Line += by
	for _, c := range n.Content {
		shift(c, by)
	}
}

func (d *doc) errorf(n *yaml.Node, format string, args ...any) error {
	pos := manifest.Pos{File: d.file}
	if n != nil {
		pos.Line, pos.Col = n.Line, n.Column
	}
	return &manifest.InputError{Pos: pos, Msg: fmt.Sprintf(format, args...)}
}

// get returns the value of key in mapping m, or nil.
func get(m *yaml.Node, key string) *yaml.Node {
	_, v := pair(m, key)
	return v
}

// pair returns the key and value nodes of key in mapping m.
func pair(m *yaml.Node, key string) (*yaml.Node, *yaml.Node) {
	if m == nil || m.Kind != yaml.MappingNode {
		return nil, nil
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return m.Content[i], m.Content[i+1]
		}
	}
	return nil, nil
}

// scalar returns the value of a scalar key of m, or "".
func scalar(m *yaml.Node, key string) string {
	v := get(m, key)
	if v == nil || v.Kind != yaml.ScalarNode {
		return ""
	}
	return v.Value
}

// lineText returns 1-based line l without its line break.
func (d *doc) lineText(l int) string {
	if l < 1 || l > len(d.lines) {
		return ""
	}
	end := len(d.src)
	if l < len(d.lines) {
		end = d.lines[l]
	}
	return strings.TrimRight(string(d.src[d.lines[l-1]:end]), "\r\n")
}

func indentOf(s string) int { return len(s) - len(strings.TrimLeft(s, " ")) }

// children returns the items or pairs of n; none for nil.
func children(n *yaml.Node) []*yaml.Node {
	if n == nil {
		return nil
	}
	return n.Content
}

// maxLine returns the last line any node under n starts on.
func maxLine(n *yaml.Node) int {
	m := n.Line
	for _, c := range n.Content {
		m = max(m, maxLine(c))
	}
	return m
}

// lastLine returns the last line that belongs to n, an item or value
// whose parent (dash or key) is at 0-based column col: the lines of its
// nodes, and the lines after them indented deeper than col (the rest of
// a multi-line scalar), as YAML's block indentation says.
func (d *doc) lastLine(n *yaml.Node, col int) int {
	last := maxLine(n)
	for l := last + 1; l <= len(d.lines); l++ {
		t := d.lineText(l)
		if strings.TrimSpace(t) == "" {
			continue
		}
		if indentOf(t) <= col || strings.HasPrefix(strings.TrimSpace(t), "#") {
			break
		}
		last = l
	}
	return last
}

// lineStart returns the byte offset of 1-based line l; one past the last
// line is the end of the file.
func (d *doc) lineStart(l int) int {
	if l-1 < len(d.lines) {
		return d.lines[l-1]
	}
	return len(d.src)
}

// insertAfter inserts whole lines after line l.
func (d *doc) insertAfter(l int, lines []string) {
	text := strings.Join(lines, d.eol) + d.eol
	off := d.lineStart(l + 1)
	if l >= len(d.lines) || off == len(d.src) && !bytes.HasSuffix(d.src, []byte("\n")) {
		off = len(d.src)
		if !bytes.HasSuffix(d.src, []byte("\n")) {
			text = d.eol + strings.TrimSuffix(text, d.eol)
		}
	}
	d.edits = append(d.edits, span{off, off, text})
}

// deleteLines removes lines first..last.
func (d *doc) deleteLines(first, last int) {
	d.edits = append(d.edits, span{d.lineStart(first), d.lineStart(last + 1), ""})
}

// replaceLines replaces lines first..last with lines.
func (d *doc) replaceLines(first, last int, lines []string) {
	text := strings.Join(lines, d.eol) + d.eol
	end := d.lineStart(last + 1)
	if end == len(d.src) && !bytes.HasSuffix(d.src, []byte("\n")) {
		text = strings.TrimSuffix(text, d.eol)
	}
	d.edits = append(d.edits, span{d.lineStart(first), end, text})
}

// apply returns the file with the edits made.
func (d *doc) apply() []byte {
	sort.SliceStable(d.edits, func(i, j int) bool { return d.edits[i].start < d.edits[j].start })
	var out bytes.Buffer
	pos := 0
	for _, e := range d.edits {
		out.Write(d.src[pos:e.start])
		out.WriteString(e.text)
		pos = e.end
	}
	out.Write(d.src[pos:])
	return out.Bytes()
}

// col returns the 0-based column of n.
func col(n *yaml.Node) int { return n.Column - 1 }

// dashCol returns the 0-based column of the "- " that starts sequence
// item n, or -1 when it is not on n's line.
func (d *doc) dashCol(n *yaml.Node) int {
	t := d.lineText(n.Line)
	for i := col(n) - 1; i >= 0 && i < len(t); i-- {
		switch t[i] {
		case ' ':
			continue
		case '-':
			return i
		}
		return -1
	}
	return -1
}

// inferStyle reads the mapping step and the sequence indentation from the
// target object, defaulting to kubectl's two columns and indentless
// sequences.
func (d *doc) inferStyle() style {
	st := style{step: 2, seq: 0}
	stepSet, seqSet := false, false
	var walk func(m *yaml.Node)
	walk = func(m *yaml.Node) {
		if m.Kind != yaml.MappingNode || m.Style&yaml.FlowStyle != 0 {
			return
		}
		for i := 0; i+1 < len(m.Content); i += 2 {
			k, v := m.Content[i], m.Content[i+1]
			switch {
			case v.Kind == yaml.MappingNode && v.Style&yaml.FlowStyle == 0 && len(v.Content) > 0 && v.Line > k.Line:
				if !stepSet {
					st.step, stepSet = col(v.Content[0])-col(k), true
				}
				walk(v)
			case v.Kind == yaml.SequenceNode && v.Style&yaml.FlowStyle == 0 && len(v.Content) > 0:
				if dc := d.dashCol(v.Content[0]); dc >= 0 && !seqSet {
					st.seq, seqSet = dc-col(k), true
				}
				for _, it := range v.Content {
					walk(it)
				}
			}
		}
	}
	walk(d.obj)
	if st.step < 1 {
		st.step = 2
	}
	if st.seq < 0 {
		st.seq = 0
	}
	return st
}

// block checks that n is a block collection that can be edited line by
// line.
func (d *doc) block(n *yaml.Node, what string) error {
	if n.Style&yaml.FlowStyle != 0 {
		return d.errorf(n, "%s is written in flow style ([...] or {...}); only block-style YAML is edited in place", what)
	}
	return nil
}

// yv is a value to write: a scalar (already quoted as needed), a
// mapping or a sequence.
type yv struct {
	text  string
	isSet bool
	pairs []yp
	items []yv
	isSeq bool
}

type yp struct {
	key string
	val yv
}

func str(s string) yv { return yv{text: quote(s), isSet: true} }
func raw(s string) yv { return yv{text: s, isSet: true} }
func mapping(pairs ...yp) yv {
	return yv{pairs: pairs}
}
func seq(items ...yv) yv { return yv{items: items, isSeq: true} }

// quote writes s as YAML would, plain when that reads back as the same
// string.
func quote(s string) string {
	b, err := yaml.Marshal(s)
	if err != nil {
		return fmt.Sprintf("%q", s)
	}
	return strings.TrimSuffix(string(b), "\n")
}

// order sorts the pairs in the order of the keys of tmpl, a mapping
// already in the file, so that new text reads like its neighbours; keys
// tmpl lacks keep their order after the others. Nested values follow the
// nested mappings of tmpl.
func order(v yv, tmpl *yaml.Node) yv {
	if tmpl == nil {
		return v
	}
	switch {
	case v.isSeq:
		if tmpl.Kind == yaml.SequenceNode && len(tmpl.Content) > 0 {
			for i := range v.items {
				v.items[i] = order(v.items[i], tmpl.Content[0])
			}
		}
	case !v.isSet && tmpl.Kind == yaml.MappingNode:
		rank := map[string]int{}
		for i := 0; i+1 < len(tmpl.Content); i += 2 {
			rank[tmpl.Content[i].Value] = i/2 + 1
		}
		pairs := append([]yp(nil), v.pairs...)
		sort.SliceStable(pairs, func(i, j int) bool {
			ri, rj := rank[pairs[i].key], rank[pairs[j].key]
			if ri == 0 {
				ri = 1 << 20
			}
			if rj == 0 {
				rj = 1 << 20
			}
			return ri < rj
		})
		for i := range pairs {
			pairs[i].val = order(pairs[i].val, get(tmpl, pairs[i].key))
		}
		v.pairs = pairs
	}
	return v
}

// render writes the pairs of a mapping with its keys at column c.
func (st style) render(pairs []yp, c int) []string {
	var out []string
	pad := strings.Repeat(" ", c)
	for _, p := range pairs {
		switch {
		case p.val.isSet:
			out = append(out, pad+p.key+": "+p.val.text)
		case p.val.isSeq:
			out = append(out, pad+p.key+":")
			out = append(out, st.items(p.val.items, c+st.seq)...)
		default:
			out = append(out, pad+p.key+":")
			out = append(out, st.render(p.val.pairs, c+st.step)...)
		}
	}
	return out
}

// items writes sequence items with their dashes at column dc.
func (st style) items(items []yv, dc int) []string {
	var out []string
	pad := strings.Repeat(" ", dc)
	for _, it := range items {
		if it.isSet {
			out = append(out, pad+"- "+it.text)
			continue
		}
		lines := st.render(it.pairs, dc+2)
		if len(lines) > 0 {
			lines[0] = pad + "- " + lines[0][dc+2:]
		}
		out = append(out, lines...)
	}
	return out
}

// appendItem adds an item at the end of block sequence s, whose key is
// at column keyCol.
func (d *doc) appendItem(s *yaml.Node, keyCol int, item yv, what string) error {
	if err := d.block(s, what); err != nil {
		return err
	}
	if len(s.Content) == 0 {
		return d.errorf(s, "%s is empty; write its first entry by hand", what)
	}
	lastItem := s.Content[len(s.Content)-1]
	dc := d.dashCol(s.Content[0])
	if dc < 0 {
		return d.errorf(s, "%s is laid out in a way that is not edited in place", what)
	}
	item = order(item, s.Content[0])
	d.insertAfter(d.lastLine(lastItem, dc), d.st.items([]yv{item}, dc))
	_ = keyCol
	return nil
}

// appendPair adds key: val at the end of block mapping m.
func (d *doc) appendPair(m *yaml.Node, p yp, what string) error {
	if err := d.block(m, what); err != nil {
		return err
	}
	if len(m.Content) == 0 {
		return d.errorf(m, "%s is empty; write it by hand", what)
	}
	k := m.Content[len(m.Content)-2]
	v := m.Content[len(m.Content)-1]
	d.insertAfter(d.lastLine(v, col(k)), d.st.render([]yp{p}, col(m.Content[0])))
	return nil
}

// replacePair rewrites the pair of key k (value v) of a block mapping
// with p, at the same column.
func (d *doc) replacePair(k, v *yaml.Node, p yp) {
	p.val = order(p.val, v)
	lines := d.st.render([]yp{p}, col(k))
	// The key may follow the "- " of a sequence item: keep what precedes it.
	lines[0] = d.lineText(k.Line)[:col(k)] + lines[0][col(k):]
	d.replaceLines(k.Line, d.lastLine(v, col(k)), lines)
}

// deleteItem removes item it of a block sequence.
func (d *doc) deleteItem(it *yaml.Node) error {
	dc := d.dashCol(it)
	if dc < 0 || d.lineText(it.Line)[:dc] != strings.Repeat(" ", dc) {
		return d.errorf(it, "this entry is laid out in a way that is not edited in place")
	}
	d.deleteLines(it.Line, d.lastLine(it, dc))
	return nil
}

// deletePair removes the pair of key k (value v) of a block mapping.
func (d *doc) deletePair(k, v *yaml.Node) {
	d.deleteLines(k.Line, d.lastLine(v, col(k)))
}

func plural(kind string) string {
	if strings.HasSuffix(kind, "s") {
		return kind + "es"
	}
	return kind + "s"
}
