package simulate

import (
	"errors"
	"fmt"
	"net/http"
	"sort"
	"strconv"
	"strings"

	yaml "go.yaml.in/yaml/v3"

	"github.com/ingresskit/ingresskit/manifest"
)

// The apiVersion and kind a route-test file may declare. With them the
// file reads as an object of a kind the manifest loader skips, so it can
// sit in a directory given to -f.
const (
	RouteTestsAPIVersion = "ingresskit.dev/v1alpha1"
	RouteTestsKind       = "RouteTests"
)

// RouteTests is a parsed route-test file (docs/route-tests.md):
//
//	apiVersion: ingresskit.dev/v1alpha1  # optional, with kind
//	kind: RouteTests
//	ingressClass: nginx        # optional: the class to simulate
//	controller: spec           # optional: the controller profile
//	                           # (profile: is read as a synonym)
//	gateway: infra/prod        # optional: answer on this Gateway
//	istio: istio-system/edge   # optional: answer on this Istio Gateway
//	tests:
//	- url: https://example.com/foo
//	  headers: {User-Agent: curl}
//	  service: service-foo     # expected Service name
//	  port: 80                 # expected port number or name
//	  namespace: default       # optional
//	  ingress: default/demo    # optional: the answering Ingress
//	  tls: example-tls         # optional: the Secret, or "none"
//	- url: http://example.com/baz
//	  matched: false
//	- url: https://shop.example.com/cart
//	  gateway: infra/prod      # optional: this test's Gateway
//	  istio: edge/gw           # optional: this test's Istio Gateway
//	  method: POST             # optional: the request method
//	  route: shop/shop         # optional: the answering HTTPRoute or
//	                           # VirtualService
//	  status: 301              # optional: the status the data plane answers
type RouteTests struct {
	// File is the name the tests were read from.
	File string
	// IngressClass, when set, selects the class to simulate.
	IngressClass string
	// Profile, when set, names the controller profile (the file's
	// controller: key, or its older synonym profile:).
	Profile string
	// Gateway, when set, is the Gateway (namespace/name) whose data plane
	// answers every test that names none.
	Gateway string
	// Istio, when set, is the Istio Gateway (namespace/name) whose data
	// plane answers every test that names no Gateway.
	Istio string
	// Tests are the expectations in file order.
	Tests []RouteTest
}

// RouteTest is one expectation.
type RouteTest struct {
	// Pos is where the test starts in its file.
	Pos manifest.Pos
	// Name is the test's name; the URL when the file gives none.
	Name string
	// URL is the request to simulate.
	URL string
	// Headers are sent with the request; a Host header overrides the
	// URL's host.
	Headers map[string]string
	// Matched, when set, expects a match (true) or none (false).
	Matched *bool
	// DefaultBackend, when set, expects the answer to come (or not) from
	// spec.defaultBackend.
	DefaultBackend *bool
	// Service, Port and Namespace are the expected Service backend;
	// empty fields are not checked. Port is a number or a port name.
	Service   string
	Port      string
	Namespace string
	// Ingress is the expected answering Ingress as namespace/name, or
	// name alone.
	Ingress string
	// TLS is the expected TLS Secret for the host, or "none".
	TLS string
	// Gateway, when set, is the Gateway (namespace/name) that answers;
	// it overrides the file's. A Gateway API Gateway of that name
	// answers, else an Istio Gateway of that name.
	Gateway string
	// Istio, when set, is the Istio Gateway (namespace/name) that
	// answers; it overrides the file's gateway: and istio:.
	Istio string
	// Method is the request method; "" means GET.
	Method string
	// Route is the expected answering Gateway API route or Istio
	// VirtualService as namespace/name, or name alone.
	Route string
	// Status is the expected status the data plane answers with itself
	// (a redirect's code, 404, 500); 0 is not checked.
	Status int
}

// routeTestFields are the keys a test may carry.
var routeTestFields = map[string]bool{"name": true, "url": true, "headers": true, "matched": true,
	"defaultBackend": true, "service": true, "port": true, "namespace": true, "ingress": true, "tls": true,
	"gateway": true, "istio": true, "method": true, "route": true, "status": true}

