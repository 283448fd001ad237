package crdvalidate

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/ingresskit/ingresskit/manifest"
)

// both runs the native check and Validate on the HTTPRoute or GRPCRoute in
// doc, as lint does for a route read from a file, or with conv for one
// read from a cluster (the Go value as it converts). ok is false when doc
// does not load as one v1 route.
func both(t testing.TB, doc string, conv bool) (v Verdict, errs field.ErrorList, ok bool) {
	t.Helper()
	set, err := manifest.Parse("route.yaml", []byte(doc), manifest.Options{})
	if err != nil || len(set.HTTPRoutes)+len(set.GRPCRoutes)+len(set.Gateways) != 1 {
		return Unknown, nil, false
	}
	var (
		src   *manifest.Source
		typed any
		kind  string
		check func(n int) Verdict
	)
	if len(set.HTTPRoutes) == 1 {
		r := set.HTTPRoutes[0]
		src, typed, kind = &r.Source, &r.HTTPRoute, "HTTPRoute"
		check = func(n int) Verdict { return HTTPRouteSpec(&r.Spec, n) }
	} else if len(set.Gateways) == 1 {
		g := set.Gateways[0]
		src, typed, kind = &g.Source, &g.Gateway, "Gateway"
		check = func(n int) Verdict { return GatewaySpec(&g.Spec, n) }
	} else {
		r := set.GRPCRoutes[0]
		src, typed, kind = &r.Source, &r.GRPCRoute, "GRPCRoute"
		check = func(n int) Verdict { return GRPCRouteSpec(&r.Spec, n) }
	}
	if src.APIVersion != manifest.GatewayV1 {
		return Unknown, nil, false
	}
	n, written := src.FieldCount("spec")
	if !written || len(src.Duplicates) > 0 {
		n = -1
	}
	has := src.HasField
	if conv {
		n, has = AsConverted, nil
	}
	v = check(n)
	u, err := runtime.DefaultUnstructuredConverter.ToUnstructured(typed)
	if err != nil {
		t.Fatal(err)
	}
	errs, known, err := Validate(context.Background(), manifest.GatewayV1, kind, u, has)
	if err != nil || !known {
		t.Fatalf("Validate: known %v, err %v", known, err)
	}
	return v, errs, true
}

// agrees reports how the verdict v can be wrong about errs: Valid with an
// error, or Invalid without one.
func agrees(v Verdict, errs field.ErrorList) error {
	switch {
	case v == Valid && len(errs) > 0:
		return fmt.Errorf("native check says valid; the API server's validation reports %v", errs.ToAggregate())
	case v == Invalid && len(errs) == 0:
		return fmt.Errorf("native check says invalid; the API server's validation reports nothing")
	}
	return nil
}

const routeHead = `apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: r, namespace: default}
`

