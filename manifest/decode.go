package manifest

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"

	yaml "go.yaml.in/yaml/v3"
	"k8s.io/apimachinery/pkg/util/intstr"
)

// nodeDecoder fills Go values that carry json struct tags (the k8s.io/api
// types) straight from a YAML node tree, without a YAML to JSON to struct
// round trip, and records the position of every field it sets.
//
// The rules follow what sigs.k8s.io/yaml does for kubectl: a YAML value is
// accepted where its JSON equivalent would be accepted by encoding/json, so
// an unquoted 80 is not a string and an unquoted true is not an annotation
// value.
type nodeDecoder struct {
	file   string
	line   int // added to node lines: the line the document chunk starts on
	budget int // node visits left; aliases count every time they are expanded
	// path is the field path of the value being decoded, in API-server
	// form; it grows and shrinks as decoding descends and returns, and
	// becomes a string only for a message or a recorded position.
	path []byte
	// fields receives the position of every field set, when not nil.
	fields *fieldBuilder
	// keep, when set, picks the fields whose positions are recorded.
	keep func(path []byte) bool
	err  *InputError // first error; decoding stops at it
	// dups lists the keys written twice in one mapping.
	dups []Duplicate
	// generic turns the shortcuts for common types off, so that tests can
	// compare them with the generic path.
	generic bool
	// ents is a stack of the entries of the mappings being decoded
	// (entries): one buffer for the whole object instead of a slice per
	// mapping.
	ents []entry
	// strs, when not nil, receives a copy of every string the decoded
	// value keeps, so that it holds no memory of the input.
	strs *strArena
}

// record notes the position of the field at d.path, whose last segment
// is name or, for a list item, [idx]; it returns what to pass to leave
// once the field's value is decoded.
func (d *nodeDecoder) record(n *yaml.Node, name string, idx int) int {
	switch {
	case d.fields == nil:
		return -1
	case d.keep != nil:
		// The few fields kept are stored whole, without their parents.
		if d.keep(d.path) {
			d.fields.close(d.fields.openPath(d.path, n.Line+d.line, n.Column))
		}
		return -1
	case idx >= 0:
		return d.fields.openIndex(idx, n.Line+d.line, n.Column)
	}
	return d.fields.open(name, n.Line+d.line, n.Column)
}

// leave closes the field record opened.
func (d *nodeDecoder) leave(e int) {
	if e >= 0 {
		d.fields.close(e)
	}
}

// enter appends a field name to the path and returns the length to cut
// it back to.
func (d *nodeDecoder) enter(name string) int {
	mark := len(d.path)
	if mark > 0 {
		d.path = append(d.path, '.')
	}
	d.path = append(d.path, name...)
	return mark
}

// errBudget is the message for documents that expand beyond the budget, as
// an alias bomb does.
const errBudget = "document expands to more than %d YAML nodes (too large, or aliases nested too deeply); split it or remove the aliases"

func (d *nodeDecoder) pos(n *yaml.Node) Pos {
	return Pos{File: d.file, Line: n.Line + d.line, Col: n.Column}
}

func (d *nodeDecoder) fail(n *yaml.Node, format string, args ...any) {
	if d.err != nil {
		return
	}
	msg := fmt.Sprintf(format, args...)
	if len(d.path) > 0 {
		msg = string(d.path) + ": " + msg
	}
	d.err = &InputError{Pos: d.pos(n), Msg: msg}
}

// failAt records an error about the document as a whole, without a path.
func (d *nodeDecoder) failAt(n *yaml.Node, format string, args ...any) {
	path := d.path
	d.path = nil
	d.fail(n, format, args...)
	d.path = path
}

// visit spends one node of the budget and resolves aliases.
func (d *nodeDecoder) visit(n *yaml.Node, limit int) (*yaml.Node, bool) {
	for depth := 0; n.Kind == yaml.AliasNode; depth++ {
		if n.Alias == nil || depth > 100 {
			d.failAt(n, "unresolved YAML alias %q", n.Value)
			return nil, false
		}
		n = n.Alias
	}
	d.budget--
	if d.budget < 0 {
		d.failAt(n, errBudget, limit)
		return nil, false
	}
	return n, true
}

