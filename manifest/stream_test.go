package manifest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// chart writes n applications as `helm template` does: one stream, an
// Ingress, a Service and a Deployment each (the Deployment is a kind the
// loader skips).
func chart(n int) []byte {
	var b bytes.Buffer
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, "---\n# Source: app/templates/ingress.yaml\napiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: app-%d\n  namespace: ns-%d\nspec:\n  rules:\n  - host: app-%d.example.com\n    http:\n      paths:\n      - path: /\n        pathType: Prefix\n        backend:\n          service:\n            name: app-%d\n            port:\n              number: 80\n", i, i%7, i, i)
		fmt.Fprintf(&b, "---\napiVersion: v1\nkind: Service\nmetadata:\n  name: app-%d\n  namespace: ns-%d\nspec:\n  ports:\n  - port: 80\n", i, i%7)
		fmt.Fprintf(&b, "---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: app-%d\nspec:\n  template:\n    spec:\n      containers:\n      - name: app\n        image: %s\n", i, strings.Repeat("x", 400))
	}
	return b.Bytes()
}

// summary lists each object with the positions messages use.
func summary(set *Set) []string {
	var out []string
	for _, i := range set.Ingresses {
		out = append(out, fmt.Sprintf("Ingress %s %s %s", i.Key(), i.Source.Pos, i.Source.FieldPos("spec.rules[0].http.paths[0].backend.service.name")))
	}
	for _, s := range set.Services {
		out = append(out, fmt.Sprintf("Service %s %s", s.Key(), s.Source.Pos))
	}
	return out
}

// TestLoadLargeFile checks that a single file larger than the old
// 64 MiB limit's streaming threshold is read document by document, and
// gives the same objects and positions as the same bytes read whole.
func TestLoadLargeFile(t *testing.T) {
	data := chart(8000) // about 7 MB, over streamAbove
	if len(data) <= streamAbove {
		t.Fatalf("test input is %d bytes, not over streamAbove (%d)", len(data), streamAbove)
	}
	path := filepath.Join(t.TempDir(), "chart.yaml")
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	streamed, err := Load(context.Background(), Options{Paths: []string{path}})
	if err != nil {
		t.Fatal(err)
	}
	whole, err := Parse(path, data, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(streamed.Ingresses) != 8000 || streamed.Skipped["Deployment"] != 8000 {
		t.Fatalf("streamed load: %d Ingresses, %d Deployments skipped; want 8000 each", len(streamed.Ingresses), streamed.Skipped["Deployment"])
	}
	if d := cmp.Diff(summary(whole), summary(streamed)); d != "" {
		t.Errorf("streamed load differs from the whole read (-whole +streamed):\n%s", d)
	}
	// Standard input is streamed too, with no limit on bytes.
	stdin, err := Load(context.Background(), Options{Paths: []string{"-"}, Stdin: bytes.NewReader(data)})
	if err != nil {
		t.Fatal(err)
	}
	if got := len(stdin.Ingresses); got != 8000 {
		t.Errorf("stdin: %d Ingresses, want 8000", got)
	}
}

// TestReadStream checks the document cuts of the streamed read against
// SplitDocuments, for long lines, a missing final newline, and empty and
// binary input.
func TestReadStream(t *testing.T) {
	long := strings.Repeat("y", 200<<10) // longer than the read buffer
	for _, tc := range []struct {
		name, in, bad string
	}{
		{"documents", "a: 1\n---\nb: 2\n--- \nc: 3", ""},
		{"leading marker", "---\na: 1\n---\n", ""},
		{"long line", "a: " + long + "\n---\nb: 2\n", ""},
		{"empty", " \n\n", "file is empty"},
		{"binary", "a: \x00\n", "binary file, not a YAML or JSON manifest"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in, n, err := readStream("x", strings.NewReader(tc.in))
			if err != nil {
				t.Fatal(err)
			}
			if n != int64(len(tc.in)) {
				t.Errorf("read %d bytes, want %d", n, len(tc.in))
			}
			if in.bad != tc.bad {
				t.Errorf("bad = %q, want %q", in.bad, tc.bad)
			}
			if tc.bad != "" {
				return
			}
			parts, starts := SplitDocuments([]byte(tc.in))
			var want, got []string
			for i := range parts {
				want = append(want, fmt.Sprintf("%d:%s", starts[i], parts[i]))
			}
			for i := range in.parts {
				got = append(got, fmt.Sprintf("%d:%s", in.starts[i], in.parts[i]))
			}
			if d := cmp.Diff(want, got); d != "" {
				t.Errorf("cuts differ from SplitDocuments (-want +got):\n%s", d)
			}
		})
	}
}

// TestMaxTotalNodes checks the bound on what a whole load expands to:
// the documents up to the one that crosses it load, that one and the
// rest do not, and the error names it, whatever the number of workers.
func TestMaxTotalNodes(t *testing.T) {
	data := chart(30)
	one, err := Parse("c.yaml", chart(1), Options{})
	if err != nil || len(one.Ingresses) != 1 {
		t.Fatal(err)
	}
	for _, workers := range []int{1, 4} {
		// About ten applications' worth of nodes.
		set, err := Parse("c.yaml", data, Options{MaxTotalNodes: 600, Workers: workers})
		var le *LoadError
		if !errors.As(err, &le) || len(le.Errors) != 1 {
			t.Fatalf("workers %d: err = %v, want one input error", workers, err)
		}
		msg := le.Errors[0].Error()
		if !strings.Contains(msg, "expands to more than 600 YAML nodes in all") {
			t.Errorf("workers %d: message %q does not name the bound", workers, msg)
		}
		n := len(set.Ingresses)
		if n == 0 || n >= 30 {
			t.Errorf("workers %d: %d Ingresses loaded, want the first few", workers, n)
		}
		for i, ing := range set.Ingresses {
			if ing.Name != fmt.Sprintf("app-%d", i) {
				t.Errorf("workers %d: Ingress %d is %s: not a prefix of the input", workers, i, ing.Name)
			}
		}
		again, _ := Parse("c.yaml", data, Options{MaxTotalNodes: 600, Workers: workers})
		if len(again.Ingresses) != n {
			t.Errorf("workers %d: %d Ingresses, then %d: the cut is not deterministic", workers, n, len(again.Ingresses))
		}
	}
}
