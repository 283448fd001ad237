//go:build unix

package atomicfile

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// Regression tests: several files are written all
// or none, errors name the targets, and a replaced file keeps its hard
// links, owner and group.
func TestWriteAllOrNone(t *testing.T) {
	dir := t.TempDir()
	a := filepath.Join(dir, "a.crt")
	if err := os.WriteFile(a, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	missing := filepath.Join(dir, "gone", "a.yaml")
	err := WriteAll([]File{
		{Path: a, Data: []byte("new"), Options: Options{Overwrite: true}},
		{Path: filepath.Join(dir, "a.key"), Data: []byte("key"), Options: Options{Mode: 0o600}},
		{Path: missing, Data: []byte("manifest")},
	})
	if err == nil || !strings.HasPrefix(err.Error(), missing+": ") || strings.Contains(err.Error(), ".tmp-") {
		t.Fatalf("error %v, want one naming %s and no temporary file", err, missing)
	}
	if b, _ := os.ReadFile(a); string(b) != "old" {
		t.Errorf("a.crt is %q, want it unchanged", b)
	}
	entries, _ := os.ReadDir(dir)
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	if len(names) != 1 || names[0] != "a.crt" {
		t.Errorf("directory holds %v, want only a.crt", names)
	}
	// An existing file is refused without Overwrite, before anything is
	// written.
	err = WriteAll([]File{{Path: filepath.Join(dir, "b"), Data: []byte("b")}, {Path: a, Data: []byte("x")}})
	if !errors.Is(err, ErrExists) {
		t.Errorf("error %v, want ErrExists", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "b")); err == nil {
		t.Error("b was written though a later file was refused")
	}
}

func TestWriteKeepsLinksAndOwner(t *testing.T) {
	dir := t.TempDir()
	a, b := filepath.Join(dir, "a.yaml"), filepath.Join(dir, "b.yaml")
	if err := os.WriteFile(a, []byte("old"), 0o640); err != nil {
		t.Fatal(err)
	}
	if err := os.Link(a, b); err != nil {
		t.Fatal(err)
	}
	if err := Write(a, []byte("new"), Options{Overwrite: true}); err != nil {
		t.Fatal(err)
	}
	if got, _ := os.ReadFile(b); string(got) != "new" {
		t.Errorf("the hard link reads %q, want the new content", got)
	}
	st, _ := os.Stat(a)
	if st.Mode().Perm() != 0o640 || st.Sys().(*syscall.Stat_t).Nlink != 2 {
		t.Errorf("mode %v, %d links; want 0640 and 2", st.Mode().Perm(), st.Sys().(*syscall.Stat_t).Nlink)
	}
	if os.Getuid() != 0 {
		t.Log("not root: the owner case needs to give a file away")
		return
	}
	c := filepath.Join(dir, "c.yaml")
	if err := os.WriteFile(c, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Chown(c, 1234, 5678); err != nil {
		t.Fatal(err)
	}
	if err := Write(c, []byte("new"), Options{Overwrite: true}); err != nil {
		t.Fatal(err)
	}
	st, _ = os.Stat(c)
	if s := st.Sys().(*syscall.Stat_t); s.Uid != 1234 || s.Gid != 5678 {
		t.Errorf("owner %d:%d, want 1234:5678", s.Uid, s.Gid)
	}
}
