// Package kustomize renders a kustomization directory with kustomize's own
// Go library (sigs.k8s.io/kustomize/api/krusty), the code behind
// `kustomize build` and `kubectl kustomize`, so that the result can be
// loaded like any manifest file, with positions that point back at the
// files the kustomization reads. It lives apart from manifest so that
// users of manifest do not link kustomize.
package kustomize

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	yaml "go.yaml.in/yaml/v3"
	"sigs.k8s.io/kustomize/api/konfig"
	"sigs.k8s.io/kustomize/api/krusty"
	"sigs.k8s.io/kustomize/api/resource"
	"sigs.k8s.io/kustomize/api/types"
	"sigs.k8s.io/kustomize/kyaml/filesys"
	kyaml "sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/ingresskit/ingresskit/manifest"
)

// Output is a rendered kustomization.
type Output struct {
	// YAML is the multi-document stream `kustomize build` prints.
	YAML []byte
	// Name is the file name the positions in YAML carry (Name).
	Name string

	// at maps a position in YAML (line and column) to the same text in
	// the file kustomize read it from.
	at map[[2]int]manifest.Pos
}

// Render runs the kustomization in dir with the default options of
// `kustomize build` (no plugins, no Helm, load restricted to the
// directory tree, as krusty.MakeDefaultOptions sets them).
//
// To know which file each object came from, the build runs as if the
// top kustomization asked for buildMetadata: [originAnnotations]
// (kustomize's api/internal/target/kusttarget.go records the
// config.kubernetes.io/origin annotation then); the annotation is removed
// from the output.
func Render(dir string) (*Output, error) {
	fsys := &originFS{FileSystem: filesys.MakeFsOnDisk(), dir: dir}
	// kustomize reads the file by its absolute path, links resolved
	// (filesys.ConfirmDir).
	if abs, err := filepath.Abs(dir); err == nil {
		fsys.dir = abs
		if real, err := filepath.EvalSymlinks(abs); err == nil {
			fsys.dir = real
		}
	}
	k := krusty.MakeKustomizer(krusty.MakeDefaultOptions())
	m, err := k.Run(fsys, dir)
	if err != nil {
		return nil, fmt.Errorf("kustomize build %s: %w", dir, err)
	}
	out := &Output{Name: Name(dir), at: map[[2]int]manifest.Pos{}}
	var buf bytes.Buffer
	sources := map[string][]*yaml.Node{}
	line := 0
	for i, r := range m.Resources() {
		origin, err := r.GetOrigin()
		if err != nil {
			return nil, fmt.Errorf("kustomize build %s: %w", dir, err)
		}
		if !fsys.userOrigin {
			if err := r.SetOrigin(nil); err != nil {
				return nil, fmt.Errorf("kustomize build %s: %w", dir, err)
			}
		}
		doc, err := r.AsYAML()
		if err != nil {
			return nil, fmt.Errorf("kustomize build %s: %w", dir, err)
		}
		if i > 0 {
			buf.WriteString("---\n")
			line++
		}
		buf.Write(doc)
		out.relate(dir, origin, doc, line, sources)
		line += bytes.Count(doc, []byte("\n"))
	}
	out.YAML = buf.Bytes()
	return out, nil
}

// Name is the file name positions in the rendered output carry: the
// lines are those of `kustomize build dir`'s output. Relocate keeps it
// for text kustomize wrote itself (a name with namePrefix, a namespace
// it set, a patched value, a generated object, a remote base).
func Name(dir string) string { return "kustomize build " + dir }

// Relocate maps a position in the rendered output to the same text in
// the kustomization's own files; it returns any other position, and text
// kustomize wrote itself, unchanged. It is manifest.Options.Relocate.
func (o *Output) Relocate(p manifest.Pos) manifest.Pos {
	if p.File != o.Name {
		return p
	}
	if q, ok := o.at[[2]int{p.Line, p.Col}]; ok {
		return q
	}
	return p
}

// relate records the positions of doc (the YAML of one rendered object,
// starting after line lines of the output) that are written the same way
// in the file the object came from.
func (o *Output) relate(dir string, origin *resource.Origin, doc []byte, line int, sources map[string][]*yaml.Node) {
	// A remote base, or an object a generator made, has no local file.
	if origin == nil || origin.Repo != "" || origin.ConfiguredIn != "" || origin.Path == "" {
		return
	}
	file := filepath.Join(dir, origin.Path)
	docs, ok := sources[file]
	if !ok {
		docs = parseAll(file)
		sources[file] = docs
	}
	var r yaml.Node
	if yaml.Unmarshal(doc, &r) != nil || len(r.Content) == 0 {
		return
	}
	s := match(r.Content[0], docs)
	if s == nil {
		return
	}
	w := walker{out: o, file: file, line: line, own: map[[2]int]bool{}}
	w.put(r.Content[0], s)
	w.walk(r.Content[0], s)
}

// parseAll returns the root nodes of the documents of file; a file that
// cannot be read or parsed gives none, so nothing is mapped to it.
func parseAll(file string) []*yaml.Node {
	data, err := os.ReadFile(file)
	if err != nil {
		return nil
	}
	var docs []*yaml.Node
	dec := yaml.NewDecoder(bytes.NewReader(data))
	for {
		var n yaml.Node
		if err := dec.Decode(&n); err != nil {
			return docs
		}
		if len(n.Content) > 0 {
			docs = append(docs, n.Content[0])
		}
	}
}