var (
	jsonUnmarshaler = reflect.TypeOf((*json.Unmarshaler)(nil)).Elem()
	bytesType       = reflect.TypeOf([]byte(nil))
)

var unmarshalCache sync.Map // reflect.Type -> bool

// unmarshals reports whether *t decodes itself from JSON.
func unmarshals(t reflect.Type) bool {
	// Predeclared types (string, int32, bool) and unnamed slices, maps
	// and pointers have no methods: most fields of the k8s.io/api types
	// are one of these, and need no look-up. An unnamed struct may
	// promote methods from an embedded field, so structs always look.
	if t.PkgPath() == "" && t.Kind() != reflect.Struct {
		return false
	}
	if v, ok := unmarshalCache.Load(t); ok {
		return v.(bool)
	}
	ok := reflect.PointerTo(t).Implements(jsonUnmarshaler)
	unmarshalCache.Store(t, ok)
	return ok
}

type fieldInfo struct {
	index []int
	name  string
}

var fieldCache sync.Map // reflect.Type -> map[string]fieldInfo

// structFields maps json names to field indexes, flattening inline
// (embedded or ",inline") structs as encoding/json does.
func structFields(t reflect.Type) map[string]fieldInfo {
	if m, ok := fieldCache.Load(t); ok {
		return m.(map[string]fieldInfo)
	}
	m := map[string]fieldInfo{}
	var walk func(t reflect.Type, prefix []int)
	walk = func(t reflect.Type, prefix []int) {
		for i := 0; i < t.NumField(); i++ {
			f := t.Field(i)
			tag := f.Tag.Get("json")
			if tag == "-" {
				continue
			}
			name, opts, _ := strings.Cut(tag, ",")
			idx := append(append([]int(nil), prefix...), i)
			if (f.Anonymous && name == "") || strings.Contains(","+opts+",", ",inline,") {
				ft := f.Type
				if ft.Kind() == reflect.Struct {
					walk(ft, idx)
					continue
				}
			}
			if !f.IsExported() {
				continue
			}
			if name == "" {
				name = f.Name
			}
			if _, dup := m[name]; !dup {
				m[name] = fieldInfo{index: idx, name: name}
			}
		}
	}
	walk(t, nil)
	fieldCache.Store(t, m)
	return m
}

