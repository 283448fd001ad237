package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/ingresskit/ingresskit/printer"
)

// compileSchema compiles docs/schema/<name>.json, the published JSON
// Schema of one JSON output.
func compileSchema(t *testing.T, name string) *jsonschema.Schema {
	t.Helper()
	path := filepath.Join("../../docs/schema", name+".json")
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	doc, err := jsonschema.UnmarshalJSON(f)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	if err := c.AddResource(name+".json", doc); err != nil {
		t.Fatal(err)
	}
	s, err := c.Compile(name + ".json")
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return s
}

// TestJSONSchemas runs every command that prints JSON, on the examples,
// and validates what it printed against its schema in docs/schema.
// simulate prints JSON Lines: each line is validated.
func TestJSONSchemas(t *testing.T) {
	tests := []struct {
		schema string
		args   []string
		lines  bool
	}{
		{"version", []string{"version", "-o", "json"}, false},
		{"lint", []string{"lint", "-f", "../../examples", "--enable-all", "-o", "json"}, false},
		{"lint", []string{"lint", "-f", "../../examples", "--controller", "nginx", "--compare", "spec", "-o", "json"}, false},
		{"routes", []string{"routes", "-f", "../../examples", "-o", "json"}, false},
		{"routes", []string{"routes", "-f", "../../examples/nginx-tls.yaml", "-o", "json"}, false},
		{"simulate", []string{"simulate", "-f", "../../examples", "-o", "json", "--explain",
			"http://example.com/foo", "https://example.com/bar", "http://nothing.test/", "http://shop.example.com/"}, true},
		{"simulate", []string{"simulate", "-f", "../../examples/gateway-api.yaml", "--gateway", "infra/prod", "-o", "json",
			"https://shop.example.com/", "https://shop.example.com/cart"}, true},
		{"test", []string{"test", "-f", "../../examples", "../../examples/routes-test.yaml", "-o", "json"}, false},
		{"test", []string{"test", "-f", "../../examples", "../../examples/gateway-api-test.yaml", "-o", "json"}, false},
		{"migration", []string{"compare", "-f", "../../examples/nginx-tls.yaml", "-f", "testdata/schema/partial-gateway.yaml", "-o", "json"}, false},
		{"migration", []string{"convert", "--to", "gateway-api", "--verify", "-f", "../../examples/nginx-tls.yaml", "-o", "json=<report>"}, false},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			schema := compileSchema(t, tt.schema)
			// convert's stdout holds the objects: its report goes to a
			// file, named where the arguments say <report>.
			report := filepath.Join(t.TempDir(), "report.json")
			args := make([]string, len(tt.args))
			for i, a := range tt.args {
				args[i] = strings.ReplaceAll(a, "<report>", report)
			}
			var out, errOut bytes.Buffer
			code := run(args, strings.NewReader(""), &out, &errOut)
			if code == exitError {
				t.Fatalf("exit %d: %s", code, errOut.String())
			}
			doc := out.Bytes()
			if tt.args[0] == "convert" {
				var err error
				if doc, err = os.ReadFile(report); err != nil {
					t.Fatal(err)
				}
			}
			docs := [][]byte{doc}
			if tt.lines {
				docs = bytes.Split(bytes.TrimSpace(doc), []byte("\n"))
			}
			for _, d := range docs {
				inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(d))
				if err != nil {
					t.Fatalf("not JSON: %v\n%s", err, d)
				}
				if err := schema.Validate(inst); err != nil {
					t.Errorf("output does not match docs/schema/%s.json: %v\n%s", tt.schema, err, d)
				}
			}
		})
	}
}