// ParseRouteTests reads a route-test file. Every problem is returned as a
// *manifest.LoadError with the positions of the offending lines.
func ParseRouteTests(name string, data []byte) (*RouteTests, error) {
	rt := &RouteTests{File: name}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, &manifest.LoadError{Errors: []*manifest.InputError{{Pos: manifest.Pos{File: name}, Msg: "invalid YAML: " + strings.TrimPrefix(err.Error(), "yaml: ")}}}
	}
	var errs []*manifest.InputError
	fail := func(n *yaml.Node, format string, args ...any) {
		errs = append(errs, &manifest.InputError{Pos: manifest.Pos{File: name, Line: n.Line, Col: n.Column}, Msg: fmt.Sprintf(format, args...)})
	}
	if len(doc.Content) == 0 {
		return nil, &manifest.LoadError{Errors: []*manifest.InputError{{Pos: manifest.Pos{File: name}, Msg: "file is empty; it needs a tests: list"}}}
	}
	root := doc.Content[0]
	if root.Kind != yaml.MappingNode {
		fail(root, "expected a mapping with a tests: list")
		return nil, &manifest.LoadError{Errors: errs}
	}
	var tests *yaml.Node
	for i := 0; i+1 < len(root.Content); i += 2 {
		k, v := root.Content[i], root.Content[i+1]
		switch k.Value {
		case "ingressClass":
			rt.IngressClass = scalar(v, fail, "ingressClass")
		case "controller", "profile":
			rt.Profile = scalar(v, fail, k.Value)
		case "gateway":
			rt.Gateway = scalar(v, fail, "gateway")
			if ns, name, ok := strings.Cut(rt.Gateway, "/"); !ok || ns == "" || name == "" {
				fail(v, "gateway must be namespace/name")
			}
		case "istio":
			rt.Istio = scalar(v, fail, "istio")
			if ns, name, ok := strings.Cut(rt.Istio, "/"); !ok || ns == "" || name == "" {
				fail(v, "istio must be namespace/name")
			}
		case "apiVersion":
			if v.Value != RouteTestsAPIVersion {
				fail(v, "apiVersion must be %s", RouteTestsAPIVersion)
			}
		case "kind":
			if v.Value != RouteTestsKind {
				fail(v, "kind must be %s", RouteTestsKind)
			}
		case "tests":
			tests = v
		default:
			fail(k, "unknown field %q (want apiVersion, kind, ingressClass, controller, gateway, istio or tests)", k.Value)
		}
	}
	if tests == nil {
		fail(root, "no tests: list")
		return nil, &manifest.LoadError{Errors: errs}
	}
	if tests.Kind != yaml.SequenceNode {
		fail(tests, "tests must be a list")
		return nil, &manifest.LoadError{Errors: errs}
	}
	for _, n := range tests.Content {
		t, ok := parseRouteTest(name, n, fail)
		if ok {
			rt.Tests = append(rt.Tests, t)
		}
	}
	if len(errs) == 0 && len(rt.Tests) == 0 {
		fail(tests, "the tests: list is empty")
	}
	if len(errs) > 0 {
		sort.SliceStable(errs, func(i, j int) bool {
			a, b := errs[i].Pos, errs[j].Pos
			if a.Line != b.Line {
				return a.Line < b.Line
			}
			return a.Col < b.Col
		})
		return nil, &manifest.LoadError{Errors: errs}
	}
	return rt, nil
}

func scalar(n *yaml.Node, fail func(*yaml.Node, string, ...any), field string) string {
	if n.Kind != yaml.ScalarNode {
		fail(n, "%s must be a string", field)
		return ""
	}
	return n.Value
}

func boolean(n *yaml.Node, fail func(*yaml.Node, string, ...any), field string) *bool {
	if n.Kind != yaml.ScalarNode {
		fail(n, "%s must be true or false", field)
		return nil
	}
	b, err := strconv.ParseBool(n.Value)
	if err != nil {
		fail(n, "%s must be true or false, not %q", field, n.Value)
		return nil
	}
	return &b
}

