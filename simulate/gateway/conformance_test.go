package gateway

import (
	"context"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	nethttp "net/http"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"

	// The conformance suite module is a test dependency: its tests/*.go
	// files hold the expected answers (http.ExpectedResponse literals) and
	// tests/*.yaml and base/manifests.yaml the objects. The import keeps
	// the module, at the version in go.mod, in the module graph; the
	// sources are read from its directory.
	_ "sigs.k8s.io/gateway-api/conformance/apis/v1"

	"github.com/ingresskit/ingresskit/manifest"
	"github.com/ingresskit/ingresskit/simulate"
)

// conformanceModule is the Gateway API conformance suite module.
const conformanceModule = "sigs.k8s.io/gateway-api/conformance"

// gatewayAddr stands for the address the suite reads from a Gateway's
// status; requests without a Host are sent to it (MakeRequest in
// utils/http/http.go uses the Gateway address as the URL host).
const gatewayAddr = "192.0.2.10"

// confCase is one http.ExpectedResponse of a conformance test, with the
// Gateway whose address the test sends it to.
type confCase struct {
	pos     string // file:line of the literal
	gateway gatewayRef
	exp     map[string]any // the literal, evaluated
	tls     bool           // sent over TLS (https)
	grpc    bool           // a grpc.ExpectedResponse, sent as a gRPC call
}

// gatewayRef is a kubernetes.NewGatewayRef: a Gateway and optionally the
// listeners whose port the address carries.
type gatewayRef struct {
	namespace, name string
	listeners       []string
	port            string // set when the test joins the address with a port
}

// confTest is one conformance test.
type confTest struct {
	name      string
	file      string
	manifests []string
	features  []string
	cases     []confCase
	// skipped lists the expectations that cannot be read statically, with
	// the reason.
	skipped []string
	// weights is the test's expectedWeights: the share of requests each
	// backend must get (weight.TestWeightedDistribution), nil when the
	// test checks no split.
	weights map[string]any
}

// moduleDir returns the conformance module's directory, downloading it
// when it is not in the module cache.
func moduleDir(t *testing.T) string {
	t.Helper()
	out, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", conformanceModule).Output()
	if err != nil {
		t.Fatalf("go list -m %s: %v", conformanceModule, err)
	}
	dir := strings.TrimSpace(string(out))
	if dir == "" {
		if out, err := exec.Command("go", "mod", "download", conformanceModule).CombinedOutput(); err != nil {
			t.Fatalf("go mod download %s: %v\n%s", conformanceModule, err, out)
		}
		out, _ = exec.Command("go", "list", "-m", "-f", "{{.Dir}}", conformanceModule).Output()
		dir = strings.TrimSpace(string(out))
	}
	return dir
}

// evaluator evaluates the constant expressions of the suite's test
// literals: strings, numbers, bools, composite literals (as maps for
// structs and maps, slices for lists), constants of the tests package,
// of utils/suite, local variables assigned before the
// literal, string concatenation and ptr.To.
type evaluator struct {
	fset   *token.FileSet
	consts map[string]any // "name" for the tests package, "pkg.name" for others
	locals map[string]any
}

type unknown struct{ why string }

func (u unknown) Error() string { return u.why }

