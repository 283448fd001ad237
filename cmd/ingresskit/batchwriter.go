package main

import (
	"io"
	"sync"
)

// batchWriter gathers what is written to it and passes it on to w in
// batches of about size bytes, and on Flush. Each Write is kept whole
// and in order. Writers hold its lock only to append: a full batch is
// written out after the lock is handed on, so that one slow write to w
// does not stall everyone writing lines meanwhile (the proxy's access
// log gets a line from every request).
type batchWriter struct {
	w    io.Writer
	size int

	mu  sync.Mutex // guards buf and err
	buf []byte
	err error
	// out orders the writes to w: it is taken while mu is held, so
	// batches reach w in the order they were cut.
	out  sync.Mutex
	pool sync.Pool
}

func newBatchWriter(w io.Writer, size int) *batchWriter {
	return &batchWriter{w: w, size: size, buf: make([]byte, 0, size)}
}

// Write appends p to the batch; a write error of an earlier batch is
// returned once.
func (b *batchWriter) Write(p []byte) (int, error) {
	b.mu.Lock()
	b.buf = append(b.buf, p...)
	if len(b.buf) < b.size {
		err := b.err
		b.err = nil
		b.mu.Unlock()
		return len(p), err
	}
	return len(p), b.cutLocked()
}

// Flush writes out what was gathered.
func (b *batchWriter) Flush() error {
	b.mu.Lock()
	if len(b.buf) == 0 {
		err := b.err
		b.err = nil
		b.mu.Unlock()
		return err
	}
	return b.cutLocked()
}

// cutLocked writes the batch out; b.mu is held on entry and released.
func (b *batchWriter) cutLocked() error {
	full := b.buf
	if p, ok := b.pool.Get().(*[]byte); ok {
		b.buf = (*p)[:0]
	} else {
		b.buf = make([]byte, 0, b.size)
	}
	prev := b.err
	b.err = nil
	b.out.Lock()
	b.mu.Unlock()
	_, err := b.w.Write(full)
	b.out.Unlock()
	full = full[:0]
	b.pool.Put(&full)
	if err != nil {
		return err
	}
	return prev
}