func parseRouteTest(file string, n *yaml.Node, fail func(*yaml.Node, string, ...any)) (RouteTest, bool) {
	t := RouteTest{Pos: manifest.Pos{File: file, Line: n.Line, Col: n.Column}}
	if n.Kind != yaml.MappingNode {
		fail(n, "a test must be a mapping with at least url:")
		return t, false
	}
	ok := true
	bad := func(n *yaml.Node, format string, args ...any) {
		ok = false
		fail(n, format, args...)
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if !routeTestFields[k.Value] {
			keys := make([]string, 0, len(routeTestFields))
			for f := range routeTestFields {
				keys = append(keys, f)
			}
			sort.Strings(keys)
			bad(k, "unknown field %q; a test takes %s", k.Value, strings.Join(keys, ", "))
			continue
		}
		switch k.Value {
		case "name":
			t.Name = scalar(v, bad, "name")
		case "url":
			t.URL = scalar(v, bad, "url")
		case "headers":
			if v.Kind != yaml.MappingNode {
				bad(v, "headers must be a mapping of header names to values")
				continue
			}
			t.Headers = map[string]string{}
			for j := 0; j+1 < len(v.Content); j += 2 {
				t.Headers[v.Content[j].Value] = scalar(v.Content[j+1], bad, "header "+v.Content[j].Value)
			}
		case "matched":
			t.Matched = boolean(v, bad, "matched")
		case "defaultBackend":
			t.DefaultBackend = boolean(v, bad, "defaultBackend")
		case "service":
			t.Service = scalar(v, bad, "service")
		case "port":
			t.Port = scalar(v, bad, "port")
		case "namespace":
			t.Namespace = scalar(v, bad, "namespace")
		case "ingress":
			t.Ingress = scalar(v, bad, "ingress")
		case "tls":
			t.TLS = scalar(v, bad, "tls")
		case "gateway":
			t.Gateway = scalar(v, bad, "gateway")
			if ns, name, ok := strings.Cut(t.Gateway, "/"); !ok || ns == "" || name == "" {
				bad(v, "gateway must be namespace/name")
			}
		case "istio":
			t.Istio = scalar(v, bad, "istio")
			if ns, name, ok := strings.Cut(t.Istio, "/"); !ok || ns == "" || name == "" {
				bad(v, "istio must be namespace/name")
			}
		case "method":
			t.Method = strings.ToUpper(scalar(v, bad, "method"))
		case "route":
			t.Route = scalar(v, bad, "route")
		case "status":
			n, err := strconv.Atoi(scalar(v, bad, "status"))
			if err != nil || n < 100 || n > 599 {
				bad(v, "status must be an HTTP status code, 100-599")
			}
			t.Status = n
		}
	}
	if t.URL == "" {
		bad(n, "a test needs a url")
	} else if _, err := ParseRequest(t.URL, nil); err != nil {
		bad(n, "%v", err)
	}
	expectsMatch := t.Service != "" || t.Port != "" || t.Namespace != "" || t.Ingress != "" || t.Route != "" || (t.DefaultBackend != nil && *t.DefaultBackend)
	if t.Matched != nil && !*t.Matched && expectsMatch {
		bad(n, "matched: false contradicts the expected backend")
	}
	if t.Matched == nil && !expectsMatch && t.TLS == "" && t.Status == 0 {
		bad(n, "the test expects nothing: give service (and port), route, status, matched: false, or tls")
	}
	if t.Name == "" {
		t.Name = t.URL
	}
	return t, ok
}

// Request returns the test's request.
func (t RouteTest) Request() (Request, error) {
	var h http.Header
	if len(t.Headers) > 0 {
		h = http.Header{}
		keys := make([]string, 0, len(t.Headers))
		for k := range t.Headers {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			h.Set(k, t.Headers[k])
		}
	}
	req, err := ParseRequest(t.URL, h)
	req.Method = t.Method
	return req, err
}

// RouteTestResult is the outcome of one test.
type RouteTestResult struct {
	// Test is the expectation.
	Test RouteTest
	// Decision is the engine's answer.
	Decision Decision
	// Failures say what differs; empty when the test passed.
	Failures []string
}

// Passed reports whether the test passed.
func (r RouteTestResult) Passed() bool { return len(r.Failures) == 0 }

// Run checks one expectation against the index.
func (t RouteTest) Run(ix *Index) (RouteTestResult, error) {
	req, err := t.Request()
	if err != nil {
		return RouteTestResult{}, err
	}
	return t.check(req, ix.Lookup(req)), nil
}

// RunOn checks one expectation against data planes: the answer of each
// data plane that serves the URL's host (Answer). The test passes when
// one of them meets the expectation, since which address the request
// reaches is decided by DNS, outside the manifests; when none does, the
// failures of each are given, named by data plane.
func (t RouteTest) RunOn(planes []DataPlane) (RouteTestResult, error) {
	req, err := t.Request()
	if err != nil {
		return RouteTestResult{}, err
	}
	ds := Answer(planes, req, false)
	if len(ds) == 0 {
		ds = []Decision{{URL: req.String(), Rule: -1, PathIndex: -1}}
	}
	var all RouteTestResult
	for i, d := range ds {
		res := t.check(req, d)
		if res.Passed() || len(ds) == 1 {
			return res, nil
		}
		if i == 0 {
			all = RouteTestResult{Test: t, Decision: d}
		}
		for _, f := range res.Failures {
			all.Failures = append(all.Failures, d.DataPlane+": "+f)
		}
	}
	return all, nil
}