func (e *evaluator) eval(x ast.Expr) (v any, err error) {
	switch x := x.(type) {
	case *ast.BasicLit:
		switch x.Kind {
		case token.STRING:
			return strconv.Unquote(x.Value)
		case token.INT:
			return strconv.Atoi(x.Value)
		case token.FLOAT:
			return strconv.ParseFloat(x.Value, 64)
		}
	case *ast.Ident:
		switch x.Name {
		case "true":
			return true, nil
		case "false":
			return false, nil
		case "nil":
			return nil, nil
		}
		if v, ok := e.locals[x.Name]; ok {
			return v, nil
		}
		if v, ok := e.consts[x.Name]; ok {
			return v, nil
		}
		return nil, unknown{"variable " + x.Name}
	case *ast.SelectorExpr:
		if pkg, ok := x.X.(*ast.Ident); ok {
			if v, ok := e.consts[pkg.Name+"."+x.Sel.Name]; ok {
				return v, nil
			}
			if pkg.Name == "codes" {
				// A gRPC status code (google.golang.org/grpc/codes)
				// evaluates to its name.
				return x.Sel.Name, nil
			}
		}
		return nil, unknown{"value " + e.src(x)}
	case *ast.ParenExpr:
		return e.eval(x.X)
	case *ast.UnaryExpr:
		if x.Op == token.AND {
			return e.eval(x.X)
		}
	case *ast.BinaryExpr:
		if x.Op == token.ADD {
			a, err := e.eval(x.X)
			if err != nil {
				return nil, err
			}
			b, err := e.eval(x.Y)
			if err != nil {
				return nil, err
			}
			as, ok1 := a.(string)
			bs, ok2 := b.(string)
			if ok1 && ok2 {
				return as + bs, nil
			}
		}
	case *ast.CallExpr:
		// ptr.To(v) and conversions such as int32(v) evaluate to v.
		if len(x.Args) == 1 {
			switch f := x.Fun.(type) {
			case *ast.IndexExpr:
				if sel, ok := f.X.(*ast.SelectorExpr); ok && sel.Sel.Name == "To" {
					return e.eval(x.Args[0])
				}
			case *ast.SelectorExpr:
				// ptr.To(v), and conversions to the API's string types
				// such as gatewayv1.Namespace(v).
				if f.Sel.Name == "To" || (f.Sel.IsExported() && isConversionPkg(f.X)) {
					return e.eval(x.Args[0])
				}
			case *ast.Ident:
				switch f.Name {
				case "int32", "int64", "int", "string", "new":
					return e.eval(x.Args[0])
				}
			}
		}
	case *ast.CompositeLit:
		if _, isMap := x.Type.(*ast.MapType); isMap {
			m := map[string]any{}
			for _, el := range x.Elts {
				kv := el.(*ast.KeyValueExpr)
				k, err := e.eval(kv.Key)
				if err != nil {
					return nil, err
				}
				v, err := e.eval(kv.Value)
				if err != nil {
					return nil, err
				}
				m[fmt.Sprint(k)] = v
			}
			return m, nil
		}
		if len(x.Elts) > 0 {
			if _, keyed := x.Elts[0].(*ast.KeyValueExpr); keyed {
				m := map[string]any{}
				for _, el := range x.Elts {
					kv := el.(*ast.KeyValueExpr)
					k, ok := kv.Key.(*ast.Ident)
					if !ok {
						return nil, unknown{"key " + e.src(kv.Key)}
					}
					v, err := e.eval(kv.Value)
					if err != nil {
						return nil, err
					}
					m[k.Name] = v
				}
				return m, nil
			}
		}
		list := []any{}
		for _, el := range x.Elts {
			v, err := e.eval(el)
			if err != nil {
				return nil, err
			}
			list = append(list, v)
		}
		return list, nil
	}
	return nil, unknown{"expression " + e.src(x)}
}

// isConversionPkg reports whether x names a package of API types, whose
// exported names applied to one value are conversions.
func isConversionPkg(x ast.Expr) bool {
	id, ok := x.(*ast.Ident)
	if !ok {
		return false
	}
	switch id.Name {
	case "v1", "v1beta1", "gatewayv1", "gatewayv1beta1", "gatewayv1alpha2", "types":
		return true
	}
	return false
}

func (e *evaluator) src(x ast.Node) string {
	var b strings.Builder
	p := e.fset.Position(x.Pos())
	fmt.Fprintf(&b, "at %s:%d", filepath.Base(p.Filename), p.Line)
	return b.String()
}

// constsOf adds the string and integer constants declared in file, under
// prefix.
func (e *evaluator) constsOf(file *ast.File, prefix string) {
	for _, d := range file.Decls {
		g, ok := d.(*ast.GenDecl)
		if !ok || (g.Tok != token.CONST && g.Tok != token.VAR) {
			continue
		}
		for _, s := range g.Specs {
			vs := s.(*ast.ValueSpec)
			for i, n := range vs.Names {
				if i < len(vs.Values) {
					if v, err := e.eval(vs.Values[i]); err == nil {
						e.consts[prefix+n.Name] = v
					}
				}
			}
		}
	}
}

// grpcService is the path prefix of the echo service's methods,
// "/<package>.<service>/", read from the suite.
var grpcService string

// readSuite reads every conformance test that sends requests and
// compares the answers (http.ExpectedResponse).
func readSuite(t *testing.T, dir string) []*confTest {
	t.Helper()
	fset := token.NewFileSet()
	e := &evaluator{fset: fset, consts: map[string]any{}}
	parseFile := func(path string) *ast.File {
		f, err := parser.ParseFile(fset, path, nil, parser.SkipObjectResolution)
		if err != nil {
			t.Fatal(err)
		}
		return f
	}
	// The tests import utils/suite as confsuite or suite.
	consts := parseFile(filepath.Join(dir, "utils/suite/consts.go"))
	e.constsOf(consts, "confsuite.")
	e.constsOf(consts, "suite.")
	// The gRPC echo service the GRPCRoute tests call
	// (getFullyQualifiedMethod in utils/grpc/grpc.go).
	e.constsOf(parseFile(filepath.Join(dir, "utils/grpc/grpc.go")), "grpcutil.")
	pkg, _ := e.consts["grpcutil.echoServerPackage"].(string)
	svc, _ := e.consts["grpcutil.echoServerService"].(string)
	if pkg == "" || svc == "" {
		t.Fatal("utils/grpc/grpc.go: the echo server's package and service constants are not found")
	}
	grpcService = "/" + pkg + "." + svc + "/"
	files, err := filepath.Glob(filepath.Join(dir, "tests", "*.go"))
	if err != nil {
		t.Fatal(err)
	}
	var parsed []*ast.File
	for _, path := range files {
		f := parseFile(path)
		parsed = append(parsed, f)
		e.constsOf(f, "")
	}
	var tests []*confTest
	for i, f := range parsed {
		for _, ct := range readTests(e, f, files[i]) {
			if len(ct.cases) > 0 || len(ct.skipped) > 0 {
				tests = append(tests, ct)
			}
		}
	}
	sort.Slice(tests, func(i, j int) bool { return tests[i].name < tests[j].name })
	return tests
}

