package proxy

import (
	"crypto/tls"
	"net"
	"net/http"
	"sync"
	"time"
)

// newTransport returns the upstream transport: HTTP/1.1 with keep-alive,
// as ingress-nginx talks to its upstreams (proxy_http_version 1.1 and
// upstream-keepalive-connections 320 in
// docs/user-guide/nginx-configuration/configmap.md). A few local
// upstreams take all the traffic, so the idle pool per host is large
// enough to hold every concurrent connection and none is closed and
// redialed under load.
func newTransport(opts Options) *h1Transport {
	d := &net.Dialer{Timeout: opts.DialTimeout, KeepAlive: 30 * time.Second}
	return &h1Transport{
		dialer:                d,
		fallback:              newStdTransport(opts, d),
		responseHeaderTimeout: opts.ResponseHeaderTimeout,
		readTimeout:           opts.ReadTimeout,
		idleTimeout:           60 * time.Second,
		maxIdlePerHost:        320,
		idle:                  map[string][]*h1Conn{},
	}
}

func newStdTransport(opts Options, d *net.Dialer) *http.Transport {
	return &http.Transport{
		DialContext:           d.DialContext,
		MaxIdleConns:          1024,
		MaxIdleConnsPerHost:   320,
		IdleConnTimeout:       60 * time.Second,
		ResponseHeaderTimeout: opts.ResponseHeaderTimeout,
		TLSHandshakeTimeout:   opts.DialTimeout,
		ExpectContinueTimeout: time.Second,
		// An https:// upstream's certificate is not verified, as
		// ingress-nginx does not verify backends by default (annotation
		// proxy-ssl-verify "off", docs/user-guide/nginx-configuration/
		// annotations.md "Backend Certificate Authentication"): local
		// upstreams mostly serve self-signed certificates.
		TLSClientConfig: &tls.Config{InsecureSkipVerify: true},
		// Bodies pass through as the upstream encoded them.
		DisableCompression: true,
		WriteBufferSize:    32 << 10,
		ReadBufferSize:     32 << 10,
		// No Proxy from the environment: upstreams are local addresses.
		Proxy: nil,
	}
}

// newH2Transport returns the transport to backends spoken to over
// HTTP/2 (simulate.ProtocolH2C): cleartext HTTP/2 with prior knowledge
// to an http:// upstream (RFC 9113 section 3.3), HTTP/2 through ALPN to
// an https:// one, never HTTP/1.1, which cannot carry gRPC's trailers.
// The timeouts are the HTTP/1.1 transport's, as nginx's grpc_pass has
// the same defaults as proxy_pass (ngx_http_grpc_module:
// grpc_connect_timeout and grpc_read_timeout 60s).
func newH2Transport(opts Options) *http.Transport {
	var protos http.Protocols
	protos.SetUnencryptedHTTP2(true)
	protos.SetHTTP2(true)
	return &http.Transport{
		Protocols:             &protos,
		DialContext:           (&net.Dialer{Timeout: opts.DialTimeout, KeepAlive: 30 * time.Second}).DialContext,
		IdleConnTimeout:       60 * time.Second,
		ResponseHeaderTimeout: opts.ResponseHeaderTimeout,
		TLSHandshakeTimeout:   opts.DialTimeout,
		// Not verified, as for HTTP/1.1 upstreams (newStdTransport).
		TLSClientConfig:    &tls.Config{InsecureSkipVerify: true},
		DisableCompression: true,
		Proxy:              nil,
	}
}

// bufferPool recycles the 32 KiB copy buffers of the reverse proxy.
type bufferPool struct{}

var copyBuffers = sync.Pool{New: func() any { b := make([]byte, 32<<10); return &b }}

func (bufferPool) Get() []byte  { return *(copyBuffers.Get().(*[]byte)) }
func (bufferPool) Put(b []byte) { copyBuffers.Put(&b) }