// TestJSONSchemasReject checks that the schemas are strict: a member
// they do not name, or a missing required one, fails.
func TestJSONSchemasReject(t *testing.T) {
	for _, tt := range []struct{ schema, doc string }{
		{"version", `{"version":"v1","commit":"c","go":"go1","extra":1}`},
		{"lint", `{"findings":[],"summary":{}}`},
		{"lint", `{"findings":[{"rule":"r","severity":"fatal","file":"f","line":1,"column":1,"object":"o","message":"m","fixable":false}],"summary":{"errors":0,"warnings":0,"info":0,"suppressed":0,"failed":false,"failOn":"error"}}`},
		{"routes", `[{"namespace":"default"}]`},
		{"test", `{"files":[],"summary":{"tests":-1,"failures":0,"passed":true}}`},
	} {
		inst, err := jsonschema.UnmarshalJSON(strings.NewReader(tt.doc))
		if err != nil {
			t.Fatal(err)
		}
		if compileSchema(t, tt.schema).Validate(inst) == nil {
			t.Errorf("docs/schema/%s.json accepts %s", tt.schema, tt.doc)
		}
	}
}

// TestJSONSchemasCoverTypes checks that each schema names every member
// of the Go type printed into it, nested types included, so that a member
// added to an output without its schema fails here (the schemas forbid
// unknown members, so real output would fail too, but only when a test
// input exercises the member).
func TestJSONSchemasCoverTypes(t *testing.T) {
	for name, typ := range map[string]reflect.Type{
		"version":   reflect.TypeOf(printer.VersionJSON{}),
		"lint":      reflect.TypeOf(printer.LintJSON{}),
		"routes":    reflect.TypeOf([]printer.RouteJSON{}),
		"simulate":  reflect.TypeOf(printer.DecisionJSON{}),
		"test":      reflect.TypeOf(printer.RouteTestsJSON{}),
		"migration": reflect.TypeOf(printer.MigrationJSON{}),
	} {
		t.Run(name, func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join("../../docs/schema", name+".json"))
			if err != nil {
				t.Fatal(err)
			}
			var root map[string]any
			if err := json.Unmarshal(data, &root); err != nil {
				t.Fatal(err)
			}
			defs, _ := root["$defs"].(map[string]any)
			coverType(t, name, root, defs, typ)
		})
	}
}

// coverType walks typ beside the schema node s. Types from other modules
// (k8s.io/api's IngressBackend, http.Header, json.RawMessage) are the
// schema's to describe and are not walked.
func coverType(t *testing.T, path string, s map[string]any, defs map[string]any, typ reflect.Type) {
	t.Helper()
	for {
		ref, ok := s["$ref"].(string)
		if !ok {
			break
		}
		s, _ = defs[strings.TrimPrefix(ref, "#/$defs/")].(map[string]any)
		if s == nil {
			t.Fatalf("%s: $ref %s not in $defs", path, ref)
		}
	}
	for typ.Kind() == reflect.Pointer {
		typ = typ.Elem()
	}
	if typ == reflect.TypeOf(json.RawMessage{}) {
		return
	}
	switch typ.Kind() {
	case reflect.Slice:
		items, ok := s["items"].(map[string]any)
		if !ok {
			t.Errorf("%s: an array without items", path)
			return
		}
		coverType(t, path+"[]", items, defs, typ.Elem())
	case reflect.Struct:
		if typ.PkgPath() != reflect.TypeOf(printer.LintJSON{}).PkgPath() {
			return
		}
		props, _ := s["properties"].(map[string]any)
		for i := range typ.NumField() {
			f := typ.Field(i)
			tag, _, _ := strings.Cut(f.Tag.Get("json"), ",")
			if tag == "-" || !f.IsExported() {
				continue
			}
			if tag == "" {
				tag = f.Name
			}
			p, ok := props[tag].(map[string]any)
			if !ok {
				t.Errorf("%s: member %s (%s.%s) is not in the schema", path, tag, typ.Name(), f.Name)
				continue
			}
			if one, ok := p["oneOf"].([]any); ok {
				// null or an object: walk the object.
				for _, o := range one {
					if m, ok := o.(map[string]any); ok && m["type"] != "null" {
						p = m
					}
				}
			}
			coverType(t, path+"."+tag, p, defs, f.Type)
		}
	}
}
