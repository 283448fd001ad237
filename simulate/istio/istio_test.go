package istio

import (
	"context"
	"net/http"
	"strconv"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/ingresskit/ingresskit/manifest"
	"github.com/ingresskit/ingresskit/simulate"
)

// TestExample routes requests through examples/istio-gateway.yaml; each
// case cites the VirtualService or Gateway reference behaviour it pins.
func TestExample(t *testing.T) {
	set, err := manifest.Load(context.Background(), manifest.Options{Paths: []string{"../../examples/istio-gateway.yaml"}})
	if err != nil {
		t.Fatal(err)
	}
	planes := Build(set)
	if len(planes) != 1 || len(planes[0].vss) != 2 {
		t.Fatalf("planes: %d, bound VirtualServices: %d", len(planes), len(planes[0].vss))
	}
	p := planes[0]
	tests := []struct {
		name, url string
		header    http.Header
		want      string
	}{
		// Server.tls.httpsRedirect: a 301 to https for every http request.
		{"https redirect", "http://example.com/foo", nil, "redirect 301 https://example.com/foo"},
		{"prefix match", "https://example.com/foo/x", nil, "default/service-foo:80 100"},
		// Weighted destinations: every backend with its weight.
		{"weights", "https://example.com/bar", nil, "default/service-bar:80 90, default/service-bar-canary:80 10"},
		// No route matches: 404.
		{"no route", "https://example.com/other", nil, "status 404"},
		// Headers AND uri; the FQDN host names the namespace; rewrite
		// replaces the matched prefix.
		{"header and rewrite", "https://test.com/api/users", http.Header{"X-Version": {"v2"}}, "default/service-b:80 100 rewrite /v2/users"},
		// First match wins: without the header the catch-all answers.
		{"first match", "https://test.com/api/users", nil, "default/service-b:80 100"},
		{"redirect", "https://test.com/old", nil, "redirect 302 https://test.com/new"},
		// A host no server lists: the gateway does not serve it.
		{"unknown host", "https://other.com/", nil, "not served"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req, err := simulate.ParseRequest(tt.url, tt.header)
			if err != nil {
				t.Fatal(err)
			}
			if !p.Serves(req) {
				if tt.want != "not served" {
					t.Fatalf("%s not served", tt.url)
				}
				return
			}
			if d := cmp.Diff(tt.want, outcome(p.Lookup(req))); d != "" {
				t.Errorf("%s (-want +got):\n%s", tt.url, d)
			}
		})
	}
}

func outcome(d simulate.Decision) string {
	switch {
	case d.Redirect != "":
		return "redirect " + itoa(d.RedirectCode) + " " + d.Redirect
	case d.Status != 0:
		return "status " + itoa(d.Status)
	}
	s := ""
	for i, b := range d.Backends {
		if i > 0 {
			s += ", "
		}
		s += b.Namespace + "/" + b.Name + ":" + itoa(int(b.Port)) + " " + itoa(int(b.Weight))
	}
	if d.RewritePath != "" {
		s += " rewrite " + d.RewritePath
	}
	return s
}

func itoa(n int) string { return strconv.Itoa(n) }

// TestMergedVirtualServices pins that two VirtualServices for one host on
// an ingress gateway are merged, the older one's routes first (istio.io
// IST0109), as lint's istio-duplicate-host describes them.
func TestMergedVirtualServices(t *testing.T) {
	const in = `apiVersion: networking.istio.io/v1
kind: Gateway
metadata: {name: gw, namespace: default}
spec:
  servers: [{port: {number: 80, name: http, protocol: HTTP}, hosts: ["*"]}]
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: newer, namespace: default, creationTimestamp: "2026-02-01T00:00:00Z"}
spec:
  hosts: [a.example.com]
  gateways: [gw]
  http:
  - match: [{uri: {prefix: /}}]
    route: [{destination: {host: newer, port: {number: 80}}}]
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: older, namespace: default, creationTimestamp: "2026-01-01T00:00:00Z"}
spec:
  hosts: [a.example.com]
  gateways: [gw]
  http:
  - match: [{uri: {prefix: /api}}]
    route: [{destination: {host: older, port: {number: 80}}}]
`
	set, err := manifest.Parse("in.yaml", []byte(in), manifest.Options{})
	if err != nil {
		t.Fatal(err)
	}
	p := Build(set)[0]
	for url, want := range map[string]string{
		"http://a.example.com/api/x": "default/older:80 100", // the older VirtualService's route comes first
		"http://a.example.com/web":   "default/newer:80 100", // then the newer one's
	} {
		req, _ := simulate.ParseRequest(url, nil)
		if got := outcome(p.Lookup(req)); got != want {
			t.Errorf("%s: got %s, want %s", url, got, want)
		}
	}
}
