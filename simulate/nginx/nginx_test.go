package nginx

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/ingresskit/ingresskit/manifest"
	"github.com/ingresskit/ingresskit/simulate"
)

// TestNginxNormalizePath checks nginx's URI normalization (nginx docs,
// ngx_http_core_module "location": decode %XX, resolve "." and "..",
// merge slashes).
func TestNginxNormalizePath(t *testing.T) {
	tests := []struct{ in, want string }{
		{"/api%2Fusers", "/api/users"},
		{"/a/%2E%2E/admin", "/admin"},
		{"/a//b/./c/", "/a/b/c/"},
		{"/100%25", "/100%"},
		{"/%zz", "/%zz"},
		{"/plain", "/plain"},
	}
	for _, tt := range tests {
		if got := nginxNormalizePath(tt.in); got != tt.want {
			t.Errorf("nginxNormalizePath(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// FuzzNginxNormalizePath checks that normalization never panics and
// always yields an absolute path without empty or dot segments.
func FuzzNginxNormalizePath(f *testing.F) {
	f.Add("/a/../b")       // dot segments
	f.Add("/%2e%2e/%2F/x") // encoded dots and slash
	f.Add("//%25%32%46")   // an escaped escape stays decoded once
	f.Add("/a/%")          // a lone percent
	f.Fuzz(func(t *testing.T, p string) {
		if strings.ContainsAny(p, "?#") {
			t.Skip("the engine strips query and fragment first")
		}
		got := nginxNormalizePath("/" + p)
		if !strings.HasPrefix(got, "/") {
			t.Fatalf("%q -> %q: not absolute", p, got)
		}
		for _, seg := range strings.Split(strings.TrimSuffix(got[1:], "/"), "/") {
			if got != "/" && (seg == "" || seg == "." || seg == "..") {
				t.Fatalf("%q -> %q: segment %q left", p, got, seg)
			}
		}
	})
}

// TestNginxCanaryWeightTotal checks balancer.lua's weight total: values
// up to 100 mean 100.
func TestNginxCanaryWeightTotal(t *testing.T) {
	tests := []struct {
		weight, total int
		want          bool
	}{
		{100, 100, true},
		{50, 50, false},  // total below 100 counts as 100
		{200, 200, true}, // total above 100 is honoured
		{0, 100, false},
	}
	for _, tt := range tests {
		c := &nginxCanary{cfg: nginxCanaryConfig{enabled: true, weight: tt.weight, weightTotal: tt.total}}
		if got, _, why := c.choose(http.Header{}); got != tt.want {
			t.Errorf("weight %d/%d: canary %v (%s), want %v", tt.weight, tt.total, got, why, tt.want)
		}
	}
}

// BenchmarkNginxCompile binds the nginx profile to 2,000 Ingresses over
// 20 hosts, some of them regex hosts, and compiles the index.
func BenchmarkNginxCompile(b *testing.B) {
	var doc strings.Builder
	for i := 0; i < 2000; i++ {
		regex := "false"
		if i%50 == 0 {
			regex = "true"
		}
		fmt.Fprintf(&doc, `---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: ing%d
  annotations:
    nginx.ingress.kubernetes.io/use-regex: "%s"
spec:
  rules:
  - host: h%d.example
    http:
      paths:
      - path: /p%d
        pathType: Prefix
        backend:
          service:
            name: s%d
            port:
              number: 80
      - path: /q%d/x
        pathType: ImplementationSpecific
        backend:
          service:
            name: s%d
            port:
              number: 80
`, i, regex, i%20, i, i, i, i)
	}
	set, err := manifest.Parse("bench.yaml", []byte(doc.String()), manifest.Options{})
	if err != nil {
		b.Fatal(err)
	}
	req, _ := simulate.ParseRequest("http://h3.example/p1003/x", nil)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		ix, err := simulate.Compile(set, simulate.Options{Profile: simulate.Bind(Profile{}, set)})
		if err != nil {
			b.Fatal(err)
		}
		if d := ix.Lookup(req); !d.Matched {
			b.Fatal("no match")
		}
	}
}

// TestNginxRegexHostsWithoutRegex checks the shortcut of NginxRegexHosts:
// when no Ingress sets rewrite-target or use-regex, the full
// configuration has no regex host either, and with one set, its host is
// found.
func TestNginxRegexHostsWithoutRegex(t *testing.T) {
	const ing = `---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: %s
  namespace: default
  annotations:
    %s
spec:
  ingressClassName: nginx
  rules:
  - host: a.example.com
    http:
      paths:
      - path: /%s
        pathType: Prefix
        backend:
          service:
            name: s
            port:
              number: 80
`
	for _, tt := range []struct {
		name, annotation string
		regex            bool
	}{
		{"no annotation", "nginx.ingress.kubernetes.io/proxy-body-size: 8m", false},
		{"use-regex false", "nginx.ingress.kubernetes.io/use-regex: \"false\"", false},
		{"use-regex", "nginx.ingress.kubernetes.io/use-regex: \"true\"", true},
		{"rewrite-target", "nginx.ingress.kubernetes.io/rewrite-target: /x", true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			data := fmt.Sprintf(ing, "first", tt.annotation, "a") + fmt.Sprintf(ing, "second", "x: z", "b")
			set, err := manifest.Parse("in.yaml", []byte(data), manifest.Options{})
			if err != nil {
				t.Fatal(err)
			}
			full := false
			for _, srv := range newNginxState(set).servers {
				full = full || srv.regex
			}
			hosts := RegexHosts(set)
			if full != tt.regex || (len(hosts) > 0) != tt.regex {
				t.Errorf("regex host in the full configuration = %v, from RegexHosts = %v, want %v", full, hosts, tt.regex)
			}
		})
	}
}
