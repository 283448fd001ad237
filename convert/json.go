package convert

import (
	"bytes"
	"encoding/json"
	"strings"

	yaml "go.yaml.in/yaml/v3"
)

// isJSONDoc reports whether a document was written as JSON: a flow mapping
// whose keys are double-quoted.
func isJSONDoc(doc *yaml.Node) bool {
	if doc.Kind != yaml.DocumentNode || len(doc.Content) != 1 {
		return false
	}
	m := doc.Content[0]
	if m.Kind != yaml.MappingNode || m.Style&yaml.FlowStyle == 0 {
		return false
	}
	return len(m.Content) == 0 || m.Content[0].Style&yaml.DoubleQuotedStyle != 0
}

// jsonIndent returns the indentation unit of a JSON text: the leading
// white space of its first indented line, or "" for JSON on one line.
func jsonIndent(src []byte) string {
	for _, l := range strings.Split(string(src), "\n") {
		t := strings.TrimLeft(l, " \t")
		if t != "" && len(t) < len(l) {
			return l[:len(l)-len(t)]
		}
	}
	return ""
}

// writeJSON writes a node tree as JSON, indented by unit per level (on
// one line when unit is empty).
func writeJSON(b *bytes.Buffer, n *yaml.Node, unit string, level int) {
	nl := func(l int) {
		if unit != "" {
			b.WriteString("\n" + strings.Repeat(unit, l))
		}
	}
	sep := ","
	colon := ": "
	if unit == "" {
		sep, colon = ", ", ": "
	}
	switch n.Kind {
	case yaml.MappingNode:
		b.WriteByte('{')
		for i := 0; i+1 < len(n.Content); i += 2 {
			if i > 0 {
				b.WriteString(sep)
			}
			nl(level + 1)
			k, _ := json.Marshal(n.Content[i].Value)
			b.Write(k)
			b.WriteString(colon)
			writeJSON(b, n.Content[i+1], unit, level+1)
		}
		if len(n.Content) > 0 {
			nl(level)
		}
		b.WriteByte('}')
	case yaml.SequenceNode:
		b.WriteByte('[')
		for i, c := range n.Content {
			if i > 0 {
				b.WriteString(sep)
			}
			nl(level + 1)
			writeJSON(b, c, unit, level+1)
		}
		if len(n.Content) > 0 {
			nl(level)
		}
		b.WriteByte(']')
	case yaml.AliasNode:
		writeJSON(b, n.Alias, unit, level)
	default:
		switch n.ShortTag() {
		case "!!int", "!!float", "!!bool", "!!null":
			b.WriteString(n.Value)
		default:
			s, _ := json.Marshal(n.Value)
			b.Write(s)
		}
	}
}