// TestHTTPRouteSpecAgrees checks the native check against the API
// server's validation on routes at and across each bound of the CRD.
func TestHTTPRouteSpecAgrees(t *testing.T) {
	long := func(n int) string { return strings.Repeat("a", n) }
	tests := []struct {
		name string
		spec string // the lines below spec:, indented by two spaces
		want Verdict
	}{
		{"empty spec", "  {}", Valid},
		{"no spec", "", Unknown},
		{"typical", `  parentRefs: [{name: gw, namespace: infra, sectionName: http}]
  hostnames: ["a.example.com", "*.example.com"]
  rules:
  - matches: [{path: {type: PathPrefix, value: /a}, headers: [{name: X-V, value: "2"}], method: GET}]
    backendRefs: [{name: svc, port: 80, weight: 3}]
  - name: second
    matches: [{path: {type: Exact, value: "/b/c%41"}, queryParams: [{type: RegularExpression, name: q, value: x}]}]
    backendRefs: [{group: "", kind: Service, name: svc, port: 8080}]`, Valid},
		// spec.rules: minItems 1, maxItems 16.
		{"no rules", "  rules: []", Invalid},
		{"a rule without anything", "  rules: [{}]", Valid},
		{"17 rules", "  rules: [" + strings.Repeat("{}, ", 16) + "{}]", Invalid},
		// The total of matches, the default match counted.
		{"128 matches", "  rules:\n" + strings.Repeat("  - matches: ["+strings.Repeat("{}, ", 15)+"{}]\n", 8), Valid},
		{"129 matches", "  rules:\n" + strings.Repeat("  - matches: ["+strings.Repeat("{}, ", 15)+"{}]\n", 8) + "  - {}", Invalid},
		{"65 matches in a rule", "  rules: [{matches: [" + strings.Repeat("{}, ", 64) + "{}]}]", Invalid},
		// Path rules.
		{"path without a slash", "  rules: [{matches: [{path: {value: a}}]}]", Invalid},
		{"path with //", "  rules: [{matches: [{path: {type: Exact, value: /a//b}}]}]", Invalid},
		{"path with /./", "  rules: [{matches: [{path: {value: /a/./b}}]}]", Invalid},
		{"path ending /..", "  rules: [{matches: [{path: {value: /a/..}}]}]", Invalid},
		{"path ending /.", "  rules: [{matches: [{path: {value: /a/.}}]}]", Invalid},
		{"path with %2F", "  rules: [{matches: [{path: {value: /a%2Fb}}]}]", Invalid},
		{"path with #", "  rules: [{matches: [{path: {value: \"/a#b\"}}]}]", Invalid},
		{"path with a space", "  rules: [{matches: [{path: {value: \"/a b\"}}]}]", Invalid},
		{"path with a bad escape", "  rules: [{matches: [{path: {value: \"/a%4\"}}]}]", Invalid},
		{"path with an escape", "  rules: [{matches: [{path: {value: \"/a%4a\"}}]}]", Valid},
		{"path with ..", "  rules: [{matches: [{path: {value: /a..b/.c}}]}]", Valid},
		{"empty path object", "  rules: [{matches: [{path: {}}]}]", Valid},
		{"regex path", "  rules: [{matches: [{path: {type: RegularExpression, value: \"a(b\"}}]}]", Valid},
		{"regex path of 1025", "  rules: [{matches: [{path: {type: RegularExpression, value: " + long(1025) + "}}]}]", Invalid},
		{"path of 1024", "  rules: [{matches: [{path: {value: /" + long(1023) + "}}]}]", Valid},
		{"path type", "  rules: [{matches: [{path: {type: Prefix, value: /}}]}]", Invalid},
		{"method", "  rules: [{matches: [{method: FETCH}]}]", Invalid},
		// Headers and query parameters.
		{"duplicate header", "  rules: [{matches: [{headers: [{name: a, value: b}, {name: a, value: c}]}]}]", Invalid},
		{"headers differing in case", "  rules: [{matches: [{headers: [{name: a, value: b}, {name: A, value: c}]}]}]", Valid},
		{"header without value", "  rules: [{matches: [{headers: [{name: a}]}]}]", Invalid},
		{"header with empty value", "  rules: [{matches: [{headers: [{name: a, value: \"\"}]}]}]", Unknown},
		{"header name", "  rules: [{matches: [{headers: [{name: \"a b\", value: c}]}]}]", Invalid},
		{"header type", "  rules: [{matches: [{headers: [{type: Prefix, name: a, value: c}]}]}]", Invalid},
		{"header value of 4096", "  rules: [{matches: [{headers: [{name: a, value: " + long(4096) + "}]}]}]", Valid},
		{"header value of 4097", "  rules: [{matches: [{headers: [{name: a, value: " + long(4097) + "}]}]}]", Invalid},
		{"query value of 1025", "  rules: [{matches: [{queryParams: [{name: a, value: " + long(1025) + "}]}]}]", Invalid},
		{"duplicate query", "  rules: [{matches: [{queryParams: [{name: a, value: b}, {name: a, value: b}]}]}]", Invalid},
		// Hostnames.
		{"hostname", "  hostnames: [Example.com]", Invalid},
		{"hostname wildcard", "  hostnames: [\"*.a.b\"]", Valid},
		{"hostname bare wildcard", "  hostnames: [\"*\"]", Invalid},
		{"empty hostname", "  hostnames: [\"\"]", Invalid},
		{"17 hostnames", "  hostnames: [" + strings.Repeat("a, ", 16) + "a]", Invalid},
		{"empty hostnames", "  hostnames: []", Valid},
		{"null hostnames", "  hostnames: null", Unknown},
		// parentRefs.
		{"parentRef without name", "  parentRefs: [{namespace: a}]", Invalid},
		{"parentRef port 0", "  parentRefs: [{name: a, port: 0}]", Invalid},
		{"parentRef kind", "  parentRefs: [{name: a, kind: \"1x\"}]", Invalid},
		{"parentRef empty group", "  parentRefs: [{name: a, group: \"\"}]", Valid},
		{"parentRef group", "  parentRefs: [{name: a, group: A}]", Invalid},
		{"parentRef namespace", "  parentRefs: [{name: a, namespace: a.b}]", Invalid},
		{"parentRef namespace of 64", "  parentRefs: [{name: a, namespace: " + long(64) + "}]", Invalid},
		{"parentRef sectionName", "  parentRefs: [{name: a, sectionName: A}]", Invalid},
		{"parentRef name of 254", "  parentRefs: [{name: " + long(254) + "}]", Invalid},
		{"same parent twice", "  parentRefs: [{name: a}, {name: a, port: 80}]", Invalid},
		{"same parent, one section", "  parentRefs: [{name: a}, {name: a, sectionName: s}]", Invalid},
		{"same parent, two sections", "  parentRefs: [{name: a, sectionName: s}, {name: a, sectionName: t}]", Valid},
		{"same parent, same section", "  parentRefs: [{name: a, sectionName: s}, {name: a, sectionName: s}]", Invalid},
		{"parents in two namespaces", "  parentRefs: [{name: a}, {name: a, namespace: b}]", Valid},
		{"parents of two groups", "  parentRefs: [{name: a}, {name: a, group: \"\"}]", Valid},
		{"parents of the default group", "  parentRefs: [{name: a}, {name: a, group: gateway.networking.k8s.io}]", Invalid},
		{"parents of the default kind", "  parentRefs: [{name: a, kind: Gateway}, {name: a}]", Invalid},
		{"33 parentRefs", "  parentRefs: [" + strings.Repeat("{name: a, sectionName: s}, ", 32) + "{name: b}]", Invalid},
		// backendRefs.
		{"Service without port", "  rules: [{backendRefs: [{name: a}]}]", Invalid},
		{"other kind without port", "  rules: [{backendRefs: [{name: a, kind: Bucket, group: example.com}]}]", Valid},
		{"core group other kind without port", "  rules: [{backendRefs: [{name: a, kind: Bucket}]}]", Valid},
		{"weight", "  rules: [{backendRefs: [{name: a, port: 80, weight: -1}]}]", Invalid},
		{"weight 0", "  rules: [{backendRefs: [{name: a, port: 80, weight: 0}]}]", Valid},
		{"weight 1000001", "  rules: [{backendRefs: [{name: a, port: 80, weight: 1000001}]}]", Invalid},
		{"port 65536", "  rules: [{backendRefs: [{name: a, port: 65536}]}]", Invalid},
		{"17 backendRefs", "  rules: [{backendRefs: [" + strings.Repeat("{name: a, port: 1}, ", 16) + "{name: a, port: 1}]}]", Invalid},
		{"rule name", "  rules: [{name: A}]", Invalid},
		// What the native check leaves to Validate.
		{"filters", "  rules: [{filters: [{type: RequestHeaderModifier, requestHeaderModifier: {set: [{name: a, value: b}]}}]}]", Unknown},
		{"timeouts", "  rules: [{timeouts: {request: 1s}}]", Unknown},
		{"a null field", "  parentRefs: [{name: a, sectionName: null}]", Unknown},
		{"an empty name", "  parentRefs: [{name: \"\"}]", Unknown},
		{"a field the types lack", "  rules: [{foo: 1}]", Valid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc := routeHead
			if tt.spec != "" {
				doc += "spec:\n" + tt.spec + "\n"
			}
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
			// Read from a cluster, the same Go value converts
			// without the fields written empty or null.
			v, errs, _ = both(t, doc, true)
			if err := agrees(v, errs); err != nil {
				t.Errorf("as converted: %v", err)
			}
		})
	}
}