// decode fills v from n. d.path is the field path of v.
func (d *nodeDecoder) decode(n *yaml.Node, v reflect.Value, limit int) {
	if d.err != nil {
		return
	}
	n, ok := d.visit(n, limit)
	if !ok {
		return
	}
	if isNull(n) {
		return
	}
	if v.Kind() != reflect.Pointer && v.CanAddr() && unmarshals(v.Type()) {
		if v.Type() == intOrStringType && !d.generic && d.intOrString(n, v.Addr().Interface().(*intstr.IntOrString), limit) {
			return
		}
		data, err := d.toJSON(n, limit)
		if err != nil {
			d.fail(n, "%v", err)
			return
		}
		if err := v.Addr().Interface().(json.Unmarshaler).UnmarshalJSON(data); err != nil {
			d.fail(n, "%v", cleanJSONError(err))
		}
		return
	}
	switch v.Kind() {
	case reflect.Pointer:
		if v.IsNil() {
			v.Set(reflect.New(v.Type().Elem()))
		}
		// The pointer itself was the visit; do not charge twice.
		d.budget++
		d.decode(n, v.Elem(), limit)
	case reflect.Struct:
		if n.Kind != yaml.MappingNode {
			d.fail(n, "expected a mapping, got %s", describe(n))
			return
		}
		fields := structFields(v.Type())
		ents, emark, ok := d.entries(n, limit)
		if !ok {
			return
		}
		defer d.release(emark)
		for _, en := range ents {
			f, ok := fields[en.key]
			if !ok {
				continue
			}
			mark := d.enter(f.name)
			e := d.record(en.k, f.name, -1)
			d.decode(en.v, v.FieldByIndex(f.index), limit)
			d.leave(e)
			d.path = d.path[:mark]
		}
	case reflect.Slice:
		if v.Type() == bytesType {
			x, ok := d.scalar(n, "a base64 string", tagStr)
			if !ok {
				return
			}
			b, err := base64.StdEncoding.DecodeString(strings.Join(strings.Fields(x.(string)), ""))
			if err != nil {
				d.fail(n, "illegal base64 data: %v", err)
				return
			}
			v.SetBytes(b)
			return
		}
		if n.Kind != yaml.SequenceNode {
			d.fail(n, "expected a list, got %s", describe(n))
			return
		}
		s := reflect.MakeSlice(v.Type(), len(n.Content), len(n.Content))
		for i, item := range n.Content {
			mark := len(d.path)
			d.path = append(d.path, '[')
			d.path = strconv.AppendInt(d.path, int64(i), 10)
			d.path = append(d.path, ']')
			e := d.record(item, "", i)
			d.decode(item, s.Index(i), limit)
			d.leave(e)
			d.path = d.path[:mark]
		}
		v.Set(s)
	case reflect.Map:
		if n.Kind != yaml.MappingNode {
			d.fail(n, "expected a mapping, got %s", describe(n))
			return
		}
		if v.Type().Key().Kind() != reflect.String {
			d.fail(n, "unsupported map key type %s", v.Type().Key())
			return
		}
		ents, emark, ok := d.entries(n, limit)
		if !ok {
			return
		}
		defer d.release(emark)
		// The JSON decoding kubectl's output goes through fills a new
		// map: a value written twice is one entry.
		if v.Type() == stringMapType && !d.generic {
			d.stringMap(ents, v, limit)
			return
		}
		v.Set(reflect.MakeMapWithSize(v.Type(), len(ents)))
		for _, en := range ents {
			mark := d.enter(en.key)
			rec := d.record(en.k, en.key, -1)
			e := reflect.New(v.Type().Elem()).Elem()
			d.decode(en.v, e, limit)
			d.leave(rec)
			d.path = d.path[:mark]
			v.SetMapIndex(reflect.ValueOf(d.strs.clone(en.key)).Convert(v.Type().Key()), e)
		}
	case reflect.String:
		if s, ok := d.str(n); ok {
			v.SetString(d.strs.clone(s))
		}
	case reflect.Bool:
		if x, ok := d.scalar(n, "true or false", tagBool); ok {
			v.SetBool(x.(bool))
		}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		x, ok := d.scalar(n, "an integer", tagInt, tagFloat)
		if !ok {
			return
		}
		i, err := d.integer(n, x)
		if err != "" {
			d.fail(n, "%s", err)
			return
		}
		if v.OverflowInt(i) {
			d.fail(n, "%s is out of range for a %d-bit integer", n.Value, v.Type().Bits())
			return
		}
		v.SetInt(i)
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		x, ok := d.scalar(n, "an integer", tagInt, tagFloat)
		if !ok {
			return
		}
		var u uint64
		switch x := x.(type) {
		case uint64:
			u = x
		default:
			i, err := d.integer(n, x)
			if err != "" || i < 0 {
				d.fail(n, "%s is out of range for an unsigned %d-bit integer", n.Value, v.Type().Bits())
				return
			}
			u = uint64(i)
		}
		if v.OverflowUint(u) {
			d.fail(n, "%s is out of range for an unsigned %d-bit integer", n.Value, v.Type().Bits())
			return
		}
		v.SetUint(u)
	case reflect.Float32, reflect.Float64:
		x, ok := d.scalar(n, "a number", tagFloat, tagInt)
		if !ok {
			return
		}
		var f float64
		switch x := x.(type) {
		case int64:
			f = float64(x)
		case uint64:
			f = float64(x)
		case float64:
			if math.IsNaN(x) || math.IsInf(x, 0) {
				d.fail(n, "%s is not a JSON number", n.Value)
				return
			}
			f = x
		}
		v.SetFloat(f)
	case reflect.Interface:
		data, err := d.toJSON(n, limit)
		if err != nil {
			d.fail(n, "%v", err)
			return
		}
		var x any
		if err := json.Unmarshal(data, &x); err != nil {
			d.fail(n, "%v", cleanJSONError(err))
			return
		}
		if x != nil {
			v.Set(reflect.ValueOf(x))
		}
	default:
		d.fail(n, "unsupported field type %s", v.Type())
	}
}