// readTests reads the ConformanceTest literals of one file.
func readTests(e *evaluator, f *ast.File, path string) []*confTest {
	var out []*confTest
	ast.Inspect(f, func(n ast.Node) bool {
		lit, ok := n.(*ast.CompositeLit)
		if !ok || !isType(lit.Type, "ConformanceTest") {
			return true
		}
		ct := &confTest{file: filepath.Base(path)}
		var body *ast.BlockStmt
		for _, el := range lit.Elts {
			kv, ok := el.(*ast.KeyValueExpr)
			if !ok {
				continue
			}
			switch kv.Key.(*ast.Ident).Name {
			case "ShortName":
				if v, err := e.eval(kv.Value); err == nil {
					ct.name = v.(string)
				}
			case "Manifests":
				if v, err := e.eval(kv.Value); err == nil {
					for _, m := range v.([]any) {
						ct.manifests = append(ct.manifests, m.(string))
					}
				}
			case "Features":
				for _, x := range kv.Value.(*ast.CompositeLit).Elts {
					if sel, ok := x.(*ast.SelectorExpr); ok {
						ct.features = append(ct.features, sel.Sel.Name)
					}
				}
			case "Test":
				if fl, ok := kv.Value.(*ast.FuncLit); ok {
					body = fl.Body
				}
			}
		}
		if body != nil {
			readCases(e, ct, body)
		}
		out = append(out, ct)
		return false
	})
	return out
}

func isType(x ast.Expr, name string) bool {
	switch x := x.(type) {
	case *ast.SelectorExpr:
		return x.Sel.Name == name
	case *ast.Ident:
		return x.Name == name
	case *ast.ArrayType:
		return isType(x.Elt, name)
	}
	return false
}

