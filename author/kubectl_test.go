package author

import (
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	networkingv1 "k8s.io/api/networking/v1"
	apiequality "k8s.io/apimachinery/pkg/api/equality"
	"sigs.k8s.io/yaml"
)

// The cases of TestCreateIngressValidation in k8s.io/kubectl v0.37.2
// pkg/cmd/create/create_ingress_test.go, one for one and under the same
// names. kubectl's messages for a bad rule are replaced here by a
// *RuleError that points at the wrong character (col); the other
// messages are kubectl's.
func TestKubectlValidation(t *testing.T) {
	tests := []struct {
		name           string
		defaultBackend string
		rules          []string
		annotations    []string
		wantErr        string // "" when valid
		wantCol        int    // for rule errors
	}{
		{name: "no default backend and rule", wantErr: ErrNothingToRoute.Error()},
		{name: "invalid default backend separator", defaultBackend: "xpto,4444", wantErr: "rule", wantCol: 5},
		{name: "default backend without port", defaultBackend: "xpto", wantErr: "rule", wantCol: 5},
		{name: "default backend is ok", defaultBackend: "xpto:4444"},
		{name: "invalid annotation", defaultBackend: "xpto:4444", annotations: []string{"key1=value1", "key2"},
			wantErr: "annotation key2 is invalid and should be in format key=[value]"},
		{name: "valid annotations", defaultBackend: "xpto:4444", annotations: []string{"key1=value1", "key2="}},
		{name: "multiple conformant rules", rules: []string{"foo.com/path*=svc:8080", "bar.com/admin*=svc2:http"}},
		{name: "one invalid and two valid rules", rules: []string{"foo.com=svc:redis,tls", "foo.com/path/subpath*=othersvc:8080", "foo.com/*=svc:8080,tls=secret1"},
			wantErr: "rule", wantCol: 8},
		{name: "service without port", rules: []string{"foo.com/=svc,tls"}, wantErr: "rule", wantCol: 13},
		{name: "valid tls rule without secret", rules: []string{"foo.com/=svc:http,tls="}},
		{name: "valid tls rule with secret", rules: []string{"foo.com/=svc:http,tls=secret123"}},
		{name: "valid path with type prefix", rules: []string{"foo.com/admin*=svc:8080"}},
		{name: "wildcard host", rules: []string{"*.foo.com/admin*=svc:8080"}},
		{name: "invalid separation between ingress and service", rules: []string{"*.foo.com/path,svc:8080"}, wantErr: "rule", wantCol: 24},
		{name: "two invalid and one valid rule", rules: []string{"foo.com/path/subpath*=svc:redis,tls=blo", "foo.com=othersvc:8080", "foo.com/admin=svc,tls=secret1"},
			wantErr: "rule", wantCol: 8},
		{name: "valid catch all rule", rules: []string{"/path/subpath*=svc:redis,tls=blo"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := NewIngress(Options{Name: "test-ingress", DefaultBackend: tc.defaultBackend, Rules: tc.rules, Annotations: tc.annotations})
			var re *RuleError
			switch {
			case tc.wantErr == "" && err != nil:
				t.Fatalf("unexpected error: %v", err)
			case tc.wantErr == "":
			case err == nil:
				t.Fatalf("no error, want %q", tc.wantErr)
			case tc.wantErr == "rule":
				if !errors.As(err, &re) {
					t.Fatalf("error %v is not a *RuleError", err)
				}
				if re.Column() != tc.wantCol {
					t.Errorf("error points at column %d, want %d:\n%v", re.Column(), tc.wantCol, err)
				}
			case err.Error() != tc.wantErr:
				t.Errorf("error %q, want %q", err, tc.wantErr)
			}
		})
	}
}

