package migrate

import (
	"bytes"
	"encoding/json"
	"fmt"
	"path/filepath"
	"sort"
	"strings"

	"go.yaml.in/yaml/v2"
)

// plain returns the object as a JSON-shaped map without the fields a
// manifest leaves out: status and an empty creationTimestamp. Numbers
// are int64 where they are whole, as sigs.k8s.io/yaml's JSONToYAML reads
// them, so that YAML writes them alike.
func plain(o Object) (map[string]any, error) {
	data, err := json.Marshal(o.Object)
	if err != nil {
		return nil, err
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var m map[string]any
	if err := dec.Decode(&m); err != nil {
		return nil, err
	}
	delete(m, "status")
	if md, ok := m["metadata"].(map[string]any); ok {
		delete(md, "creationTimestamp")
	}
	numbers(m)
	return m, nil
}

// numbers replaces the json.Numbers of v in place.
func numbers(v any) any {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			x[k] = numbers(e)
		}
	case []any:
		for i, e := range x {
			x[i] = numbers(e)
		}
	case json.Number:
		if n, err := x.Int64(); err == nil {
			return n
		}
		if f, err := x.Float64(); err == nil {
			return f
		}
		return x.String()
	}
	return v
}

// comment names where an object came from.
func (o Object) comment() string {
	switch {
	case len(o.From) == 0:
		return fmt.Sprintf("# %s %s/%s for the routes below", o.Kind, o.Namespace, o.Name)
	case len(o.From) == 1:
		return fmt.Sprintf("# from Ingress %s (%s)", o.From[0], o.Pos)
	}
	return fmt.Sprintf("# for %d Ingresses, the first Ingress %s (%s)", len(o.From), o.From[0], o.Pos)
}

// YAML writes the objects as a multi-document YAML stream, each with a
// comment naming the Ingress it came from.
func YAML(objs []Object) ([]byte, error) {
	var b bytes.Buffer
	for i, o := range objs {
		m, err := plain(o)
		if err != nil {
			return nil, err
		}
		// go.yaml.in/yaml/v2 writes the map as sigs.k8s.io/yaml.Marshal
		// does (it is the library that one ends in), without the JSON
		// round trip it takes first: YAML output was most of convert's
		// time on 10,000 Ingresses.
		data, err := yaml.Marshal(m)
		if err != nil {
			return nil, err
		}
		if i > 0 {
			b.WriteString("---\n")
		}
		b.WriteString(o.comment() + "\n")
		b.Write(data)
	}
	return b.Bytes(), nil
}

// JSON writes the objects as a v1 List, as kubectl prints several objects.
func JSON(objs []Object) ([]byte, error) {
	items := make([]map[string]any, 0, len(objs))
	for _, o := range objs {
		m, err := plain(o)
		if err != nil {
			return nil, err
		}
		items = append(items, m)
	}
	data, err := json.MarshalIndent(map[string]any{"apiVersion": "v1", "kind": "List", "items": items}, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(data, '\n'), nil
}

// GatewaysFile is the file of --out-dir that holds the Gateways and
// ReferenceGrants, which belong to no one source file.
const GatewaysFile = "gateways.yaml"

// Files splits the objects by the file their Ingress came from, for
// --out-dir: routes go to a file of the source file's base name, Gateways
// and ReferenceGrants to GatewaysFile. Two source files of the same base
// name in different directories keep their directories' names.
func Files(objs []Object) (map[string][]Object, error) {
	bases := map[string]map[string]bool{}
	for _, o := range objs {
		if f := o.Pos.File; f != "" && o.Kind != "Gateway" && o.Kind != "ReferenceGrant" {
			b := filepath.Base(f)
			if bases[b] == nil {
				bases[b] = map[string]bool{}
			}
			bases[b][f] = true
		}
	}
	out := map[string][]Object{}
	for _, o := range objs {
		name := GatewaysFile
		if f := o.Pos.File; f != "" && o.Kind != "Gateway" && o.Kind != "ReferenceGrant" {
			name = filepath.Base(f)
			if f == "-" || f == "<stdin>" {
				name = "stdin.yaml"
			} else if len(bases[name]) > 1 {
				name = strings.NewReplacer("/", "_", `\`, "_").Replace(filepath.ToSlash(filepath.Clean(f)))
			}
			if ext := filepath.Ext(name); ext == ".json" {
				name = strings.TrimSuffix(name, ext) + ".yaml"
			}
		}
		out[name] = append(out[name], o)
	}
	if _, clash := bases[GatewaysFile]; clash {
		return nil, fmt.Errorf("an input file is named %s, the name of the output file for Gateways; rename it", GatewaysFile)
	}
	return out, nil
}

// FileNames returns the names of files, sorted.
func FileNames(files map[string][]Object) []string {
	names := make([]string, 0, len(files))
	for n := range files {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}
