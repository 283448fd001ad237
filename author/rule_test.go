package author

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
)

func svc(name string, port any) networkingv1.IngressBackend {
	b := networkingv1.IngressBackend{Service: &networkingv1.IngressServiceBackend{Name: name}}
	switch p := port.(type) {
	case int:
		b.Service.Port.Number = int32(p)
	case string:
		b.Service.Port.Name = p
	}
	return b
}

func TestParseRule(t *testing.T) {
	group := "k8s.example.com"
	tests := []struct {
		name string
		in   string
		opts ParseOptions
		want Rule
	}{
		{name: "exact by default", in: "foo.com/bar=svc:8080",
			want: Rule{Host: "foo.com", Path: "/bar", PathType: "Exact", Backend: svc("svc", 8080)}},
		{name: "trailing star is prefix", in: "foo.com/bar*=svc:http",
			want: Rule{Host: "foo.com", Path: "/bar", PathType: "Prefix", Backend: svc("svc", "http")}},
		{name: "catch all host", in: "/=svc:80",
			want: Rule{Path: "/", PathType: "Exact", Backend: svc("svc", 80)}},
		{name: "tls without secret", in: "foo.com/=svc:80,tls",
			want: Rule{Host: "foo.com", Path: "/", PathType: "Exact", Backend: svc("svc", 80), TLS: true}},
		{name: "tls with empty secret", in: "foo.com/=svc:80,tls=",
			want: Rule{Host: "foo.com", Path: "/", PathType: "Exact", Backend: svc("svc", 80), TLS: true}},
		{name: "tls secret with dots", in: "foo.com/=svc:80,tls=foo.com-tls",
			want: Rule{Host: "foo.com", Path: "/", PathType: "Exact", Backend: svc("svc", 80), TLS: true, Secret: "foo.com-tls"}},
		// kubernetes/kubernetes#142261: a comma in the path made kubectl
		// panic; the path is everything up to the backend.
		{name: "comma in path", in: "foo.com/a,b=svc:8080",
			want: Rule{Host: "foo.com", Path: "/a,b", PathType: "Exact", Backend: svc("svc", 8080)}},
		// kubernetes/kubernetes#142261: kubectl built backend b:c and a
		// Secret named svc:8080 from this rule.
		{name: "equals colon and comma in path", in: "foo.com/a=b:c,d=svc:8080",
			want: Rule{Host: "foo.com", Path: "/a=b:c,d", PathType: "Exact", Backend: svc("svc", 8080)}},
		{name: "path type option", in: "foo.com/api=svc:80,pathType=Prefix",
			want: Rule{Host: "foo.com", Path: "/api", PathType: "Prefix", Backend: svc("svc", 80)}},
		{name: "implementation specific keeps the star", in: "foo.com/*=svc:80,pathType=ImplementationSpecific",
			want: Rule{Host: "foo.com", Path: "/*", PathType: "ImplementationSpecific", Backend: svc("svc", 80)}},
		{name: "options in any order", in: "foo.com/=svc:80,pathType=Prefix,tls=s",
			want: Rule{Host: "foo.com", Path: "/", PathType: "Prefix", Backend: svc("svc", 80), TLS: true, Secret: "s"}},
		{name: "default path type", in: "foo.com/api=svc:80", opts: ParseOptions{DefaultPathType: "Prefix"},
			want: Rule{Host: "foo.com", Path: "/api", PathType: "Prefix", Backend: svc("svc", 80)}},
		{name: "resource backend", in: "foo.com/static*=StorageBucket.k8s.example.com/static-assets",
			want: Rule{Host: "foo.com", Path: "/static", PathType: "Prefix", Backend: networkingv1.IngressBackend{
				Resource: &corev1.TypedLocalObjectReference{APIGroup: &group, Kind: "StorageBucket", Name: "static-assets"}}}},
		{name: "core resource backend", in: "/=ConfigMap/page",
			want: Rule{Path: "/", PathType: "Exact", Backend: networkingv1.IngressBackend{
				Resource: &corev1.TypedLocalObjectReference{Kind: "ConfigMap", Name: "page"}}}},
		{name: "wildcard host", in: "*.foo.com/admin*=svc:8080",
			want: Rule{Host: "*.foo.com", Path: "/admin", PathType: "Prefix", Backend: svc("svc", 8080)}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ParseRule(tc.in, tc.opts)
			if err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff(tc.want, got); d != "" {
				t.Errorf("(-want +got):\n%s", d)
			}
		})
	}
}

