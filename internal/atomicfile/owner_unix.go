//go:build unix

package atomicfile

import (
	"io/fs"
	"os"
	"syscall"
)

// keepOwner gives f the owner and group of the file st describes.
func keepOwner(f *os.File, st fs.FileInfo) error {
	s, ok := st.Sys().(*syscall.Stat_t)
	if !ok {
		return nil
	}
	if int(s.Uid) == os.Getuid() && int(s.Gid) == os.Getgid() {
		return nil
	}
	return f.Chown(int(s.Uid), int(s.Gid))
}

// links returns the number of hard links of the file st describes.
func links(st fs.FileInfo) uint64 {
	if s, ok := st.Sys().(*syscall.Stat_t); ok {
		return uint64(s.Nlink)
	}
	return 1
}
