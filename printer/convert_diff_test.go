package printer

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/ingresskit/ingresskit/convert"
	"github.com/ingresskit/ingresskit/internal/golden"
)

func convertedExample(t *testing.T) (before, after []byte) {
	t.Helper()
	before, err := os.ReadFile("../examples/gce-v1beta1.yaml")
	if err != nil {
		t.Fatal(err)
	}
	after, _, err = convert.Bytes("examples/gce-v1beta1.yaml", before, convert.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return before, after
}

func TestConvertDiff(t *testing.T) {
	before, after := convertedExample(t)
	for _, tt := range []struct {
		name  string
		color bool
	}{
		{"convert.diff", false},
		{"convert.tty.diff", true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var b bytes.Buffer
			if err := ConvertDiff(&b, NewStyles(&b, tt.color), "examples/gce-v1beta1.yaml", before, after); err != nil {
				t.Fatal(err)
			}
			golden.Assert(t, b.Bytes(), "testdata/"+tt.name)
		})
	}
	t.Run("unchanged prints nothing", func(t *testing.T) {
		var b bytes.Buffer
		if err := ConvertDiff(&b, NewStyles(&b, false), "x.yaml", before, before); err != nil || b.Len() != 0 {
			t.Fatalf("got %q, %v", b.String(), err)
		}
	})
}

// TestConvertDiffApplies checks the diff with a real consumer: git apply
// turns the original into the converted file.
func TestConvertDiffApplies(t *testing.T) {
	git, err := exec.LookPath("git")
	if err != nil {
		t.Fatal("git is needed to check the diff: install the Debian package git")
	}
	before, after := convertedExample(t)
	var d bytes.Buffer
	if err := ConvertDiff(&d, NewStyles(&d, false), "examples/gce-v1beta1.yaml", before, after); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	target := filepath.Join(dir, "examples", "gce-v1beta1.yaml")
	if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(target, before, 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(git, "apply", "-")
	cmd.Dir = dir
	cmd.Stdin = &d
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("git apply: %v\n%s", err, out)
	}
	got, err := os.ReadFile(target)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, after) {
		t.Errorf("the applied diff does not give the converted file:\n%s", got)
	}
}
