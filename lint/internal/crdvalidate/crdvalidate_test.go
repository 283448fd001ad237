package crdvalidate

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	utiljson "k8s.io/apimachinery/pkg/util/json"
	"sigs.k8s.io/yaml"
)

// TestCRDsMatchModule pins crds/ to the required module: run go generate
// in this directory after changing the sigs.k8s.io/gateway-api version.
func TestCRDsMatchModule(t *testing.T) {
	out, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", "sigs.k8s.io/gateway-api").Output()
	if err != nil {
		t.Fatalf("go list -m sigs.k8s.io/gateway-api: %v", err)
	}
	dir := filepath.Join(strings.TrimSpace(string(out)), "config", "crd", "standard")
	entries, err := crdFiles.ReadDir("crds")
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 6 {
		t.Errorf("crds/ holds %d files, want 6", len(entries))
	}
	for _, e := range entries {
		got, _ := crdFiles.ReadFile("crds/" + e.Name())
		want, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("crds/%s differs from the module's; run go generate ./lint/internal/crdvalidate", e.Name())
		}
	}
}

func TestKinds(t *testing.T) {
	got, err := Kinds()
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"gateway.networking.k8s.io/v1 BackendTLSPolicy",
		"gateway.networking.k8s.io/v1 GRPCRoute",
		"gateway.networking.k8s.io/v1 Gateway",
		"gateway.networking.k8s.io/v1 GatewayClass",
		"gateway.networking.k8s.io/v1 HTTPRoute",
		"gateway.networking.k8s.io/v1 ReferenceGrant",
		"gateway.networking.k8s.io/v1beta1 Gateway",
		"gateway.networking.k8s.io/v1beta1 GatewayClass",
		"gateway.networking.k8s.io/v1beta1 HTTPRoute",
		"gateway.networking.k8s.io/v1beta1 ReferenceGrant",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("kinds (-want +got):\n%s", diff)
	}
}

func TestValidate(t *testing.T) {
	tests := []struct {
		name string
		obj  string
		want []string // "field: type" of each error
	}{
		{
			name: "valid route",
			obj: `
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: r, namespace: default}
spec:
  parentRefs: [{name: gw}]
  rules:
  - matches: [{path: {type: PathPrefix, value: /a}}]
    backendRefs: [{name: svc, port: 80}]`,
		},
		{
			// OpenAPI: pattern and enum.
			name: "schema",
			obj: `
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: r, namespace: default}
spec:
  hostnames: ["Bad_Host"]
  rules:
  - matches: [{method: FETCH}]`,
			want: []string{"<nil>: Invalid value", "spec.hostnames[0]: Invalid value", "spec.rules[0].matches[0].method: Unsupported value"},
		},
		{
			// CEL: a PathPrefix value must start with a slash, and the
			// default type PathPrefix applies before the rule runs.
			name: "cel on a default",
			obj: `
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: r, namespace: default}
spec:
  rules:
  - matches: [{path: {value: nope}}]`,
			want: []string{"spec.rules[0].matches[0].path: Invalid value"},
		},
		{
			// CEL at the listener list: names must be unique.
			name: "listener names",
			obj: `
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: {name: g, namespace: default}
spec:
  gatewayClassName: c
  listeners:
  - {name: a, port: 80, protocol: HTTP}
  - {name: a, port: 81, protocol: HTTP}`,
			want: []string{"spec.listeners: Invalid value", "spec.listeners[1]: Duplicate value"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// The API server's JSON decoding gives int64 for whole
			// numbers; apimachinery's json package does the same.
			js, err := yaml.YAMLToJSON([]byte(tt.obj))
			if err != nil {
				t.Fatal(err)
			}
			var obj map[string]any
			if err := utiljson.Unmarshal(js, &obj); err != nil {
				t.Fatal(err)
			}
			errs, known, err := Validate(context.Background(), obj["apiVersion"].(string), obj["kind"].(string), obj, nil)
			if err != nil || !known {
				t.Fatalf("known %v, err %v", known, err)
			}
			var got []string
			for _, e := range errs {
				got = append(got, e.Field+": "+e.Type.String())
			}
			// The schema validator's order is not stable.
			sort.Strings(got)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("errors (-want +got):\n%s\n%v", diff, errs)
			}
		})
	}
}
