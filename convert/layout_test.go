package convert

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

const head = "apiVersion: extensions/v1beta1\nkind: Ingress\nmetadata: {name: a}\nspec:\n"

// TestLayouts pins the text the editor writes for layouts the fixtures
// do not show, and that each is edited in place, never re-encoded.
func TestLayouts(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{
			name: "port before name",
			in:   head + "  backend:\n    servicePort: 80 # p\n    serviceName: s # n\n",
			want: "  defaultBackend:\n    service:\n      port:\n        number: 80 # p\n      name: s # n\n",
		},
		{
			name: "resource between the pairs",
			in:   head + "  backend:\n    serviceName: s\n    resource: {kind: K, name: r}\n    servicePort: 80\n",
			want: "  defaultBackend:\n    service:\n      name: s\n      port:\n        number: 80\n    resource: {kind: K, name: r}\n",
		},
		{
			name: "comment lines between the pairs",
			in:   head + "  backend:\n    serviceName: s\n\n    # the port\n    servicePort: http\n",
			want: "  defaultBackend:\n    service:\n      name: s\n\n    # the port\n      port:\n        name: http\n",
		},
		{
			name: "folded scalar name",
			in:   head + "  backend:\n    serviceName: >-\n      s\n    servicePort: 80\n",
			want: "  defaultBackend:\n    service:\n      name: >-\n        s\n      port:\n        number: 80\n",
		},
		{
			name: "quoted keys in block style",
			in:   head + "  \"backend\":\n    \"serviceName\": s\n    'servicePort': 80\n",
			want: "  \"defaultBackend\":\n    \"service\":\n      \"name\": s\n      \"port\":\n        \"number\": 80\n",
		},
		{
			name: "null port",
			in:   head + "  backend:\n    serviceName: s\n    servicePort: ~\n",
			want: "  defaultBackend:\n    service:\n      name: s\n",
		},
		{
			name: "string port that looks like a number",
			in:   head + "  backend: {serviceName: s, servicePort: \"80\"}\n",
			want: "  defaultBackend: {service: {name: s, port: {name: \"80\"}}}\n",
		},
		{
			name: "path without path key in a sequence item",
			in:   head + "  rules:\n  - http:\n      paths:\n      - backend:\n          serviceName: s\n          servicePort: 80\n",
			want: "  rules:\n  - http:\n      paths:\n      - backend:\n          service:\n            name: s\n            port:\n              number: 80\n        pathType: ImplementationSpecific\n",
		},
		{
			name: "indented sequences and a tab before a comment",
			in:   head + "  rules:\n    - http:\n        paths:\n          - path: /\t# root\n            backend: {serviceName: s, servicePort: 80}\n",
			want: "  rules:\n    - http:\n        paths:\n          - path: /\t# root\n            pathType: ImplementationSpecific\n            backend: {service: {name: s, port: {number: 80}}}\n",
		},
		{
			name: "empty flow value",
			in:   head + "  rules:\n  - http:\n      paths:\n      - {path: , backend: {}}\n",
			want: "  rules:\n  - http:\n      paths:\n      - {path: null, pathType: ImplementationSpecific , backend: {}}\n",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := convertAll("layout.yaml", []byte(tt.in), Options{})
			if err != nil {
				t.Fatal(err)
			}
			if r.reemitted != 0 {
				t.Errorf("re-encoded instead of edited in place")
			}
			want := "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: {name: a}\nspec:\n" + tt.want
			if d := cmp.Diff(want, string(r.out)); d != "" {
				t.Errorf("output (-want +got):\n%s", d)
			}
			checkConverted(t, "layout.yaml", []byte(tt.in), r.out, Options{})
		})
	}
}
