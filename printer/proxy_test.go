package printer

import (
	"bytes"
	"testing"
	"time"

	"github.com/ingresskit/ingresskit/internal/golden"
	"github.com/ingresskit/ingresskit/proxy"
)

var proxyRoutes = []proxy.Route{
	{Ingress: "default/web", Host: "example.com", Path: "/users", PathType: "Prefix", Backend: "default/users:80", Upstream: "127.0.0.1:9001", TLS: true},
	{Ingress: "default/web", Host: "example.com", Path: "/admin", PathType: "Exact", Backend: "default/admin:http", TLS: true},
	{Ingress: "default/web", Host: "*", Path: "/", PathType: "Prefix", Backend: "default/admin:http"},
	{Ingress: "shop/catch-all", Host: "*", Backend: "shop/fallback:8080", Upstream: "https://127.0.0.1:8443"},
}

var forwardedRoutes = []proxy.Route{
	{Ingress: "shop/web", Host: "shop.example", Path: "/", PathType: "Prefix", Backend: "shop/users:http", Upstream: "127.0.0.1:41001"},
	{Ingress: "shop/web", Host: "shop.example", Path: "/cart", PathType: "Prefix", Backend: "shop/cart:80", Upstream: "127.0.0.1:41002"},
}

// planeRoutes are routes of several data planes: an Ingress class, a
// Gateway with a weighted split and a redirect.
var planeRoutes = []proxy.Route{
	{DataPlane: "ingress class nginx", Ingress: "default/web", Host: "example.com", Path: "/", PathType: "Prefix", Backend: "default/web:80", Upstream: "127.0.0.1:9001"},
	{DataPlane: "gateway infra/prod", Kind: "HTTPRoute", Object: "shop/shop", Host: "shop.example.com", Path: "/", PathType: "PathPrefix", Backend: "shop/v1:8080", Weight: 90, TLS: true},
	{DataPlane: "gateway infra/prod", Kind: "HTTPRoute", Object: "shop/shop", Host: "shop.example.com", Path: "/", PathType: "PathPrefix", Backend: "shop/v2:8080", Weight: 10, Upstream: "127.0.0.1:9002", TLS: true},
	{DataPlane: "gateway infra/prod", Kind: "HTTPRoute", Object: "infra/https-redirect", Host: "*", Path: "/", PathType: "PathPrefix", Redirect: "redirect 301 scheme https"},
}

var planeNotes = []string{
	"host example.com on port 80 (http) is claimed by ingress class nginx, gateway infra/prod: ingress class nginx answers, as it is simulate's first answer",
	"listener port 9000 (https, gateway infra/prod) is served on local port 9000, the same number (--listen 9000=<port> maps it elsewhere)",
}

var forwards = []ProxyForward{
	{Service: "shop/cart:80", Local: "127.0.0.1:41002",
		Error: "port-forward to shop/cart:80 is connecting: service shop/cart has no Running and Ready Pod"},
	{Service: "shop/users:http", Pod: "users-7d9-abc:8080", Local: "127.0.0.1:41001", Protocol: "websocket"},
}

func TestProxyRoutes(t *testing.T) {
	tests := []struct {
		name   string
		banner ProxyBanner
		color  bool
		golden string
	}{
		{"forward", ProxyBanner{Routes: proxyRoutes}, false, "testdata/proxy_routes.txt"},
		{"forward tty", ProxyBanner{Routes: proxyRoutes}, true, "testdata/proxy_routes.tty.txt"},
		{"echo", ProxyBanner{Routes: proxyRoutes, Echo: true}, false, "testdata/proxy_routes.echo.txt"},
		{"empty", ProxyBanner{}, false, "testdata/proxy_routes.empty.txt"},
		{"data planes", ProxyBanner{Routes: planeRoutes, Notes: planeNotes}, false, "testdata/proxy_routes.planes.txt"},
		{"port-forward", ProxyBanner{Routes: forwardedRoutes, Forwards: forwards}, false, "testdata/proxy_routes.forward.txt"},
		{"port-forward tty", ProxyBanner{Routes: forwardedRoutes, Forwards: forwards}, true, "testdata/proxy_routes.forward.tty.txt"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := ProxyRoutes(&buf, NewStyles(&buf, tt.color), tt.banner); err != nil {
				t.Fatal(err)
			}
			if err := ProxyListening(&buf, NewStyles(&buf, tt.color), "127.0.0.1:8080", "127.0.0.1:8443"); err != nil {
				t.Fatal(err)
			}
			if tt.banner.Notes != nil {
				bound := []proxy.BoundPort{{Listener: 80, Addr: "127.0.0.1:8080"}, {Listener: 443, TLS: true, Addr: "127.0.0.1:8443"}, {Listener: 9000, TLS: true, Addr: "127.0.0.1:9000"}}
				if err := ProxyListenerPorts(&buf, NewStyles(&buf, tt.color), bound); err != nil {
					t.Fatal(err)
				}
			}
			golden.Assert(t, buf.Bytes(), tt.golden)
		})
	}
}

func TestAccessLog(t *testing.T) {
	at := time.Date(2026, 11, 22, 1, 2, 3, 456789000, time.FixedZone("CET", 3600))
	entries := []*proxy.Entry{
		{Time: at, Remote: "127.0.0.1:50000", Proto: "HTTP/1.1", Method: "GET", Scheme: "http", Host: "example.com",
			Path: "/users/42?tab=posts", Status: 200, Bytes: 512, Duration: 1234567 * time.Nanosecond,
			Ingress: "default/web", Rule: "example.com/users", Upstream: "127.0.0.1:9001"},
		{Time: at, Remote: "127.0.0.1:50001", Proto: "HTTP/2.0", Method: "POST", Scheme: "https", Host: "example.com",
			Path: "/nope", Status: 503, Bytes: 200, Duration: 80 * time.Microsecond,
			Ingress: "default/web", Rule: "example.com/nope", Error: "no upstream for default/nope:80"},
		{Time: at, Remote: "[::1]:50002", Proto: "HTTP/1.1", Method: "GET", Scheme: "http", Host: "unknown.test",
			Path: "/", Status: 404, Bytes: 90, Duration: 50 * time.Microsecond, Error: "no route"},
	}
	for _, format := range AccessLogFormats {
		t.Run(format, func(t *testing.T) {
			var buf bytes.Buffer
			for _, e := range entries {
				if err := AccessLog(&buf, format, e); err != nil {
					t.Fatal(err)
				}
			}
			golden.Assert(t, buf.Bytes(), "testdata/proxy_access."+format)
		})
	}
}
