package linediff

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// peer returns the path of a program the tests compare with, failing
// with the Debian package that provides it.
func peer(t *testing.T, name, pkg string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		t.Fatalf("%s is needed to check the diff: install the Debian package %s", name, pkg)
	}
	return p
}

// TestUnifiedLikeDiffU compares the hunks with GNU diff -u's on inputs
// where the shortest edit is unambiguous.
func TestUnifiedLikeDiffU(t *testing.T) {
	diff := peer(t, "diff", "diffutils")
	tests := []struct{ name, before, after string }{
		{"one line changed", "a\nb\nc\nd\ne\nf\ng\nh\n", "a\nb\nc\nd\nE\nf\ng\nh\n"},
		{"first line", "a\nb\nc\nd\ne\n", "A\nb\nc\nd\ne\n"},
		{"last line", "a\nb\nc\nd\ne\n", "a\nb\nc\nd\nE\n"},
		{"added at the end", "a\nb\n", "a\nb\nc\n"},
		{"removed at the start", "a\nb\nc\n", "b\nc\n"},
		{"two far apart hunks", lines(1, 30), strings.Replace(strings.Replace(lines(1, 30), "l5\n", "L5\n", 1), "l25\n", "L25\n", 1)},
		{"two near changes joined", lines(1, 30), strings.Replace(strings.Replace(lines(1, 30), "l5\n", "L5\n", 1), "l11\n", "L11\n", 1)},
		{"no newline at the end", "a\nb\nc", "a\nb\nC"},
		{"newline added at the end", "a\nb\nc", "a\nb\nc\n"},
		{"from empty", "", "a\nb\n"},
		{"to empty", "a\nb\n", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			write(t, filepath.Join(dir, "a"), tt.before)
			write(t, filepath.Join(dir, "b"), tt.after)
			cmd := exec.Command(diff, "-u", "--label", "a/f", "--label", "b/f", "a", "b")
			cmd.Dir = dir
			want, _ := cmd.Output() // exit status 1: the files differ
			got := Unified("a/f", "b/f", tt.before, tt.after, 3)
			if d := cmp.Diff(string(want), got); d != "" {
				t.Errorf("differs from diff -u (-want +got):\n%s", d)
			}
		})
	}
}

// TestUnifiedApplies applies diffs of generated edits to YAML-like text,
// with many repeated lines, with patch and with git apply.
func TestUnifiedApplies(t *testing.T) {
	patch := peer(t, "patch", "patch")
	git := peer(t, "git", "git")
	rng := rand.New(rand.NewPCG(23, 1))
	for n := 0; n < 20; n++ {
		before := yamlish(rng, 40)
		after := edit(rng, before)
		d := Unified("a/f.yaml", "b/f.yaml", before, after, 3)
		if before == after {
			if d != "" {
				t.Fatalf("diff of equal texts: %q", d)
			}
			continue
		}
		for _, apply := range []struct {
			name string
			args []string
		}{
			{"patch", []string{patch, "-s", "-p1"}},
			{"git apply", []string{git, "apply", "-"}},
		} {
			dir := t.TempDir()
			write(t, filepath.Join(dir, "f.yaml"), before)
			cmd := exec.Command(apply.args[0], apply.args[1:]...)
			cmd.Dir = dir
			cmd.Stdin = strings.NewReader(d)
			if out, err := cmd.CombinedOutput(); err != nil {
				t.Fatalf("case %d: %s: %v\n%s\ndiff:\n%s", n, apply.name, err, out, d)
			}
			got, err := os.ReadFile(filepath.Join(dir, "f.yaml"))
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != after {
				t.Fatalf("case %d: %s gives another text (-want +got):\n%s", n, apply.name, cmp.Diff(after, string(got)))
			}
		}
	}
}

// TestDiffScript checks that the edit script rebuilds both sides.
func TestDiffScript(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 8))
	for n := 0; n < 200; n++ {
		before := yamlish(rng, 1+rng.IntN(8))
		after := edit(rng, before)
		a, b := Lines(before), Lines(after)
		var ra, rb bytes.Buffer
		for _, op := range Diff(a, b) {
			if op.Kind != '+' {
				ra.WriteString(a[op.A])
			}
			if op.Kind != '-' {
				rb.WriteString(b[op.B])
			}
			if op.Kind == ' ' && a[op.A] != b[op.B] {
				t.Fatalf("kept line differs: %q %q", a[op.A], b[op.B])
			}
		}
		if ra.String() != before || rb.String() != after {
			t.Fatalf("script does not rebuild the texts:\n%q\n%q", before, after)
		}
	}
}

func lines(from, to int) string {
	var b strings.Builder
	for i := from; i <= to; i++ {
		fmt.Fprintf(&b, "l%d\n", i)
	}
	return b.String()
}

// yamlish returns n Ingress-like documents: mostly repeated lines, a few
// unique ones.
func yamlish(rng *rand.Rand, n int) string {
	var b strings.Builder
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, "---\napiVersion: extensions/v1beta1\nkind: Ingress\nmetadata:\n  name: app-%d\nspec:\n  rules:\n", i)
		for p := 0; p < 1+rng.IntN(3); p++ {
			fmt.Fprintf(&b, "  - http:\n      paths:\n      - path: /p%d\n        backend:\n          serviceName: app\n          servicePort: 80\n", rng.IntN(3))
		}
	}
	return b.String()
}

// edit changes, removes and adds lines at random.
func edit(rng *rand.Rand, text string) string {
	ls := Lines(text)
	var out []string
	for _, l := range ls {
		switch rng.IntN(12) {
		case 0:
			continue
		case 1:
			out = append(out, "        pathType: Prefix\n", l)
		case 2:
			out = append(out, strings.Replace(l, "extensions/v1beta1", "networking.k8s.io/v1", 1))
		default:
			out = append(out, l)
		}
	}
	return strings.Join(out, "")
}

func write(t *testing.T, path, data string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
}
