package printer

import (
	"encoding/json"
	"io"
)

// VersionJSON is the document `version -o json` writes, with the fields
// of the text form.
type VersionJSON struct {
	Version string `json:"version"`
	Commit  string `json:"commit"`
	Go      string `json:"go"`
}

// WriteVersionJSON writes v as indented JSON.
func WriteVersionJSON(w io.Writer, v VersionJSON) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}
