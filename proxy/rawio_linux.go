package proxy

import (
	"io"
	"net"
	"os"
	"syscall"
	"time"
	"unsafe"
)

// rawIO reads and writes a TCP connection with the read(2) and write(2)
// system calls made directly, through the connection's RawConn, instead
// of net.Conn's Read and Write.
//
// The socket is non-blocking, so neither call can block; RawConn parks
// the goroutine in the runtime's poller when one returns EAGAIN, as
// net.Conn does (internal/poll/fd_unix.go (*FD).RawRead). What differs is
// that a direct call does not tell the scheduler that the thread entered
// the kernel. On loopback a write runs the receiving side's TCP stack
// before it returns and often takes longer than the 20µs after which the
// runtime's monitor thread takes the processor away from a thread in a
// system call (runtime/proc.go sysmon and retake). Under load that kept
// the monitor waking every 20µs and moved goroutines between threads; it
// was about a tenth of the proxy's CPU time (docs/performance-proxy.md).
//
// Deadlines set on the connection apply: the wait for readiness returns
// the same timeout error.
type rawIO struct {
	c  net.Conn
	rc syscall.RawConn
	// Read and Write may run at once, as on any net.Conn; each keeps
	// the state of its call in progress apart, with the function given
	// to RawConn made once per connection.
	r, w rawOp
}

// rawOp is the buffer, count and error of one read or write in progress.
type rawOp struct {
	buf   []byte
	n     int
	errno syscall.Errno
	fn    func(fd uintptr) bool
}

// newRawIO returns c's reader and writer: a rawIO for a TCP connection,
// c itself otherwise.
func newRawIO(c net.Conn) (io.Reader, io.Writer) {
	inner := c
	if lc, ok := c.(*limitedConn); ok {
		inner = lc.Conn
	}
	tc, ok := inner.(*net.TCPConn)
	if !ok {
		return c, c
	}
	rc, err := tc.SyscallConn()
	if err != nil {
		return c, c
	}
	r := &rawIO{c: c, rc: rc}
	r.r.fn, r.w.fn = r.r.read, r.w.write
	return r, r
}

func (r *rawIO) Read(p []byte) (int, error) {
	if len(p) == 0 {
		return 0, nil
	}
	op := &r.r
	op.buf, op.n, op.errno = p, 0, 0
	err := r.rc.Read(op.fn)
	op.buf = nil
	switch {
	case err != nil:
		return 0, r.opError("read", err)
	case op.errno != 0:
		return 0, r.opError("read", os.NewSyscallError("read", op.errno))
	case op.n == 0:
		return 0, io.EOF
	}
	return op.n, nil
}

func (op *rawOp) read(fd uintptr) bool {
	for {
		n, _, errno := syscall.RawSyscall(syscall.SYS_READ, fd, uintptr(unsafe.Pointer(&op.buf[0])), uintptr(len(op.buf)))
		switch errno {
		case 0:
			op.n = int(n)
			return true
		case syscall.EINTR:
			continue
		case syscall.EAGAIN:
			return false
		}
		op.errno = errno
		return true
	}
}

func (r *rawIO) Write(p []byte) (int, error) {
	if len(p) == 0 {
		return 0, nil
	}
	op := &r.w
	op.buf, op.n, op.errno = p, 0, 0
	err := r.rc.Write(op.fn)
	n := op.n
	op.buf = nil
	switch {
	case err != nil:
		return n, r.opError("write", err)
	case op.errno != 0:
		return n, r.opError("write", os.NewSyscallError("write", op.errno))
	case n < len(p):
		// write(2) took nothing and reported no error, which a socket
		// does not do; internal/poll.(*FD).Write gives up the same way.
		return n, r.opError("write", io.ErrUnexpectedEOF)
	}
	return n, nil
}

// write writes until the buffer is out or the socket's is full.
func (op *rawOp) write(fd uintptr) bool {
	for op.n < len(op.buf) {
		rest := op.buf[op.n:]
		n, _, errno := syscall.RawSyscall(syscall.SYS_WRITE, fd, uintptr(unsafe.Pointer(&rest[0])), uintptr(len(rest)))
		switch errno {
		case 0:
			if n == 0 {
				return true
			}
			op.n += int(n)
		case syscall.EINTR:
		case syscall.EAGAIN:
			return false
		default:
			op.errno = errno
			return true
		}
	}
	return true
}

// opError wraps err as net.Conn's methods do, so that callers see a
// *net.OpError with the addresses; a RawConn error already is one.
func (r *rawIO) opError(op string, err error) error {
	if oe, ok := err.(*net.OpError); ok {
		oe.Op = op
		return oe
	}
	return &net.OpError{Op: op, Net: "tcp", Source: r.c.LocalAddr(), Addr: r.c.RemoteAddr(), Err: err}
}

// idleDirty reports whether the upstream closed an idle connection or
// sent something on it, with one non-blocking peek (recv(2) with
// MSG_PEEK|MSG_DONTWAIT): no data and no close leave EAGAIN.
func idleDirty(pc *h1Conn, _ time.Duration) bool {
	n, eagain, ok := peekConn(pc.Conn)
	if !ok {
		return closedByPeer(pc)
	}
	return !eagain || n > 0
}

// peerGone reports whether the peer of c closed or reset the
// connection, as far as a non-blocking peek tells: bytes waiting or
// nothing yet mean it is there.
func peerGone(c net.Conn) bool {
	n, eagain, ok := peekConn(c)
	return ok && !eagain && n <= 0
}

// peekConn peeks at one byte of a TCP connection without waiting: n is
// recv(2)'s count (0 at the end of the stream, -1 on an error), eagain
// true when nothing is there yet; ok is false when c is no TCP
// connection.
func peekConn(c net.Conn) (n int, eagain, ok bool) {
	if lc, isLimited := c.(*limitedConn); isLimited {
		c = lc.Conn
	}
	tc, isTCP := c.(*net.TCPConn)
	if !isTCP {
		return 0, false, false
	}
	rc, err := tc.SyscallConn()
	if err != nil {
		return -1, false, true
	}
	n = -1
	var b [1]byte
	cerr := rc.Control(func(fd uintptr) {
		for {
			m, _, err := syscall.Recvfrom(int(fd), b[:], syscall.MSG_PEEK|syscall.MSG_DONTWAIT)
			if err == syscall.EINTR {
				continue
			}
			if err == syscall.EAGAIN {
				eagain = true
				return
			}
			if err == nil {
				n = m
			}
			return
		}
	})
	if cerr != nil {
		return -1, false, true
	}
	return n, eagain, true
}

// fdLimit returns the soft limit on open files, 0 when unknown.
func fdLimit() int {
	var r syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &r); err != nil || r.Cur > 1<<30 {
		return 0
	}
	return int(r.Cur)
}