// readCases walks a test body in source order: it records local values
// and the Gateway addresses (variables assigned from a call holding
// kubernetes.NewGatewayRef), and evaluates every http.ExpectedResponse.
// A case goes to the Gateway address passed to the request call that
// encloses it, else to the first such call after it, else to the test's
// only Gateway.
func readCases(e *evaluator, ct *confTest, body *ast.BlockStmt) {
	e.locals = map[string]any{}
	// addrs holds every definition of a Gateway address variable, in
	// source order; a use reads the last definition before it.
	type def struct {
		pos token.Pos
		ref gatewayRef
	}
	addrs := map[string][]def{}
	lookup := func(name string, at token.Pos) (gatewayRef, bool) {
		var ref gatewayRef
		ok := false
		for _, d := range addrs[name] {
			if d.pos < at {
				ref, ok = d.ref, true
			}
		}
		return ref, ok
	}
	// changed is the position of the first call that changes objects in
	// the cluster (Client.Create, Update, Patch, Delete): expectations
	// after it are not about the manifests.
	changed := token.NoPos
	type call struct {
		pos, end token.Pos
		addr     string
		tls      bool
	}
	var calls []call
	type lit struct {
		node *ast.CompositeLit
		val  map[string]any
		err  error
		grpc bool
	}
	var lits []lit
	ast.Inspect(body, func(n ast.Node) bool {
		// var ( name = value ) is read as name := value.
		if vs, ok := n.(*ast.ValueSpec); ok && len(vs.Names) == len(vs.Values) {
			for i := range vs.Names {
				if ref, ok := gatewayRefIn(e, vs.Values[i]); ok {
					addrs[vs.Names[i].Name] = append(addrs[vs.Names[i].Name], def{vs.Pos(), ref})
				} else if v, err := e.eval(vs.Values[i]); err == nil {
					e.locals[vs.Names[i].Name] = v
				}
			}
			return true
		}
		switch n := n.(type) {
		case *ast.AssignStmt:
			if len(n.Lhs) == 1 && len(n.Rhs) == 1 {
				id, ok := n.Lhs[0].(*ast.Ident)
				if !ok {
					return true
				}
				if ref, ok := gatewayRefIn(e, n.Rhs[0]); ok {
					addrs[id.Name] = append(addrs[id.Name], def{n.Pos(), ref})
					return true
				}
				if v, err := e.eval(n.Rhs[0]); err == nil {
					e.locals[id.Name] = v
				} else if other, ok := n.Rhs[0].(*ast.Ident); ok && n.Tok == token.DEFINE {
					if ref, ok := lookup(other.Name, n.Pos()); ok {
						addrs[id.Name] = append(addrs[id.Name], def{n.Pos(), ref})
					}
				} else if c, ok := n.Rhs[0].(*ast.CallExpr); ok && len(c.Args) == 2 {
					// net.JoinHostPort(gwAddr, "443"): the address on
					// another port.
					if sel, ok := c.Fun.(*ast.SelectorExpr); ok && sel.Sel.Name == "JoinHostPort" {
						if other, ok := c.Args[0].(*ast.Ident); ok {
							ref, ok := lookup(other.Name, n.Pos())
							port, err := e.eval(c.Args[1])
							if ps, isStr := port.(string); ok && err == nil && isStr {
								ref.port = ps
								addrs[id.Name] = append(addrs[id.Name], def{n.Pos(), ref})
							}
						}
					}
				}
			}
		case *ast.CallExpr:
			if sel, ok := n.Fun.(*ast.SelectorExpr); ok && changed == token.NoPos {
				switch sel.Sel.Name {
				case "Create", "Update", "Patch", "Delete":
					if x, ok := sel.X.(*ast.SelectorExpr); ok && x.Sel.Name == "Client" {
						changed = n.Pos()
					}
				}
			}
			if sel, ok := n.Fun.(*ast.SelectorExpr); ok && (strings.HasPrefix(sel.Sel.Name, "MakeRequestAndExpect") || strings.HasPrefix(sel.Sel.Name, "MakeTLSRequestAndExpect")) {
				for _, a := range n.Args {
					if id, ok := a.(*ast.Ident); ok {
						if _, ok := addrs[id.Name]; ok {
							calls = append(calls, call{n.Pos(), n.End(), id.Name, strings.Contains(sel.Sel.Name, "TLS")})
						}
					}
				}
			}
		case *ast.CompositeLit:
			// http.ExpectedResponse (utils/http) and grpc.ExpectedResponse
			// (utils/grpc) literals, alone or in a slice.
			if sel, ok := n.Type.(*ast.SelectorExpr); ok && sel.Sel.Name == "ExpectedResponse" {
				pkg := expectationPkg(sel)
				if pkg == "" {
					return true
				}
				v, err := e.eval(n)
				m, _ := v.(map[string]any)
				lits = append(lits, lit{n, m, err, pkg == "grpc"})
				return false
			}
			if arr, ok := n.Type.(*ast.ArrayType); ok && isType(arr.Elt, "ExpectedResponse") {
				sel, ok := arr.Elt.(*ast.SelectorExpr)
				pkg := ""
				if ok {
					pkg = expectationPkg(sel)
				}
				if pkg == "" {
					return true
				}
				for _, el := range n.Elts {
					cl, ok := el.(*ast.CompositeLit)
					if !ok {
						continue
					}
					v, err := e.eval(cl)
					m, _ := v.(map[string]any)
					lits = append(lits, lit{cl, m, err, pkg == "grpc"})
				}
				return false
			}
		}
		return true
	})
	for _, l := range lits {
		pos := e.fset.Position(l.node.Pos())
		where := fmt.Sprintf("%s:%d", filepath.Base(pos.Filename), pos.Line)
		if l.err != nil {
			ct.skipped = append(ct.skipped, fmt.Sprintf("%s: not a constant expectation (%v)", where, l.err))
			continue
		}
		addr, at, tls := "", token.NoPos, false
		for _, c := range calls {
			if c.pos <= l.node.Pos() && l.node.End() <= c.end {
				addr, at, tls = c.addr, c.pos, c.tls
			}
		}
		if addr == "" {
			for _, c := range calls {
				if c.pos > l.node.End() {
					addr, at, tls = c.addr, c.pos, c.tls
					break
				}
			}
		}
		if changed != token.NoPos && l.node.Pos() > changed {
			ct.skipped = append(ct.skipped, where+": sent after the test changes objects in Go code")
			continue
		}
		ref, ok := lookup(addr, at)
		if !ok && len(addrs) == 1 {
			for name := range addrs {
				ref, ok = lookup(name, l.node.Pos()+1<<30)
			}
		}
		if !ok {
			ct.skipped = append(ct.skipped, where+": the Gateway it is sent to is not known statically")
			continue
		}
		ct.cases = append(ct.cases, confCase{pos: where, gateway: ref, exp: l.val, tls: tls, grpc: l.grpc})
	}
	if w, ok := e.locals["expectedWeights"].(map[string]any); ok {
		ct.weights = w
	}
}

// expectationPkg is "http" or "grpc" when sel names the ExpectedResponse
// of utils/http or utils/grpc, else "".
func expectationPkg(sel *ast.SelectorExpr) string {
	if x, ok := sel.X.(*ast.Ident); ok && (x.Name == "http" || x.Name == "grpc") {
		return x.Name
	}
	return ""
}

// gatewayRefIn finds kubernetes.NewGatewayRef(nn, listeners...) in x.
func gatewayRefIn(e *evaluator, x ast.Expr) (gatewayRef, bool) {
	var ref gatewayRef
	found := false
	ast.Inspect(x, func(n ast.Node) bool {
		c, ok := n.(*ast.CallExpr)
		if !ok || found {
			return !found
		}
		sel, ok := c.Fun.(*ast.SelectorExpr)
		if !ok || sel.Sel.Name != "NewGatewayRef" || len(c.Args) == 0 {
			return true
		}
		v, err := e.eval(c.Args[0])
		nn, ok := v.(map[string]any)
		if err != nil || !ok {
			return true
		}
		ref.namespace, _ = nn["Namespace"].(string)
		ref.name, _ = nn["Name"].(string)
		for _, a := range c.Args[1:] {
			if s, err := e.eval(a); err == nil {
				if str, ok := s.(string); ok {
					ref.listeners = append(ref.listeners, str)
				}
			}
		}
		found = true
		return false
	})
	return ref, found
}

