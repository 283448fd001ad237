package proxy

import (
	"crypto/rand"
	"encoding/hex"
	"net"
	"net/http"
	"net/textproto"
	"strings"
)

// setForwardHeaders sets what ingress-nginx sets on every proxied request
// with its default configuration (rootfs/etc/nginx/template/nginx.tmpl,
// use-forwarded-headers off): the client's address replaces any
// X-Forwarded-For it sent, whose value moves to X-Original-Forwarded-For;
// the Proxy header is cleared against httpoxy.
func setForwardHeaders(out http.Header, in *http.Request) {
	client, _, err := net.SplitHostPort(in.RemoteAddr)
	if err != nil {
		client = in.RemoteAddr
	}
	if prior := in.Header.Values("X-Forwarded-For"); len(prior) > 0 {
		out.Set("X-Original-Forwarded-For", strings.Join(prior, ", "))
	}
	out.Set("X-Forwarded-For", client)
	out.Set("X-Real-IP", client)
	out.Set("X-Forwarded-Host", in.Host)
	out.Set("X-Forwarded-Port", localPort(in))
	out.Set("X-Forwarded-Proto", scheme(in))
	out.Set("X-Scheme", scheme(in))
	// ingress-nginx keeps a client's X-Request-ID and makes one otherwise
	// ($req_id in nginx.tmpl).
	if id := in.Header.Get("X-Request-ID"); id != "" {
		out.Set("X-Request-ID", id)
	} else {
		out.Set("X-Request-ID", requestID())
	}
	out.Del("Proxy")
}

func localPort(r *http.Request) string {
	if a, ok := r.Context().Value(http.LocalAddrContextKey).(net.Addr); ok {
		if _, port, err := net.SplitHostPort(a.String()); err == nil {
			return port
		}
	}
	if r.TLS != nil {
		return "443"
	}
	return "80"
}

func requestID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// hopHeaders are removed before forwarding (RFC 9110 section 7.6.1), with
// whatever the Connection header lists; net/http/httputil.ReverseProxy
// does the same for forwarded requests, and outboundHeader repeats it for
// the echo description.
var hopHeaders = []string{
	"Connection", "Proxy-Connection", "Keep-Alive", "Proxy-Authenticate",
	"Proxy-Authorization", "Te", "Trailer", "Transfer-Encoding", "Upgrade",
}

// outboundHeader returns the headers a forwarded copy of r would carry.
func outboundHeader(r *http.Request) http.Header {
	h := r.Header.Clone()
	upgrade := ""
	if httpTokenContains(r.Header, "Connection", "upgrade") {
		upgrade = r.Header.Get("Upgrade")
	}
	for _, v := range r.Header.Values("Connection") {
		for _, f := range strings.Split(v, ",") {
			if f = textproto.TrimString(f); f != "" {
				h.Del(f)
			}
		}
	}
	for _, k := range hopHeaders {
		h.Del(k)
	}
	for _, k := range []string{"X-Forwarded-For", "X-Forwarded-Host", "X-Forwarded-Proto", "Forwarded"} {
		h.Del(k)
	}
	if upgrade != "" {
		h.Set("Connection", "Upgrade")
		h.Set("Upgrade", upgrade)
	}
	h.Set("Host", r.Host)
	setForwardHeaders(h, r)
	return h
}

func httpTokenContains(h http.Header, name, token string) bool {
	for _, v := range h.Values(name) {
		for _, f := range strings.Split(v, ",") {
			if strings.EqualFold(textproto.TrimString(f), token) {
				return true
			}
		}
	}
	return false
}
