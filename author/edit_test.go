package author

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aymanbagabas/go-udiff"
	"github.com/google/go-cmp/cmp"
	networkingv1 "k8s.io/api/networking/v1"

	"github.com/ingresskit/ingresskit/internal/golden"
	"github.com/ingresskit/ingresskit/manifest"
)

// TestEdits applies each edit to testdata/edit/shop.yaml. The golden file
// is the unified diff, so that it shows that nothing but the edited lines
// changed; the result must also load, and hold the edited object.
func TestEdits(t *testing.T) {
	src, err := os.ReadFile("testdata/edit/shop.yaml")
	if err != nil {
		t.Fatal(err)
	}
	shop := Target{Name: "shop"}
	admin := Target{Name: "admin"}
	rule := func(s string) Rule {
		r, err := ParseRule(s, ParseOptions{})
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	backend := func(s string) networkingv1.IngressBackend {
		b, err := ParseBackend(s, "")
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	tests := []struct {
		name  string
		edit  func([]byte) ([]byte, error)
		check func(t *testing.T, ing *manifest.Ingress)
	}{
		{"add path to host", func(b []byte) ([]byte, error) {
			return AddRule("shop.yaml", b, shop, rule("shop.example.com/cart*=cart:8080"))
		}, func(t *testing.T, ing *manifest.Ingress) {
			p := ing.Spec.Rules[0].HTTP.Paths[2]
			if p.Path != "/cart" || *p.PathType != "Prefix" || p.Backend.Service.Name != "cart" || p.Backend.Service.Port.Number != 8080 {
				t.Errorf("got %+v", p)
			}
		}},
		{"add rule for new host with tls", func(b []byte) ([]byte, error) {
			return AddRule("shop.yaml", b, shop, rule("www.example.com/=web:http,tls=shop-tls"))
		}, func(t *testing.T, ing *manifest.Ingress) {
			if r := ing.Spec.Rules[1]; r.Host != "www.example.com" || r.HTTP.Paths[0].Backend.Service.Port.Name != "http" {
				t.Errorf("got %+v", r)
			}
			if d := cmp.Diff([]string{"shop.example.com", "www.example.com"}, ing.Spec.TLS[0].Hosts); d != "" {
				t.Error(d)
			}
		}},
		{"add rule in kubectl layout", func(b []byte) ([]byte, error) {
			return AddRule("shop.yaml", b, admin, rule("admin.example.com/metrics=Bucket.example.com/dash,tls=admin-tls"))
		}, nil},
		{"remove path", func(b []byte) ([]byte, error) {
			return RemoveRule("shop.yaml", b, shop, "shop.example.com", "/")
		}, func(t *testing.T, ing *manifest.Ingress) {
			if len(ing.Spec.Rules[0].HTTP.Paths) != 1 || ing.Spec.Rules[0].HTTP.Paths[0].Path != "/api" {
				t.Errorf("got %+v", ing.Spec.Rules)
			}
		}},
		{"remove last path", func(b []byte) ([]byte, error) {
			return RemoveRule("shop.yaml", b, admin, "admin.example.com", "/")
		}, func(t *testing.T, ing *manifest.Ingress) {
			if ing.Name == "admin" && len(ing.Spec.Rules) != 0 {
				t.Errorf("got %+v", ing.Spec.Rules)
			}
		}},
		{"set backend", func(b []byte) ([]byte, error) {
			return SetBackend("shop.yaml", b, shop, "shop.example.com", "/api*", backend("api-v2:8080"))
		}, func(t *testing.T, ing *manifest.Ingress) {
			if s := ing.Spec.Rules[0].HTTP.Paths[1].Backend.Service; s.Name != "api-v2" || s.Port.Number != 8080 {
				t.Errorf("got %+v", s)
			}
		}},
		{"set backend first key of item", func(b []byte) ([]byte, error) {
			return SetBackend("shop.yaml", b, admin, "admin.example.com", "/", backend("admin-v2:http"))
		}, nil},
		{"set default backend", func(b []byte) ([]byte, error) {
			return SetBackend("shop.yaml", b, shop, "", "", backend("web:80"))
		}, func(t *testing.T, ing *manifest.Ingress) {
			if ing.Spec.DefaultBackend == nil || ing.Spec.DefaultBackend.Service.Name != "web" {
				t.Errorf("got %+v", ing.Spec.DefaultBackend)
			}
		}},
		{"add tls host to entry", func(b []byte) ([]byte, error) {
			return AddTLS("shop.yaml", b, shop, "shop-tls", []string{"www.example.com", "shop.example.com"})
		}, nil},
		{"add tls entry", func(b []byte) ([]byte, error) {
			return AddTLS("shop.yaml", b, shop, "other-tls", []string{"other.example.com"})
		}, nil},
		{"add tls to ingress without tls", func(b []byte) ([]byte, error) {
			return AddTLS("shop.yaml", b, admin, "admin-tls", []string{"admin.example.com"})
		}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			out, err := tc.edit(bytes.Clone(src))
			if err != nil {
				t.Fatal(err)
			}
			diff := udiff.Unified("shop.yaml", "shop.yaml", string(src), string(out))
			golden.Assert(t, []byte(diff), filepath.Join("testdata", "edit", strings.ReplaceAll(tc.name, " ", "-")+".diff"))
			set, err := manifest.Parse("shop.yaml", out, manifest.Options{})
			if err != nil {
				t.Fatalf("the result does not load: %v\n%s", err, out)
			}
			if len(set.Ingresses) != 2 || len(set.Services) != 1 {
				t.Fatalf("the result has %d Ingresses and %d Services", len(set.Ingresses), len(set.Services))
			}
			if tc.check != nil {
				for _, ing := range set.Ingresses {
					if ing.Name == "shop" || strings.Contains(tc.name, "last") {
						tc.check(t, ing)
					}
				}
			}
		})
	}
}

func TestEditErrors(t *testing.T) {
	src, err := os.ReadFile("testdata/edit/shop.yaml")
	if err != nil {
		t.Fatal(err)
	}
	r, _ := ParseRule("shop.example.com/api*=api:80", ParseOptions{})
	tests := []struct {
		name string
		err  error
		want string
	}{
		{"path already routed", func() error { _, err := AddRule("shop.yaml", src, Target{Name: "shop"}, r); return err }(),
			`shop.yaml:36:13: host "shop.example.com" already routes /api (Prefix); change its backend with set-backend`},
		{"no such ingress", func() error { _, err := AddRule("shop.yaml", src, Target{Name: "nope"}, r); return err }(),
			"shop.yaml: no Ingress named nope; the file has default/shop, default/admin"},
		{"two ingresses", func() error { _, err := AddRule("shop.yaml", src, Target{}, r); return err }(),
			"shop.yaml:45:1: 2 Ingresses match; name one with --ingress <name> (and -n <namespace>)"},
		{"no such path", func() error {
			_, err := RemoveRule("shop.yaml", src, Target{Name: "shop"}, "shop.example.com", "/cart")
			return err
		}(), "shop.yaml:25:5: no path shop.example.com/cart; the Ingress has shop.example.com/ (Prefix), shop.example.com/api (Prefix)"},
		{"flow style", func() error {
			_, err := AddRule("x.json", []byte(`{"apiVersion": "networking.k8s.io/v1", "kind": "Ingress", "metadata": {"name": "x"}, "spec": {}}`), Target{}, r)
			return err
		}(), "x.json:1:1: the Ingress is written in flow style (JSON or {...}); only block-style YAML is edited in place"},
		{"old api version", func() error {
			_, err := AddRule("old.yaml", []byte("apiVersion: extensions/v1beta1\nkind: Ingress\nmetadata:\n  name: x\nspec:\n  backend: {serviceName: a, servicePort: 80}\n"), Target{}, r)
			return err
		}(), "old.yaml:1:13: this Ingress is extensions/v1beta1: convert it to networking.k8s.io/v1 first (ingresskit convert --in-place -f old.yaml)"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if tc.err == nil || tc.err.Error() != tc.want {
				t.Errorf("got %v\nwant %s", tc.err, tc.want)
			}
		})
	}
}