var (
	intOrStringType = reflect.TypeOf(intstr.IntOrString{})
	stringMapType   = reflect.TypeOf(map[string]string(nil))
)

// stringMap fills a map[string]string (labels, annotations, a Secret's
// stringData) from the entries of a mapping, as the Map case of decode
// does for any map, without a reflect call per entry.
func (d *nodeDecoder) stringMap(ents []entry, v reflect.Value, limit int) {
	m := make(map[string]string, len(ents))
	for _, en := range ents {
		if d.err != nil {
			return
		}
		mark := d.enter(en.key)
		rec := d.record(en.k, en.key, -1)
		var s string
		if n, ok := d.visit(en.v, limit); ok && !isNull(n) {
			s, _ = d.str(n)
		}
		d.leave(rec)
		d.path = d.path[:mark]
		m[d.strs.clone(en.key)] = d.strs.clone(s)
	}
	v.Set(reflect.ValueOf(m))
}

// intOrString decodes the two forms of an intstr.IntOrString that
// manifests use, a string and a decimal integer, without the JSON round
// trip: as UnmarshalJSON (k8s.io/apimachinery pkg/util/intstr/intstr.go)
// reads what toJSON makes of them, it sets the type and that one field and
// leaves the other as it was, and the node is visited a second time, as
// toJSON visits it. It reports false, having done nothing, for any other
// node, which then takes the JSON path.
func (d *nodeDecoder) intOrString(n *yaml.Node, out *intstr.IntOrString, limit int) bool {
	if n.Kind != yaml.ScalarNode {
		return false
	}
	tag, _, ok := resolveNode(n)
	if !ok {
		return false
	}
	switch tag {
	case tagStr:
		// json.Marshal replaces bytes that are not UTF-8.
		if !utf8.ValidString(n.Value) {
			return false
		}
		if _, ok := d.visit(n, limit); ok {
			out.Type, out.StrVal = intstr.String, d.strs.clone(n.Value)
		}
		return true
	case tagInt:
		// toJSON reads integers with base prefixes and underscores
		// (strconv.ParseInt base 0); plain decimals read the same in base
		// 10. UnmarshalJSON rejects what does not fit in 32 bits.
		digits := strings.TrimPrefix(n.Value, "-")
		if digits == "" || !allDigits(digits) || (digits[0] == '0' && len(digits) > 1) {
			return false
		}
		i, err := strconv.ParseInt(n.Value, 10, 32)
		if err != nil {
			return false
		}
		if _, ok := d.visit(n, limit); ok {
			out.Type, out.IntVal = intstr.Int, int32(i)
		}
		return true
	}
	return false
}

// scalar returns the value of a scalar node, resolved as kubectl reads it
// (resolveNode), when its tag is one of tags.
func (d *nodeDecoder) scalar(n *yaml.Node, want string, tags ...string) (any, bool) {
	if n.Kind != yaml.ScalarNode {
		d.fail(n, "expected %s, got %s", want, describe(n))
		return nil, false
	}
	tag, v, ok := resolveNode(n)
	if !ok {
		d.fail(n, "cannot decode %q as %s", n.Value, n.ShortTag())
		return nil, false
	}
	for _, t := range tags {
		if tag == t {
			if tag == tagStr {
				return n.Value, true
			}
			return v, true
		}
	}
	hint := ""
	if want == "a string" && len(n.Value) <= maxQuoted {
		hint = fmt.Sprintf(" (quote it: %q)", n.Value)
	}
	d.fail(n, "expected %s, got %s%s", want, describe(n), hint)
	return nil, false
}

