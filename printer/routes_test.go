package printer

import (
	"bytes"
	"context"
	"encoding/json"
	"testing"

	"github.com/ingresskit/ingresskit/internal/golden"
	"github.com/ingresskit/ingresskit/manifest"
	"github.com/ingresskit/ingresskit/simulate"
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
		{"routes.txt", func(b *bytes.Buffer) error { return RoutesTable(b, NewStyles(b, false), routes, false) }},
		{"routes.wide.txt", func(b *bytes.Buffer) error { return RoutesTable(b, NewStyles(b, false), routes, true) }},
		{"routes.tty.txt", func(b *bytes.Buffer) error { return RoutesTable(b, NewStyles(b, true), routes, false) }},
		{"routes.json", func(b *bytes.Buffer) error { return RoutesJSON(b, routes) }},
		{"routes.yaml", func(b *bytes.Buffer) error { return RoutesYAML(b, routes) }},
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
	if err := RoutesTable(&b, NewStyles(&b, false), exampleRoutes(t), false); err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(b.Bytes(), []byte("\x1b[")) {
		t.Errorf("plain table contains ANSI escapes:\n%q", b.String())
	}
}
