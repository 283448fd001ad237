package printer

import (
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"sync"

	"github.com/ingresskit/ingresskit/proxy"
)

// ProxyBanner describes a starting proxy.
type ProxyBanner struct {
	// Routes and Upstreams are the loaded table.
	Routes    []proxy.Route
	Upstreams []proxy.Upstream
	// Echo is set when requests are answered with their decision.
	Echo bool
	// Forwards are the port-forwards of --port-forward, sorted by
	// Service.
	Forwards []ProxyForward
	// Notes are remarks on the table: hosts several data planes claim,
	// listener ports mapped by default or left out.
	Notes []string
}

// ProxyForward is one port-forward a proxy opened for a backend.
type ProxyForward struct {
	// Service is the backend, NS/SERVICE:PORT.
	Service string
	// Pod is POD:PORT, the Pod and container port forwarded to; empty
	// before a Pod was found.
	Pod string
	// Local is the 127.0.0.1:PORT requests for the backend go to.
	Local string
	// Protocol is how the connection was opened (websocket or spdy)
	// when connected.
	Protocol string
	// Error says why the forward is not connected; empty when it is.
	Error string
}

// ProxyRoutes writes the start-up table of a proxy: one row per route
// with the upstream its requests go to, then a hint for every backend
// that has none.
func ProxyRoutes(w io.Writer, s *Styles, b ProxyBanner) error {
	if len(b.Routes) == 0 {
		if _, err := fmt.Fprintln(w, "No routes found: every request will get 404."); err != nil {
			return err
		}
		return proxyNotes(w, s, b.Notes)
	}
	rows := make([][]string, 0, len(b.Routes))
	var missing []string
	seen := map[string]bool{}
	planes := map[string]bool{}
	routeKinds := false
	for _, r := range b.Routes {
		planes[r.DataPlane] = true
		routeKinds = routeKinds || r.Kind != ""
	}
	for _, r := range b.Routes {
		path, pt := r.Path, r.PathType
		if path == "" {
			path, pt = "(default backend)", "-"
		}
		up := r.Upstream
		backend := r.Backend
		switch {
		case r.Redirect != "":
			backend, up = r.Redirect, "-"
		case b.Echo:
			up = "echo"
		case up == "" && strings.Contains(r.Backend, ":"):
			up = s.Warning("none (503)")
			if !seen[r.Backend] {
				seen[r.Backend] = true
				missing = append(missing, r.Backend)
			}
		case up == "":
			up = s.Warning("none (503)")
		}
		if r.Weight > 0 {
			backend += " (weight " + strconv.Itoa(int(r.Weight)) + ")"
		}
		tls := "-"
		if r.TLS {
			tls = "yes"
		}
		name := r.Ingress
		if r.Kind != "" {
			name = r.Kind + " " + r.Object
		}
		row := []string{name, r.Host, path, pt, backend, up, tls}
		if len(planes) > 1 {
			row = append([]string{r.DataPlane}, row...)
		}
		rows = append(rows, row)
	}
	header := []string{"INGRESS", "HOST", "PATH", "PATHTYPE", "BACKEND", "UPSTREAM", "TLS"}
	if routeKinds {
		header[0] = "ROUTE"
	}
	if len(planes) > 1 {
		header = append([]string{"DATA PLANE"}, header...)
	}
	if err := Table(w, s, header, rows); err != nil {
		return err
	}
	for _, m := range missing {
		if _, err := fmt.Fprintf(w, "%s %s has no upstream: add --upstream %s=HOST:PORT\n", s.Warning("note:"), m, m); err != nil {
			return err
		}
	}
	if err := proxyNotes(w, s, b.Notes); err != nil {
		return err
	}
	return proxyForwards(w, s, b.Forwards)
}

// proxyNotes writes one "note:" line per remark.
func proxyNotes(w io.Writer, s *Styles, notes []string) error {
	for _, n := range notes {
		if _, err := fmt.Fprintf(w, "%s %s\n", s.Warning("note:"), n); err != nil {
			return err
		}
	}
	return nil
}

// ProxyClosedPorts writes the ports a proxy stopped serving after a
// reload took their listeners away, one line each.
func ProxyClosedPorts(w io.Writer, s *Styles, closed []proxy.BoundPort) error {
	for _, b := range closed {
		scheme := "http"
		if b.TLS {
			scheme = "https"
		}
		if _, err := fmt.Fprintf(w, "Closed listener port %d on %s\n", b.Listener, s.Bold(scheme+"://"+b.Addr)); err != nil {
			return err
		}
	}
	return nil
}

// ProxyListenerPorts writes the ports a proxy serves for listener ports
// other than 80 and 443, one line each.
func ProxyListenerPorts(w io.Writer, s *Styles, bound []proxy.BoundPort) error {
	for _, b := range bound {
		if b.Listener == 80 && !b.TLS || b.Listener == 443 && b.TLS {
			continue
		}
		scheme := "http"
		if b.TLS {
			scheme = "https"
		}
		if _, err := fmt.Fprintf(w, "Listener port %d on %s\n", b.Listener, s.Bold(scheme+"://"+b.Addr)); err != nil {
			return err
		}
	}
	return nil
}

