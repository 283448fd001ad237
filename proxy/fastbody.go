package proxy

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"net"
	"net/http"
	"sync/atomic"
	"time"
)

// errChunked reports a chunked upstream body that breaks RFC 9112
// section 7.1.
var errChunked = errors.New("malformed chunked encoding")

// wait makes sure br has data to read. When it has none, what the
// client has been sent so far is flushed first, so a streamed answer
// reaches the client as it arrives (ingress-nginx's proxy-buffering
// "off" default) while an answer that is already buffered whole goes
// out in one write.
func (fc *fastConn) wait(br *bufio.Reader) error {
	if br.Buffered() > 0 {
		return nil
	}
	if fc.bw.Buffered() > 0 {
		if err := fc.bw.Flush(); err != nil {
			return err
		}
	}
	if t := fc.s.p.opts.ReadTimeout; t > 0 && fc.up != nil {
		// nginx's proxy_read_timeout: the time between two reads.
		fc.up.armReadDeadline(time.Now(), t)
	}
	_, err := br.Peek(1)
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		err = errReadTimeout
	}
	return err
}

// copyN copies an n-byte body from br to the client.
func (fc *fastConn) copyN(br *bufio.Reader, n int64) error {
	for n > 0 {
		if err := fc.wait(br); err != nil {
			if errors.Is(err, io.EOF) {
				err = io.ErrUnexpectedEOF
			}
			return err
		}
		b, _ := br.Peek(int(min(int64(br.Buffered()), n)))
		w, err := fc.bw.Write(b)
		fc.x.e.Bytes += int64(w)
		_, _ = br.Discard(len(b))
		n -= int64(len(b))
		if err != nil {
			return err
		}
	}
	return nil
}

// copyChunked decodes a chunked body from br and writes it chunked to
// the client, with its trailer section (RFC 9112 section 7.1).
func (fc *fastConn) copyChunked(br *bufio.Reader) error {
	bw := fc.bw
	for {
		line, err := fc.readLine(br)
		if err != nil {
			return err
		}
		size, ok := parseChunkSize(line)
		if !ok {
			return errChunked
		}
		if size == 0 {
			bw.WriteString("0\r\n")
			for {
				line, err := fc.readLine(br)
				if err != nil {
					return err
				}
				if len(line) > 0 && bytes.IndexByte(line, ':') <= 0 {
					return errChunked
				}
				bw.Write(line)
				bw.WriteString("\r\n")
				if len(line) == 0 {
					return nil
				}
			}
		}
		writeChunkSize(bw, size)
		if err := fc.copyN(br, size); err != nil {
			return err
		}
		bw.WriteString("\r\n")
		if line, err := fc.readLine(br); err != nil {
			return err
		} else if len(line) != 0 {
			return errChunked
		}
	}
}

// copyToEOF copies a body that ends when the upstream closes the
// connection, as chunks.
func (fc *fastConn) copyToEOF(br *bufio.Reader) error {
	bw := fc.bw
	for {
		if err := fc.wait(br); err != nil {
			if errors.Is(err, io.EOF) {
				_, err = bw.WriteString("0\r\n\r\n")
				return err
			}
			return err
		}
		b, _ := br.Peek(br.Buffered())
		writeChunkSize(bw, int64(len(b)))
		w, err := bw.Write(b)
		fc.x.e.Bytes += int64(w)
		_, _ = br.Discard(len(b))
		bw.WriteString("\r\n")
		if err != nil {
			return err
		}
	}
}

// readLine reads one line of a chunked body, without its line end.
func (fc *fastConn) readLine(br *bufio.Reader) ([]byte, error) {
	if err := fc.wait(br); err != nil {
		if errors.Is(err, io.EOF) {
			err = io.ErrUnexpectedEOF
		}
		return nil, err
	}
	line, err := br.ReadSlice('\n')
	if err != nil {
		if errors.Is(err, bufio.ErrBufferFull) {
			return nil, errChunked
		}
		if errors.Is(err, io.EOF) {
			err = io.ErrUnexpectedEOF
		}
		return nil, err
	}
	line = line[:len(line)-1]
	if len(line) > 0 && line[len(line)-1] == '\r' {
		line = line[:len(line)-1]
	}
	return line, nil
}

