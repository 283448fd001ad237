//go:build unix

package manifest

import (
	"context"
	"fmt"
	"os"
	"syscall"
	"time"
)

// pipeOpenWait bounds the wait for a writer when a named pipe is opened:
// open(2) of a FIFO for reading blocks until one comes (fifo(7)).
var pipeOpenWait = 10 * time.Second

// openPipe opens a named pipe or device for reading, giving up after
// pipeOpenWait or when ctx is done. The blocked open(2) cannot be
// interrupted, so it is released by opening the pipe for writing,
// which succeeds at once while a reader waits, and closing it.
func openPipe(ctx context.Context, p string) (*os.File, error) {
	type opened struct {
		f   *os.File
		err error
	}
	ch := make(chan opened, 1)
	go func() {
		f, err := os.Open(p)
		ch <- opened{f, err}
	}()
	timer := time.NewTimer(pipeOpenWait)
	defer timer.Stop()
	var why error
	select {
	case o := <-ch:
		return o.f, o.err
	case <-timer.C:
		why = fmt.Errorf("no writer opened the named pipe within %v", pipeOpenWait)
	case <-ctx.Done():
		why = ctx.Err()
	}
	for {
		if w, err := os.OpenFile(p, os.O_WRONLY|syscall.O_NONBLOCK, 0); err == nil {
			_ = w.Close()
		}
		select {
		case o := <-ch:
			if o.f != nil {
				_ = o.f.Close()
			}
			return nil, why
		case <-time.After(10 * time.Millisecond):
		}
	}
}
