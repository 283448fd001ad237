// Package convert rewrites Ingress objects written against the removed
// extensions/v1beta1 and networking.k8s.io/v1beta1 APIs, and IngressClass
// objects of networking.k8s.io/v1beta1, to networking.k8s.io/v1.
//
// It edits the YAML node tree and the text together: only the bytes of the
// fields that change are rewritten, and every other byte of the input
// (other documents, "---" separators, comments, key order, quoting, blank
// lines) is copied as it was. JSON input stays JSON. Each rewritten
// document is parsed again and compared with the edited node tree; a
// layout the text editor does not understand is re-emitted from the tree.
package convert

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"

	yaml "go.yaml.in/yaml/v3"
	"k8s.io/apimachinery/pkg/labels"

	"github.com/ingresskit/ingresskit/manifest"
)

// ClassAnnotation says what happens to the kubernetes.io/ingress.class
// annotation of an Ingress.
type ClassAnnotation string

// The values of ClassAnnotation.
const (
	// KeepClassAnnotation leaves the annotation as it is (the default).
	KeepClassAnnotation ClassAnnotation = "keep"
	// MoveClassAnnotation removes the annotation and writes its value to
	// spec.ingressClassName, in every Ingress of the input.
	MoveClassAnnotation ClassAnnotation = "move"
)

// ClassAnnotations lists the values of ClassAnnotation, sorted.
var ClassAnnotations = []ClassAnnotation{KeepClassAnnotation, MoveClassAnnotation}

// Options configures Bytes. The zero value converts API versions and keeps
// the class annotation.
type Options struct {
	// IngressClassAnnotation is KeepClassAnnotation (also the empty value)
	// or MoveClassAnnotation.
	IngressClassAnnotation ClassAnnotation
	// Selector, when set and not empty, limits the conversion to the
	// Ingresses whose labels match it (kubectl's -l); the other documents
	// are left as they are. IngressClasses, which declare no routes, are
	// converted whatever their labels.
	Selector labels.Selector
}

// Bytes converts the manifests in data, read from the file name (used in
// error positions). It returns the converted bytes and whether anything
// changed; unchanged input is returned as it is. Input that does not load
// through manifest.Parse, and fields that have no networking.k8s.io/v1
// equivalent, give a *manifest.LoadError naming file:line, and no output.
func Bytes(name string, data []byte, opts Options) (out []byte, changed bool, err error) {
	r, err := convertAll(name, data, opts)
	return r.out, r.changed, err
}

// result is what convertAll returns; reemitted counts the chunks written
// by the encoder instead of the text editor (tests keep it at zero for
// every layout they cover).
type result struct {
	out       []byte
	changed   bool
	reemitted int
}

func convertAll(name string, data []byte, opts Options) (result, error) {
	var r result
	switch opts.IngressClassAnnotation {
	case "", KeepClassAnnotation, MoveClassAnnotation:
	default:
		return r, fmt.Errorf("unknown ingress class annotation mode %q (want keep or move)", opts.IngressClassAnnotation)
	}
	if _, err := manifest.Parse(name, data, manifest.Options{}); err != nil {
		return r, err
	}
	chunks, starts := manifest.SplitDocuments(data)
	var buf bytes.Buffer
	var errs []*manifest.InputError
	for i, chunk := range chunks {
		if unselected(name, chunk, opts.Selector) {
			buf.Write(chunk)
			continue
		}
		c := &chunkConv{file: name, line: starts[i], opts: opts}
		res, err := c.convert(chunk)
		errs = append(errs, c.errs...)
		if err != nil {
			errs = append(errs, &manifest.InputError{Pos: manifest.Pos{File: name, Line: starts[i] + 1}, Msg: err.Error()})
		}
		if len(errs) > 0 {
			continue
		}
		if c.changed {
			r.changed = true
			if c.reemitted {
				r.reemitted++
			}
			buf.Write(res)
		} else {
			buf.Write(chunk)
		}
	}
	if len(errs) > 0 {
		return result{}, &manifest.LoadError{Errors: errs}
	}
	r.out = data
	if r.changed {
		r.out = buf.Bytes()
	}
	return r, nil
}

// unselected reports whether the chunk holds Ingresses and none of them
// matches sel, so that it is kept as written. The whole file has already
// loaded, so the chunk parses.
func unselected(name string, chunk []byte, sel labels.Selector) bool {
	if sel == nil || sel.Empty() {
		return false
	}
	set, err := manifest.Parse(name, chunk, manifest.Options{})
	if err != nil || len(set.Ingresses) == 0 {
		return false
	}
	return len(set.Select(sel).Ingresses) == 0
}

// chunkConv converts the documents of one chunk.
type chunkConv struct {
	file    string
	line    int // lines of the file before the chunk
	opts    Options
	e       *editor
	errs    []*manifest.InputError
	changed bool
	// reemitted is set when the chunk was written by the encoder.
	reemitted bool
}

