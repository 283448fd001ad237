package crdvalidate

import (
	"strings"
	"testing"
)

const grpcHead = `apiVersion: gateway.networking.k8s.io/v1
kind: GRPCRoute
metadata: {name: r, namespace: default}
`

// TestGRPCRouteSpecAgrees checks the native check against the API
// server's validation on GRPCRoutes at and across the bounds of the CRD
// that differ from an HTTPRoute's.
func TestGRPCRouteSpecAgrees(t *testing.T) {
	tests := []struct {
		name string
		spec string
		want Verdict
	}{
		{"empty spec", "  {}", Valid},
		{"typical", `  parentRefs: [{name: gw, sectionName: grpc}]
  hostnames: [grpc.example.com]
  rules:
  - matches: [{method: {service: pkg.v1.Echo, method: Say}, headers: [{name: x-v, value: "2"}]}]
    backendRefs: [{name: echo, port: 9000}]`, Valid},
		// No minimum of rules, no default match.
		{"no rules", "  rules: []", Valid},
		{"a rule without matches", "  rules: [{}]", Valid},
		{"empty matches", "  rules: [{matches: []}]", Valid},
		{"128 matches", "  rules:\n" + strings.Repeat("  - matches: ["+strings.Repeat("{}, ", 15)+"{}]\n", 8), Valid},
		{"129 matches", "  rules:\n" + strings.Repeat("  - matches: ["+strings.Repeat("{}, ", 15)+"{}]\n", 8) + "  - matches: [{}]", Invalid},
		{"17 rules", "  rules: [" + strings.Repeat("{}, ", 16) + "{}]", Invalid},
		// The method match.
		{"empty method", "  rules: [{matches: [{method: {}}]}]", Invalid},
		{"method type only", "  rules: [{matches: [{method: {type: Exact}}]}]", Invalid},
		{"service only", "  rules: [{matches: [{method: {service: a.B_c}}]}]", Valid},
		{"leading dot", "  rules: [{matches: [{method: {service: .a.b}}]}]", Valid},
		{"two dots", "  rules: [{matches: [{method: {service: a..b}}]}]", Invalid},
		{"trailing dot", "  rules: [{matches: [{method: {service: a.}}]}]", Invalid},
		{"digit first", "  rules: [{matches: [{method: {service: a.1b}}]}]", Invalid},
		{"empty service", "  rules: [{matches: [{method: {service: \"\"}}]}]", Invalid},
		{"folded letter", "  rules: [{matches: [{method: {service: \"\u017fvc\"}}]}]", Unknown},
		{"method with a dot", "  rules: [{matches: [{method: {method: a.b}}]}]", Invalid},
		{"method digit first", "  rules: [{matches: [{method: {method: 1a}}]}]", Invalid},
		{"regex method", "  rules: [{matches: [{method: {type: RegularExpression, method: \"a(\"}}]}]", Valid},
		{"method type", "  rules: [{matches: [{method: {type: Prefix, method: a}}]}]", Invalid},
		{"method of 1025", "  rules: [{matches: [{method: {type: RegularExpression, method: " + strings.Repeat("a", 1025) + "}}]}]", Invalid},
		{"duplicate header", "  rules: [{matches: [{headers: [{name: a, value: b}, {name: a, value: b}]}]}]", Invalid},
		{"Service without port", "  rules: [{backendRefs: [{name: a}]}]", Invalid},
		{"filters", "  rules: [{filters: []}]", Unknown},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc := grpcHead + "spec:\n" + tt.spec + "\n"
			v, errs, ok := both(t, doc, false)
			if !ok {
				t.Fatalf("does not load:\n%s", doc)
			}
			if err := agrees(v, errs); err != nil {
				t.Error(err)
			}
			if v != tt.want {
				t.Errorf("verdict %v, want %v (errors: %v)", v, tt.want, errs)
			}
			v, errs, _ = both(t, doc, true)
			if err := agrees(v, errs); err != nil {
				t.Errorf("as converted: %v", err)
			}
		})
	}
}

func genGRPCRoute(data []byte) string {
	g := newRouteGen(data, 48)
	g.b.WriteString(grpcHead + "spec: {")
	g.list("parentRefs", 2, func() {
		g.field("name", `a`, `!""`)
		g.field("sectionName", `s`, `t`)
	})
	g.list("rules", 3, func() {
		g.list("matches", 3, func() {
			if g.next(3) > 0 {
				g.b.WriteString("method: {")
				g.field("type", `Exact`, `RegularExpression`, `!Prefix`)
				g.field("service", `a.b`, `.a`, `!a..b`, `!""`, `_1`, `!"1a"`)
				g.field("method", `Get`, `!a.b`, `_`, `!""`, `!"9"`)
				g.b.WriteString("}, ")
			}
			g.list("headers", 2, func() {
				g.field("type", `Exact`, `RegularExpression`)
				g.field("name", `a`, `!"a b"`)
				g.field("value", `v`, `!""`)
			})
		})
		g.list("backendRefs", 2, func() {
			g.field("kind", `Service`, `Bucket`)
			g.field("name", `a`, `!""`)
			g.field("port", `!0`, `80`)
		})
	})
	g.b.WriteString("}\n")
	return g.b.String()
}

// FuzzGRPCRouteSpec is FuzzHTTPRouteSpec for GRPCRoutes.
func FuzzGRPCRouteSpec(f *testing.F) {
	// An empty spec.
	f.Add([]byte{})
	// A rule with a method match and a backendRef.
	f.Add([]byte{0, 1, 0, 1, 1, 1, 0, 0, 0, 0, 1, 0, 0, 1})
	// A free service name, with non-ASCII letters.
	f.Add(append(make([]byte, 48), "a.\u212aelvin"...))
	f.Fuzz(func(t *testing.T, data []byte) {
		doc := genGRPCRoute(data)
		for _, conv := range []bool{false, true} {
			v, errs, ok := both(t, doc, conv)
			if !ok {
				t.Skip()
			}
			if err := agrees(v, errs); err != nil {
				t.Errorf("as converted %v: %v\n%s", conv, err, doc)
			}
		}
	})
}