// TestHTTPRouteSpecLargest checks the largest route the native check
// accepts with every list at its bound: the API server's validation
// accepts it too, within its CEL cost budget.
func TestHTTPRouteSpecLargest(t *testing.T) {
	var b strings.Builder
	b.WriteString(routeHead + "spec:\n  parentRefs:\n")
	for i := 0; i < 32; i++ {
		fmt.Fprintf(&b, "  - {group: g%d.example.com, kind: Gateway, namespace: ns, name: gw, sectionName: s%d, port: 443}\n", i, i)
	}
	b.WriteString("  hostnames: [")
	for i := 0; i < 16; i++ {
		fmt.Fprintf(&b, "\"*.h%d.example.com\", ", i)
	}
	b.WriteString("]\n  rules:\n")
	var kv strings.Builder
	for i := 0; i < 16; i++ {
		fmt.Fprintf(&kv, "{type: RegularExpression, name: n%d, value: %s}, ", i, strings.Repeat("v", 1024))
	}
	for r := 0; r < 16; r++ {
		fmt.Fprintf(&b, "  - name: r%d\n    matches:\n", r)
		for m := 0; m < 8; m++ {
			fmt.Fprintf(&b, "    - {path: {type: PathPrefix, value: /%s}, method: GET, headers: [%s], queryParams: [%s]}\n", strings.Repeat("p", 1023), kv.String(), kv.String())
		}
		b.WriteString("    backendRefs:\n")
		for k := 0; k < 16; k++ {
			fmt.Fprintf(&b, "    - {group: \"\", kind: Service, name: s%d, namespace: ns, port: 80, weight: 1000000}\n", k)
		}
	}
	for _, conv := range []bool{false, true} {
		v, errs, ok := both(t, b.String(), conv)
		if !ok {
			t.Fatal("does not load")
		}
		if v != Valid || len(errs) > 0 {
			t.Errorf("as converted %v: verdict %v, errors %v; want valid and none", conv, v, errs)
		}
	}
}

