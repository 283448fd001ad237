//go:build clustertest

// Package gatewayapi checks lint's Gateway API validation against a real
// kube-apiserver with the Gateway API CRDs of the required module installed
// (make test-cluster). It starts its own API server, so the CRDs do not
// change what the other cluster tests see.
package gatewayapi

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/client-go/kubernetes"
	"sigs.k8s.io/yaml"

	"github.com/google/go-cmp/cmp"

	"github.com/ingresskit/ingresskit/cluster"
	"github.com/ingresskit/ingresskit/lint"
	"github.com/ingresskit/ingresskit/manifest"
	clustertest "github.com/ingresskit/ingresskit/test/cluster"
)

const ns = "gwtest"

// plural is each kind's resource name (the CRDs' spec.names.plural).
var plural = map[string]string{
	"GatewayClass": "gatewayclasses", "Gateway": "gateways", "HTTPRoute": "httproutes",
	"GRPCRoute": "grpcroutes", "ReferenceGrant": "referencegrants", "BackendTLSPolicy": "backendtlspolicies",
}

// installCRDs creates the standard-channel CRDs of the required
// sigs.k8s.io/gateway-api module and waits until each kind is served.
func installCRDs(t *testing.T, cs kubernetes.Interface) {
	t.Helper()
	out, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", "sigs.k8s.io/gateway-api").Output()
	if err != nil {
		t.Fatalf("go list -m sigs.k8s.io/gateway-api: %v", err)
	}
	dir := filepath.Join(strings.TrimSpace(string(out)), "config", "crd", "standard")
	files, err := filepath.Glob(filepath.Join(dir, "gateway.networking.k8s.io_*.yaml"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no CRDs in %s: %v", dir, err)
	}
	ctx := context.Background()
	rc := cs.Discovery().RESTClient()
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		// The directory also holds a ValidatingAdmissionPolicy that
		// guards upgrades; only the CRDs are installed.
		if !strings.Contains(string(data), "\nkind: CustomResourceDefinition\n") {
			continue
		}
		js, err := yaml.YAMLToJSON(data)
		if err != nil {
			t.Fatal(err)
		}
		if err := rc.Post().AbsPath("/apis/apiextensions.k8s.io/v1/customresourcedefinitions").SetHeader("Content-Type", "application/json").Body(js).Do(ctx).Error(); err != nil {
			t.Fatalf("create CRD %s: %v", filepath.Base(f), err)
		}
	}
	deadline := time.Now().Add(90 * time.Second)
	for _, gv := range []string{"gateway.networking.k8s.io/v1", "gateway.networking.k8s.io/v1beta1"} {
		for {
			l, err := cs.Discovery().ServerResourcesForGroupVersion(gv)
			if err == nil && (gv != "gateway.networking.k8s.io/v1" || len(l.APIResources) >= len(plural)) {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("%s not served after 90s: %v", gv, err)
			}
			time.Sleep(500 * time.Millisecond)
		}
	}
}

// object is one object to send, with a name for messages.
type object struct {
	name string
	obj  map[string]any
}

func (o object) kind() string       { return o.obj["kind"].(string) }
func (o object) apiVersion() string { return o.obj["apiVersion"].(string) }