// str reads a string field of an evaluated literal.
func str(m map[string]any, key string) string {
	s, _ := m[key].(string)
	return s
}

func sub(m map[string]any, key string) map[string]any {
	s, _ := m[key].(map[string]any)
	return s
}

// leftOut names the conformance tests with expectations that are not run,
// and why. Each reason is a limit of a simulation that answers from the
// manifests alone.
var leftOut = map[string]string{
	"ListenerSetAllowedRoutesNamespaces":              "ListenerSet (gateway.networking.x-k8s.io, experimental) is not read",
	"ListenerSetDualParentRefIndependence":            "ListenerSet (gateway.networking.x-k8s.io, experimental) is not read",
	"ListenerSetGatewayParentSectionNameNotFound":     "ListenerSet (gateway.networking.x-k8s.io, experimental) is not read",
	"ListenerSetHTTPRouting":                          "ListenerSet (gateway.networking.x-k8s.io, experimental) is not read",
	"TLSRouteHostnameIntersection":                    "TLSRoute is not routed (TLS passthrough by SNI is not HTTP routing)",
	"HTTPRouteHostnameIntersection":                   "creates some of its HTTPRoutes in Go code, not in its manifests",
	"HTTPRouteRequestHeaderModifierBackendWeights":    "checks the split by sending many requests and counting, with no expected weights to compare",
	"HTTPRouteTimeoutRequest":                         "expects a 504 from a backend that is slower than the timeout; backend latency is not simulated",
	"HTTPRouteTimeoutBackendRequest":                  "expects a 504 from a backend that is slower than the timeout; backend latency is not simulated",
	"HTTPRouteBackendProtocolH2C":                     "checks the protocol spoken to the backend, not routing",
	"HTTPRouteHTTPSListenerDetectMisdirectedRequests": "expects 421 for a TLS SNI that differs from the Host header; TLS handshakes are not simulated",
}

// TestConformance runs the expectations of the Gateway API conformance
// suite (sigs.k8s.io/gateway-api/conformance, the version in go.mod)
// against the engine: for every test that sends HTTP requests and
// compares the answers, load base/manifests.yaml and the test's
// manifests, and check each http.ExpectedResponse: the status, the
// backend, the redirect, the path, host and headers the backend
// receives, the response headers and the mirrors. docs/gateway-api.md
// states the counts; run with -v to list them.
func TestConformance(t *testing.T) {
	if testing.Short() {
		t.Skip("reads the conformance suite module")
	}
	dir := moduleDir(t)
	tests := readSuite(t, dir)
	if len(tests) < 40 {
		t.Fatalf("read %d conformance tests with expected responses from %s; the suite holds more", len(tests), dir)
	}
	names := map[string]bool{}
	for _, ct := range tests {
		names[ct.name] = true
	}
	for name := range leftOut {
		if !names[name] {
			t.Errorf("left-out test %s is not among the suite's tests with expected responses", name)
		}
	}
	var passed, failed, cases, skipped int
	for _, ct := range tests {
		if _, out := leftOut[ct.name]; !out {
			skipped += len(ct.skipped)
		}
		t.Run(ct.name, func(t *testing.T) {
			if why, ok := leftOut[ct.name]; ok {
				t.Skip(why)
			}
			for _, s := range ct.skipped {
				t.Logf("left out: %s", s)
			}
			set := loadConformance(t, dir, ct)
			planes := Build(set)
			for _, c := range ct.cases {
				cases++
				if err := check(planes, c); err != nil {
					failed++
					t.Errorf("%s %s: %v", ct.file, c.pos, err)
				} else {
					passed++
				}
			}
			if ct.weights != nil {
				// The split is one more expectation, checked on the
				// request of the test's first case.
				cases++
				if len(ct.cases) == 0 {
					failed++
					t.Errorf("%s: expectedWeights without a request to send", ct.file)
				} else if err := checkWeights(planes, ct.cases[0], ct.weights); err != nil {
					failed++
					t.Errorf("%s %s: %v", ct.file, ct.cases[0].pos, err)
				} else {
					passed++
				}
			}
		})
	}
	if cases < 200 {
		t.Errorf("checked %d expectations; the suite's HTTPRoute tests hold more: the reading of the suite has regressed", cases)
	}
	t.Logf("%d conformance tests with expected responses; %d tests left out; %d expectations checked: %d passed, %d failed; %d expectations not constant or sent after changes",
		len(tests), len(leftOut), cases, passed, failed, skipped)
}

func loadConformance(t *testing.T, dir string, ct *confTest) *manifest.Set {
	t.Helper()
	paths := []string{filepath.Join(dir, "base", "manifests.yaml")}
	for _, m := range ct.manifests {
		paths = append(paths, filepath.Join(dir, m))
	}
	set, err := manifest.Load(context.Background(), manifest.Options{Paths: paths})
	if err != nil {
		t.Fatalf("load %v: %v", ct.manifests, err)
	}
	return set.Applied()
}

