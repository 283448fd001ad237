package printer

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/ingresskit/ingresskit/internal/golden"
	"github.com/ingresskit/ingresskit/manifest"
	"github.com/ingresskit/ingresskit/simulate"
	"github.com/ingresskit/ingresskit/simulate/gateway"
	"github.com/ingresskit/ingresskit/simulate/istio"
)

func exampleRoutes(t *testing.T) []manifest.Route {
	t.Helper()
	set, err := manifest.Load(context.Background(), manifest.Options{Paths: []string{"../examples"}})
	if err != nil {
		t.Fatal(err)
	}
	return simulate.IngressRoutes(set)
}

func TestRoutesFormats(t *testing.T) {
	routes := exampleRoutes(t)
	tests := []struct {
		name  string
		print func(*bytes.Buffer) error
	}{
		{"routes.txt", func(b *bytes.Buffer) error { return RoutesTable(b, NewStyles(b, false), routes, RoutesTableOptions{}) }},
		{"routes.wide.txt", func(b *bytes.Buffer) error {
			return RoutesTable(b, NewStyles(b, false), routes, RoutesTableOptions{Wide: true})
		}},
		{"routes.tty.txt", func(b *bytes.Buffer) error { return RoutesTable(b, NewStyles(b, true), routes, RoutesTableOptions{}) }},
		{"routes.json", func(b *bytes.Buffer) error { return RoutesJSON(b, routes) }},
		{"routes.yaml", func(b *bytes.Buffer) error { return RoutesYAML(b, routes) }},
		{"routes.noheaders.txt", func(b *bytes.Buffer) error {
			return RoutesTable(b, NewStyles(b, false), routes, RoutesTableOptions{NoHeaders: true})
		}},
		{"routes.name.txt", func(b *bytes.Buffer) error { return RoutesNames(b, AllRoutes{Ingress: routes}) }},
		{"routes.jsonpath.txt", func(b *bytes.Buffer) error {
			return RoutesJSONPath(b, AllRoutes{Ingress: routes}, `{range [*]}{.namespace}/{.ingress} {.host}{.path} {.backend.service.name}{"\n"}{end}`)
		}},
		{"routes.custom-columns.txt", func(b *bytes.Buffer) error {
			cols, err := ParseCustomColumns("INGRESS:.ingress,HOST:host,PATH:{.path},PORT:{backend.service.port.number},TLS:.tls.secretName")
			if err != nil {
				return err
			}
			return RoutesCustomColumns(b, AllRoutes{Ingress: routes}, cols, false)
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var b bytes.Buffer
			if err := tt.print(&b); err != nil {
				t.Fatal(err)
			}
			golden.Assert(t, b.Bytes(), "testdata/"+tt.name)
		})
	}
}

func TestRoutesJSONIsAnArrayOfRoutes(t *testing.T) {
	routes := exampleRoutes(t)
	var b bytes.Buffer
	if err := RoutesJSON(&b, routes); err != nil {
		t.Fatal(err)
	}
	var got []map[string]any
	if err := json.Unmarshal(b.Bytes(), &got); err != nil {
		t.Fatalf("not valid JSON: %v", err)
	}
	if len(got) != len(routes) {
		t.Fatalf("got %d objects, want %d", len(got), len(routes))
	}
	for _, r := range got {
		for _, k := range []string{"namespace", "ingress", "host", "path", "pathType", "backend", "tls", "source", "dataPlane", "profile"} {
			if _, ok := r[k]; !ok {
				t.Errorf("route %v lacks %q", r, k)
			}
		}
	}
}

func TestStylesOffWritesNoEscapes(t *testing.T) {
	var b bytes.Buffer
	if err := RoutesTable(&b, NewStyles(&b, false), exampleRoutes(t), RoutesTableOptions{}); err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(b.Bytes(), []byte("\x1b[")) {
		t.Errorf("plain table contains ANSI escapes:\n%q", b.String())
	}
}

// TestRoutesKubectlFormats checks -o name, jsonpath and custom-columns on
// Ingress, Gateway API and Istio routes together, against -o json.
func TestRoutesKubectlFormats(t *testing.T) {
	set, err := manifest.Load(context.Background(), manifest.Options{Paths: []string{"../examples/gateway-api.yaml", "../examples/istio-gateway.yaml", "../examples/nginx-tls.yaml"}})
	if err != nil {
		t.Fatal(err)
	}
	applied := set.Applied()
	all := AllRoutes{Ingress: simulate.IngressRoutes(set), Gateway: gateway.Analyze(applied).Rules(), Istio: istio.Rules(applied)}
	var names bytes.Buffer
	if err := RoutesNames(&names, all); err != nil {
		t.Fatal(err)
	}
	want := "ingress.networking.k8s.io/demo-ingress\n"
	if !strings.HasPrefix(names.String(), want) || !strings.Contains(names.String(), "httproute.gateway.networking.k8s.io/") ||
		!strings.Contains(names.String(), "virtualservice.networking.istio.io/") {
		t.Errorf("-o name:\n%s", names.String())
	}
	lines := strings.Split(strings.TrimSpace(names.String()), "\n")
	seen := map[string]bool{}
	for _, l := range lines {
		if seen[l] {
			t.Errorf("-o name lists %s twice", l)
		}
		seen[l] = true
	}
	// The jsonpath runs on the -o json document: as many kinds as
	// elements, an Ingress route having none.
	var doc bytes.Buffer
	if err := RoutesAllJSON(&doc, all); err != nil {
		t.Fatal(err)
	}
	var routes []map[string]any
	if err := json.Unmarshal(doc.Bytes(), &routes); err != nil {
		t.Fatal(err)
	}
	var kinds bytes.Buffer
	if err := RoutesJSONPath(&kinds, all, `{range [*]}{.kind}{"\n"}{end}`); err != nil {
		t.Fatal(err)
	}
	if got := strings.Count(kinds.String(), "\n"); got != len(routes) {
		t.Errorf("jsonpath printed %d lines for %d routes", got, len(routes))
	}
	cols, err := ParseCustomColumns("KIND:.kind,BACKENDS:.backends[*].name")
	if err != nil {
		t.Fatal(err)
	}
	var table bytes.Buffer
	if err := RoutesCustomColumns(&table, all, cols, true); err != nil {
		t.Fatal(err)
	}
	rows := strings.Split(strings.TrimSuffix(table.String(), "\n"), "\n")
	if len(rows) != len(routes) {
		t.Fatalf("custom-columns printed %d rows for %d routes", len(rows), len(routes))
	}
	if !strings.HasPrefix(rows[0], "<none>") {
		t.Errorf("an Ingress route has no kind, want <none>: %q", rows[0])
	}
}

func TestParseCustomColumns(t *testing.T) {
	for _, tt := range []struct{ spec, wantErr string }{
		{"", "at least one column"},
		{"HOST", "want <header>:<field>"},
		{"HOST:{.a}{.b}", "the field is a.b"},
		{"HOST:.a[", "unterminated"},
	} {
		_, err := ParseCustomColumns(tt.spec)
		if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
			t.Errorf("ParseCustomColumns(%q) = %v, want %q", tt.spec, err, tt.wantErr)
		}
	}
	if err := ParseJSONPath("{.a"); err == nil {
		t.Error("ParseJSONPath accepted an unclosed template")
	}
}
