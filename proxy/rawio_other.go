//go:build !linux

package proxy

import (
	"io"
	"net"
	"time"
)

// newRawIO returns c's reader and writer; system calls are made directly
// on Linux only (rawio_linux.go).
func newRawIO(c net.Conn) (io.Reader, io.Writer) { return c, c }

// staleAfter is how long a connection may sit idle before it is checked
// for a close by the upstream before reuse: here the check costs a wait.
const staleAfter = time.Second

// idleDirty reports whether the upstream closed an idle connection or
// sent something on it; without a non-blocking peek it waits a moment,
// so only connections idle longer than staleAfter are checked.
func idleDirty(pc *h1Conn, idle time.Duration) bool {
	return idle > staleAfter && closedByPeer(pc)
}

// fdLimit returns the soft limit on open files, 0 when unknown.
func fdLimit() int { return 0 }

// peerGone reports whether the peer closed the connection; without a
// non-blocking peek it cannot tell, and says no.
func peerGone(net.Conn) bool { return false }