// parseChunkSize reads chunk-size [chunk-ext] (RFC 9112 section 7.1.1);
// extensions are dropped, as net/http's chunked reader drops them.
func parseChunkSize(line []byte) (int64, bool) {
	if i := bytes.IndexByte(line, ';'); i >= 0 {
		line = line[:i]
	}
	line = trimOWS(line)
	if len(line) == 0 || len(line) > 16 {
		return 0, false
	}
	var n int64
	for _, c := range line {
		var d byte
		switch {
		case '0' <= c && c <= '9':
			d = c - '0'
		case 'a' <= c && c <= 'f':
			d = c - 'a' + 10
		case 'A' <= c && c <= 'F':
			d = c - 'A' + 10
		default:
			return 0, false
		}
		n = n<<4 | int64(d)
	}
	return n, n >= 0
}

func writeChunkSize(bw *bufio.Writer, n int64) {
	writeInt(bw, n, 16)
	bw.WriteString("\r\n")
}

// writeInt writes n >= 0 in base 10 or 16 a byte at a time, which
// allocates nothing (a slice passed to bufio.Writer.Write escapes).
func writeInt(bw *bufio.Writer, n int64, base int64) {
	var digits [20]byte
	i := len(digits)
	for {
		i--
		digits[i] = "0123456789abcdef"[n%base]
		n /= base
		if n == 0 {
			break
		}
	}
	for _, c := range digits[i:] {
		_ = bw.WriteByte(c)
	}
}

// writeStatusLine writes the status line as net/http's server does
// (net/http/server.go writeStatusLine): always HTTP/1.1, the standard
// reason phrase, "status code N" for unknown codes.
func writeStatusLine(bw *bufio.Writer, code int) {
	bw.WriteString("HTTP/1.1 ")
	writeInt(bw, int64(code), 10)
	bw.WriteByte(' ')
	if text := http.StatusText(code); text != "" {
		bw.WriteString(text)
	} else {
		bw.WriteString("status code ")
		writeInt(bw, int64(code), 10)
	}
	bw.WriteString("\r\n")
}

// cachedDate is the Date field of the current second, formatted once a
// second rather than once a response.
type cachedDate struct {
	sec  int64
	line []byte
}

var dateLine atomic.Pointer[cachedDate]

// writeDate writes a Date field; net/http's server adds one to every
// response that has none (RFC 9110 section 6.6.1).
func writeDate(bw *bufio.Writer) {
	now := time.Now()
	d := dateLine.Load()
	if d == nil || d.sec != now.Unix() {
		line := append([]byte("Date: "), now.UTC().AppendFormat(nil, http.TimeFormat)...)
		d = &cachedDate{sec: now.Unix(), line: append(line, '\r', '\n')}
		dateLine.Store(d)
	}
	bw.Write(d.line)
}

// errorPage answers a failed upstream exchange with the page ServeHTTP
// would write: 502 or 504 with the reason.
func (fc *fastConn) errorPage(f *forward, err error) outcome {
	w := &fc.page
	w.reset()
	upstreamErrorPage(w, f, err)
	fc.x.e.Status, fc.x.e.Bytes = w.status, w.bytes
	if err := fc.bw.Flush(); err != nil {
		return outcomeClose
	}
	return outcomeKeep
}

// pageWriter is the http.ResponseWriter the fast path writes its own
// error pages with, so that they come from the same code as ServeHTTP's.
type pageWriter struct {
	fc     *fastConn
	h      http.Header
	status int
	bytes  int64
}

var _ http.ResponseWriter = (*pageWriter)(nil)

func (w *pageWriter) reset() {
	clear(w.h)
	w.status, w.bytes = 0, 0
}

func (w *pageWriter) Header() http.Header {
	if w.h == nil {
		w.h = http.Header{}
	}
	return w.h
}

func (w *pageWriter) WriteHeader(code int) {
	if w.status != 0 {
		return
	}
	w.status = code
	bw := w.fc.bw
	writeStatusLine(bw, code)
	h := w.Header()
	_ = h.Write(bw)
	if _, ok := h["Date"]; !ok {
		writeDate(bw)
	}
	if w.fc.head.close {
		bw.WriteString("Connection: close\r\n")
	}
	bw.WriteString("\r\n")
}

// Write writes body bytes; the answer to HEAD has none, though they
// count, as net/http's server does (net/http/server.go
// (*chunkWriter).Write).
func (w *pageWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.WriteHeader(http.StatusOK)
	}
	w.bytes += int64(len(b))
	if w.fc.head.method == http.MethodHead {
		return len(b), nil
	}
	return w.fc.bw.Write(b)
}
