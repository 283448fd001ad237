package printer

import (
	"bytes"
	"testing"

	"github.com/ingresskit/ingresskit/internal/golden"
)

func TestWriteVersionJSON(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteVersionJSON(&buf, VersionJSON{Version: "v1.2.3", Commit: "0123abc", Go: "go1.25.0"}); err != nil {
		t.Fatal(err)
	}
	golden.Assert(t, buf.Bytes(), "testdata/version.json")
}
