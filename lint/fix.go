package lint

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"regexp"
	"sort"
	"strconv"
	"strings"

	yaml "go.yaml.in/yaml/v3"

	"github.com/ingresskit/ingresskit/manifest"
)

// FixFunc returns data, the whole content of the file a finding's Pos
// names, with that finding repaired. It returns an error when the file is
// written in a way it cannot edit safely; the caller then leaves that
// finding as it is.
type FixFunc func(data []byte, f Finding) ([]byte, error)

// FixResult is what ApplyFixes did to one file.
type FixResult struct {
	// Data is the new content.
	Data []byte
	// Fixed lists the findings repaired.
	Fixed []Finding
	// Skipped lists the fixable findings left as they were, with why.
	Skipped []error
}

// ApplyFixes repairs the fixable findings of one file, bottom to top so
// that every fix sees the positions it was found at. files holds the
// content of each file by name; the result holds only files that changed
// or had a fix skipped.
func ApplyFixes(files map[string][]byte, findings []Finding) map[string]*FixResult {
	byFile := map[string][]Finding{}
	for _, f := range findings {
		if f.Fixable {
			byFile[f.Pos.File] = append(byFile[f.Pos.File], f)
		}
	}
	out := map[string]*FixResult{}
	for file, fs := range byFile {
		data, ok := files[file]
		if !ok {
			continue
		}
		sort.SliceStable(fs, func(i, j int) bool {
			// Whole-file conversions go last, after every positional edit.
			if wi, wj := fs[i].Rule == removedAPIVersion.ID, fs[j].Rule == removedAPIVersion.ID; wi != wj {
				return wj
			}
			if fs[i].Pos.Line != fs[j].Pos.Line {
				return fs[i].Pos.Line > fs[j].Pos.Line
			}
			return fs[i].Pos.Col > fs[j].Pos.Col
		})
		res := &FixResult{Data: data}
		for _, f := range fs {
			r := Lookup(f.Rule)
			if r == nil || r.Fix == nil {
				continue
			}
			next, err := r.Fix(res.Data, f)
			if err != nil {
				res.Skipped = append(res.Skipped, fmt.Errorf("%s: %s: not fixed: %w", f.Pos, f.Rule, err))
				continue
			}
			res.Data = next
			res.Fixed = append(res.Fixed, f)
		}
		out[file] = res
	}
	return out
}

// findIngressNode returns the mapping node of the Ingress whose node at
// line:col is described by pos, parsing every document of data.
func findIngressNode(data []byte, line int) (*yaml.Node, error) {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	for {
		var doc yaml.Node
		err := dec.Decode(&doc)
		if err == io.EOF {
			return nil, errors.New("no Ingress at that position")
		}
		if err != nil {
			return nil, err
		}
		if len(doc.Content) == 0 {
			continue
		}
		root := doc.Content[0]
		if root.Kind != yaml.MappingNode || mapValue(root, "kind") == nil || mapValue(root, "kind").Value != "Ingress" {
			continue
		}
		if line >= root.Line && line <= lastLine(root) {
			return root, nil
		}
	}
}

func mapValue(m *yaml.Node, key string) *yaml.Node {
	_, v := mapEntry(m, key)
	return v
}

func mapEntry(m *yaml.Node, key string) (k, v *yaml.Node) {
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

func lastLine(n *yaml.Node) int {
	l := n.Line
	for _, c := range n.Content {
		l = max(l, lastLine(c))
	}
	return l
}

var plainScalar = regexp.MustCompile(`^[a-z0-9]([a-z0-9.-]*[a-z0-9])?$`)

// fixDeprecatedClassAnnotation moves the annotation's value to
// spec.ingressClassName by editing lines, so that everything else in the
// file, comments included, stays byte for byte. It refuses flow-style
// YAML and Ingresses that already set the field.
func fixDeprecatedClassAnnotation(data []byte, f Finding) ([]byte, error) {
	root, err := findIngressNode(data, f.Pos.Line)
	if err != nil {
		return nil, err
	}
	meta := mapValue(root, "metadata")
	ann := mapValue(meta, "annotations")
	spec := mapValue(root, "spec")
	key, val := mapEntry(ann, manifest.AnnotationIngressClass)
	switch {
	case key == nil || val == nil || val.Kind != yaml.ScalarNode:
		return nil, errors.New("annotation not found")
	case spec == nil || spec.Kind != yaml.MappingNode || len(spec.Content) == 0:
		return nil, errors.New("spec is empty or not a block mapping")
	case ann.Style&yaml.FlowStyle != 0 || spec.Style&yaml.FlowStyle != 0:
		return nil, errors.New("flow-style YAML is not edited")
	case mapValue(spec, "ingressClassName") != nil:
		return nil, errors.New("spec.ingressClassName is already set; delete the annotation by hand")
	case val.Line != key.Line || !plainScalar.MatchString(val.Value):
		return nil, errors.New("the annotation's value is not a plain class name")
	}
	lines := strings.SplitAfter(string(data), "\n")
	// Insert first: spec follows metadata in every manifest this edits,
	// and the insertion is below the deleted line.
	first := spec.Content[0]
	if first.Line <= key.Line {
		return nil, errors.New("spec comes before metadata")
	}
	indent := strings.Repeat(" ", first.Column-1)
	ins := indent + "ingressClassName: " + strconv.Quote(val.Value)[1:len(strconv.Quote(val.Value))-1] + "\n"
	at := first.Line - 1
	// Keep comment lines that precede the first key attached to it.
	for at > 0 && strings.HasPrefix(strings.TrimSpace(lines[at-1]), "#") && at-1 > spec.Line-1 {
		at--
	}
	lines = append(lines[:at], append([]string{ins}, lines[at:]...)...)
	del := []int{key.Line - 1}
	if len(ann.Content) == 2 {
		// The annotation was the only one: drop "annotations:" too.
		annKey, _ := mapEntry(meta, "annotations")
		if annKey.Line != key.Line {
			del = append([]int{annKey.Line - 1}, del...)
		}
	}
	for i := len(del) - 1; i >= 0; i-- {
		lines = append(lines[:del[i]], lines[del[i]+1:]...)
	}
	return []byte(strings.Join(lines, "")), nil
}