// valid reads testdata/valid.yaml as unstructured objects.
func valid(t *testing.T) []object {
	t.Helper()
	data, err := os.ReadFile("testdata/valid.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var out []object
	for i, doc := range strings.Split(string(data), "\n---\n") {
		js, err := yaml.YAMLToJSON([]byte(doc))
		if err != nil {
			t.Fatal(err)
		}
		var m map[string]any
		if err := json.Unmarshal(js, &m); err != nil {
			t.Fatal(err)
		}
		out = append(out, object{name: fmt.Sprintf("valid[%d] %s", i, m["kind"]), obj: m})
	}
	return out
}

// mutations returns each valid object, then each with one field changed:
// every string set to values the schemas restrict (empty, upper case and
// underscores, no leading slash, 300 characters), every number to 0, -1 and
// 70000, every field but apiVersion, kind and metadata removed, and every
// list's first item repeated.
func mutations(t *testing.T) []object {
	var out []object
	for _, v := range valid(t) {
		out = append(out, v)
		var walk func(path string, get func(map[string]any) any, set func(map[string]any, any), del func(map[string]any))
		add := func(name string, f func(map[string]any)) {
			c := runtime.DeepCopyJSON(v.obj)
			f(c)
			out = append(out, object{name: v.name + " " + name, obj: c})
		}
		walk = func(path string, get func(map[string]any) any, set func(map[string]any, any), del func(map[string]any)) {
			val := get(v.obj)
			top := path == "apiVersion" || path == "kind" || path == "metadata" || path == "metadata.namespace"
			if del != nil && !top {
				add("remove "+path, del)
			}
			switch x := val.(type) {
			case string:
				if top {
					return
				}
				for _, s := range []string{"", "Bad_Value", "no-slash", strings.Repeat("a", 300), "*"} {
					add(fmt.Sprintf("%s=%q", path, shorten(s)), func(m map[string]any) { set(m, s) })
				}
			case int64, float64:
				for _, n := range []int64{0, -1, 70000} {
					add(fmt.Sprintf("%s=%d", path, n), func(m map[string]any) { set(m, n) })
				}
			case map[string]any:
				keys := make([]string, 0, len(x))
				for k := range x {
					keys = append(keys, k)
				}
				sort.Strings(keys)
				for _, k := range keys {
					p := k
					if path != "" {
						p = path + "." + k
					}
					walk(p,
						func(m map[string]any) any { return get(m).(map[string]any)[k] },
						func(m map[string]any, nv any) { get(m).(map[string]any)[k] = nv },
						func(m map[string]any) { delete(get(m).(map[string]any), k) })
				}
			case []any:
				if len(x) > 0 {
					add("repeat "+path+"[0]", func(m map[string]any) {
						l := get(m).([]any)
						set(m, append(l, runtime.DeepCopyJSONValue(l[0])))
					})
				}
				for i := range x {
					walk(fmt.Sprintf("%s[%d]", path, i),
						func(m map[string]any) any { return get(m).([]any)[i] },
						func(m map[string]any, nv any) { get(m).([]any)[i] = nv },
						func(m map[string]any) {
							l := get(m).([]any)
							set(m, append(append([]any{}, l[:i]...), l[i+1:]...))
						})
				}
			}
		}
		walk("", func(m map[string]any) any { return m }, nil, nil)
	}
	return out
}

func shorten(s string) string {
	if len(s) > 12 {
		return s[:12] + "..."
	}
	return s
}

// TestGatewayAPIValidationAgreesWithAPIServer sends every valid object and
// every mutation to the real API server with dryRun=All and lints the same
// bytes with gateway-api-validation: both must accept and reject the same
// objects.
func TestGatewayAPIValidationAgreesWithAPIServer(t *testing.T) {
	c := clustertest.Start(t)
	cs := c.Client(t, clustertest.Admin)
	ctx := context.Background()
	installCRDs(t, cs)
	if _, err := cs.CoreV1().Namespaces().Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ns}}, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	rule := lint.Lookup("gateway-api-validation")
	rc := cs.Discovery().RESTClient()
	muts := mutations(t)
	if len(muts) < 300 {
		t.Fatalf("only %d objects; the corpus must hold at least 300", len(muts))
	}
	disagree, rejected := 0, 0
	for _, m := range muts {
		data, err := json.MarshalIndent(m.obj, "", "  ")
		if err != nil {
			t.Fatal(err)
		}
		path := "/apis/" + m.apiVersion()
		if m.kind() != "GatewayClass" {
			path += "/namespaces/" + ns
		}
		path += "/" + plural[m.kind()]
		var serverErr error
		for try := 0; ; try++ {
			serverErr = rc.Post().AbsPath(path).Param("dryRun", "All").SetHeader("Content-Type", "application/json").Body(data).Do(ctx).Error()
			// A CRD just installed may answer 404 or 503 for a moment.
			if (apierrors.IsNotFound(serverErr) || apierrors.IsServiceUnavailable(serverErr)) && try < 20 {
				time.Sleep(500 * time.Millisecond)
				continue
			}
			break
		}
		if serverErr != nil && !apierrors.IsInvalid(serverErr) && !apierrors.IsBadRequest(serverErr) {
			t.Fatalf("%s: the API server failed: %v", m.name, serverErr)
		}
		msgs := lintObject(t, data, rule)
		if serverErr != nil {
			rejected++
		}
		if (serverErr != nil) != (len(msgs) > 0) {
			disagree++
			server := "accepted"
			if serverErr != nil {
				server = "rejected: " + serverErr.Error()
			}
			linted := "no finding"
			if len(msgs) > 0 {
				linted = strings.Join(msgs, "\n  ")
			}
			t.Errorf("%s: the API server and lint disagree\nobject:\n%s\nAPI server: %s\nlint: %s", m.name, shorten2(string(data)), shorten2(server), linted)
		}
	}
	t.Logf("%d objects, %d rejected by the API server, %d disagreements", len(muts), rejected, disagree)
}

