// Package atomicfile writes files so that readers see the old content or
// the new one, never a mix: a temporary file in the same directory is
// written, synced and renamed over the target.
package atomicfile

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// ErrExists is returned by Write when the file exists and overwriting was
// not allowed.
var ErrExists = errors.New("file exists")

// Options controls Write.
type Options struct {
	// Mode is the mode of a new file. An existing file keeps its mode
	// unless ForceMode is set. Zero means 0644.
	Mode fs.FileMode
	// ForceMode applies Mode even when the file exists (private keys).
	ForceMode bool
	// Overwrite allows replacing an existing file.
	Overwrite bool
}

// Write replaces path with data atomically.
func Write(path string, data []byte, opts Options) (err error) {
	mode := opts.Mode
	if mode == 0 {
		mode = 0o644
	}
	// Write through a symbolic link to its target, so that a linked file
	// (a kustomize layout, a dotfile repository) is updated, not replaced
	// by a regular file.
	if target, err := filepath.EvalSymlinks(path); err == nil {
		path = target
	}
	if st, err := os.Stat(path); err == nil {
		if !opts.Overwrite {
			return fmt.Errorf("%s: %w", path, ErrExists)
		}
		if !opts.ForceMode {
			mode = st.Mode().Perm()
		}
	} else if !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	f, err := os.CreateTemp(dir, "."+base+".tmp-*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	defer func() {
		if err != nil {
			os.Remove(tmp)
		}
	}()
	if err = f.Chmod(mode); err != nil {
		f.Close()
		return err
	}
	if _, err = f.Write(data); err != nil {
		f.Close()
		return err
	}
	if err = f.Sync(); err != nil {
		f.Close()
		return err
	}
	if err = f.Close(); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}
