package main

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
)

// recordWriter records each write it gets.
type recordWriter struct {
	mu     sync.Mutex
	writes []string
	fail   error
}

func (r *recordWriter) Write(p []byte) (int, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.writes = append(r.writes, string(p))
	return len(p), r.fail
}

func TestBatchWriterBatches(t *testing.T) {
	rec := &recordWriter{}
	b := newBatchWriter(rec, 16)
	for _, s := range []string{"one\n", "two\n", "three\n"} {
		if _, err := b.Write([]byte(s)); err != nil {
			t.Fatal(err)
		}
	}
	if len(rec.writes) != 0 {
		t.Fatalf("%d writes before the batch was full", len(rec.writes))
	}
	if _, err := b.Write([]byte("four\n")); err != nil {
		t.Fatal(err)
	}
	if err := b.Flush(); err != nil {
		t.Fatal(err)
	}
	if err := b.Flush(); err != nil {
		t.Fatal(err)
	}
	want := []string{"one\ntwo\nthree\nfour\n"}
	if fmt.Sprint(rec.writes) != fmt.Sprint(want) {
		t.Fatalf("writes %q, want %q", rec.writes, want)
	}
}

// Lines from many goroutines arrive whole, each goroutine's in order.
func TestBatchWriterConcurrent(t *testing.T) {
	var out bytes.Buffer
	b := newBatchWriter(&out, 64)
	const writers, lines = 8, 500
	var wg sync.WaitGroup
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range lines {
				_, _ = fmt.Fprintf(b, "w%d line %d\n", w, i)
			}
		}()
	}
	wg.Wait()
	if err := b.Flush(); err != nil {
		t.Fatal(err)
	}
	next := make([]int, writers)
	got := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
	if len(got) != writers*lines {
		t.Fatalf("%d lines, want %d", len(got), writers*lines)
	}
	for _, l := range got {
		var w, i int
		if _, err := fmt.Sscanf(l, "w%d line %d", &w, &i); err != nil {
			t.Fatalf("torn line %q", l)
		}
		if i != next[w] {
			t.Fatalf("writer %d: line %d after %d", w, i, next[w]-1)
		}
		next[w]++
	}
}

func TestBatchWriterError(t *testing.T) {
	broken := errors.New("disk full")
	rec := &recordWriter{fail: broken}
	b := newBatchWriter(rec, 4)
	if _, err := b.Write([]byte("long line\n")); !errors.Is(err, broken) {
		t.Fatalf("Write of a full batch = %v, want %v", err, broken)
	}
	if err := b.Flush(); err != nil {
		t.Fatalf("Flush with nothing gathered = %v, want nil (the error was returned)", err)
	}
}