// proxyForwards writes the port-forwards table: one row per Service port
// with the Pod it reaches and the local port, then, for each forward that
// is not connected, why.
func proxyForwards(w io.Writer, s *Styles, fws []ProxyForward) error {
	if len(fws) == 0 {
		return nil
	}
	if _, err := fmt.Fprintln(w); err != nil {
		return err
	}
	rows := make([][]string, 0, len(fws))
	for _, f := range fws {
		pod, status := f.Pod, "connected"
		if f.Protocol != "" {
			status += " (" + f.Protocol + ")"
		}
		if pod == "" {
			pod = "-"
		}
		if f.Error != "" {
			status = s.Warning("not connected (502)")
		}
		rows = append(rows, []string{f.Service, pod, f.Local, status})
	}
	if err := Table(w, s, []string{"SERVICE", "POD", "LOCAL", "STATUS"}, rows); err != nil {
		return err
	}
	for _, f := range fws {
		if f.Error == "" {
			continue
		}
		if _, err := fmt.Fprintf(w, "%s %s\n", s.Warning("warning:"), f.Error); err != nil {
			return err
		}
	}
	return nil
}

// ProxyListening writes the addresses a proxy serves.
func ProxyListening(w io.Writer, s *Styles, httpAddr, httpsAddr string) error {
	var parts []string
	if httpAddr != "" {
		parts = append(parts, s.Bold("http://"+httpAddr))
	}
	if httpsAddr != "" {
		parts = append(parts, s.Bold("https://"+httpsAddr))
	}
	_, err := fmt.Fprintf(w, "Listening on %s (Ctrl-C to stop)\n", strings.Join(parts, " and "))
	return err
}

// AccessLogFormats are the values of --log-format.
var AccessLogFormats = []string{"json", "text"}

// AccessLogJSON is one access-log line in --log-format json.
type AccessLogJSON struct {
	Time       string  `json:"time"`
	Remote     string  `json:"remote"`
	Proto      string  `json:"proto"`
	Method     string  `json:"method"`
	Scheme     string  `json:"scheme"`
	Host       string  `json:"host"`
	Path       string  `json:"path"`
	Status     int     `json:"status"`
	Bytes      int64   `json:"bytes"`
	DurationMS float64 `json:"durationMs"`
	Ingress    string  `json:"ingress,omitempty"`
	Rule       string  `json:"rule,omitempty"`
	Upstream   string  `json:"upstream,omitempty"`
	Error      string  `json:"error,omitempty"`
}

// AccessLog writes one access-log line for e: format "text" is
//
//	TIME METHOD SCHEME://HOST PATH STATUS BYTES MILLISECONDSms ingress=NS/NAME rule=HOST/PATH upstream=HOST:PORT
//
// with the key=value fields present when known and error="..." when the
// request was not forwarded; "json" is one AccessLogJSON object a line.
// Times are UTC with milliseconds.
func AccessLog(w io.Writer, format string, e *proxy.Entry) error {
	const stamp = "2006-01-02T15:04:05.000Z"
	if format == "json" {
		b, err := json.Marshal(AccessLogJSON{
			Time: e.Time.UTC().Format(stamp), Remote: e.Remote, Proto: e.Proto, Method: e.Method, Scheme: e.Scheme,
			Host: e.Host, Path: e.Path, Status: e.Status, Bytes: e.Bytes,
			DurationMS: float64(e.Duration.Microseconds()) / 1000,
			Ingress:    e.Ingress, Rule: e.Rule, Upstream: e.Upstream, Error: e.Error,
		})
		if err != nil {
			return err
		}
		_, err = w.Write(append(b, '\n'))
		return err
	}
	// The line is built in a pooled buffer with the strconv append
	// functions: the proxy logs every request, and formatting with fmt
	// and string concatenation showed in its CPU profile.
	bp := logLines.Get().(*[]byte)
	b := e.Time.UTC().AppendFormat((*bp)[:0], stamp)
	b = append(b, ' ')
	b = append(b, e.Method...)
	b = append(b, ' ')
	b = append(b, e.Scheme...)
	b = append(b, "://"...)
	b = append(b, e.Host...)
	b = append(b, ' ')
	b = append(b, e.Path...)
	b = append(b, ' ')
	b = strconv.AppendInt(b, int64(e.Status), 10)
	b = append(b, ' ')
	b = strconv.AppendInt(b, e.Bytes, 10)
	b = append(b, ' ')
	b = strconv.AppendFloat(b, float64(e.Duration.Microseconds())/1000, 'f', 3, 64)
	b = append(b, "ms"...)
	for _, kv := range [...][2]string{{"ingress", e.Ingress}, {"rule", e.Rule}, {"upstream", e.Upstream}} {
		if kv[1] != "" {
			b = append(b, ' ')
			b = append(b, kv[0]...)
			b = append(b, '=')
			b = append(b, kv[1]...)
		}
	}
	if e.Error != "" {
		b = append(b, " error="...)
		b = strconv.AppendQuote(b, e.Error)
	}
	b = append(b, '\n')
	_, err := w.Write(b)
	*bp = b
	logLines.Put(bp)
	return err
}

var logLines = sync.Pool{New: func() any { b := make([]byte, 0, 256); return &b }}