// check answers one expectation on the Gateway it is sent to.
func check(planes []*Plane, c confCase) error {
	var p *Plane
	for _, pl := range planes {
		if pl.gw.Namespace == c.gateway.namespace && pl.gw.Name == c.gateway.name {
			p = pl
		}
	}
	if p == nil {
		return fmt.Errorf("Gateway %s/%s is not in the manifests", c.gateway.namespace, c.gateway.name)
	}
	if c.grpc {
		return checkGRPC(p, c)
	}
	req := sub(c.exp, "Request")
	// The address's port is that of the Gateway's first listener, or of
	// the listener named in NewGatewayRef (WaitForGatewayAddress in
	// utils/kubernetes/helpers.go).
	port := int32(0)
	if len(p.gw.Spec.Listeners) > 0 {
		port = int32(p.gw.Spec.Listeners[0].Port)
	}
	for _, l := range p.gw.Spec.Listeners {
		if len(c.gateway.listeners) > 0 && string(l.Name) == c.gateway.listeners[0] {
			port = int32(l.Port)
		}
	}
	if c.gateway.port != "" {
		n, _ := strconv.Atoi(c.gateway.port)
		port = int32(n)
	}
	host := str(req, "Host")
	if host == "" {
		host = gatewayAddr
	}
	if !strings.Contains(host, ":") {
		host += ":" + strconv.Itoa(int(port))
	}
	// MakeRequestAndExpectEventuallyConsistentResponse sends http; the
	// TLS helpers (MakeTLSRequestAndExpectEventuallyConsistentResponse)
	// send https.
	scheme := "http"
	if c.tls {
		scheme = "https"
	}
	header := nethttp.Header{}
	for k, v := range sub(req, "Headers") {
		header[nethttp.CanonicalHeaderKey(k)] = []string{v.(string)}
	}
	path := str(req, "Path")
	if path == "" {
		path = "/"
	}
	sreq := simulate.Request{Scheme: scheme, Host: host, Path: path, Header: header, Method: str(req, "Method")}
	d := p.Lookup(sreq)
	return compare(c.exp, sreq, d)
}

// listenerPort is the port of the Gateway address the suite sends to:
// that of the Gateway's first listener, or of the listener named in
// NewGatewayRef (WaitForGatewayAddress in utils/kubernetes/helpers.go).
func listenerPort(p *Plane, ref gatewayRef) int32 {
	port := int32(0)
	if len(p.gw.Spec.Listeners) > 0 {
		port = int32(p.gw.Spec.Listeners[0].Port)
	}
	for _, l := range p.gw.Spec.Listeners {
		if len(ref.listeners) > 0 && string(l.Name) == ref.listeners[0] {
			port = int32(l.Port)
		}
	}
	return port
}

// checkGRPC answers one grpc.ExpectedResponse: a unary call of the echo
// service's Echo, EchoTwo or EchoThree method (getMethodName in
// utils/grpc/grpc.go), with the request metadata as headers and its
// Authority as the host, and compares as
// MakeRequestAndExpectEventuallyConsistentResponse does: the status code
// (OK unless Response.Code says otherwise) and, for OK, the backend.
func checkGRPC(p *Plane, c confCase) error {
	method := "EchoThree"
	switch {
	case c.exp["EchoRequest"] != nil:
		method = "Echo"
	case c.exp["EchoTwoRequest"] != nil:
		method = "EchoTwo"
	}
	md := sub(c.exp, "RequestMetadata")
	host := str(md, "Authority")
	if host == "" {
		host = gatewayAddr
	}
	host += ":" + strconv.Itoa(int(listenerPort(p, c.gateway)))
	// gRPC over HTTP/2 is a POST of Content-Type application/grpc to
	// /<package>.<service>/<method> (grpc/grpc doc/PROTOCOL-HTTP2.md).
	header := nethttp.Header{"Content-Type": {"application/grpc"}}
	for k, v := range sub(md, "Metadata") {
		header[nethttp.CanonicalHeaderKey(k)] = []string{v.(string)}
	}
	req := simulate.Request{Scheme: "http", Host: host, Path: grpcService + method, Header: header, Method: nethttp.MethodPost}
	d := p.Lookup(req)
	want := str(sub(c.exp, "Response"), "Code")
	if want == "" {
		want = "OK"
	}
	// A call no rule matches is answered 404, which gRPC clients read
	// as Unimplemented (grpc/grpc doc/http-grpc-status-mapping.md).
	got := "OK"
	switch {
	case d.Status == nethttp.StatusNotFound || !d.Matched:
		got = "Unimplemented"
	case d.Status >= 500:
		got = "Unavailable"
	case d.Status != 0 && d.Status != nethttp.StatusOK:
		got = "status " + strconv.Itoa(d.Status)
	}
	if got != want {
		return fmt.Errorf("%s %s: code %s, want %s (%s)", req, req.Header, got, want, explainDecision(d))
	}
	if b := str(c.exp, "Backend"); b != "" && got == "OK" {
		ns := str(c.exp, "Namespace")
		for _, wb := range d.Backends {
			if wb.Name == b && (ns == "" || wb.Namespace == ns) && wb.Problem == "" && wb.Weight > 0 {
				return nil
			}
		}
		return fmt.Errorf("%s %s: backends %s, want %s/%s", req, req.Header, backendList(d), ns, b)
	}
	return nil
}

