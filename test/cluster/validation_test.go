//go:build clustertest

package clustertest

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/ingresskit/ingresskit/cluster"
	"github.com/ingresskit/ingresskit/lint"
	"github.com/ingresskit/ingresskit/manifest"
)

// apiRules are the rules that say "the API server rejects": together they
// must reject exactly what the API server's create validation rejects.
var apiRules = []string{
	"backend-service-and-resource",
	"class-annotation-mismatch",
	"host-ip-address",
	"invalid-backend-port",
	"invalid-host",
	"invalid-ingress-class",
	"invalid-metadata",
	"invalid-path",
	"invalid-path-type",
	"invalid-reference",
	"missing-backend",
}

// mutation is one valid object with one field changed.
type mutation struct {
	name string
	kind string // Ingress or IngressClass
	obj  map[string]any
}

// TestValidationAgreesWithAPIServer sends every single-field mutation of a
// valid Ingress and IngressClass to the real API server with dryRun=All,
// and lints the same bytes: the API server and lint must accept and reject
// exactly the same objects. Each disagreement is printed with
// the object and both messages.
func TestValidationAgreesWithAPIServer(t *testing.T) {
	c := start(t)
	cs := c.Client(t, Admin)
	ctx := context.Background()
	const ns = "validation"
	if _, err := cs.CoreV1().Namespaces().Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ns}}, metav1.CreateOptions{}); err != nil && !apierrors.IsAlreadyExists(err) {
		t.Fatal(err)
	}
	var rules []*lint.Rule
	for _, id := range apiRules {
		r := lint.Lookup(id)
		if r == nil {
			t.Fatalf("no rule %s", id)
		}
		rules = append(rules, r)
	}
	muts := mutations()
	if len(muts) < 500 {
		t.Fatalf("only %d mutations; the corpus must hold at least 500", len(muts))
	}
	rest := cs.NetworkingV1().RESTClient()
	disagree, rejected := 0, 0
	for _, m := range muts {
		data, err := json.MarshalIndent(m.obj, "", "  ")
		if err != nil {
			t.Fatal(err)
		}
		req := rest.Post().Param("dryRun", "All").SetHeader("Content-Type", "application/json").Body(data)
		if m.kind == "Ingress" {
			req = req.Namespace(ns).Resource("ingresses")
		} else {
			req = req.Resource("ingressclasses")
		}
		serverErr := req.Do(ctx).Error()
		if serverErr != nil && !apierrors.IsInvalid(serverErr) && !apierrors.IsBadRequest(serverErr) {
			t.Fatalf("%s: the API server failed: %v", m.name, serverErr)
		}
		lintMsgs := lintObject(t, data, ns, rules)
		if serverErr != nil {
			rejected++
		}
		if (serverErr != nil) != (len(lintMsgs) > 0) {
			disagree++
			server := "accepted"
			if serverErr != nil {
				server = "rejected: " + serverErr.Error()
			}
			linted := "no finding"
			if len(lintMsgs) > 0 {
				linted = strings.Join(lintMsgs, "\n  ")
			}
			shown := string(data)
			if len(shown) > 4000 {
				shown = shown[:4000] + "\n(cut)"
			}
			if len(server) > 4000 {
				server = server[:4000] + " (cut)"
			}
			t.Errorf("%s: the API server and lint disagree\nobject:\n%s\nAPI server: %s\nlint: %s", m.name, shown, server, linted)
		}
	}
	t.Logf("%d mutations, %d rejected by the API server, %d disagreements", len(muts), rejected, disagree)
}

// lintObject returns the error findings of the API rules on data, with
// the load errors.
func lintObject(t *testing.T, data []byte, ns string, rules []*lint.Rule) []string {
	t.Helper()
	set, err := manifest.Parse("object.json", data, manifest.Options{Namespace: ns})
	var msgs []string
	for _, f := range lint.LoadErrorFindings(err) {
		msgs = append(msgs, f.String())
	}
	if err != nil && len(msgs) == 0 {
		t.Fatal(err)
	}
	res, err := lint.Run(context.Background(), set, lint.Options{Rules: rules})
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range res.Findings {
		if f.Severity == lint.Error {
			msgs = append(msgs, f.String())
		}
	}
	return msgs
}

