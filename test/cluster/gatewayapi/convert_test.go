//go:build clustertest

package gatewayapi

import (
	"context"
	"encoding/json"
	"errors"
	"io/fs"
	"path/filepath"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/ingresskit/ingresskit/lint"
	"github.com/ingresskit/ingresskit/manifest"
	"github.com/ingresskit/ingresskit/migrate"
	_ "github.com/ingresskit/ingresskit/migrate/all"
	clustertest "github.com/ingresskit/ingresskit/test/cluster"
)

// manifestFiles returns every YAML file of examples/ and of the packages'
// testdata directories (fuzz corpora and txtar scripts aside), relative to
// the repository root.
func manifestFiles(t *testing.T, root string) []string {
	t.Helper()
	var out []string
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		if d.IsDir() {
			if strings.HasPrefix(d.Name(), ".") && rel != "." || d.Name() == "fuzz" || d.Name() == "node_modules" {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(p, ".yaml") {
			return nil
		}
		if strings.HasPrefix(rel, "examples"+string(filepath.Separator)) || strings.Contains(rel, string(filepath.Separator)+"testdata"+string(filepath.Separator)) {
			out = append(out, p)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestConvertedManifestsAcceptedByAPIServer converts every example and
// testdata manifest with Ingresses to the Gateway API and creates each
// object with dryRun=All on a real API server with the Gateway API CRDs
// installed: none may be rejected. Inputs the loader refuses, and inputs
// with an Ingress the API server would refuse (lint's invalid-* rules: an
// invalid host or namespace, which the translation carries over), are
// skipped and counted.
func TestConvertedManifestsAcceptedByAPIServer(t *testing.T) {
	c := clustertest.Start(t)
	cs := c.Client(t, clustertest.Admin)
	ctx := context.Background()
	installCRDs(t, cs)
	rc := cs.Discovery().RESTClient()
	namespaces := map[string]bool{}
	files := manifestFiles(t, filepath.Join("..", "..", ".."))
	if len(files) < 50 {
		t.Fatalf("only %d manifest files found", len(files))
	}
	var converted, objects, skipped, rejected int
	for _, f := range files {
		set, err := manifest.Load(ctx, manifest.Options{Paths: []string{f}})
		var le *manifest.LoadError
		if errors.As(err, &le) || len(set.Ingresses) == 0 {
			continue
		}
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		res, err := lint.Run(ctx, set, lint.Options{})
		if err != nil {
			t.Fatal(err)
		}
		// Only what the API server itself would refuse in the Ingress
		// (lint's invalid-* rules) is left out: a missing Service or a
		// conflict does not stop the objects from being created.
		reported := false
		for _, fd := range res.Findings {
			reported = reported || (fd.Severity == lint.Error && strings.HasPrefix(fd.Object, "Ingress ") && strings.HasPrefix(fd.Rule, "invalid-"))
		}
		if reported {
			skipped++
			continue
		}
		tr, err := migrate.Translate(set, migrate.Options{})
		if err != nil {
			skipped++
			t.Logf("%s: not translated: %v", f, err)
			continue
		}
		converted++
		for _, o := range tr.Objects {
			if o.Namespace != "" && !namespaces[o.Namespace] {
				_, err := cs.CoreV1().Namespaces().Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: o.Namespace}}, metav1.CreateOptions{})
				if err != nil && !apierrors.IsAlreadyExists(err) {
					t.Fatalf("namespace %s: %v", o.Namespace, err)
				}
				namespaces[o.Namespace] = true
			}
			data, err := json.Marshal(o.Object)
			if err != nil {
				t.Fatal(err)
			}
			var meta struct {
				APIVersion string `json:"apiVersion"`
			}
			if err := json.Unmarshal(data, &meta); err != nil || meta.APIVersion == "" {
				t.Fatalf("%s: %s %s/%s has no apiVersion", f, o.Kind, o.Namespace, o.Name)
			}
			path := "/apis/" + meta.APIVersion
			if o.Namespace != "" {
				path += "/namespaces/" + o.Namespace
			}
			path += "/" + plural[o.Kind]
			var serverErr error
			for try := 0; ; try++ {
				serverErr = rc.Post().AbsPath(path).Param("dryRun", "All").SetHeader("Content-Type", "application/json").Body(data).Do(ctx).Error()
				if (apierrors.IsNotFound(serverErr) || apierrors.IsServiceUnavailable(serverErr)) && try < 20 {
					time.Sleep(500 * time.Millisecond)
					continue
				}
				break
			}
			objects++
			if serverErr != nil {
				rejected++
				t.Errorf("%s: the API server rejects %s %s/%s (from %s): %v\n%s", f, o.Kind, o.Namespace, o.Name, strings.Join(o.From, ", "), serverErr, shorten2(string(data)))
			}
		}
	}
	if converted < 100 {
		t.Fatalf("only %d inputs converted; the corpus must hold at least 100", converted)
	}
	t.Logf("%d inputs converted (%d skipped as reported), %d objects created with dryRun=All, %d rejected", converted, skipped, objects, rejected)
}