// routeGen writes an HTTPRoute from fuzz input: each byte picks the next
// part (a field set or not, written empty or null, a value from a list
// that straddles the CRD's bounds), and the remaining input is a value
// of its own. In a clean route, which an odd first byte asks for, the
// values marked bad (a leading "!") are left out, and so are nulls and
// the free value, so that many routes are valid.
type routeGen struct {
	data  []byte
	free  string
	clean bool
	b     strings.Builder
}

func newRouteGen(data []byte, fixed int) *routeGen {
	g := &routeGen{data: data}
	if len(data) > fixed {
		g.data, g.free = data[:fixed], string(data[fixed:])
	}
	g.clean = g.next(2) == 1
	return g
}

func (g *routeGen) next(n int) int {
	if len(g.data) == 0 {
		return 0
	}
	c := int(g.data[0])
	g.data = g.data[1:]
	return c % n
}

// field writes "name: value," with a value from values, the free value,
// or nothing.
func (g *routeGen) field(name string, values ...string) {
	if g.clean {
		var good []string
		for _, v := range values {
			if !strings.HasPrefix(v, "!") {
				good = append(good, v)
			}
		}
		if k := g.next(len(good) + 1); k < len(good) {
			fmt.Fprintf(&g.b, "%s: %s, ", name, good[k])
		}
		return
	}
	switch k := g.next(len(values) + 3); {
	case k < len(values):
		fmt.Fprintf(&g.b, "%s: %s, ", name, strings.TrimPrefix(values[k], "!"))
	case k == len(values):
		fmt.Fprintf(&g.b, "%s: %s, ", name, strconv.Quote(g.free))
	case k == len(values)+1 && g.next(4) == 0:
		fmt.Fprintf(&g.b, "%s: null, ", name)
	}
}

// list writes "name: [...]" with up to max items made by item, or an
// empty list, or nothing.
func (g *routeGen) list(name string, max int, item func()) {
	k := g.next(max + 2)
	if k == max+1 {
		return
	}
	fmt.Fprintf(&g.b, "%s: [", name)
	for i := 0; i < k; i++ {
		g.b.WriteString("{")
		item()
		g.b.WriteString("}, ")
	}
	g.b.WriteString("], ")
}

