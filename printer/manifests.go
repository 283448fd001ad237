package printer

import (
	"encoding/json"
	"fmt"
	"io"

	"sigs.k8s.io/yaml"
)

// cleanObject turns an API object into its JSON form without the fields a
// new object has no value for: status and metadata.creationTimestamp,
// which `kubectl create --dry-run=client -o yaml` prints as null and {}.
func cleanObject(obj any) (map[string]any, error) {
	b, err := json.Marshal(obj)
	if err != nil {
		return nil, err
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, err
	}
	delete(m, "status")
	if md, ok := m["metadata"].(map[string]any); ok {
		delete(md, "creationTimestamp")
	}
	return m, nil
}

// ObjectsYAML writes API objects as a YAML stream, one document each,
// keys sorted as kubectl -o yaml prints them, ready for kubectl apply -f -.
func ObjectsYAML(w io.Writer, objs ...any) error {
	for i, obj := range objs {
		m, err := cleanObject(obj)
		if err != nil {
			return err
		}
		b, err := yaml.Marshal(m)
		if err != nil {
			return err
		}
		if i > 0 {
			if _, err := io.WriteString(w, "---\n"); err != nil {
				return err
			}
		}
		if _, err := w.Write(b); err != nil {
			return err
		}
	}
	return nil
}

// ObjectsJSON writes one API object as a JSON object, and several as a v1
// List, as kubectl -o json does.
func ObjectsJSON(w io.Writer, objs ...any) error {
	items := make([]any, len(objs))
	for i, obj := range objs {
		m, err := cleanObject(obj)
		if err != nil {
			return err
		}
		items[i] = m
	}
	var v any = map[string]any{"apiVersion": "v1", "kind": "List", "items": items}
	if len(items) == 1 {
		v = items[0]
	}
	b, err := json.MarshalIndent(v, "", "    ")
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(w, "%s\n", b)
	return err
}