func shorten2(s string) string {
	if len(s) > 3000 {
		return s[:3000] + " (cut)"
	}
	return s
}

// lintObject returns the error findings of rule on data, with the load
// errors: an object the loader cannot decode is one lint rejects.
func lintObject(t *testing.T, data []byte, rule *lint.Rule) []string {
	t.Helper()
	set, err := manifest.Parse("object.json", data, manifest.Options{Namespace: ns})
	var msgs []string
	for _, f := range lint.LoadErrorFindings(err) {
		msgs = append(msgs, f.String())
	}
	if err != nil && len(msgs) == 0 {
		t.Fatal(err)
	}
	res, err := lint.Run(context.Background(), set, lint.Options{Rules: []*lint.Rule{rule}})
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

// TestReadGatewayAPI reads the Gateway API objects back from a cluster
// that serves the CRDs, as routes, lint and simulate do with no -f.
func TestReadGatewayAPI(t *testing.T) {
	c := clustertest.Start(t)
	cs := c.Client(t, clustertest.Admin)
	ctx := context.Background()
	installCRDs(t, cs)
	if _, err := cs.CoreV1().Namespaces().Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ns}}, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	rc := cs.Discovery().RESTClient()
	var want []string
	for _, v := range valid(t) {
		data, err := json.Marshal(v.obj)
		if err != nil {
			t.Fatal(err)
		}
		path := "/apis/" + v.apiVersion()
		name := v.obj["metadata"].(map[string]any)["name"].(string)
		if v.kind() != "GatewayClass" {
			path += "/namespaces/" + ns
			want = append(want, ns+"/"+v.kind()+"/"+name)
		} else {
			want = append(want, v.kind()+"/"+name)
		}
		path += "/" + plural[v.kind()]
		var err2 error
		for try := 0; try < 20; try++ {
			if err2 = rc.Post().AbsPath(path).SetHeader("Content-Type", "application/json").Body(data).Do(ctx).Error(); err2 == nil || !(apierrors.IsNotFound(err2) || apierrors.IsServiceUnavailable(err2)) {
				break
			}
			time.Sleep(500 * time.Millisecond)
		}
		if err2 != nil {
			t.Fatalf("create %s: %v", v.name, err2)
		}
	}
	cl, err := cluster.NewClients(c.Config(clustertest.Admin))
	if err != nil {
		t.Fatal(err)
	}
	snap, err := cluster.Read(ctx, cl, cluster.Options{Namespace: ns})
	if err != nil {
		t.Fatal(err)
	}
	if !snap.GatewayAPI {
		t.Fatal("GatewayAPI = false on a cluster with the CRDs")
	}
	var got []string
	g := snap.Set.GatewayObjects
	for _, o := range g.GatewayClasses {
		got = append(got, o.Source.Pos.String())
	}
	for _, o := range g.Gateways {
		got = append(got, o.Source.Pos.String())
	}
	for _, o := range g.HTTPRoutes {
		got = append(got, o.Source.Pos.String())
	}
	for _, o := range g.GRPCRoutes {
		got = append(got, o.Source.Pos.String())
	}
	for _, o := range g.ReferenceGrants {
		got = append(got, o.Source.Pos.String())
	}
	for _, o := range g.BackendTLSPolicies {
		got = append(got, o.Source.Pos.String())
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("objects read (-want +got):\n%s", diff)
	}
	if len(snap.Warnings) != 0 {
		t.Errorf("warnings: %v", snap.Warnings)
	}
	// What the cluster stored lints clean under the validation rule.
	res, err := lint.Run(ctx, snap.Set, lint.Options{Rules: []*lint.Rule{lint.Lookup("gateway-api-validation")}})
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range res.Findings {
		t.Errorf("stored object: %s", f)
	}
}
