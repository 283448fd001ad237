package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

func TestTestFlags(t *testing.T) {
	tests := []struct {
		name    string
		args    []string
		want    testOptions
		wantErr string
	}{
		{
			name: "defaults",
			args: []string{"-f", "m.yaml", "routes.yaml"},
			want: testOptions{Files: fileFlags{Filenames: []string{"m.yaml"}}, RouteFiles: []string{"routes.yaml"}, Output: "text"},
		},
		{
			name: "junit, class and controller",
			args: []string{"-f", "m.yaml", "-o", "junit", "--ingress-class", "nginx", "--controller", "spec", "a.yaml", "b.yaml"},
			want: testOptions{Files: fileFlags{Filenames: []string{"m.yaml"}}, RouteFiles: []string{"a.yaml", "b.yaml"},
				Output: "junit", IngressClass: "nginx", Controller: "spec"},
		},
		{name: "no routes file", args: []string{"-f", "m.yaml"}, wantErr: "requires at least 1 arg"},
		{name: "bad output", args: []string{"-f", "m.yaml", "-o", "tap", "r.yaml"}, wantErr: "must be one of json, junit, text"},
		{name: "bad controller", args: []string{"-f", "m.yaml", "--controller", "traefik", "r.yaml"}, wantErr: "must be one of alb, gce, istio, nginx, spec"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parseOptions(newTestCmd, tt.args)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("error %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, *got, cmpopts.IgnoreFields(testOptions{}, "IO"), clusterFlagsOpt); diff != "" {
				t.Errorf("options (-want +got):\n%s", diff)
			}
		})
	}
}

// TestTestOutputTTY checks that a terminal gets a table and a pipe gets
// one line per test.
func TestTestOutputTTY(t *testing.T) {
	dir := t.TempDir()
	manifests := filepath.Join(dir, "m.yaml")
	routes := filepath.Join(dir, "r.yaml")
	write := func(name, data string) {
		if err := os.WriteFile(name, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write(manifests, `apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: web}
spec:
  defaultBackend:
    service: {name: web, port: {number: 80}}
`)
	write(routes, "tests:\n- url: http://x.test/\n  service: web\n")
	for _, tty := range []bool{false, true} {
		var out, errOut bytes.Buffer
		io := newIO(nil, &out, &errOut)
		io.tty = &tty
		io.getenv = func(string) string { return "" }
		cmd := newTestCmd(io, nil)
		cmd.SetArgs([]string{"-f", manifests, routes})
		if err := cmd.ExecuteContext(context.Background()); err != nil {
			t.Fatal(err)
		}
		header := strings.Contains(out.String(), "RESULT")
		if header != tty {
			t.Errorf("tty=%v: output %q", tty, out.String())
		}
		if tty && !strings.Contains(out.String(), "\x1b[") {
			t.Errorf("tty: no colour in %q", out.String())
		}
		if !tty && strings.Contains(out.String(), "\x1b[") {
			t.Errorf("pipe: colour in %q", out.String())
		}
		if got := errOut.String(); got != "all 1 route tests passed\n" {
			t.Errorf("stderr %q", got)
		}
	}
}
