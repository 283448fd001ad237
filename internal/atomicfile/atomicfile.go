// Package atomicfile writes files so that readers see the old content or
// the new one, never a mix: a temporary file in the same directory is
// written, synced and renamed over the target, and the directory synced.
// WriteAll writes several files all or none.
package atomicfile

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
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

// File is one file of WriteAll.
type File struct {
	Path string
	Data []byte
	Options
}

// Write replaces path with data atomically. An existing file keeps its
// mode, owner and group; one with several hard links is rewritten in
// place once the new content is safely on disk, so that every link sees
// it.
func Write(path string, data []byte, opts Options) error {
	return WriteAll([]File{{Path: path, Data: data, Options: opts}})
}

// pending is a file whose new content is written and synced to a
// temporary file beside it, ready to replace it.
type pending struct {
	path, tmp string
	// inPlace copies tmp over path instead of renaming (hard links).
	inPlace bool
}

// WriteAll writes every file or, as far as the file system allows, none:
// each file's content is first written and synced to a temporary file
// beside it, so that a full disk or a permission problem fails before
// any file is replaced; then the temporary files are renamed over their
// targets. A rename failing after that (which a same-directory rename
// does not, but for I/O errors) leaves the earlier files replaced: the
// error names those. Errors name the target files, never the temporary
// ones.
func WriteAll(files []File) (err error) {
	var ready []*pending
	defer func() {
		for _, p := range ready {
			if p.tmp != "" {
				_ = os.Remove(p.tmp)
			}
		}
	}()
	for _, f := range files {
		p, err := prepare(f)
		if err != nil {
			return err
		}
		ready = append(ready, p)
	}
	var done []string
	for _, p := range ready {
		if err := p.commit(); err != nil {
			if len(done) > 0 {
				return fmt.Errorf("%s: %w (already replaced: %s)", p.path, err, strings.Join(done, ", "))
			}
			return fmt.Errorf("%s: %w", p.path, err)
		}
		p.tmp = ""
		done = append(done, p.path)
	}
	return nil
}

// prepare writes f's data to a temporary file beside it.
func prepare(f File) (_ *pending, err error) {
	path := f.Path
	mode := f.Mode
	if mode == 0 {
		mode = 0o644
	}
	// Write through a symbolic link to its target, so that a linked file
	// (a kustomize layout, a dotfile repository) is updated, not replaced
	// by a regular file.
	if target, err := filepath.EvalSymlinks(path); err == nil {
		path = target
	}
	p := &pending{path: path}
	st, err := os.Stat(path)
	switch {
	case err == nil:
		if !f.Overwrite {
			return nil, fmt.Errorf("%s: %w", path, ErrExists)
		}
		if !f.ForceMode {
			mode = st.Mode().Perm()
		}
		p.inPlace = links(st) > 1
	case !errors.Is(err, fs.ErrNotExist):
		return nil, err
	default:
		st = nil
	}
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	tf, err := os.CreateTemp(dir, "."+base+".tmp-*")
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, cause(err))
	}
	p.tmp = tf.Name()
	defer func() {
		if err != nil {
			_ = os.Remove(p.tmp)
		}
	}()
	fail := func(e error) (*pending, error) {
		tf.Close()
		return nil, fmt.Errorf("%s: %w", path, cause(e))
	}
	if err = tf.Chmod(mode); err != nil {
		return fail(err)
	}
	if st != nil && !p.inPlace {
		// The replacement keeps the owner and group. Only root may
		// give a file away; when that is refused the file is rewritten
		// in place, which keeps them too.
		if err := keepOwner(tf, st); err != nil {
			p.inPlace = true
		}
	}
	if _, err = tf.Write(f.Data); err != nil {
		return fail(err)
	}
	if err = tf.Sync(); err != nil {
		return fail(err)
	}
	if err = tf.Close(); err != nil {
		return nil, fmt.Errorf("%s: %w", path, cause(err))
	}
	return p, nil
}

// commit puts the prepared content in place and syncs the directory, so
// that the rename survives a crash.
func (p *pending) commit() error {
	if p.inPlace {
		data, err := os.ReadFile(p.tmp)
		if err != nil {
			return cause(err)
		}
		f, err := os.OpenFile(p.path, os.O_WRONLY|os.O_TRUNC, 0)
		if err != nil {
			return cause(err)
		}
		if _, err := f.Write(data); err != nil {
			f.Close()
			return cause(err)
		}
		if err := f.Sync(); err != nil {
			f.Close()
			return cause(err)
		}
		if err := f.Close(); err != nil {
			return cause(err)
		}
		return os.Remove(p.tmp)
	}
	if err := os.Rename(p.tmp, p.path); err != nil {
		return cause(err)
	}
	return syncDir(filepath.Dir(p.path))
}

// syncDir makes a rename in dir durable (fsync(2) of the directory).
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return cause(err)
	}
	defer d.Close()
	if err := d.Sync(); err != nil && !errors.Is(err, errors.ErrUnsupported) {
		return cause(err)
	}
	return nil
}

// cause drops the path of a *fs.PathError or *os.LinkError, which would
// name the temporary file; callers name the target.
func cause(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	var le *os.LinkError
	if errors.As(err, &le) {
		return le.Err
	}
	return err
}