// check compares the decision d for req with the expectation.
func (t RouteTest) check(req Request, d Decision) RouteTestResult {
	res := RouteTestResult{Test: t, Decision: d}
	failf := func(format string, args ...any) { res.Failures = append(res.Failures, fmt.Sprintf(format, args...)) }
	if t.Matched != nil && d.Matched != *t.Matched {
		if *t.Matched {
			failf("no rule matches, want a match")
		} else {
			failf("matched %s, want no match", DescribeBackend(d))
		}
	}
	if t.DefaultBackend != nil && d.DefaultBackend != *t.DefaultBackend {
		if *t.DefaultBackend {
			failf("answered by a rule, want the defaultBackend")
		} else {
			failf("answered by the defaultBackend, want a rule")
		}
	}
	if t.Status != 0 {
		got := d.Status
		if got == 0 {
			got = d.RedirectCode
		}
		if got != t.Status {
			if got == 0 {
				failf("proxied to %s, want status %d", DescribeBackend(d), t.Status)
			} else {
				failf("status %d, want %d", got, t.Status)
			}
		}
	}
	if t.Route != "" {
		got := d.Object
		if !strings.Contains(t.Route, "/") {
			_, got, _ = strings.Cut(d.Object, "/")
		}
		switch {
		case !d.Matched:
			failf("no rule matches, want route %s", t.Route)
		case d.Kind == "":
			failf("answered by Ingress %s, want route %s", d.Ingress.Key(), t.Route)
		case got != t.Route:
			failf("answered by %s %s, want %s", d.Kind, d.Object, t.Route)
		}
	}
	if (t.Service != "" || t.Port != "" || t.Namespace != "") && d.Kind != "" {
		// A Gateway API rule passes when one of its backends with a
		// weight is the expected one.
		found := false
		for _, b := range d.Backends {
			if b.Weight > 0 && b.Problem == "" && (t.Service == "" || b.Name == t.Service) &&
				(t.Port == "" || strconv.Itoa(int(b.Port)) == t.Port) && (t.Namespace == "" || b.Namespace == t.Namespace) {
				found = true
			}
		}
		if !found {
			failf("answered by %s, want %s", DescribeBackend(d), wantBackend(t))
		}
	} else if t.Service != "" || t.Port != "" || t.Namespace != "" {
		svc := d.Backend.Service
		switch {
		case !d.Matched:
			if t.Matched == nil {
				failf("no rule matches, want %s", wantBackend(t))
			}
		case svc == nil:
			failf("answered by resource %s, want %s", DescribeBackend(d), wantBackend(t))
		default:
			port := svc.Port.Name
			if port == "" {
				port = strconv.Itoa(int(svc.Port.Number))
			}
			if (t.Service != "" && svc.Name != t.Service) || (t.Port != "" && port != t.Port) ||
				(t.Namespace != "" && d.Ingress.Namespace != t.Namespace) {
				failf("answered by %s, want %s", DescribeBackend(d), wantBackend(t))
			}
		}
	}
	if t.Ingress != "" && d.Matched && d.Ingress == nil {
		failf("answered by %s %s, want Ingress %s", d.Kind, d.Object, t.Ingress)
	} else if t.Ingress != "" && d.Matched {
		got := d.Ingress.Key()
		if !strings.Contains(t.Ingress, "/") {
			got = d.Ingress.Name
		}
		if got != t.Ingress {
			failf("answered by Ingress %s, want %s", got, t.Ingress)
		}
	} else if t.Ingress != "" && t.Matched == nil && t.Service == "" {
		failf("no rule matches, want Ingress %s", t.Ingress)
	}
	if t.TLS != "" {
		got := "none"
		if d.TLS != nil {
			got = d.TLS.SecretName
		}
		if !strings.EqualFold(req.Scheme, "https") {
			failf("tls: is checked only for https URLs")
		} else if d.Kind != "" {
			failf("tls: is checked only for Ingress answers")
		} else if got != t.TLS {
			failf("tls %s, want %s", got, t.TLS)
		}
	}
	return res
}

func wantBackend(t RouteTest) string {
	s := t.Service
	if s == "" {
		s = "*"
	}
	if t.Namespace != "" {
		s = t.Namespace + "/" + s
	}
	if t.Port != "" {
		s += ":" + t.Port
	}
	return s
}

// DescribeBackend formats the answer's backend as namespace/service:port,
// namespace/Kind/name for a resource, or "no match".
func DescribeBackend(d Decision) string {
	if d.Matched && d.Kind != "" {
		if len(d.Backends) == 0 && d.Redirect != "" {
			return fmt.Sprintf("redirect %d %s", d.RedirectCode, d.Redirect)
		}
		if len(d.Backends) == 0 && d.Status != 0 {
			return fmt.Sprintf("status %d", d.Status)
		}
		return DescribeBackends(d.Backends)
	}
	if !d.Matched || d.Ingress == nil {
		return "no match"
	}
	return d.Ingress.Namespace + "/" + manifest.BackendString(d.Backend)
}