func TestParseRuleErrors(t *testing.T) {
	tests := []struct {
		name string
		in   string
		col  int
		msg  string
	}{
		// kubernetes/kubernetes#140926: kubectl's unanchored regex let
		// trailing text through and then dropped the TLS section.
		{name: "garbage after secret", in: "foo.com/=svc:http,tls=secret123,garbage", col: 33, msg: `unknown option "garbage"`},
		{name: "garbage after port", in: "foo.com/=svc:80;tls=s", col: 16, msg: `";" cannot appear in a port name`},
		{name: "space after port", in: "foo.com/=svc:80 ,tls", col: 16, msg: `" " cannot appear in a port name`},
		{name: "tls glued to secret", in: "foo.com/=svc:80,tlssecret", col: 20, msg: "expected '=' between tls"},
		{name: "tls twice", in: "foo.com/=svc:80,tls,tls=s", col: 21, msg: "tls is given twice"},
		{name: "empty option", in: "foo.com/=svc:80,", col: 17, msg: "empty option"},
		// kubernetes/kubernetes#142261: a comma in a path with no valid
		// backend after it.
		{name: "comma in path without port", in: "foo.com/a,b=svc", col: 16, msg: "expected ':' and a port"},
		{name: "no slash", in: "foo.com=svc:80", col: 8, msg: "expected '/' before '='"},
		{name: "no backend", in: "foo.com/path", col: 13, msg: "expected '=' and a backend"},
		{name: "empty service", in: "foo.com/=:80", col: 10, msg: "expected a Service name"},
		{name: "empty port", in: "foo.com/=svc:", col: 14, msg: "expected a port number or name"},
		{name: "port out of range", in: "foo.com/=svc:70000", col: 14, msg: "out of range"},
		{name: "port zero", in: "foo.com/=svc:0", col: 14, msg: "out of range"},
		{name: "underscore in port name", in: "foo.com/=svc:my_port", col: 16, msg: `"_" cannot appear in a port name`},
		{name: "port name too long", in: "foo.com/=svc:a-very-long-port-name", col: 14, msg: "invalid port name"},
		{name: "uppercase service", in: "foo.com/=Svc:80", col: 10, msg: `"S" cannot appear in a Service name`},
		{name: "service starts with digit", in: "foo.com/=1svc:80", col: 10, msg: "invalid Service name"},
		{name: "uppercase host", in: "Foo.com/=svc:80", col: 1, msg: `host names are lowercase: write "foo.com"`},
		{name: "underscore in host", in: "foo_bar.com/=svc:80", col: 4, msg: `"_" cannot appear in a host`},
		{name: "port in host", in: "foo.com:8080/=svc:80", col: 8, msg: "an Ingress host has no port"},
		{name: "star inside host", in: "foo.*.com/=svc:80", col: 5, msg: "'*' may only be the first label"},
		{name: "bare star host", in: "*/=svc:80", col: 2, msg: "a wildcard host is '*.'"},
		{name: "space in path", in: "foo.com/a b=svc:80", col: 10, msg: "white space"},
		{name: "unknown path type", in: "foo.com/=svc:80,pathType=prefix", col: 26, msg: `unknown path type "prefix"`},
		{name: "bad secret", in: "foo.com/=svc:80,tls=My-Cert", col: 21, msg: `"M" cannot appear in a Secret name`},
		{name: "resource without name", in: "foo.com/=Bucket.example.com/", col: 29, msg: "expected the resource's name"},
		{name: "resource kind lowercase", in: "foo.com/=bucket.example.com/b", col: 10, msg: "a Kind starts with an uppercase letter"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseRule(tc.in, ParseOptions{})
			var re *RuleError
			if !errors.As(err, &re) {
				t.Fatalf("got %v, want a *RuleError", err)
			}
			if re.Column() != tc.col || !strings.Contains(re.Msg, tc.msg) {
				t.Errorf("got column %d %q, want column %d containing %q", re.Column(), re.Msg, tc.col, tc.msg)
			}
			lines := strings.Split(err.Error(), "\n")
			if len(lines) != 3 || strings.Index(lines[2], "^")-2 != re.Column()-1 {
				t.Errorf("caret not under column %d:\n%s", re.Column(), err)
			}
		})
	}
}
