package printer

import (
	"bytes"
	"encoding/json"
	"os"
	"testing"

	"github.com/ingresskit/ingresskit/internal/golden"
	"github.com/ingresskit/ingresskit/manifest"
	"github.com/ingresskit/ingresskit/simulate"
	"github.com/ingresskit/ingresskit/simulate/istio"
)

var simulateURLs = []string{
	"http://shop.test/",
	"https://shop.test/api",
	"http://shop.test/legacy/../legacy/x",
	"https://other.test/anything",
	"http://other.test/x",
}

func loadSet(t *testing.T, path string) *manifest.Set {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	set, err := manifest.Parse(path, data, manifest.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return set
}

func decisions(t *testing.T, explain bool) []simulate.Decision {
	t.Helper()
	ix, err := simulate.Compile(loadSet(t, "testdata/simulate.yaml"), simulate.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var out []simulate.Decision
	for _, u := range simulateURLs {
		req, err := simulate.ParseRequest(u, nil)
		if err != nil {
			t.Fatal(err)
		}
		if explain {
			out = append(out, ix.Explain(req))
		} else {
			out = append(out, ix.Lookup(req))
		}
	}
	return out
}

func TestSimulateText(t *testing.T) {
	tests := []struct {
		name    string
		color   bool
		explain bool
		golden  string
	}{
		{"plain", false, false, "testdata/simulate.txt"},
		{"explain", false, true, "testdata/simulate.explain.txt"},
		{"color", true, true, "testdata/simulate.color.txt"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			s := NewStyles(&buf, tt.color)
			for _, d := range decisions(t, tt.explain) {
				if err := SimulateText(&buf, s, d, tt.explain); err != nil {
					t.Fatal(err)
				}
			}
			if !tt.color && bytes.Contains(buf.Bytes(), []byte("\x1b[")) {
				t.Error("plain output carries ANSI escapes")
			}
			if tt.color && !bytes.Contains(buf.Bytes(), []byte("\x1b[")) {
				t.Error("colored output carries no ANSI escapes")
			}
			golden.Assert(t, buf.Bytes(), tt.golden)
		})
	}
}

func TestSimulateJSON(t *testing.T) {
	var buf bytes.Buffer
	for _, d := range decisions(t, false) {
		if err := SimulateJSON(&buf, d); err != nil {
			t.Fatal(err)
		}
	}
	golden.Assert(t, buf.Bytes(), "testdata/simulate.json")

	// The contract: every line is one object with url and matched; a
	// match has ingress, backend and (unless from the defaultBackend)
	// rule; https lines carry tls, http lines do not.
	for _, line := range bytes.Split(bytes.TrimSpace(buf.Bytes()), []byte("\n")) {
		var m map[string]any
		if err := json.Unmarshal(line, &m); err != nil {
			t.Fatalf("%s: %v", line, err)
		}
		url, _ := m["url"].(string)
		matched, ok := m["matched"].(bool)
		if url == "" || !ok {
			t.Errorf("%s: url or matched missing", line)
		}
		_, hasTLS := m["tls"]
		if https := len(url) > 5 && url[:6] == "https:"; https != hasTLS {
			t.Errorf("%s: tls member present=%v for https=%v", line, hasTLS, https)
		}
		if !matched {
			continue
		}
		_, hasRule := m["rule"]
		db, _ := m["defaultBackend"].(bool)
		if m["ingress"] == nil || m["backend"] == nil || hasRule == db {
			t.Errorf("%s: a match needs ingress, backend and rule unless from the defaultBackend", line)
		}
	}
}

// TestSimulateIstioTLS: over https an Istio Gateway answer names its
// server's credentialName, never an Ingress's spec.tls.
func TestSimulateIstioTLS(t *testing.T) {
	planes := istio.Build(loadSet(t, "testdata/simulate_istio.yaml"))
	if len(planes) != 1 {
		t.Fatalf("%d Istio data planes, want 1", len(planes))
	}
	var text, js bytes.Buffer
	for _, u := range []string{"https://shop.example.com/api/x", "https://nope.example.org/", "http://shop.example.com/a"} {
		req, err := simulate.ParseRequest(u, nil)
		if err != nil {
			t.Fatal(err)
		}
		d := planes[0].Lookup(req)
		if err := SimulateText(&text, NewStyles(&text, false), d, false); err != nil {
			t.Fatal(err)
		}
		if err := SimulateJSON(&js, d); err != nil {
			t.Fatal(err)
		}
	}
	if bytes.Contains(text.Bytes(), []byte("spec.tls")) {
		t.Errorf("an Istio answer speaks of spec.tls:\n%s", text.Bytes())
	}
	golden.Assert(t, text.Bytes(), "testdata/simulate_istio.txt")
	golden.Assert(t, js.Bytes(), "testdata/simulate_istio.json")
}