// str is scalar for a string field: the one kind of value most fields
// hold, returned without putting it in an interface.
func (d *nodeDecoder) str(n *yaml.Node) (string, bool) {
	if n.Kind == yaml.ScalarNode {
		if tag, _, ok := resolveNode(n); ok && tag == tagStr {
			return n.Value, true
		}
	}
	_, ok := d.scalar(n, "a string", tagStr)
	return "", ok
}

// integer returns a resolved int or float scalar as the integer the JSON
// decoding of kubectl's output reads: an integral float in range is one
// (80.0, 1e3, and 080, which YAML 1.1 reads as the float 80), another float
// is not. It returns a message when the value is not an integer.
func (d *nodeDecoder) integer(n *yaml.Node, x any) (int64, string) {
	switch x := x.(type) {
	case int64:
		return x, ""
	case uint64:
		return 0, fmt.Sprintf("%s is out of range for a 64-bit integer", n.Value)
	case float64:
		s, ok := jsonNumber(x)
		if !ok {
			return 0, fmt.Sprintf("expected an integer, got %s", describe(n))
		}
		i, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			if allDigits(strings.TrimPrefix(s, "-")) {
				return 0, fmt.Sprintf("%s is out of range for a 64-bit integer", n.Value)
			}
			return 0, fmt.Sprintf("expected an integer, got %s", describe(n))
		}
		return i, ""
	}
	return 0, fmt.Sprintf("expected an integer, got %s", describe(n))
}

// isNull reports whether n is a null scalar as kubectl reads it.
func isNull(n *yaml.Node) bool {
	if n.Kind != yaml.ScalarNode {
		return false
	}
	tag, _, ok := resolveNode(n)
	return ok && tag == tagNull
}

// entry is one key and value of a mapping, its key as the JSON object key
// kubectl makes of it. direct marks a key written in the mapping itself,
// not brought in by a merge key.
type entry struct {
	k, v   *yaml.Node
	key    string
	direct bool
}

// smallMapping is the number of keys up to which a mapping's keys are
// compared with each other one by one rather than through a Go map: most
// mappings of a manifest have a handful of keys, and a map per mapping
// was the decoder's largest allocation.
const smallMapping = 16

// entries returns the fields of mapping n as kubectl ends up with them:
// go.yaml.in/yaml/v2 (decoder.mapping and decoder.merge in decode.go)
// assigns the keys in order, a merge key (<<) assigning every key of its
// mapping, or of each mapping of its list from the last to the first, so
// that the first wins; a key assigned again replaces the earlier value.
// Each key appears once, at its last assignment. A key written twice in
// the same mapping is recorded as a duplicate.
//
// The entries live in d.ents, a stack shared by the mappings being
// decoded; the caller passes the returned mark to release once it is done
// with them.
func (d *nodeDecoder) entries(n *yaml.Node, limit int) ([]entry, int, bool) {
	mark := len(d.ents)
	if !d.assign(n, limit, 0) {
		d.ents = d.ents[:mark]
		return nil, mark, false
	}
	out := d.ents[mark:]
	if !repeats(out) {
		return out, mark, true
	}
	last := make(map[string]int, len(out))
	for i, e := range out {
		last[e.key] = i
	}
	kept := out[:0]
	for i, e := range out {
		if last[e.key] == i {
			kept = append(kept, e)
		}
	}
	d.ents = d.ents[:mark+len(kept)]
	return kept, mark, true
}

// release drops the entries from mark on (see entries).
func (d *nodeDecoder) release(mark int) {
	clear(d.ents[mark:])
	d.ents = d.ents[:mark]
}