func (c *chunkConv) errorf(n *yaml.Node, format string, args ...any) {
	line := c.line + 1
	if n != nil && n.Line > 0 {
		line = c.line + n.Line
	}
	c.errs = append(c.errs, &manifest.InputError{Pos: manifest.Pos{File: c.file, Line: line}, Msg: fmt.Sprintf(format, args...)})
}

func decodeAll(src []byte) ([]*yaml.Node, error) {
	var docs []*yaml.Node
	dec := yaml.NewDecoder(bytes.NewReader(src))
	for {
		var doc yaml.Node
		err := dec.Decode(&doc)
		if errors.Is(err, io.EOF) {
			return docs, nil
		}
		if err != nil {
			return nil, err
		}
		docs = append(docs, &doc)
	}
}

func (c *chunkConv) convert(src []byte) (out []byte, err error) {
	defer func() {
		// The YAML library is third-party code: a panic on some input
		// becomes an error, never a crash.
		if r := recover(); r != nil {
			out, err = nil, fmt.Errorf("cannot convert this document: %v", r)
		}
	}()
	docs, err := decodeAll(src)
	if err != nil {
		return nil, fmt.Errorf("invalid YAML: %v", strings.TrimPrefix(err.Error(), "yaml: "))
	}
	c.e = newEditor(src)
	for _, doc := range docs {
		if len(doc.Content) > 0 {
			c.object(doc.Content[0])
		}
	}
	if !c.changed || len(c.errs) > 0 {
		return nil, nil
	}
	if c.e.ok {
		if res, ok := c.e.apply(); ok && sameDocs(res, docs) {
			return res, nil
		}
	}
	c.reemitted = true
	res, err := reemit(src, docs)
	if err != nil {
		return nil, err
	}
	if !sameDocs(res, docs) {
		return nil, fmt.Errorf("cannot convert this document without changing its meaning; convert it by hand")
	}
	return res, nil
}

// reemit writes the edited documents of a chunk with the YAML encoder,
// keeping a leading "---" line as written. JSON documents are written as
// JSON.
func reemit(src []byte, docs []*yaml.Node) ([]byte, error) {
	var buf bytes.Buffer
	if manifest.IsDocMarker(firstLine(src)) {
		buf.Write(firstLine(src))
		if !bytes.HasSuffix(buf.Bytes(), []byte("\n")) {
			buf.WriteByte('\n')
		}
	}
	if len(docs) == 1 && isJSONDoc(docs[0]) {
		writeJSON(&buf, docs[0].Content[0], jsonIndent(src), 0)
		buf.WriteByte('\n')
		return buf.Bytes(), nil
	}
	for _, d := range docs {
		spellNulls(d, 0)
	}
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	for _, d := range docs {
		if err := enc.Encode(d); err != nil {
			return nil, fmt.Errorf("cannot write the converted document: %v", err)
		}
	}
	if err := enc.Close(); err != nil {
		return nil, fmt.Errorf("cannot write the converted document: %v", err)
	}
	return buf.Bytes(), nil
}

// spellNulls writes empty null scalars as "null": the encoder would
// otherwise quote some of them, turning them into empty strings.
func spellNulls(n *yaml.Node, depth int) {
	if n == nil || depth > 1000 {
		return
	}
	if n.Kind == yaml.ScalarNode && n.Value == "" && n.ShortTag() == "!!null" {
		n.Value, n.Tag, n.Style = "null", "!!null", 0
	}
	for _, c := range n.Content {
		spellNulls(c, depth+1)
	}
}

func firstLine(b []byte) []byte {
	if i := bytes.IndexByte(b, '\n'); i >= 0 {
		return b[:i+1]
	}
	return b
}

// sameDocs reports whether src parses to documents equal to docs.
func sameDocs(src []byte, docs []*yaml.Node) bool {
	got, err := decodeAll(src)
	if err != nil || len(got) != len(docs) {
		return false
	}
	for i := range got {
		if !sameNode(got[i], docs[i], 0) {
			return false
		}
	}
	return true
}

// sameNode compares two node trees by kind, resolved tag and value,
// ignoring style, comments and positions.
func sameNode(a, b *yaml.Node, depth int) bool {
	if a == nil || b == nil || depth > 1000 {
		return a == b
	}
	if a.Kind != b.Kind {
		return false
	}
	switch a.Kind {
	case yaml.ScalarNode:
		if a.ShortTag() == "!!null" && b.ShortTag() == "!!null" {
			return true // "", "~" and "null" are one value
		}
		return a.ShortTag() == b.ShortTag() && a.Value == b.Value
	case yaml.AliasNode:
		return a.Value == b.Value
	}
	if len(a.Content) != len(b.Content) {
		return false
	}
	for i := range a.Content {
		if !sameNode(a.Content[i], b.Content[i], depth+1) {
			return false
		}
	}
	return true
}
