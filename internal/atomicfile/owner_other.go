//go:build !unix

package atomicfile

import (
	"io/fs"
	"os"
)

// keepOwner does nothing where files have no Unix owner.
func keepOwner(*os.File, fs.FileInfo) error { return nil }

// links reports one link where the count is not known.
func links(fs.FileInfo) uint64 { return 1 }