// remove marks a field to delete.
type removeField struct{}

var remove = removeField{}

// set changes the field at path (map keys and list indexes) of obj,
// creating the maps on the way; remove deletes it.
func set(obj map[string]any, path []any, v any) {
	var cur any = obj
	for i, p := range path {
		last := i == len(path)-1
		switch k := p.(type) {
		case string:
			m := cur.(map[string]any)
			if last {
				if _, del := v.(removeField); del {
					delete(m, k)
				} else {
					m[k] = v
				}
				return
			}
			next, ok := m[k]
			if !ok || next == nil {
				next = map[string]any{}
				m[k] = next
			}
			cur = next
		case int:
			l := cur.([]any)
			if last {
				l[k] = v
				return
			}
			cur = l[k]
		}
	}
}

// clone deep-copies a JSON object.
func clone(obj map[string]any) map[string]any {
	b, _ := json.Marshal(obj)
	var out map[string]any
	_ = json.Unmarshal(b, &out)
	return out
}

func parse(s string) map[string]any {
	var out map[string]any
	if err := json.Unmarshal([]byte(s), &out); err != nil {
		panic(err)
	}
	return out
}

const baseIngress = `{
  "apiVersion": "networking.k8s.io/v1",
  "kind": "Ingress",
  "metadata": {"name": "web", "labels": {"app": "web"}, "annotations": {"example.com/a": "b"}},
  "spec": {
    "ingressClassName": "nginx",
    "defaultBackend": {"service": {"name": "web", "port": {"number": 80}}},
    "tls": [{"hosts": ["example.com"], "secretName": "web-tls"}],
    "rules": [{"host": "example.com", "http": {"paths": [
      {"path": "/", "pathType": "Prefix", "backend": {"service": {"name": "web", "port": {"name": "http"}}}}
    ]}}]
  }
}`

const baseIngressClass = `{
  "apiVersion": "networking.k8s.io/v1",
  "kind": "IngressClass",
  "metadata": {"name": "validation", "labels": {"app": "web"}},
  "spec": {
    "controller": "example.com/ingress-controller",
    "parameters": {"apiGroup": "example.com", "kind": "Params", "name": "p", "scope": "Cluster"}
  }
}`