// match finds the document the rendered object r was made from: the one
// of the same kind whose name is r's, or the only one whose name is part
// of r's (namePrefix and nameSuffix add to it). None when it is unclear.
func match(r *yaml.Node, docs []*yaml.Node) *yaml.Node {
	kind, name := scalar(r, "kind"), scalar(value(r, "metadata"), "name")
	var part []*yaml.Node
	for _, d := range docs {
		if d.Kind != yaml.MappingNode || scalar(d, "kind") != kind {
			continue
		}
		switch n := scalar(value(d, "metadata"), "name"); {
		case n == name:
			return d
		case n != "" && strings.Contains(name, n):
			part = append(part, d)
		}
	}
	if len(part) == 1 {
		return part[0]
	}
	return nil
}

// walker maps the nodes of a rendered object to those of its source.
type walker struct {
	out  *Output
	file string
	line int // lines of the output before the object's
	// own holds the positions of text kustomize wrote itself. A mapping
	// starts where its first key does, so a mapping must not lend its
	// position to a key kustomize added or changed.
	own map[[2]int]bool
}

func (w walker) key(r *yaml.Node) [2]int { return [2]int{r.Line + w.line, r.Column} }

// put maps r to s unless r's position is kustomize's own or already
// mapped: the enclosing mapping, put first, keeps its position.
func (w walker) put(r, s *yaml.Node) {
	k := w.key(r)
	if _, done := w.out.at[k]; done || w.own[k] {
		return
	}
	w.out.at[k] = manifest.Pos{File: w.file, Line: s.Line, Col: s.Column}
}

// mark records r's position as kustomize's own text.
func (w walker) mark(r *yaml.Node) {
	k := w.key(r)
	w.own[k] = true
	delete(w.out.at, k)
}

// walk maps what r holds to what s holds: a key present in both, a list
// item of a list that kept its length, and a scalar only when kustomize
// left its value as written.
func (w walker) walk(r, s *yaml.Node) {
	for s.Kind == yaml.AliasNode && s.Alias != nil {
		s = s.Alias
	}
	if r.Kind != s.Kind {
		w.mark(r)
		return
	}
	switch r.Kind {
	case yaml.MappingNode:
		for i := 0; i+1 < len(r.Content); i += 2 {
			rk, rv := r.Content[i], r.Content[i+1]
			sk, sv := entry(s, rk.Value)
			if sk == nil {
				w.mark(rk)
				continue
			}
			for sv.Kind == yaml.AliasNode && sv.Alias != nil {
				sv = sv.Alias
			}
			if rv.Kind == yaml.ScalarNode && (sv.Kind != yaml.ScalarNode || sv.Value != rv.Value) {
				w.mark(rk)
				w.mark(rv)
				continue
			}
			w.put(rk, sk)
			w.put(rv, sv)
			w.walk(rv, sv)
		}
	case yaml.SequenceNode:
		if len(r.Content) != len(s.Content) {
			for _, ri := range r.Content {
				w.mark(ri)
			}
			return
		}
		for i, ri := range r.Content {
			w.put(ri, s.Content[i])
			w.walk(ri, s.Content[i])
		}
	case yaml.ScalarNode:
		if r.Value != s.Value {
			w.mark(r)
		}
	}
}

// entry returns the key and value nodes of key in mapping n.
func entry(n *yaml.Node, key string) (k, v *yaml.Node) {
	if n == nil || n.Kind != yaml.MappingNode {
		return nil, nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return n.Content[i], n.Content[i+1]
		}
	}
	return nil, nil
}

func value(n *yaml.Node, key string) *yaml.Node {
	_, v := entry(n, key)
	return v
}

func scalar(n *yaml.Node, key string) string {
	if v := value(n, key); v != nil && v.Kind == yaml.ScalarNode {
		return v.Value
	}
	return ""
}

// originFS reads the kustomization file of dir with originAnnotations
// added to its buildMetadata; every other read goes to the disk.
type originFS struct {
	filesys.FileSystem
	dir string
	// userOrigin is set when the kustomization asked for the
	// annotations itself, so the output keeps them, as kustomize build's
	// does.
	userOrigin bool
}

// ReadFile implements filesys.FileSystem.
func (f *originFS) ReadFile(path string) ([]byte, error) {
	data, err := f.FileSystem.ReadFile(path)
	if err != nil || filepath.Dir(path) != f.dir || !slices.Contains(konfig.RecognizedKustomizationFileNames(), filepath.Base(path)) {
		return data, err
	}
	n, perr := kyaml.Parse(string(data))
	if perr != nil || n.YNode().Kind != kyaml.MappingNode {
		// kustomize reports what is wrong with the file itself.
		return data, err
	}
	var have []string
	if bm := n.Field("buildMetadata"); bm != nil {
		if bm.Value.YNode().Kind != kyaml.SequenceNode {
			return data, err
		}
		for _, v := range bm.Value.Content() {
			have = append(have, v.Value)
		}
	}
	if slices.Contains(have, types.OriginAnnotations) {
		f.userOrigin = true
		return data, nil
	}
	if err := n.PipeE(kyaml.SetField("buildMetadata", kyaml.NewListRNode(append(have, types.OriginAnnotations)...))); err != nil {
		return data, nil
	}
	s, serr := n.String()
	if serr != nil {
		return data, nil
	}
	return []byte(s), nil
}

var _ filesys.FileSystem = (*originFS)(nil)
