package simulate_test

import (
	"net/http"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/ingresskit/ingresskit/manifest"
	"github.com/ingresskit/ingresskit/simulate"
	_ "github.com/ingresskit/ingresskit/simulate/profiles"
)

func TestLookup(t *testing.T) {
	set := load(t, "testdata/routing.yaml")
	tests := []struct {
		name   string
		class  string
		url    string
		header http.Header
		want   string // ns/service:port or "no match"
		tls    string // secret for https, "none" when no entry covers the host
	}{
		{name: "exact host", url: "http://www.example.com/", want: "web/www:80"},
		{name: "host is case-insensitive and port stripped", url: "http://WWW.EXAMPLE.COM:8080/", want: "web/www:80"},
		{name: "trailing dot of a host", url: "http://www.example.com./", want: "web/www:80"},
		{name: "oldest wins a conflict", url: "http://www.example.com/shop/x", want: "web/shop:80"},
		{name: "merged rules of another ingress", url: "http://www.example.com/shop/cart/1", want: "web/cart:http"},
		{name: "wildcard covers one label", url: "http://a.example.com/", want: "web/tenant:80"},
		{name: "wildcard does not cover two labels", url: "http://a.b.example.com/", want: "ops/internal-default:80"},
		{name: "wildcard does not cover the bare domain", url: "http://example.com/health", want: "web/health:80"},
		{name: "exact host beats wildcard", url: "https://www.example.com/", want: "web/www:80", tls: "www-tls"},
		{name: "wildcard tls", url: "https://a.example.com/", want: "web/tenant:80", tls: "wildcard-tls"},
		{name: "no tls entry", url: "https://other.test/health", want: "web/health:80", tls: "none"},
		{name: "fall through to host-less rules", url: "http://www.example.com/health", want: "web/www:80"},
		{name: "other host uses host-less rules", url: "http://other.test/health", want: "web/health:80"},
		{name: "defaultBackend of any class", url: "http://other.test/nothing", want: "ops/internal-default:80"},
		{name: "class leaves out other classes", class: "public", url: "http://other.test/nothing", want: "no match"},
		{name: "class by annotation", class: "internal", url: "http://admin.example.com/", want: "ops/admin:80"},
		{name: "default class takes ingresses without class", class: "public", url: "http://www.example.com/shop/cart", want: "web/cart:http"},
		{name: "unknown class selects nothing", class: "nope", url: "http://www.example.com/", want: "no match"},
		{name: "host header overrides", url: "http://10.0.0.1/shop", header: http.Header{"Host": {"www.example.com"}}, want: "web/shop:80"},
		{name: "dot segments cannot escape a rule", url: "http://admin.example.com/x/../", class: "public", want: "web/tenant:80"},
		{name: "escaped path", url: "http://www.example.com/%73hop", want: "web/shop:80"},
		{name: "query and fragment ignored", url: "http://other.test/health?x=/shop#y", want: "web/health:80"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ix, err := simulate.Compile(set, simulate.Options{IngressClass: tt.class})
			if err != nil {
				t.Fatal(err)
			}
			req, err := simulate.ParseRequest(tt.url, tt.header)
			if err != nil {
				t.Fatal(err)
			}
			d := ix.Lookup(req)
			if got := describe(d); got != tt.want {
				t.Errorf("%s -> %s, want %s", tt.url, got, tt.want)
			}
			if tt.tls != "" {
				got := "none"
				if d.TLS != nil {
					got = d.TLS.SecretName
				}
				if got != tt.tls {
					t.Errorf("%s: tls %s, want %s", tt.url, got, tt.tls)
				}
			}
		})
	}
}

func TestConflict(t *testing.T) {
	ix, err := simulate.Compile(load(t, "testdata/routing.yaml"), simulate.Options{})
	if err != nil {
		t.Fatal(err)
	}
	d := ix.Lookup(simulate.Request{Scheme: "http", Host: "www.example.com", Path: "/shop"})
	var got []string
	for _, c := range d.Conflict {
		got = append(got, c.Ingress.Key()+" "+c.Backend.Service.Name)
	}
	if diff := cmp.Diff([]string{"web/shop-v2 shop-v2"}, got); diff != "" {
		t.Errorf("conflicts (-want +got):\n%s", diff)
	}
	if d.Rule != 0 || d.PathIndex != 1 || d.Ingress.Name != "main" {
		t.Errorf("winner %s rule %d path %d, want main rule 0 path 1", d.Ingress.Name, d.Rule, d.PathIndex)
	}
	routes := ix.Routes()
	shadowed := 0
	for _, r := range routes {
		if r.ShadowedBy >= 0 {
			shadowed++
			w := routes[r.ShadowedBy]
			if r.Ingress.Name != "shop-v2" || r.Path != "/shop" || w.Ingress.Name != "main" {
				t.Errorf("route %s %s shadowed by %s %s", r.Ingress.Name, r.Path, w.Ingress.Name, w.Path)
			}
		}
	}
	if shadowed != 1 {
		t.Errorf("%d shadowed routes, want 1", shadowed)
	}
}