// TestRouteEdits applies each HTTPRoute edit to testdata/edit/route.yaml,
// with the unified diff as the golden file; the result must load.
func TestRouteEdits(t *testing.T) {
	src, err := os.ReadFile("testdata/edit/route.yaml")
	if err != nil {
		t.Fatal(err)
	}
	rt := Target{Name: "shop"}
	rule := func(s string) Rule {
		r, err := ParseRule(s, ParseOptions{})
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	tests := []struct {
		name string
		edit func([]byte) ([]byte, error)
		want string // an error, when the edit must fail
	}{
		{"route add rule", func(b []byte) ([]byte, error) {
			return AddRouteRule("route.yaml", b, rt, rule("shop.example.com/cart*=cart:8080"))
		}, ""},
		{"route remove one match", func(b []byte) ([]byte, error) {
			return RemoveRouteRule("route.yaml", b, rt, "", "/readyz")
		}, ""},
		{"route remove rule", func(b []byte) ([]byte, error) {
			return RemoveRouteRule("route.yaml", b, rt, "", "/api*")
		}, ""},
		{"route set backend", func(b []byte) ([]byte, error) {
			return SetRouteBackend("route.yaml", b, rt, "", "/api", rule("/x=api-v2:8080").Backend)
		}, ""},
		{"route other host", func(b []byte) ([]byte, error) {
			return AddRouteRule("route.yaml", b, rt, rule("www.example.com/=web:80"))
		}, "route.yaml:10:14: the HTTPRoute's rules serve all its hostnames (shop.example.com), not www.example.com alone; write the rule without a host, or edit an HTTPRoute for www.example.com"},
		{"route named port", func(b []byte) ([]byte, error) {
			return AddRouteRule("route.yaml", b, rt, rule("/web=web:http"))
		}, `route.yaml:2:1: an HTTPRoute backendRef takes a port number, not the port name "http"`},
		{"route tls", func(b []byte) ([]byte, error) {
			return AddRouteRule("route.yaml", b, rt, rule("/web=web:80,tls"))
		}, "route.yaml:2:1: an HTTPRoute has no TLS of its own: TLS is set on the Gateway listener it attaches to"},
		{"route duplicate", func(b []byte) ([]byte, error) {
			return AddRouteRule("route.yaml", b, rt, rule("/healthz=web:80"))
		}, "route.yaml:20:7: the HTTPRoute already matches /healthz (Exact); change its backend with set-backend"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			out, err := tc.edit(bytes.Clone(src))
			if tc.want != "" {
				if err == nil || err.Error() != tc.want {
					t.Fatalf("got %v\nwant %s", err, tc.want)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			diff := udiff.Unified("route.yaml", "route.yaml", string(src), string(out))
			golden.Assert(t, []byte(diff), filepath.Join("testdata", "edit", strings.ReplaceAll(tc.name, " ", "-")+".diff"))
			set, err := manifest.Parse("route.yaml", out, manifest.Options{})
			if err != nil || len(set.HTTPRoutes) != 1 {
				t.Fatalf("the result does not load: %v\n%s", err, out)
			}
		})
	}
}

// TestEditEmptySpec: after its last rule is removed, an Ingress's spec is
// empty ("spec:"); adding a rule or a default backend writes it again.
func TestEditEmptySpec(t *testing.T) {
	src, err := os.ReadFile("testdata/edit/shop.yaml")
	if err != nil {
		t.Fatal(err)
	}
	admin := Target{Name: "admin"}
	empty, err := RemoveRule("shop.yaml", src, admin, "admin.example.com", "/")
	if err != nil {
		t.Fatal(err)
	}
	r, _ := ParseRule("admin.example.com/x*=admin:8080,tls=admin-tls", ParseOptions{})
	added, err := AddRule("shop.yaml", empty, admin, r)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := ParseBackend("admin:8080", "")
	withDefault, err := SetBackend("shop.yaml", empty, admin, "", "", b)
	if err != nil {
		t.Fatal(err)
	}
	for name, out := range map[string][]byte{"rule": added, "default backend": withDefault} {
		set, err := manifest.Parse("shop.yaml", out, manifest.Options{})
		if err != nil {
			t.Fatalf("%s: %v\n%s", name, err, out)
		}
		ing := set.Ingresses[1]
		switch {
		case name == "rule" && (len(ing.Spec.Rules) != 1 || ing.Spec.Rules[0].HTTP.Paths[0].Path != "/x" || len(ing.Spec.TLS) != 1):
			t.Errorf("%s: got %+v\n%s", name, ing.Spec, out)
		case name == "default backend" && (ing.Spec.DefaultBackend == nil || ing.Spec.DefaultBackend.Service.Name != "admin"):
			t.Errorf("%s: got %+v\n%s", name, ing.Spec, out)
		}
		if !bytes.HasPrefix(out, src[:bytes.Index(src, []byte("# Another Ingress"))]) {
			t.Errorf("%s: the first documents changed", name)
		}
	}
}