// Values the mutations draw on: valid and invalid in the ways the
// validators tell apart (case, length limits, leading digits, dots,
// slashes, wildcards, percent-encoding).
var (
	long63  = strings.Repeat("a", 63)
	long64  = strings.Repeat("a", 64)
	long253 = strings.Repeat("a", 61) + "." + strings.Repeat("b", 63) + "." + strings.Repeat("c", 63) + "." + strings.Repeat("d", 63)
	long254 = long253 + "e"

	objectNames = []any{"", "web", "Web", "web_1", "-web", "web-", "web.example", "1web", "123", "web..x", "a", long63, long64, long253, long254, "web/x", "web%x", "web x", "xn--bcher-kva"}
	labelKeys   = []string{"app", "example.com/app", "-app", "app-", "a/b/c", "Example.com/x", long63, long64, "/app", "app/", "a.b", "a_b", "example.com/" + long64, strings.Repeat("a", 254) + "/x"}
	labelValues = []any{"", "web", "Web_1", "-x", "x-", long63, long64, "a.b", "a/b", "a b", "1"}
	hosts       = []any{"", "example.com", "Example.com", "*.example.com", "*", "a.*.com", "foo*.example.com", "*.*.example.com", "1.2.3.4", "::1", "[::1]", "example.com:80", long64 + ".com", "-a.com", "a-.com", "a..com", "xn--bcher-kva.example", "*.a", "a", "010.1.2.3", "example.com.", "a_b.com", "é.com", long253, long254}
	paths       = []any{"", "/", "/a", "a", "//", "/a//b", "/./", "/a/./b", "/a/../b", "/a%2fb", "/a%2Fb", "/..", "/.", "/a/.", "/a/..", "/a b", "/a?b", "/*", "/.well-known", "/a/...", "/~u"}
	pathTypes   = []any{remove, "", "exact", "Exact", "Prefix", "ImplementationSpecific", "Regex"}
	svcNames    = []any{"", "web", "1web", "123", "9-web", "Web", "web_1", "-web", "web-", long63, long64, "web.svc", "a"}
	portNumbers = []any{0, 1, 80, 65535, 65536, -1}
	portNames   = []any{"", "http", "HTTP", "http-1", "1234", strings.Repeat("a", 15), strings.Repeat("a", 16), "-http", "http-", "http--x", "h_t", "a1"}
	apiGroups   = []any{remove, "", "example.com", "Example.com", "a_b", "k8s.io", long254}
	segments    = []any{"", "Bucket", "a/b", ".", "..", "a%b", "b", "a.b", "A"}
	secretNames = []any{remove, "", "tls", "Tls", "a_b", "a.b", long253, long254}
	controllers = []any{"", "example.com/ingress", "example.com", "k8s.io/ingress-nginx", "Example.com/x", "example.com/a b", "example.com/", "/x", "ingress.k8s.aws/alb", strings.Repeat("a", 240) + ".com/x", strings.Repeat("a", 250) + ".com/x", "example.com/a/b", "example.com/a%20b"}
	finalizers  = []any{"cleanup", "kubernetes", "orphan", "foregroundDeletion", "example.com/cleanup", "example.com/", "Example.com/x", "a/b/c", "/x", "example.com/" + long64, "example.com/a_b"}
	namespaces  = []any{remove, "ns", "Ns", "a_b", "", long63, long64}
	scopes      = []any{remove, "Cluster", "Namespace", "cluster", "Other", ""}
	generations = []any{-1, 0, 5}
)