func TestRoutesOrder(t *testing.T) {
	ix, err := simulate.Compile(load(t, "testdata/routing.yaml"), simulate.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range ix.Routes() {
		s := r.Ingress.Name + " " + r.Host + " " + r.Path + " " + string(r.PathType)
		if r.DefaultBackend {
			s = r.Ingress.Name + " defaultBackend"
		}
		got = append(got, s)
	}
	want := []string{
		"internal admin.example.com / Prefix",
		"shop-v2 WWW.Example.com /shop/cart Prefix",
		"main www.example.com /shop Prefix",
		"shop-v2 WWW.Example.com /shop Prefix",
		"main www.example.com / Prefix",
		"main *.example.com / Prefix",
		"main  /health Exact",
		"internal defaultBackend",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("routes (-want +got):\n%s", diff)
	}
}

// TestRouteMatchesRoutes checks that Route(i) is Routes()[i], conflicts
// and shadowing included, under every profile, on inputs that have
// invalid rules (left out of both), conflicts and shadowed paths.
func TestRouteMatchesRoutes(t *testing.T) {
	for _, file := range []string{"testdata/routing.yaml", "testdata/concept-examples.yaml", "../lint/testdata/rules/path-conflict/bad.yaml",
		"../lint/testdata/rules/shadowed-path/bad.yaml", "../lint/testdata/rules/invalid-path/bad.yaml"} {
		for _, profile := range []string{"spec", "nginx", "gce", "alb"} {
			t.Run(file+" "+profile, func(t *testing.T) {
				p, err := simulate.ParseProfile(profile)
				if err != nil {
					t.Fatal(err)
				}
				ix, err := simulate.Compile(load(t, file), simulate.Options{Profile: p})
				if err != nil {
					t.Fatal(err)
				}
				want := ix.Routes()
				if ix.NumRoutes() != len(want) {
					t.Fatalf("NumRoutes() = %d, len(Routes()) = %d", ix.NumRoutes(), len(want))
				}
				for i := range want {
					same := cmp.Comparer(func(a, b *manifest.Ingress) bool { return a == b })
					if diff := cmp.Diff(want[i], ix.Route(i), same, cmpopts.IgnoreFields(simulate.PathMatch{}, "Match")); diff != "" {
						t.Errorf("Route(%d) (-Routes +Route):\n%s", i, diff)
					}
				}
			})
		}
	}
}

func TestExplainReasons(t *testing.T) {
	ix, err := simulate.Compile(load(t, "testdata/routing.yaml"), simulate.Options{IngressClass: "public"})
	if err != nil {
		t.Fatal(err)
	}
	d := ix.Explain(simulate.Request{Scheme: "http", Host: "www.example.com", Path: "/shop/x"})
	var got []string
	for _, c := range d.Candidates {
		got = append(got, string(c.Reason)+" "+c.Ingress.Name+" "+c.Host+" "+c.Path)
	}
	want := []string{
		"conflict shop-v2 WWW.Example.com /shop",
		"path-mismatch shop-v2 WWW.Example.com /shop/cart",
		"won main www.example.com /shop",
		"shorter-path main www.example.com /",
		"host-precedence main *.example.com /",
		"path-mismatch main  /health",
		"other-class internal admin.example.com /",
		"other-class internal  ",
	}
	// Candidates come in Routes order; compare as sets.
	if diff := cmp.Diff(sorted(want), sorted(got)); diff != "" {
		t.Errorf("candidates (-want +got):\n%s", diff)
	}
}

func TestNormalizePath(t *testing.T) {
	tests := []struct{ in, want string }{
		{"/", "/"},
		{"/foo/bar", "/foo/bar"},
		{"/users/../admin", "/admin"},
		{"/../../etc", "/etc"},
		{"/a/./b/.", "/a/b/"},
		{"/a/b/..", "/a/"},
		{"//a///b//", "/a/b/"},
		{"/%61%64min", "/admin"},
		{"/%2e%2e/admin", "/admin"},
		{"/a%2fb", "/a%2Fb"},
		{"/%7euser", "/~user"},
		{"/%zz", "/%zz"},
		{"/100%", "/100%"},
		{"foo", "/foo"},
		{"/a/...", "/a/..."},
		{"/.hidden", "/.hidden"},
	}
	for _, tt := range tests {
		if got := simulate.NormalizePath(tt.in); got != tt.want {
			t.Errorf("NormalizePath(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestParseRequest(t *testing.T) {
	tests := []struct {
		in      string
		header  http.Header
		want    simulate.Request
		wantErr string
	}{
		{in: "http://a.test/x?q=1", want: simulate.Request{Scheme: "http", Host: "a.test", Path: "/x?q=1", URL: "http://a.test/x?q=1"}},
		{in: "a.test", want: simulate.Request{Scheme: "http", Host: "a.test", Path: "/", URL: "a.test"}},
		{in: "HTTPS://a.test:8443/%2e%2e/", want: simulate.Request{Scheme: "https", Host: "a.test:8443", Path: "/%2e%2e/", URL: "HTTPS://a.test:8443/%2e%2e/"}},
		{in: "http://1.2.3.4/", header: http.Header{"Host": {"b.test"}}, want: simulate.Request{Scheme: "http", Host: "b.test", Path: "/", URL: "http://1.2.3.4/", Header: http.Header{"Host": {"b.test"}}}},
		{in: "ftp://a.test/", wantErr: `URL "ftp://a.test/": scheme must be http or https`},
		{in: "http:///x", wantErr: `URL "http:///x" has no host; give one in the URL or with a Host header`},
		{in: " ", wantErr: "empty URL"},
	}
	for _, tt := range tests {
		got, err := simulate.ParseRequest(tt.in, tt.header)
		if tt.wantErr != "" {
			if err == nil || err.Error() != tt.wantErr {
				t.Errorf("ParseRequest(%q) error %v, want %q", tt.in, err, tt.wantErr)
			}
			continue
		}
		if err != nil {
			t.Errorf("ParseRequest(%q): %v", tt.in, err)
			continue
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("ParseRequest(%q) (-want +got):\n%s", tt.in, diff)
		}
	}
}

func TestCompileNilSet(t *testing.T) {
	if _, err := simulate.Compile(nil, simulate.Options{}); err == nil {
		t.Error("Compile(nil) returned no error")
	}
}

func sorted(s []string) []string {
	out := append([]string(nil), s...)
	for i := range out {
		for j := i + 1; j < len(out); j++ {
			if out[j] < out[i] {
				out[i], out[j] = out[j], out[i]
			}
		}
	}
	return out
}

// TestConcurrentLookup runs lookups from several goroutines; with -race it
// checks that an Index is safe for concurrent use.
func TestConcurrentLookup(t *testing.T) {
	ix, err := simulate.Compile(load(t, "testdata/routing.yaml"), simulate.Options{})
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan string)
	for g := 0; g < 4; g++ {
		go func() {
			var last string
			for i := 0; i < 200; i++ {
				last = describe(ix.Explain(simulate.Request{Scheme: "https", Host: "www.example.com", Path: "/shop/cart/../x"}))
			}
			done <- last
		}()
	}
	for g := 0; g < 4; g++ {
		if got := <-done; got != "web/shop:80" {
			t.Errorf("concurrent lookup answered %s, want web/shop:80", got)
		}
	}
}

// TestCompileBindsProfile checks that Compile hands the profile the whole
// set: use-regex on one Ingress turns the paths of another Ingress of the
// same host into regular expressions under nginx.
func TestCompileBindsProfile(t *testing.T) {
	set := load(t, "testdata/bind.yaml")
	tests := []struct {
		profile string
		url     string
		want    string
	}{
		{profile: "spec", url: "http://example.com/foobar", want: "no match"},
		{profile: "nginx", url: "http://example.com/foobar", want: "web/foo:80"},
		{profile: "nginx", url: "http://example.com/FOO", want: "web/foo:80"},
		{profile: "nginx", url: "http://example.com/bar/12", want: "web/bar:80"},
		{profile: "spec", url: "http://example.com/foo/x", want: "web/foo:80"},
	}
	for _, tt := range tests {
		t.Run(tt.profile+" "+tt.url, func(t *testing.T) {
			p, err := simulate.ParseProfile(tt.profile)
			if err != nil {
				t.Fatal(err)
			}
			ix, err := simulate.Compile(set, simulate.Options{Profile: p})
			if err != nil {
				t.Fatal(err)
			}
			req, err := simulate.ParseRequest(tt.url, nil)
			if err != nil {
				t.Fatal(err)
			}
			d := ix.Lookup(req)
			if got := describe(d); got != tt.want {
				t.Errorf("%s under %s -> %s, want %s", tt.url, tt.profile, got, tt.want)
			}
			if d.Profile != tt.profile {
				t.Errorf("answer names profile %q, want %q", d.Profile, tt.profile)
			}
		})
	}
}
