package proxy

import (
	"bufio"
	"net"
	"net/http"
	"time"
)

// Entry is one access-log record.
type Entry struct {
	// Time is when the request arrived.
	Time time.Time
	// Remote is the client's address.
	Remote string
	// Proto is the request protocol (HTTP/1.1, HTTP/2.0).
	Proto string
	// Method, Scheme and Host are the request's; Host has no port.
	Method, Scheme, Host string
	// Path is the request URI as received (path and query).
	Path string
	// Status is the response status; 101 for a switched protocol.
	Status int
	// Bytes counts the response body bytes written.
	Bytes int64
	// Duration runs from arrival to the last byte (for upgrades, to the
	// switch).
	Duration time.Duration
	// Ingress is namespace/name of the Ingress that routed the request,
	// or, for a Gateway API or Istio answer, KIND/namespace/name of the
	// route ("HTTPRoute/shop/shop"); empty when none did.
	Ingress string
	// Rule is the matched host and path, or "defaultBackend".
	Rule string
	// Upstream is the HOST:PORT the request went to, empty when it was
	// not forwarded.
	Upstream string
	// Error says why the request was not forwarded or failed upstream.
	Error string
}

// logWriter records the status and size of a response. It passes
// flushes and hijacks through, so streaming and upgrades still work.
type logWriter struct {
	http.ResponseWriter
	status int
	bytes  int64
	// send, when not zero, bounds each write: the connection's write
	// deadline is set that far ahead first (Options.SendTimeout).
	send time.Duration
	// sendSet is the write deadline last set.
	sendSet time.Time
	// err is the first failed write, or the upstream body's failure.
	err error
}

func (w *logWriter) WriteHeader(code int) {
	if w.status == 0 && code >= 200 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *logWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	w.arm()
	n, err := w.ResponseWriter.Write(b)
	w.bytes += int64(n)
	if err != nil && w.err == nil {
		w.err = err
	}
	return n, err
}

// Hijack records the protocol switch; net/http/httputil.ReverseProxy
// hijacks the client connection after the upstream answered 101.
func (w *logWriter) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	c, brw, err := http.NewResponseController(w.ResponseWriter).Hijack()
	if err == nil && w.status == 0 {
		w.status = http.StatusSwitchingProtocols
	}
	return c, brw, err
}

// Unwrap lets http.ResponseController reach the connection's writer.
func (w *logWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// Flush sends buffered data to the client.
func (w *logWriter) Flush() {
	w.arm()
	_ = http.NewResponseController(w.ResponseWriter).Flush()
}

// arm sets the connection's write deadline SendTimeout ahead before a
// write or a flush: as nginx's send_timeout, the time between two
// writes, not for the whole response (net/http's WriteTimeout). The
// deadline moves only when it is a 64th of the timeout old.
func (w *logWriter) arm() {
	if w.send <= 0 {
		return
	}
	if t := time.Now().Add(w.send); !closeEnough(w.sendSet, t, w.send) {
		w.sendSet = t
		_ = http.NewResponseController(w.ResponseWriter).SetWriteDeadline(t)
	}
}