// The cases of TestCreateIngress in k8s.io/kubectl v0.37.2
// pkg/cmd/create/create_ingress_test.go, one for one and under the same
// names: the same flags must give the same object. The expected objects
// are kubectl's, written as YAML; they are compared with
// apiequality.Semantic.DeepEqual as kubectl's test does, which counts an
// empty and a missing list or map as equal.
func TestKubectlCreateIngress(t *testing.T) {
	tests := []struct {
		name           string
		defaultBackend string
		rules          []string
		class          string
		annotations    []string
		want           string
	}{
		{
			name:           "catch all host and default backend with default TLS returns empty TLS",
			rules:          []string{"/=catchall:8080,tls="},
			class:          "nginx",
			defaultBackend: "service1:https",
			want: `
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: test-ingress}
spec:
  ingressClassName: nginx
  defaultBackend: {service: {name: service1, port: {name: https}}}
  tls: []
  rules:
  - http:
      paths:
      - {path: /, pathType: Exact, backend: {service: {name: catchall, port: {number: 8080}}}}
`,
		},
		{
			name:           "catch all with path of type prefix and secret name",
			rules:          []string{"/path*=catchall:8080,tls=secret1"},
			class:          "nginx",
			defaultBackend: "service1:https",
			want: `
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: test-ingress}
spec:
  ingressClassName: nginx
  defaultBackend: {service: {name: service1, port: {name: https}}}
  tls:
  - secretName: secret1
  rules:
  - http:
      paths:
      - {path: /path, pathType: Prefix, backend: {service: {name: catchall, port: {number: 8080}}}}
`,
		},
		{
			name: "mixed hosts with mixed TLS configuration and a default backend",
			rules: []string{
				"foo.com/=foo-svc:8080,tls=",
				"foo.com/admin=foo-admin-svc:http,tls=",
				"bar.com/prefix*=bar-svc:8080,tls=bar-secret",
				"bar.com/noprefix=barnp-svc:8443,tls",
				"foobar.com/*=foobar-svc:https",
				"foobar1.com/*=foobar1-svc:https,tls=bar-secret",
			},
			defaultBackend: "service2:8080",
			want: `
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: test-ingress}
spec:
  defaultBackend: {service: {name: service2, port: {number: 8080}}}
  tls:
  - hosts: [foo.com]
  - hosts: [bar.com, foobar1.com]
    secretName: bar-secret
  rules:
  - host: foo.com
    http:
      paths:
      - {path: /, pathType: Exact, backend: {service: {name: foo-svc, port: {number: 8080}}}}
      - {path: /admin, pathType: Exact, backend: {service: {name: foo-admin-svc, port: {name: http}}}}
  - host: bar.com
    http:
      paths:
      - {path: /prefix, pathType: Prefix, backend: {service: {name: bar-svc, port: {number: 8080}}}}
      - {path: /noprefix, pathType: Exact, backend: {service: {name: barnp-svc, port: {number: 8443}}}}
  - host: foobar.com
    http:
      paths:
      - {path: /, pathType: Prefix, backend: {service: {name: foobar-svc, port: {name: https}}}}
  - host: foobar1.com
    http:
      paths:
      - {path: /, pathType: Prefix, backend: {service: {name: foobar1-svc, port: {name: https}}}}
`,
		},
		{
			name: "simple ingress with annotation",
			rules: []string{
				"foo.com/=svc:8080,tls=secret1",
				"foo.com/subpath*=othersvc:8080,tls=secret1",
			},
			annotations: []string{
				"ingress.kubernetes.io/annotation1=bla",
				"ingress.kubernetes.io/annotation2=blo",
				"ingress.kubernetes.io/annotation3=ble",
			},
			want: `
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: test-ingress
  annotations:
    ingress.kubernetes.io/annotation1: bla
    ingress.kubernetes.io/annotation3: ble
    ingress.kubernetes.io/annotation2: blo
spec:
  tls:
  - hosts: [foo.com]
    secretName: secret1
  rules:
  - host: foo.com
    http:
      paths:
      - {path: /, pathType: Exact, backend: {service: {name: svc, port: {number: 8080}}}}
      - {path: /subpath, pathType: Prefix, backend: {service: {name: othersvc, port: {number: 8080}}}}
`,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var want networkingv1.Ingress
			if err := yaml.UnmarshalStrict([]byte(tc.want), &want); err != nil {
				t.Fatal(err)
			}
			got, err := NewIngress(Options{Name: "test-ingress", Class: tc.class, Annotations: tc.annotations, DefaultBackend: tc.defaultBackend, Rules: tc.rules})
			if err != nil {
				t.Fatal(err)
			}
			if !apiequality.Semantic.DeepEqual(got, &want) {
				t.Errorf("object differs from kubectl's (-kubectl +ingresskit):\n%s", cmp.Diff(&want, got, cmpopts.EquateEmpty()))
			}
		})
	}
}
