package proxy

import (
	"bytes"
	"errors"
	"io"
	"net"
	"os"
	"syscall"
	"testing"
	"time"
)

// tcpPair returns both ends of a loopback TCP connection.
func tcpPair(t *testing.T) (client, server net.Conn) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	accepted := make(chan net.Conn, 1)
	go func() {
		c, err := ln.Accept()
		if err != nil {
			accepted <- nil
			return
		}
		accepted <- c
	}()
	client, err = net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	server = <-accepted
	if server == nil {
		t.Fatal("accept failed")
	}
	t.Cleanup(func() { client.Close(); server.Close() })
	return client, server
}

func TestRawIORoundTrip(t *testing.T) {
	a, b := tcpPair(t)
	r, w := newRawIO(a)
	if _, ok := r.(*rawIO); !ok {
		t.Fatalf("newRawIO(%T) = %T, want *rawIO", a, r)
	}
	// More than the socket buffers hold: the write must wait for the
	// reader, and the reader sees every byte in order.
	want := bytes.Repeat([]byte("0123456789abcdef"), 1<<18)
	got := make(chan []byte, 1)
	go func() {
		time.Sleep(20 * time.Millisecond)
		b, _ := io.ReadAll(io.LimitReader(b, int64(len(want))))
		got <- b
	}()
	n, err := w.Write(want)
	if err != nil || n != len(want) {
		t.Fatalf("Write = %d, %v; want %d, nil", n, err, len(want))
	}
	if g := <-got; !bytes.Equal(g, want) {
		t.Fatalf("peer read %d bytes, not the %d written", len(g), len(want))
	}

	if _, err := b.Write([]byte("pong")); err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 16)
	n, err = io.ReadAtLeast(r, buf, 4)
	if err != nil || string(buf[:n]) != "pong" {
		t.Fatalf("Read = %q, %v; want pong", buf[:n], err)
	}
	if n, err := r.Read(nil); n != 0 || err != nil {
		t.Fatalf("Read(nil) = %d, %v", n, err)
	}
}

// Read and Write run at once on one connection, as net.Conn allows.
func TestRawIOConcurrent(t *testing.T) {
	a, b := tcpPair(t)
	go func() { _, _ = io.Copy(b, b) }() // the peer echoes
	r, w := newRawIO(a)
	want := bytes.Repeat([]byte("abcdefghijklmnopqrstuvwxyz012345"), 1<<16)
	errc := make(chan error, 1)
	go func() {
		_, err := w.Write(want)
		errc <- err
	}()
	got := make([]byte, len(want))
	if _, err := io.ReadFull(r, got); err != nil {
		t.Fatal(err)
	}
	if err := <-errc; err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Fatal("the echo differs from what was written")
	}
}

func TestRawIOEOF(t *testing.T) {
	a, b := tcpPair(t)
	r, _ := newRawIO(a)
	b.Close()
	if _, err := r.Read(make([]byte, 8)); err != io.EOF {
		t.Fatalf("Read after the peer closed = %v, want io.EOF", err)
	}
}

func TestRawIODeadline(t *testing.T) {
	a, _ := tcpPair(t)
	r, _ := newRawIO(a)
	if err := a.SetReadDeadline(time.Now().Add(30 * time.Millisecond)); err != nil {
		t.Fatal(err)
	}
	_, err := r.Read(make([]byte, 8))
	var ne net.Error
	if !errors.As(err, &ne) || !ne.Timeout() || !errors.Is(err, os.ErrDeadlineExceeded) {
		t.Fatalf("Read past the deadline = %v, want a timeout", err)
	}
	var oe *net.OpError
	if !errors.As(err, &oe) || oe.Op != "read" {
		t.Fatalf("Read error %#v is not a read *net.OpError", err)
	}
}

func TestRawIOWriteToReset(t *testing.T) {
	a, b := tcpPair(t)
	_, w := newRawIO(a)
	// Closing with unread data and linger 0 sends a reset.
	if err := b.(*net.TCPConn).SetLinger(0); err != nil {
		t.Fatal(err)
	}
	b.Close()
	time.Sleep(20 * time.Millisecond)
	var err error
	for i := 0; i < 10 && err == nil; i++ {
		_, err = w.Write([]byte("after the reset"))
	}
	var oe *net.OpError
	if !errors.As(err, &oe) || oe.Op != "write" {
		t.Fatalf("Write to a reset connection = %v, want a write *net.OpError", err)
	}
	if !errors.Is(err, syscall.ECONNRESET) && !errors.Is(err, syscall.EPIPE) {
		t.Fatalf("Write to a reset connection = %v, want ECONNRESET or EPIPE", err)
	}
}

func TestRawIOOtherConns(t *testing.T) {
	a, b := net.Pipe()
	defer a.Close()
	defer b.Close()
	if r, w := newRawIO(a); r != io.Reader(a) || w != io.Writer(a) {
		t.Fatalf("newRawIO(net.Pipe) = %T, %T; want the connection itself", r, w)
	}
}