// repeats reports whether a key appears twice among ents.
func repeats(ents []entry) bool {
	if len(ents) <= smallMapping {
		for i := 1; i < len(ents); i++ {
			for j := 0; j < i; j++ {
				if ents[j].key == ents[i].key {
					return true
				}
			}
		}
		return false
	}
	seen := make(map[string]struct{}, len(ents))
	for _, e := range ents {
		if _, ok := seen[e.key]; ok {
			return true
		}
		seen[e.key] = struct{}{}
	}
	return false
}

// assign appends the assignments of mapping n to d.ents; depth bounds
// merge chains.
func (d *nodeDecoder) assign(n *yaml.Node, limit int, depth int) bool {
	if depth > 100 {
		d.failAt(n, "YAML merge keys nested too deeply")
		return false
	}
	base := len(d.ents)
	var seen map[string]*yaml.Node // the direct keys, for a large mapping
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, val := n.Content[i], n.Content[i+1]
		for k.Kind == yaml.AliasNode && k.Alias != nil {
			k = k.Alias
		}
		if k.Kind != yaml.ScalarNode {
			d.fail(k, "map keys must be strings, got %s", describe(k))
			return false
		}
		tag, v, ok := resolveNode(k)
		if ok && tag == tagMerge {
			if !d.merge(val, limit, depth) {
				return false
			}
			continue
		}
		key, ok := keyString(tag, v, k.Value)
		if !ok {
			d.fail(k, "map key %s cannot be a JSON object key; quote it", describe(k))
			return false
		}
		if depth == 0 {
			var first *yaml.Node
			if len(n.Content) <= 2*smallMapping {
				for _, e := range d.ents[base:] {
					if e.direct && e.key == key {
						first = e.k
						break
					}
				}
			} else {
				if seen == nil {
					seen = make(map[string]*yaml.Node, len(n.Content)/2)
				}
				if first = seen[key]; first == nil {
					seen[key] = k
				}
			}
			if first != nil {
				d.duplicate(key, first, k)
			}
		}
		d.ents = append(d.ents, entry{k: k, v: val, key: key, direct: depth == 0})
	}
	return true
}

// merge assigns the mappings a merge key's value names: one mapping, or a
// list of them, earlier ones taking precedence.
func (d *nodeDecoder) merge(val *yaml.Node, limit int, depth int) bool {
	val, ok := d.visit(val, limit)
	if !ok {
		return false
	}
	switch val.Kind {
	case yaml.MappingNode:
		return d.assign(val, limit, depth+1)
	case yaml.SequenceNode:
		for i := len(val.Content) - 1; i >= 0; i-- {
			m, ok := d.visit(val.Content[i], limit)
			if !ok {
				return false
			}
			if m.Kind != yaml.MappingNode {
				d.fail(m, "a merge key (<<) takes a mapping or a list of mappings, got %s", describe(m))
				return false
			}
			if !d.assign(m, limit, depth+1) {
				return false
			}
		}
		return true
	}
	d.fail(val, "a merge key (<<) takes a mapping or a list of mappings, got %s", describe(val))
	return false
}

// duplicate records a key written a second time in one mapping.
func (d *nodeDecoder) duplicate(key string, first, again *yaml.Node) {
	field := strings.Clone(key)
	if len(d.path) > 0 {
		field = string(d.path) + "." + key
	}
	d.dups = append(d.dups, Duplicate{Field: field, Pos: d.pos(again), First: d.pos(first)})
}

// maxQuoted bounds how much of a value a message repeats: a value may be a
// secret (a PEM key passed by mistake) and belongs in no log.
const maxQuoted = 40

// quoteShort quotes a value for a message, leaving out long values and
// anything that looks like PEM.
func quoteShort(v string) string {
	switch {
	case strings.Contains(v, "-----BEGIN"):
		return "(a PEM block, not shown)"
	case len(v) > maxQuoted:
		return fmt.Sprintf("(%d characters, not shown)", len(v))
	}
	return fmt.Sprintf("%q", v)
}

