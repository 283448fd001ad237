package manifest

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
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
	// generic turns the shortcuts for common types off, so that tests can
	// compare them with the generic path.
	generic bool
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
	if n.Kind == yaml.ScalarNode && n.Tag == "!!null" {
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
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, val := n.Content[i], n.Content[i+1]
			f, ok := fields[k.Value]
			if !ok {
				continue
			}
			mark := d.enter(f.name)
			e := d.record(k, f.name, -1)
			d.decode(val, v.FieldByIndex(f.index), limit)
			d.leave(e)
			d.path = d.path[:mark]
		}
	case reflect.Slice:
		if v.Type() == bytesType {
			s, ok := d.scalar(n, "a base64 string", "!!str")
			if !ok {
				return
			}
			b, err := base64.StdEncoding.DecodeString(strings.Join(strings.Fields(s), ""))
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
		if v.IsNil() {
			v.Set(reflect.MakeMapWithSize(v.Type(), len(n.Content)/2))
		}
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, val := n.Content[i], n.Content[i+1]
			k, ok := d.visit(k, limit)
			if !ok {
				return
			}
			if k.Kind != yaml.ScalarNode {
				d.fail(k, "map keys must be strings, got %s", describe(k))
				return
			}
			mark := d.enter(k.Value)
			rec := d.record(k, k.Value, -1)
			e := reflect.New(v.Type().Elem()).Elem()
			d.decode(val, e, limit)
			d.leave(rec)
			d.path = d.path[:mark]
			v.SetMapIndex(reflect.ValueOf(k.Value).Convert(v.Type().Key()), e)
		}
	case reflect.String:
		if s, ok := d.scalar(n, "a string", "!!str", "!!timestamp", "!!binary"); ok {
			v.SetString(s)
		}
	case reflect.Bool:
		if s, ok := d.scalar(n, "true or false", "!!bool"); ok {
			b, _ := strconv.ParseBool(strings.ToLower(s))
			v.SetBool(b)
		}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		s, ok := d.scalar(n, "an integer", "!!int")
		if !ok {
			return
		}
		i, err := strconv.ParseInt(strings.ReplaceAll(s, "_", ""), 0, 64)
		if err != nil || v.OverflowInt(i) {
			d.fail(n, "%s is out of range for a %d-bit integer", s, v.Type().Bits())
			return
		}
		v.SetInt(i)
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		s, ok := d.scalar(n, "an integer", "!!int")
		if !ok {
			return
		}
		i, err := strconv.ParseUint(strings.ReplaceAll(s, "_", ""), 0, 64)
		if err != nil || v.OverflowUint(i) {
			d.fail(n, "%s is out of range for an unsigned %d-bit integer", s, v.Type().Bits())
			return
		}
		v.SetUint(i)
	case reflect.Float32, reflect.Float64:
		s, ok := d.scalar(n, "a number", "!!float", "!!int")
		if !ok {
			return
		}
		f, err := strconv.ParseFloat(s, 64)
		if err != nil {
			d.fail(n, "%s is not a number", s)
			return
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

var intOrStringType = reflect.TypeOf(intstr.IntOrString{})

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
	switch n.ShortTag() {
	case "!!str":
		// json.Marshal replaces bytes that are not UTF-8.
		if !utf8.ValidString(n.Value) {
			return false
		}
		if _, ok := d.visit(n, limit); ok {
			out.Type, out.StrVal = intstr.String, n.Value
		}
		return true
	case "!!int":
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

// scalar returns the value of a scalar node whose tag is one of tags.
func (d *nodeDecoder) scalar(n *yaml.Node, want string, tags ...string) (string, bool) {
	if n.Kind != yaml.ScalarNode {
		d.fail(n, "expected %s, got %s", want, describe(n))
		return "", false
	}
	for _, t := range tags {
		if n.ShortTag() == t {
			return n.Value, true
		}
	}
	hint := ""
	if want == "a string" && len(n.Value) <= maxQuoted {
		hint = fmt.Sprintf(" (quote it: %q)", n.Value)
	}
	d.fail(n, "expected %s, got %s%s", want, describe(n), hint)
	return "", false
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
		switch n.ShortTag() {
		case "!!int":
			return "integer " + n.Value
		case "!!float":
			return "number " + n.Value
		case "!!bool":
			return "boolean " + n.Value
		case "!!null":
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
			b.WriteByte('{')
			for i := 0; i+1 < len(n.Content); i += 2 {
				if i > 0 {
					b.WriteByte(',')
				}
				k, _ := json.Marshal(n.Content[i].Value)
				b.Write(k)
				b.WriteByte(':')
				if err := walk(n.Content[i+1]); err != nil {
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
			switch n.ShortTag() {
			case "!!int":
				i, err := strconv.ParseInt(strings.ReplaceAll(n.Value, "_", ""), 0, 64)
				if err != nil {
					return fmt.Errorf("%s is out of range for an integer", n.Value)
				}
				b.WriteString(strconv.FormatInt(i, 10))
			case "!!float":
				f, err := strconv.ParseFloat(n.Value, 64)
				if err != nil || math.IsInf(f, 0) || math.IsNaN(f) {
					return fmt.Errorf("%s is not a JSON number", n.Value)
				}
				b.WriteString(strconv.FormatFloat(f, 'g', -1, 64))
			case "!!bool":
				b.WriteString(strconv.FormatBool(strings.EqualFold(n.Value, "true")))
			case "!!null":
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
