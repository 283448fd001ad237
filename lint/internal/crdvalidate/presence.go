package crdvalidate

import (
	"strconv"

	structuralschema "k8s.io/apiextensions-apiserver/pkg/apiserver/schema"
)

// Written reports whether the field at an API-server path
// (spec.rules[0].matches) was written in the input.
type Written func(path string) bool

// restore makes obj, converted from a Go API type, hold the fields that
// were written and only those, below the top-level key spec: the Go types
// cannot tell an absent field from an empty one (a struct without
// omitempty is always emitted, an empty list with omitempty never), and the
// API server's defaults and CEL rules depend on the difference. A written
// field the conversion dropped is restored as the empty value of its
// schema type.
func restore(obj map[string]any, s *structuralschema.Structural, written Written) {
	spec, ok := s.Properties["spec"]
	if !ok {
		return
	}
	if !written("spec") {
		delete(obj, "spec")
		return
	}
	v, ok := obj["spec"]
	if !ok {
		v = empty(&spec)
	}
	obj["spec"] = restoreValue(v, &spec, "spec", written)
}

func restoreValue(v any, s *structuralschema.Structural, path string, written Written) any {
	switch x := v.(type) {
	case map[string]any:
		for name := range s.Properties {
			prop := s.Properties[name]
			p := path + "." + name
			_, has := x[name]
			switch w := written(p); {
			case has && !w:
				delete(x, name)
			case !has && w:
				x[name] = empty(&prop)
			}
			if c, ok := x[name]; ok {
				x[name] = restoreValue(c, &prop, p, written)
			}
		}
	case []any:
		if s.Items == nil {
			return v
		}
		for i := range x {
			x[i] = restoreValue(x[i], s.Items, path+"["+strconv.Itoa(i)+"]", written)
		}
	}
	return v
}

// empty returns the empty value of a schema type.
func empty(s *structuralschema.Structural) any {
	switch s.Type {
	case "object":
		return map[string]any{}
	case "array":
		return []any{}
	case "string":
		return ""
	case "integer":
		return int64(0)
	case "number":
		return float64(0)
	case "boolean":
		return false
	}
	return nil
}