func describe(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.ScalarNode:
		tag, _, _ := resolveNode(n)
		switch tag {
		case tagInt:
			return "integer " + n.Value
		case tagFloat:
			return "number " + n.Value
		case tagBool:
			return "boolean " + n.Value
		case tagNull:
			return "null"
		default:
			return "string " + quoteShort(n.Value)
		}
	}
	return "an unexpected YAML node"
}

// toJSON renders a node as JSON for types that decode themselves
// (intstr.IntOrString, metav1.Time, resource.Quantity).
func (d *nodeDecoder) toJSON(n *yaml.Node, limit int) ([]byte, error) {
	var b strings.Builder
	var walk func(n *yaml.Node) error
	walk = func(n *yaml.Node) error {
		n, ok := d.visit(n, limit)
		if !ok {
			return fmt.Errorf("%s", d.err.Msg)
		}
		switch n.Kind {
		case yaml.MappingNode:
			ents, emark, ok := d.entries(n, limit)
			if !ok {
				return fmt.Errorf("%s", d.err.Msg)
			}
			defer d.release(emark)
			b.WriteByte('{')
			for i, e := range ents {
				if i > 0 {
					b.WriteByte(',')
				}
				k, _ := json.Marshal(e.key)
				b.Write(k)
				b.WriteByte(':')
				if err := walk(e.v); err != nil {
					return err
				}
			}
			b.WriteByte('}')
		case yaml.SequenceNode:
			b.WriteByte('[')
			for i, c := range n.Content {
				if i > 0 {
					b.WriteByte(',')
				}
				if err := walk(c); err != nil {
					return err
				}
			}
			b.WriteByte(']')
		case yaml.ScalarNode:
			tag, v, ok := resolveNode(n)
			if !ok {
				return fmt.Errorf("cannot decode %q as %s", n.Value, n.ShortTag())
			}
			switch tag {
			case tagInt:
				switch v := v.(type) {
				case int64:
					b.WriteString(strconv.FormatInt(v, 10))
				case uint64:
					b.WriteString(strconv.FormatUint(v, 10))
				}
			case tagFloat:
				s, ok := jsonNumber(v.(float64))
				if !ok {
					return fmt.Errorf("%s is not a JSON number", n.Value)
				}
				b.WriteString(s)
			case tagBool:
				b.WriteString(strconv.FormatBool(v.(bool)))
			case tagNull:
				b.WriteString("null")
			default:
				s, _ := json.Marshal(n.Value)
				b.Write(s)
			}
		default:
			return fmt.Errorf("unexpected YAML node")
		}
		return nil
	}
	if err := walk(n); err != nil {
		return nil, err
	}
	return []byte(b.String()), nil
}

// cleanJSONError drops the Go type names encoding/json puts in messages.
func cleanJSONError(err error) string {
	var te *json.UnmarshalTypeError
	if ok := asTypeError(err, &te); ok {
		return fmt.Sprintf("expected %s, got %s", te.Type.Kind(), te.Value)
	}
	return strings.TrimPrefix(err.Error(), "json: ")
}

func asTypeError(err error, te **json.UnmarshalTypeError) bool {
	t, ok := err.(*json.UnmarshalTypeError)
	if ok {
		*te = t
	}
	return ok
}

// Duplicate is a mapping key written twice in one object. kubectl keeps the
// later value; the API server, given the YAML, warns of a "duplicate
// field" (strict decoding in k8s.io/apimachinery
// pkg/runtime/serializer/json).
type Duplicate struct {
	// Field is the field path in API-server form.
	Field string
	// Pos is the later key, whose value counts; First the earlier one.
	Pos, First Pos
}