// checkWeights compares the share of each backend of the rule that
// answers c with the test's expectedWeights (weight.TestWeightedDistribution
// counts the pods that answer; the engine answers with the weights).
func checkWeights(planes []*Plane, c confCase, weights map[string]any) error {
	var p *Plane
	for _, pl := range planes {
		if pl.gw.Namespace == c.gateway.namespace && pl.gw.Name == c.gateway.name {
			p = pl
		}
	}
	if p == nil {
		return fmt.Errorf("Gateway %s/%s is not in the manifests", c.gateway.namespace, c.gateway.name)
	}
	var req simulate.Request
	if c.grpc {
		req = simulate.Request{Scheme: "http", Host: gatewayAddr + ":" + strconv.Itoa(int(listenerPort(p, c.gateway))),
			Path: grpcService + "Echo", Header: nethttp.Header{"Content-Type": {"application/grpc"}}, Method: nethttp.MethodPost}
	} else {
		path := str(sub(c.exp, "Request"), "Path")
		if path == "" {
			path = "/"
		}
		req = simulate.Request{Scheme: "http", Host: gatewayAddr + ":" + strconv.Itoa(int(listenerPort(p, c.gateway))), Path: path}
	}
	d := p.Lookup(req)
	total := 0
	for _, b := range d.Backends {
		total += int(b.Weight)
	}
	if total == 0 {
		return fmt.Errorf("%s: no backend with a weight (%s)", req, explainDecision(d))
	}
	got := map[string]float64{}
	for _, b := range d.Backends {
		got[b.Name] += float64(b.Weight) / float64(total)
	}
	for name, w := range weights {
		want, _ := w.(float64)
		if diff := got[name] - want; diff > 1e-9 || diff < -1e-9 {
			return fmt.Errorf("%s: backend %s gets %.2f of the requests, want %.2f (backends %s)", req, name, got[name], want, backendList(d))
		}
	}
	for name, g := range got {
		if _, ok := weights[name]; !ok && g > 0 {
			return fmt.Errorf("%s: backend %s gets %.2f of the requests, want none", req, name, g)
		}
	}
	return nil
}

// compare checks decision d against expectation exp, as
// MakeRequestAndExpectEventuallyConsistentResponse and
// CompareRoundTrip (utils/http/http.go) compare a real answer.
func compare(exp map[string]any, req simulate.Request, d simulate.Decision) error {
	resp := sub(exp, "Response")
	want := 200
	if n, ok := resp["StatusCode"].(int); ok && n != 0 {
		want = n
	}
	got := d.Status
	if got == 0 && d.Redirect != "" {
		got = d.RedirectCode
	}
	if got == 0 {
		got = 200
	}
	if codes, ok := resp["StatusCodes"].([]any); ok && len(codes) > 0 {
		match := false
		for _, c := range codes {
			if c == got {
				match = true
			}
		}
		if !match {
			return fmt.Errorf("%s: status %d, want one of %v (%s)", req, got, codes, explainDecision(d))
		}
	} else if got != want {
		return fmt.Errorf("%s: status %d, want %d (%s)", req, got, want, explainDecision(d))
	}
	if rr := sub(exp, "RedirectRequest"); rr != nil {
		if err := compareRedirect(rr, req, d); err != nil {
			return err
		}
	}
	if got != 200 {
		return nil
	}
	if b := str(exp, "Backend"); b != "" {
		ns := str(exp, "Namespace")
		found := false
		for _, wb := range d.Backends {
			if wb.Name == b && (ns == "" || wb.Namespace == ns) && wb.Problem == "" && wb.Weight > 0 {
				found = true
			}
		}
		if !found {
			return fmt.Errorf("%s: backends %s, want %s/%s", req, backendList(d), ns, b)
		}
	}
	if er := sub(exp, "ExpectedRequest"); er != nil {
		if err := compareForwarded(er, req, d); err != nil {
			return err
		}
	}
	if err := compareResponseHeaders(exp, resp, d); err != nil {
		return fmt.Errorf("%s: %w", req, err)
	}
	if mirrors, ok := exp["MirroredTo"].([]any); ok {
		// A mirror is compared by backend, and by percentage when the
		// expectation gives one.
		var got, want []string
		pcts := map[string]int{}
		for _, m := range mirrors {
			mm := m.(map[string]any)
			ref := sub(mm, "BackendRef")
			if ref == nil {
				ref = mm
			}
			w := str(ref, "Namespace") + "/" + str(ref, "Name")
			if pct, ok := mm["Percent"].(int); ok {
				pcts[w] = pct
				w += fmt.Sprintf(" %d%%", pct)
			}
			want = append(want, w)
		}
		for _, m := range d.Mirrors {
			g := m.Backend.Namespace + "/" + m.Backend.Name
			if _, ok := pcts[g]; ok {
				g += fmt.Sprintf(" %g%%", m.Percent)
			}
			got = append(got, g)
		}
		sort.Strings(got)
		sort.Strings(want)
		if strings.Join(got, ",") != strings.Join(want, ",") {
			return fmt.Errorf("%s: mirrors %v, want %v", req, got, want)
		}
	}
	return nil
}