func genRoute(data []byte) string {
	g := newRouteGen(data, 64)
	names := []string{`a`, `!""`, `b`, `!A`, `a.b`, `!"a-"`, `!"*.a"`, "!" + strconv.Quote(strings.Repeat("x", 64))}
	g.b.WriteString(routeHead + "spec: {")
	g.list("parentRefs", 3, func() {
		g.field("group", `""`, `gateway.networking.k8s.io`, `example.com`, `!A`)
		g.field("kind", `Gateway`, `!""`, `!"-x"`, `Service`)
		g.field("namespace", names...)
		g.field("name", names...)
		g.field("sectionName", names...)
		g.field("port", `!0`, `1`, `80`, `65535`, `!65536`, `!-1`)
	})
	if k := g.next(4); k > 0 {
		g.b.WriteString("hostnames: [")
		for i := 1; i < k; i++ {
			hosts := []string{`a.example.com`, `"*.example.com"`, `"*"`, `""`, `A.b`, strconv.Quote(g.free)}
			if g.clean {
				hosts = hosts[:2]
			}
			g.b.WriteString(hosts[g.next(len(hosts))] + ", ")
		}
		g.b.WriteString("], ")
	}
	g.list("rules", 3, func() {
		g.field("name", names...)
		g.list("matches", 3, func() {
			if g.next(3) > 0 {
				g.b.WriteString("path: {")
				g.field("type", `PathPrefix`, `Exact`, `RegularExpression`, `!Prefix`)
				g.field("value", `/`, `/a/b`, `!a`, `!/a//b`, `!/a/.`, `!"/a%2fb"`, `!"/a%zz"`, `!"/a b"`, `/a.b/c`)
				g.b.WriteString("}, ")
			}
			for _, kv := range []string{"headers", "queryParams"} {
				g.list(kv, 2, func() {
					g.field("type", `Exact`, `RegularExpression`, `!Prefix`)
					g.field("name", `a`, `A`, `!"a b"`, `X-V`)
					g.field("value", `v`, `!""`, `"2"`)
				})
			}
			g.field("method", `GET`, `PATCH`, `!get`)
		})
		g.list("backendRefs", 2, func() {
			g.field("group", `""`, `example.com`, `!A`)
			g.field("kind", `Service`, `Bucket`, `!""`)
			g.field("name", names...)
			g.field("namespace", names...)
			g.field("port", `!0`, `80`, `!65536`)
			g.field("weight", `0`, `1`, `!-1`, `!1000001`)
			if !g.clean && g.next(8) == 0 {
				g.b.WriteString("filters: [], ")
			}
		})
		if !g.clean && g.next(8) == 0 {
			g.b.WriteString("timeouts: {request: 1s}, ")
		}
	})
	g.b.WriteString("}\n")
	return g.b.String()
}

// FuzzHTTPRouteSpec checks that the native check never contradicts the
// API server's validation on generated routes, read from a file or from a
// cluster: valid means no error, invalid means at least one.
func FuzzHTTPRouteSpec(f *testing.F) {
	// Nothing: an empty spec.
	f.Add([]byte{})
	// Two parentRefs, to the same parent or not.
	f.Add([]byte{2, 0, 0, 0, 3, 0, 0, 0, 0, 0, 0, 3, 0})
	// A rule with a match with a path, headers and a backendRef.
	f.Add([]byte{0, 0, 1, 0, 1, 1, 1, 1, 0, 1, 2, 0, 0, 0, 0, 1, 1, 0, 1})
	// A free value put in several fields.
	f.Add(append(make([]byte, 64), "/a%2F"...))
	f.Fuzz(func(t *testing.T, data []byte) {
		doc := genRoute(data)
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

// TestSameSchemas pins what lets lint take the native check of a v1
// HTTPRoute for a v1beta1 one: the CRD serves both versions with the same
// schema and rules.
func TestSameSchemas(t *testing.T) {
	vs, err := load()
	if err != nil {
		t.Fatal(err)
	}
	v1, beta := vs[manifest.GatewayV1+" HTTPRoute"], vs[manifest.GatewayV1beta1+" HTTPRoute"]
	if v1 == nil || beta == nil {
		t.Fatal("the CRD serves no v1 or no v1beta1 HTTPRoute")
	}
	if diff := cmp.Diff(v1.structural, beta.structural); diff != "" {
		t.Errorf("v1 and v1beta1 HTTPRoute schemas differ (-v1 +v1beta1):\n%s", diff)
	}
}
