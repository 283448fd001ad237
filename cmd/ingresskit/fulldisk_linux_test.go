package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// fullDisk mounts a 64 KiB tmpfs and fills it but for one page; it skips
// the test when it cannot mount (not root, or no CAP_SYS_ADMIN). It
// returns the mount point and a function that frees the space.
func fullDisk(t *testing.T, prepare func(dir string)) (string, func()) {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("mounting a tmpfs needs root")
	}
	dir := t.TempDir()
	if err := syscall.Mount("tmpfs", dir, "tmpfs", 0, "size=64k"); err != nil {
		t.Skipf("cannot mount a tmpfs: %v", err)
	}
	t.Cleanup(func() { _ = syscall.Unmount(dir, 0) })
	prepare(dir)
	var st syscall.Statfs_t
	if err := syscall.Statfs(dir, &st); err != nil {
		t.Fatal(err)
	}
	page := int64(st.Bsize)
	free := int64(st.Bavail) * page
	filler := filepath.Join(dir, "filler")
	if err := os.WriteFile(filler, make([]byte, free-page), 0o600); err != nil {
		t.Fatal(err)
	}
	return dir, func() {
		if err := os.Remove(filler); err != nil {
			t.Fatal(err)
		}
	}
}

// runCLI runs the command in-process and returns its exit code and
// stderr.
func runCLI(args ...string) (int, string) {
	var stdout, stderr bytes.Buffer
	code := run(args, strings.NewReader(""), &stdout, &stderr)
	return code, stderr.String()
}

// Regression test on a real full disk: certgen
// --out-dir writes all of a Secret's files or none, its error names the
// files and not their temporary copies, and a rerun once there is room
// needs no --force.
func TestCertgenFullDisk(t *testing.T) {
	home := t.TempDir()
	t.Setenv("HOME", home)
	t.Setenv("XDG_CONFIG_HOME", filepath.Join(home, ".config"))
	dir, free := fullDisk(t, func(dir string) {
		if err := os.Mkdir(filepath.Join(dir, "certs"), 0o755); err != nil {
			t.Fatal(err)
		}
	})
	out := filepath.Join(dir, "certs")
	args := []string{"certgen", "--host", "example.com", "--name", "example-tls", "--out-dir", out}
	code, stderr := runCLI(args...)
	t.Logf("on the full disk: exit %d: %s", code, strings.TrimSpace(stderr))
	if code == 0 {
		t.Fatal("certgen succeeded on a full disk")
	}
	if !strings.Contains(stderr, "no space left on device") || !strings.Contains(stderr, filepath.Join(out, "example-tls.")) || strings.Contains(stderr, ".tmp-") {
		t.Errorf("stderr %q, want the full disk named with a target file and no temporary one", stderr)
	}
	if ents, _ := os.ReadDir(out); len(ents) != 0 {
		t.Errorf("files left after the failed write: %v", ents)
	}
	free()
	if code, stderr := runCLI(args...); code != 0 {
		t.Fatalf("rerun with room: exit %d: %s", code, stderr)
	}
	for _, ext := range []string{".crt", ".key", ".yaml"} {
		if _, err := os.Stat(filepath.Join(out, "example-tls"+ext)); err != nil {
			t.Error(err)
		}
	}
}

// Regression test on a real full disk: convert
// --in-place with several files rewrites all of them or none.
func TestConvertInPlaceFullDisk(t *testing.T) {
	src, err := os.ReadFile("../../examples/gce-v1beta1.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var files []string
	dir, free := fullDisk(t, func(dir string) {
		for _, name := range []string{"a.yaml", "b.yaml"} {
			p := filepath.Join(dir, name)
			if err := os.WriteFile(p, src, 0o644); err != nil {
				t.Fatal(err)
			}
			files = append(files, p)
		}
	})
	args := []string{"convert", "-f", files[0], "-f", files[1], "--in-place"}
	code, stderr := runCLI(args...)
	t.Logf("on the full disk: exit %d: %s", code, strings.TrimSpace(stderr))
	if code == 0 {
		t.Fatal("convert --in-place succeeded on a full disk")
	}
	if !strings.Contains(stderr, "no space left on device") || strings.Contains(stderr, ".tmp-") {
		t.Errorf("stderr %q, want the full disk named without a temporary file", stderr)
	}
	for _, f := range files {
		if got, _ := os.ReadFile(f); !bytes.Equal(got, src) {
			t.Errorf("%s changed by the failed run", f)
		}
	}
	if ents, _ := os.ReadDir(dir); len(ents) != 3 {
		t.Errorf("entries after the failed run: %v, want a.yaml, b.yaml and the filler", ents)
	}
	free()
	if code, stderr := runCLI(args...); code != 0 {
		t.Fatalf("rerun with room: exit %d: %s", code, stderr)
	}
	for _, f := range files {
		if got, _ := os.ReadFile(f); !bytes.Contains(got, []byte("networking.k8s.io/v1")) {
			t.Errorf("%s not converted:\n%s", f, got)
		}
	}
}