func compareRedirect(rr map[string]any, req simulate.Request, d simulate.Decision) error {
	if d.Redirect == "" {
		return fmt.Errorf("%s: no redirect, want one (%s)", req, explainDecision(d))
	}
	scheme, rest, _ := strings.Cut(d.Redirect, "://")
	hostport, path := rest, "/"
	if i := strings.IndexByte(rest, '/'); i >= 0 {
		hostport, path = rest[:i], rest[i:]
	}
	host, port := hostport, ""
	if i := strings.LastIndexByte(hostport, ':'); i >= 0 {
		host, port = hostport[:i], hostport[i+1:]
	}
	if i := strings.IndexByte(path, '?'); i >= 0 {
		path = path[:i]
	}
	reqHost, _, _ := strings.Cut(req.Host, ":")
	// Empty expected parts default to the request's (CompareRoundTrip):
	// scheme http, the request's host, no port, the request's path.
	wantScheme, wantHost, wantPort, wantPath := str(rr, "Scheme"), str(rr, "Host"), str(rr, "Port"), str(rr, "Path")
	if wantScheme == "" {
		wantScheme = req.Scheme
	}
	if wantHost == "" {
		wantHost = reqHost
	}
	reqPath, _, _ := strings.Cut(req.Path, "?")
	if wantPath == "" {
		wantPath = reqPath
	}
	if scheme != wantScheme || host != wantHost || port != wantPort || path != wantPath {
		return fmt.Errorf("%s: redirect to %s, want scheme %q host %q port %q path %q", req, d.Redirect, wantScheme, wantHost, wantPort, wantPath)
	}
	return nil
}

func compareForwarded(er map[string]any, req simulate.Request, d simulate.Decision) error {
	inner := sub(er, "Request")
	if inner == nil {
		inner = map[string]any{}
	}
	if p := str(inner, "Path"); p != "" {
		got := d.RewritePath
		if got == "" {
			got = req.Path
		}
		if got != p {
			return fmt.Errorf("%s: the backend receives path %s, want %s", req, got, p)
		}
	}
	if h := str(inner, "Host"); h != "" {
		got := d.RewriteHost
		if got == "" {
			got, _, _ = strings.Cut(req.Host, ":")
		}
		if got != h {
			return fmt.Errorf("%s: the backend receives host %s, want %s", req, got, h)
		}
	}
	headers := d.RequestHeaders
	for _, b := range d.Backends {
		if b.RequestHeaders != nil && b.Weight > 0 {
			headers = b.RequestHeaders
		}
	}
	if headers == nil {
		headers = req.Header
	}
	for k, v := range sub(inner, "Headers") {
		if got := strings.Join(headers.Values(k), ","); got != v.(string) {
			return fmt.Errorf("%s: the backend receives header %s %q, want %q", req, k, got, v)
		}
	}
	if absent, ok := er["AbsentHeaders"].([]any); ok {
		for _, k := range absent {
			if len(headers.Values(k.(string))) > 0 {
				return fmt.Errorf("%s: the backend receives header %s, want it removed", req, k)
			}
		}
	}
	return nil
}

func compareResponseHeaders(exp, resp map[string]any, d simulate.Decision) error {
	set := nethttp.Header{}
	for k, v := range sub(exp, "BackendSetResponseHeaders") {
		set[nethttp.CanonicalHeaderKey(k)] = []string{v.(string)}
	}
	out := d.ResponseHeaders.Apply(set)
	for k, v := range sub(resp, "Headers") {
		if got := strings.Join(out.Values(k), ","); got != v.(string) {
			return fmt.Errorf("response header %s %q, want %q", k, got, v)
		}
	}
	if absent, ok := resp["AbsentHeaders"].([]any); ok {
		for _, k := range absent {
			if len(out.Values(k.(string))) > 0 {
				return fmt.Errorf("response header %s present, want it removed", k)
			}
		}
	}
	return nil
}

func backendList(d simulate.Decision) string {
	var parts []string
	for _, b := range d.Backends {
		s := fmt.Sprintf("%s/%s:%d weight %d", b.Namespace, b.Name, b.Port, b.Weight)
		if b.Problem != "" {
			s += " (" + b.Problem + ")"
		}
		parts = append(parts, s)
	}
	if len(parts) == 0 {
		return "none"
	}
	return strings.Join(parts, ", ")
}

func explainDecision(d simulate.Decision) string {
	s := fmt.Sprintf("listener %q, %s rule %d, backends %s", d.Listener, d.Object, d.Rule, backendList(d))
	if len(d.Notes) > 0 {
		s += "; " + strings.Join(d.Notes, "; ")
	}
	return s
}
