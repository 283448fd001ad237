package lint

import (
	"context"
	"strings"
	"testing"

	"github.com/ingresskit/ingresskit/internal/golden"
)

// TestCompare runs the migration check on the "Path Priority" example of
// ingress-nginx (docs/user-guide/ingress-path-matching.md): nginx makes
// the host a regex host, the spec profile does not.
func TestCompare(t *testing.T) {
	set := load(t, "testdata/compare/nginx-path-priority.yaml")
	fs, suppressed, err := Compare(context.Background(), set, CompareOptions{Controller: "nginx", Against: "spec"})
	if err != nil {
		t.Fatal(err)
	}
	if suppressed != 0 {
		t.Errorf("suppressed = %d, want 0", suppressed)
	}
	text := FormatFindings(fs)
	for _, want := range []string{
		`http://test.com/FOO/BAR/ routes differently: nginx sends it to default/service2:80`,
		`http://test.com/foo/bar/probe routes differently: nginx sends it to default/service3:80 rewrite /probe`,
	} {
		if !strings.Contains(text, want) {
			t.Errorf("findings lack %q:\n%s", want, text)
		}
	}
	for _, f := range fs {
		if f.Pos.Line == 0 || f.Rule != CompareID || f.Severity != Warning {
			t.Errorf("bad finding %s", f)
		}
	}
	golden.Assert(t, []byte(text), "testdata/compare/nginx-path-priority.nginx-spec.golden")
}

func TestCompareErrors(t *testing.T) {
	set := load(t, "testdata/compare/nginx-path-priority.yaml")
	if _, _, err := Compare(context.Background(), set, CompareOptions{Controller: "nginx", Against: "traefik"}); err == nil || !strings.Contains(err.Error(), "alb, gce, istio, nginx, spec") {
		t.Errorf("unknown profile: err = %v", err)
	}
	if _, _, err := Compare(context.Background(), nil, CompareOptions{Against: "spec"}); err == nil {
		t.Error("nil set: no error")
	}
	// The input names its class nginx: with no --controller the nginx
	// profile is inferred, and comparing spec with itself finds nothing.
	fs, _, err := Compare(context.Background(), set, CompareOptions{Controller: "spec", Against: "spec"})
	if err != nil || len(fs) != 0 {
		t.Errorf("spec against spec: %d findings, err %v", len(fs), err)
	}
	inferred, _, err := Compare(context.Background(), set, CompareOptions{Against: "spec"})
	if err != nil || len(inferred) == 0 {
		t.Errorf("inferred nginx against spec: %d findings, err %v", len(inferred), err)
	}
}
