package printer

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
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

// TestConvertDiffCorpus converts a 10,000-Ingress file in which one
// Ingress in twenty uses the removed extensions/v1beta1 API (the
// diff was one hunk over the whole file, 35 times the size of diff
// -u's). The diff must stay within twice the size of GNU diff -u's and
// apply with patch and git apply.
func TestConvertDiffCorpus(t *testing.T) {
	diffCmd := needPeer(t, "diff", "diffutils")
	patch := needPeer(t, "patch", "patch")
	git := needPeer(t, "git", "git")
	var b strings.Builder
	for i := 0; i < 10000; i++ {
		if i%20 == 7 {
			fmt.Fprintf(&b, "---\napiVersion: extensions/v1beta1\nkind: Ingress\nmetadata:\n  name: app-%05d\nspec:\n  ingressClassName: nginx\n  rules:\n  - host: app-%05d.example.com\n    http:\n      paths:\n      - path: /\n        backend:\n          serviceName: app-%05d\n          servicePort: 80\n", i, i, i)
			continue
		}
		fmt.Fprintf(&b, "---\napiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: app-%05d\nspec:\n  ingressClassName: nginx\n  rules:\n  - host: app-%05d.example.com\n    http:\n      paths:\n      - path: /\n        pathType: Prefix\n        backend:\n          service:\n            name: app-%05d\n            port:\n              number: 80\n", i, i, i)
	}
	before := []byte(b.String())
	after, _, err := convert.Bytes("corpus.yaml", before, convert.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var d bytes.Buffer
	if err := ConvertDiff(&d, NewStyles(&d, false), "corpus.yaml", before, after); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	for name, data := range map[string][]byte{"before.yaml": before, "after.yaml": after, "ours.diff": d.Bytes()} {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	cmd := exec.Command(diffCmd, "-u", "before.yaml", "after.yaml")
	cmd.Dir = dir
	gnu, _ := cmd.Output() // exit status 1: the files differ
	if len(gnu) == 0 {
		t.Fatal("diff -u found no difference")
	}
	if d.Len() > 2*len(gnu) {
		t.Errorf("the diff has %d bytes, diff -u's %d: more than twice as many", d.Len(), len(gnu))
	}
	for _, apply := range [][]string{{patch, "-s", "-p1"}, {git, "apply", "-"}} {
		sub := filepath.Join(dir, filepath.Base(apply[0]))
		if err := os.MkdirAll(sub, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(sub, "corpus.yaml"), before, 0o644); err != nil {
			t.Fatal(err)
		}
		cmd := exec.Command(apply[0], apply[1:]...)
		cmd.Dir = sub
		cmd.Stdin = bytes.NewReader(d.Bytes())
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("%s: %v\n%s", apply[0], err, out)
		}
		got, err := os.ReadFile(filepath.Join(sub, "corpus.yaml"))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, after) {
			t.Errorf("%s: the applied diff does not give the converted file", apply[0])
		}
	}
}

// needPeer returns the path of a program the test checks output with,
// failing with the Debian package to install.
func needPeer(t *testing.T, name, pkg string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		t.Fatalf("%s is needed to check the diff: install the Debian package %s", name, pkg)
	}
	return p
}
