package gateway

import (
	"context"
	"net/http"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/ingresskit/ingresskit/manifest"
	"github.com/ingresskit/ingresskit/simulate"
)

func load(t testing.TB, paths ...string) *manifest.Set {
	t.Helper()
	set, err := manifest.Load(context.Background(), manifest.Options{Paths: paths})
	if err != nil {
		t.Fatal(err)
	}
	return set.Applied()
}

func plane(t *testing.T, set *manifest.Set, key string) *Plane {
	t.Helper()
	for _, p := range Build(set) {
		if p.Gateway().Key() == key {
			return p
		}
	}
	t.Fatalf("no Gateway %s", key)
	return nil
}

// answer is the part of a decision the tests compare.
type answer struct {
	Status   int
	Object   string
	Rule     int
	Listener string
	Backends []string
	Redirect string
	Rewrite  string
}

func summarize(d simulate.Decision) answer {
	a := answer{Status: d.Status + d.RedirectCode, Object: d.Object, Rule: d.Rule, Listener: d.Listener, Redirect: d.Redirect, Rewrite: d.RewritePath}
	for _, b := range d.Backends {
		s := b.Namespace + "/" + b.Name
		if b.Problem != "" {
			s += " (unresolved)"
		}
		a.Backends = append(a.Backends, s)
	}
	return a
}

func TestExample(t *testing.T) {
	p := plane(t, load(t, "../../examples/gateway-api.yaml"), "infra/prod")
	tests := []struct {
		name   string
		url    string
		header http.Header
		want   answer
	}{
		{"redirect to https", "http://shop.example.com/cart?x=1", nil,
			answer{Status: 301, Object: "infra/https-redirect", Rule: 0, Listener: "http", Redirect: "https://shop.example.com/cart?x=1"}},
		{"weighted split", "https://shop.example.com/cart", nil,
			answer{Object: "shop/shop", Rule: 1, Listener: "https", Backends: []string{"shop/shop-v1", "shop/shop-v2"}}},
		{"header match wins over none", "https://shop.example.com/cart", http.Header{"X-Canary": {"always"}},
			answer{Object: "shop/shop", Rule: 0, Listener: "https", Backends: []string{"shop/shop-v2"}}},
		{"longer prefix wins over header match", "https://shop.example.com/api/v1/items", http.Header{"X-Canary": {"always"}},
			answer{Object: "shop/shop", Rule: 2, Listener: "https", Backends: []string{"shop/shop-api"}, Rewrite: "/v1/items"}},
		{"prefix by path elements", "https://shop.example.com/api/v10", nil,
			answer{Object: "shop/shop", Rule: 1, Listener: "https", Backends: []string{"shop/shop-v1", "shop/shop-v2"}}},
		{"other host on the listener", "https://blog.example.com/", nil,
			answer{Status: 404, Rule: -1, Listener: "https"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req, err := simulate.ParseRequest(tt.url, tt.header)
			if err != nil {
				t.Fatal(err)
			}
			if !p.Serves(req) {
				t.Fatalf("Serves(%s) = false", tt.url)
			}
			if diff := cmp.Diff(tt.want, summarize(p.Lookup(req))); diff != "" {
				t.Errorf("Lookup(%s) (-want +got):\n%s", tt.url, diff)
			}
		})
	}
	if req, _ := simulate.ParseRequest("http://example.org/", nil); p.Serves(req) {
		t.Error("a host outside *.example.com is served")
	}
}

func TestStatus(t *testing.T) {
	m := Analyze(load(t, "testdata/status.yaml"))
	type parent struct {
		Gateway      string
		Accepted     string
		ResolvedRefs string
		Listeners    []string
	}
	got := map[string][]parent{}
	for _, st := range m.Routes {
		for _, ps := range st.Parents {
			pa := parent{Accepted: ps.Accepted.Reason, ResolvedRefs: ps.ResolvedRefs.Reason}
			if ps.Gateway != nil {
				pa.Gateway = ps.Gateway.Key()
			}
			for _, a := range ps.Listeners {
				pa.Listeners = append(pa.Listeners, a.Listener)
			}
			got[st.Kind+" "+st.Key()] = append(got[st.Kind+" "+st.Key()], pa)
		}
	}
	want := map[string][]parent{
		"HTTPRoute default/ok":            {{Gateway: "default/gw", Accepted: "Accepted", ResolvedRefs: "ResolvedRefs", Listeners: []string{"a", "b"}}},
		"HTTPRoute default/wrong-section": {{Gateway: "default/gw", Accepted: "NoMatchingParent", ResolvedRefs: "ResolvedRefs"}},
		"HTTPRoute default/no-gateway":    {{Accepted: "NoMatchingParent", ResolvedRefs: "ResolvedRefs"}},
		"HTTPRoute other/other-ns":        {{Gateway: "default/gw", Accepted: "NotAllowedByListeners", ResolvedRefs: "ResolvedRefs"}},
		"HTTPRoute default/no-host":       {{Gateway: "default/gw", Accepted: "NoMatchingListenerHostname", ResolvedRefs: "ResolvedRefs"}},
		"HTTPRoute default/missing-svc":   {{Gateway: "default/gw", Accepted: "Accepted", ResolvedRefs: "BackendNotFound", Listeners: []string{"a", "b"}}},
		"HTTPRoute default/missing-port":  {{Gateway: "default/gw", Accepted: "Accepted", ResolvedRefs: "BackendNotFound", Listeners: []string{"a", "b"}}},
		"HTTPRoute default/cross-ns":      {{Gateway: "default/gw", Accepted: "Accepted", ResolvedRefs: "RefNotPermitted", Listeners: []string{"a", "b"}}},
		"HTTPRoute default/granted":       {{Gateway: "default/gw", Accepted: "Accepted", ResolvedRefs: "ResolvedRefs", Listeners: []string{"a", "b"}}},
		"HTTPRoute default/bad-kind":      {{Gateway: "default/gw", Accepted: "Accepted", ResolvedRefs: "InvalidKind", Listeners: []string{"a", "b"}}},
		"GRPCRoute default/grpc":          {{Gateway: "default/gw", Accepted: "NotAllowedByListeners", ResolvedRefs: "ResolvedRefs"}},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("status (-want +got):\n%s", diff)
	}
}

// TestBackendProtocol checks that a GRPCRoute's backends are spoken to
// over HTTP/2 and an HTTPRoute's over HTTP/1.1, the answer the proxy
// forwards by.
func TestBackendProtocol(t *testing.T) {
	p := plane(t, load(t, "../../proxy/testdata/planes/grpc.yaml"), "infra/gw")
	grpc := http.Header{"Content-Type": {"application/grpc"}}
	for _, tc := range []struct {
		url      string
		header   http.Header
		object   string
		protocol string
	}{
		{"http://grpc.example/echo.Echo/Ping", grpc, "apps/echo", simulate.ProtocolH2C},
		{"http://grpc.example/echo.Echo/Say", grpc, "apps/echo", simulate.ProtocolH2C},
		{"http://grpc.example/web/index.html", nil, "apps/web", ""},
	} {
		req, err := simulate.ParseRequest(tc.url, tc.header)
		if err != nil {
			t.Fatal(err)
		}
		d := p.Lookup(req)
		if d.Object != tc.object || len(d.Backends) != 1 || d.Backends[0].Protocol != tc.protocol {
			t.Errorf("%s: %s backends %+v, want %s with protocol %q", tc.url, d.Object, d.Backends, tc.object, tc.protocol)
		}
	}
}