// splitStream cuts a file into the documents to parse, with the 0-based
// line each starts on. A file that starts with a JSON object is read as
// kubectl's YAMLOrJSONDecoder reads it (k8s.io/apimachinery
// pkg/util/yaml/decoder.go): one JSON object after another, as jq -c
// writes them, and, after a single object, YAML for the rest. Any other
// file is cut at its "---" lines (SplitDocuments).
func splitStream(data []byte) (chunks [][]byte, starts []int) {
	objs, objStarts, rest := splitJSONStream(data)
	if len(objs) == 0 {
		return SplitDocuments(data)
	}
	chunks, starts = objs, objStarts
	if len(bytes.TrimSpace(data[rest:])) == 0 {
		return chunks, starts
	}
	skip := bytes.Count(data[:rest], []byte{'\n'})
	more, moreStarts := SplitDocuments(data[rest:])
	for i := range more {
		chunks = append(chunks, more[i])
		starts = append(starts, moreStarts[i]+skip)
	}
	return chunks, starts
}

// splitJSONStream returns the JSON objects at the start of data, each with
// the 0-based line it starts on, and the offset where what follows them
// begins. It returns none when data does not start with a JSON object, or
// when the first does not parse (the YAML parser then reports it), so that
// a single JSON document is read as before. After two objects or more,
// kubectl reads no YAML: the rest, if any, is one more chunk, whose error
// the parser reports at its line.
func splitJSONStream(data []byte) (objs [][]byte, starts []int, rest int) {
	trimmed := bytes.TrimLeft(data, " \t\r\n")
	if len(trimmed) == 0 || trimmed[0] != '{' {
		return nil, nil, 0
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	line, counted := 0, 0
	var end int64
	for {
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			if err == io.EOF || len(objs) <= 1 {
				return objs, starts, int(end)
			}
			return append(objs, data[end:]), append(starts, lineAt(data, &line, &counted, int(end))), len(data)
		}
		if len(raw) == 0 || raw[0] != '{' {
			// A stream of JSON values that are not objects is no
			// manifest kubectl reads; the parser reports it.
			if len(objs) <= 1 {
				return nil, nil, 0
			}
			return append(objs, data[end:]), append(starts, lineAt(data, &line, &counted, int(end))), len(data)
		}
		next := dec.InputOffset()
		start := int(end) + bytes.IndexByte(data[end:next], '{')
		objs = append(objs, data[start:next])
		starts = append(starts, lineAt(data, &line, &counted, start))
		end = next
	}
}

// lineAt returns the 0-based line of offset off, counting on from the
// line and offset of the previous call.
func lineAt(data []byte, line, counted *int, off int) int {
	*line += bytes.Count(data[*counted:off], []byte{'\n'})
	*counted = off
	return *line
}

// badUTF8 finds the first byte of data that is not UTF-8, as a
// Windows-1252 or Latin-1 file holds: its 1-based line and column (in
// bytes), and the byte. The YAML parser rejects such a byte without saying
// where it is.
func badUTF8(data []byte) (line, col int, b byte, ok bool) {
	line, start := 1, 0
	for i := 0; i < len(data); {
		c := data[i]
		if c == '\n' {
			line, start = line+1, i+1
			i++
			continue
		}
		if c < utf8.RuneSelf {
			i++
			continue
		}
		r, size := utf8.DecodeRune(data[i:])
		if r == utf8.RuneError && size <= 1 {
			return line, i - start + 1, c, true
		}
		i += size
	}
	return 0, 0, 0, false
}

// splitFirstJSON applies splitStream to the first of the documents of a
// stream read document by document: a stream that starts with JSON objects
// holds them all in its first document, having no "---" line.
func splitFirstJSON(parts [][]byte, starts []int) ([][]byte, []int) {
	if len(parts) == 0 {
		return parts, starts
	}
	if objs, _, _ := splitJSONStream(parts[0]); len(objs) == 0 {
		return parts, starts
	}
	first, firstStarts := splitStream(parts[0])
	for i := range firstStarts {
		firstStarts[i] += starts[0]
	}
	return append(first, parts[1:]...), append(firstStarts, starts[1:]...)
}
