//go:build unix

package manifest

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// Regression tests: a named pipe among the inputs
// never hangs the load, and an unreadable subdirectory is reported by
// its own path while the files beside it load.
func TestLoadNamedPipe(t *testing.T) {
	dir := t.TempDir()
	writeManifest(t, filepath.Join(dir, "a.yaml"), "a")
	if err := syscall.Mkfifo(filepath.Join(dir, "b.yaml"), 0o644); err != nil {
		t.Fatal(err)
	}
	defer func(d time.Duration) { pipeOpenWait = d }(pipeOpenWait)
	pipeOpenWait = 200 * time.Millisecond

	t.Run("in a directory, skipped", func(t *testing.T) {
		var warned []string
		set, err := Load(context.Background(), Options{Paths: []string{dir}, Warn: func(pos Pos, msg string) {
			warned = append(warned, pos.File+": "+msg)
		}})
		if err != nil {
			t.Fatal(err)
		}
		if len(set.Ingresses) != 1 {
			t.Errorf("%d Ingresses, want 1", len(set.Ingresses))
		}
		want := []string{filepath.Join(dir, "b.yaml") + ": skipped: not a regular file (a named pipe); give it with -f to read it"}
		if diff := cmp.Diff(want, warned); diff != "" {
			t.Errorf("warnings (-want +got):\n%s", diff)
		}
	})
	t.Run("named, no writer", func(t *testing.T) {
		start := time.Now()
		_, err := Load(context.Background(), Options{Paths: []string{filepath.Join(dir, "b.yaml")}})
		if err == nil || !strings.Contains(err.Error(), "no writer opened the named pipe within 200ms") {
			t.Errorf("error %v, want no writer", err)
		}
		if d := time.Since(start); d > 5*time.Second {
			t.Errorf("took %v", d)
		}
	})
	t.Run("named, canceled while reading", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		w := make(chan *os.File, 1)
		go func() {
			f, err := os.OpenFile(filepath.Join(dir, "b.yaml"), os.O_WRONLY, 0)
			if err == nil {
				_, _ = f.WriteString("apiVersion: v1\n")
			}
			w <- f
			time.Sleep(100 * time.Millisecond)
			cancel()
		}()
		_, err := Load(ctx, Options{Paths: []string{filepath.Join(dir, "b.yaml")}})
		if f := <-w; f != nil {
			f.Close()
		}
		if !errors.Is(err, context.Canceled) && (err == nil || !strings.Contains(err.Error(), "context canceled")) {
			t.Errorf("error %v, want the cancellation", err)
		}
	})
	t.Run("named, written", func(t *testing.T) {
		go func() {
			f, err := os.OpenFile(filepath.Join(dir, "b.yaml"), os.O_WRONLY, 0)
			if err != nil {
				return
			}
			_, _ = f.WriteString(ingressYAML("piped"))
			f.Close()
		}()
		set, err := Load(context.Background(), Options{Paths: []string{filepath.Join(dir, "b.yaml")}})
		if err != nil || len(set.Ingresses) != 1 || set.Ingresses[0].Name != "piped" {
			t.Errorf("set %v, error %v", set, err)
		}
	})
}

func TestLoadUnreadableSubdirectory(t *testing.T) {
	dir := t.TempDir()
	writeManifest(t, filepath.Join(dir, "a.yaml"), "a")
	writeManifest(t, filepath.Join(dir, "locked", "b.yaml"), "b")
	writeManifest(t, filepath.Join(dir, "open", "c.yaml"), "c")
	locked := filepath.Join(dir, "locked")
	// Root reads any directory, so the walk is told the directory is
	// unreadable the way filepath.WalkDir reports it.
	defer func(w func(string, fs.WalkDirFunc) error) { walkDir = w }(walkDir)
	walkDir = func(root string, fn fs.WalkDirFunc) error {
		return filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
			if path == locked && err == nil {
				if err := fn(path, d, nil); err != nil {
					return err
				}
				return fn(path, d, &fs.PathError{Op: "open", Path: path, Err: fs.ErrPermission})
			}
			return fn(path, d, err)
		})
	}
	set, err := Load(context.Background(), Options{Paths: []string{dir}, Recursive: true})
	var le *LoadError
	if !errors.As(err, &le) || len(le.Errors) != 1 || le.Errors[0].Pos.File != locked || le.Errors[0].Msg != "permission denied" {
		t.Fatalf("error %v, want one naming %s", err, locked)
	}
	var names []string
	for _, ing := range set.Ingresses {
		names = append(names, ing.Name)
	}
	if diff := cmp.Diff([]string{"a", "c"}, names); diff != "" {
		t.Errorf("Ingresses (-want +got):\n%s", diff)
	}
}

func ingressYAML(name string) string {
	return "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: " + name + "\nspec:\n  defaultBackend:\n    service:\n      name: web\n      port:\n        number: 80\n"
}

func writeManifest(t *testing.T, path, name string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(ingressYAML(name)), 0o644); err != nil {
		t.Fatal(err)
	}
}