// mutations builds the corpus: the base objects with one field changed,
// and a few pairs of fields that only mean something together (a scope
// with a namespace, a port name with a number).
func mutations() []mutation {
	ing := parse(baseIngress)
	class := parse(baseIngressClass)
	var out []mutation
	add := func(kind string, base map[string]any, name string, edits ...func(map[string]any)) {
		o := clone(base)
		for _, e := range edits {
			e(o)
		}
		out = append(out, mutation{name: kind + " " + name, kind: kind, obj: o})
	}
	at := func(path []any, v any) func(map[string]any) {
		return func(o map[string]any) { set(o, path, v) }
	}
	pathF := func(rest ...any) []any {
		return append([]any{"spec", "rules", 0, "http", "paths", 0}, rest...)
	}
	for _, k := range []struct {
		kind string
		base map[string]any
	}{{"Ingress", ing}, {"IngressClass", class}} {
		// Metadata, the same rules for both kinds.
		for _, v := range objectNames {
			add(k.kind, k.base, fmt.Sprintf("metadata.name=%.20q", v), at([]any{"metadata", "name"}, v))
		}
		for _, v := range objectNames {
			add(k.kind, k.base, fmt.Sprintf("metadata.generateName=%.20q", v), at([]any{"metadata", "name"}, remove), at([]any{"metadata", "generateName"}, v))
		}
		add(k.kind, k.base, "no name", at([]any{"metadata", "name"}, remove))
		add(k.kind, k.base, "generateName and name", at([]any{"metadata", "generateName"}, "Bad_"))
		for _, v := range generations {
			add(k.kind, k.base, fmt.Sprintf("metadata.generation=%v", v), at([]any{"metadata", "generation"}, v))
		}
		for _, key := range labelKeys {
			add(k.kind, k.base, fmt.Sprintf("label key %.20q", key), at([]any{"metadata", "labels", key}, "v"))
			add(k.kind, k.base, fmt.Sprintf("annotation key %.20q", key), at([]any{"metadata", "annotations", key}, "v"))
		}
		for _, v := range labelValues {
			add(k.kind, k.base, fmt.Sprintf("label value %.20q", v), at([]any{"metadata", "labels", "app"}, v))
		}
		add(k.kind, k.base, "annotations over 256 KiB", at([]any{"metadata", "annotations", "example.com/big"}, strings.Repeat("x", 256*1024)))
		add(k.kind, k.base, "annotations at 256 KiB", at([]any{"metadata", "annotations", "example.com/a"}, strings.Repeat("x", 256*1024-len("example.com/a"))))
		for _, v := range finalizers {
			add(k.kind, k.base, fmt.Sprintf("finalizer %.20q", v), at([]any{"metadata", "finalizers"}, []any{v}))
		}
	}

	// Ingress spec.
	for _, v := range objectNames {
		add("Ingress", ing, fmt.Sprintf("ingressClassName=%.20q", v), at([]any{"spec", "ingressClassName"}, v))
	}
	add("Ingress", ing, "class annotation matches", at([]any{"metadata", "annotations", "kubernetes.io/ingress.class"}, "nginx"))
	add("Ingress", ing, "class annotation differs", at([]any{"metadata", "annotations", "kubernetes.io/ingress.class"}, "other"))
	add("Ingress", ing, "class annotation without ingressClassName", at([]any{"metadata", "annotations", "kubernetes.io/ingress.class"}, "other"), at([]any{"spec", "ingressClassName"}, remove))
	for _, v := range hosts {
		add("Ingress", ing, fmt.Sprintf("rule host %.30q", v), at([]any{"spec", "rules", 0, "host"}, v))
		add("Ingress", ing, fmt.Sprintf("tls host %.30q", v), at([]any{"spec", "tls", 0, "hosts", 0}, v))
	}
	for _, pt := range []any{"Exact", "Prefix", "ImplementationSpecific"} {
		for _, v := range paths {
			add("Ingress", ing, fmt.Sprintf("%s path %q", pt, v), at(pathF("pathType"), pt), at(pathF("path"), v))
		}
		add("Ingress", ing, fmt.Sprintf("%s without path", pt), at(pathF("pathType"), pt), at(pathF("path"), remove))
	}
	for _, v := range pathTypes {
		add("Ingress", ing, fmt.Sprintf("pathType %v", v), at(pathF("pathType"), v))
	}
	for _, be := range []struct {
		name string
		path []any
	}{{"default backend", []any{"spec", "defaultBackend"}}, {"path backend", pathF("backend")}} {
		for _, v := range svcNames {
			add("Ingress", ing, fmt.Sprintf("%s service name %.20q", be.name, v), at(join(be.path, "service", "name"), v))
		}
		add("Ingress", ing, be.name+" without service name", at(join(be.path, "service", "name"), remove))
		for _, v := range portNumbers {
			add("Ingress", ing, fmt.Sprintf("%s port number %v", be.name, v), at(join(be.path, "service", "port"), map[string]any{"number": v}))
		}
		for _, v := range portNames {
			add("Ingress", ing, fmt.Sprintf("%s port name %q", be.name, v), at(join(be.path, "service", "port"), map[string]any{"name": v}))
		}
		add("Ingress", ing, be.name+" port name and number", at(join(be.path, "service", "port"), map[string]any{"name": "http", "number": 80}))
		add("Ingress", ing, be.name+" empty port", at(join(be.path, "service", "port"), map[string]any{}))
		add("Ingress", ing, be.name+" no port", at(join(be.path, "service", "port"), remove))
		add("Ingress", ing, be.name+" empty", at(be.path, map[string]any{}))
		add("Ingress", ing, be.name+" service and resource", at(join(be.path, "resource"), map[string]any{"kind": "Bucket", "name": "b"}))
		for _, v := range apiGroups {
			add("Ingress", ing, fmt.Sprintf("%s resource apiGroup %.20v", be.name, v), at(be.path, map[string]any{"resource": map[string]any{"kind": "Bucket", "name": "b"}}), at(join(be.path, "resource", "apiGroup"), v))
		}
		for _, v := range segments {
			add("Ingress", ing, fmt.Sprintf("%s resource kind %q", be.name, v), at(be.path, map[string]any{"resource": map[string]any{"kind": v, "name": "b"}}))
			add("Ingress", ing, fmt.Sprintf("%s resource name %q", be.name, v), at(be.path, map[string]any{"resource": map[string]any{"kind": "Bucket", "name": v}}))
		}
		add("Ingress", ing, be.name+" resource without kind and name", at(be.path, map[string]any{"resource": map[string]any{}}))
	}
	add("Ingress", ing, "no default backend", at([]any{"spec", "defaultBackend"}, remove))
	add("Ingress", ing, "no rules", at([]any{"spec", "rules"}, remove))
	add("Ingress", ing, "no rules and no default backend", at([]any{"spec", "rules"}, remove), at([]any{"spec", "defaultBackend"}, remove))
	add("Ingress", ing, "empty spec", at([]any{"spec"}, map[string]any{}))
	add("Ingress", ing, "rule without http", at([]any{"spec", "rules", 0, "http"}, remove))
	add("Ingress", ing, "http without paths", at([]any{"spec", "rules", 0, "http", "paths"}, []any{}))
	add("Ingress", ing, "wildcard rule with bad path", at([]any{"spec", "rules", 0, "host"}, "*.example.com"), at(pathF("path"), "a"))
	for _, v := range secretNames {
		add("Ingress", ing, fmt.Sprintf("tls secretName %.20v", v), at([]any{"spec", "tls", 0, "secretName"}, v))
	}
	add("Ingress", ing, "tls without hosts", at([]any{"spec", "tls", 0, "hosts"}, remove))

	// IngressClass spec.
	for _, v := range controllers {
		add("IngressClass", class, fmt.Sprintf("controller %.30q", v), at([]any{"spec", "controller"}, v))
	}
	add("IngressClass", class, "no controller", at([]any{"spec", "controller"}, remove))
	add("IngressClass", class, "no parameters", at([]any{"spec", "parameters"}, remove))
	for _, v := range apiGroups {
		add("IngressClass", class, fmt.Sprintf("parameters apiGroup %.20v", v), at([]any{"spec", "parameters", "apiGroup"}, v))
	}
	for _, v := range segments {
		add("IngressClass", class, fmt.Sprintf("parameters kind %q", v), at([]any{"spec", "parameters", "kind"}, v))
		add("IngressClass", class, fmt.Sprintf("parameters name %q", v), at([]any{"spec", "parameters", "name"}, v))
	}
	for _, s := range scopes {
		for _, n := range namespaces {
			add("IngressClass", class, fmt.Sprintf("parameters scope %v namespace %.20v", s, n), at([]any{"spec", "parameters", "scope"}, s), at([]any{"spec", "parameters", "namespace"}, n))
		}
	}
	return out
}

// join returns a new path: base followed by rest.
func join(base []any, rest ...any) []any {
	return append(append([]any(nil), base...), rest...)
}

// TestServerVersion reads the API server's version with the cluster's
// objects: lint applies that version's validation when it reads a cluster
// (--kube-version's default). The binary scripts/cluster-build.sh
// builds has no version stamped (v0.0.0-master), which lint reads as
// unknown.
func TestServerVersion(t *testing.T) {
	c := start(t)
	snap, err := cluster.Read(context.Background(), clients(t, c, Admin), cluster.Options{})
	if err != nil {
		t.Fatal(err)
	}
	info, err := c.Client(t, Admin).Discovery().ServerVersion()
	if err != nil {
		t.Fatal(err)
	}
	if snap.ServerVersion == "" || snap.ServerVersion != info.GitVersion {
		t.Errorf("Snapshot.ServerVersion = %q, want %q", snap.ServerVersion, info.GitVersion)
	}
}