// DescribeBackends writes weighted backends as namespace/name:port, with
// the weight of each when there are several, and "none" when there are
// none.
func DescribeBackends(bs []WeightedBackend) string {
	if len(bs) == 0 {
		return "none"
	}
	parts := make([]string, len(bs))
	for i, b := range bs {
		s := b.Name
		if b.Namespace != "" {
			// an external host (an Istio ServiceEntry's) has none
			s = b.Namespace + "/" + s
		}
		if b.Kind != "" && b.Kind != "Service" {
			s = b.Kind + " " + s
		}
		if b.Port != 0 {
			s += ":" + strconv.Itoa(int(b.Port))
		}
		if len(bs) > 1 {
			s += " (weight " + strconv.Itoa(int(b.Weight)) + ")"
		}
		if b.Problem != "" {
			s += " [unresolved: 500]"
		}
		parts[i] = s
	}
	return strings.Join(parts, ", ")
}

// RunRouteTests compiles set for the file's class and profile (opts gives
// the defaults) and runs every test.
func RunRouteTests(set *manifest.Set, rt *RouteTests, opts Options) ([]RouteTestResult, error) {
	if rt.IngressClass != "" {
		opts.IngressClass = rt.IngressClass
	}
	if rt.Profile != "" {
		p, ok := ProfileByName(rt.Profile)
		if !ok {
			return nil, fmt.Errorf("%s: unknown controller %q (have %s)", rt.File, rt.Profile, strings.Join(ProfileNames(), ", "))
		}
		opts.Profile = p
	}
	if opts.Profile == nil && opts.IngressClass != "" {
		opts.Profile = InferProfileForClass(set, opts.IngressClass)
	}
	// With neither a class nor a controller, every data plane answers
	// under its own controller's profile (IngressPlanes); else one index
	// of the class, or of every Ingress, under the profile asked for. A
	// test naming a Gateway (its own gateway: or the file's) answers on
	// that Gateway's data plane, whose name is "gateway namespace/name",
	// or of the Istio Gateway of that name when the input has no such
	// Gateway; a test naming an Istio Gateway (istio:) answers on the
	// data plane "istio gateway namespace/name". The nearest setting
	// wins: the test's istio: or gateway:, then the file's.
	var ix *Index
	var planes, all []DataPlane
	out := make([]RouteTestResult, 0, len(rt.Tests))
	var errs []error
	for _, t := range rt.Tests {
		gw, ist := t.Gateway, t.Istio
		if gw == "" && ist == "" {
			gw, ist = rt.Gateway, rt.Istio
		}
		var res RouteTestResult
		var err error
		switch {
		case gw != "" || ist != "":
			if all == nil {
				if all, err = BuildDataPlanes(set, opts); err != nil {
					return nil, err
				}
			}
			plane := planeNamed(all, gw, ist)
			if plane == nil {
				what := "Gateway " + gw
				if ist != "" {
					what = "Istio Gateway " + ist
				}
				errs = append(errs, fmt.Errorf("%s: no %s in the input", t.Pos, what))
				continue
			}
			res, err = t.RunOn([]DataPlane{plane})
		case opts.Profile == nil && opts.IngressClass == "":
			if planes == nil {
				ips, err := IngressPlanes(set, Options{})
				if err != nil {
					return nil, err
				}
				planes = []DataPlane{}
				for _, ip := range ips {
					planes = append(planes, ip)
				}
			}
			res, err = t.RunOn(planes)
		default:
			if ix == nil {
				if ix, err = Compile(set, opts); err != nil {
					return nil, err
				}
			}
			res, err = t.Run(ix)
		}
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", t.Pos, err))
			continue
		}
		out = append(out, res)
	}
	return out, errors.Join(errs...)
}

// planeNamed returns the data plane of the Istio Gateway ist when it is
// set, else of the Gateway API Gateway gw, else of the Istio Gateway gw;
// nil when planes has none of them.
func planeNamed(planes []DataPlane, gw, ist string) DataPlane {
	var want []string
	if ist != "" {
		want = []string{"istio gateway " + ist}
	} else {
		want = []string{"gateway " + gw, "istio gateway " + gw}
	}
	for _, name := range want {
		for _, p := range planes {
			if p.Name() == name {
				return p
			}
		}
	}
	return nil
}
