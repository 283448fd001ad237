package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/ingresskit/ingresskit/cluster"
	"github.com/ingresskit/ingresskit/printer"
)

// TestLintFlags checks how the command line maps to lintOptions, with a
// runF that captures the options and runs nothing.
func TestLintFlags(t *testing.T) {
	tests := []struct {
		name    string
		args    []string
		want    lintOptions
		wantErr string
	}{
		{"defaults", []string{"-f", "a.yaml"}, lintOptions{Files: fileFlags{Filenames: []string{"a.yaml"}}, Outputs: []outputSpec{{Format: "text"}}}, ""},
		{"everything", []string{"-f", "a.yaml", "-R", "-n", "shop", "-o", "sarif", "--enable", "gce-path-regex,nginx-snippet-annotation", "--disable", "missing-service", "--enable-all", "--fail-on", "warning", "--config", "c.yaml", "--fix"},
			lintOptions{Files: fileFlags{Filenames: []string{"a.yaml"}, Recursive: true, Namespace: "shop"}, Outputs: []outputSpec{{Format: "sarif"}},
				Enable: []string{"gce-path-regex", "nginx-snippet-annotation"}, Disable: []string{"missing-service"}, EnableAll: true, FailOn: "warning", Config: "c.yaml", Fix: true},
			""},
		{"unknown rule", []string{"-f", "a.yaml", "--enable", "a-rule"}, lintOptions{}, `unknown rule "a-rule"`},
		{"known rules", []string{"-f", "a.yaml", "--enable", "missing-service", "--disable", "shadowed-path"},
			lintOptions{Files: fileFlags{Filenames: []string{"a.yaml"}}, Outputs: []outputSpec{{Format: "text"}}, Enable: []string{"missing-service"}, Disable: []string{"shadowed-path"}}, ""},
		{"list rules needs no input", []string{"--list-rules"}, lintOptions{Outputs: []outputSpec{{Format: "text"}}, ListRules: true}, ""},
		{"cluster", nil, lintOptions{Outputs: []outputSpec{{Format: "text"}}}, ""},
		{"check certs", []string{"-n", "shop", "--check-certs"}, lintOptions{Files: fileFlags{Namespace: "shop"}, Outputs: []outputSpec{{Format: "text"}}, Cluster: clusterFlags{SecretData: true}}, ""},
		{"cluster with files", []string{"-f", "a.yaml", "--cluster"}, lintOptions{Files: fileFlags{Filenames: []string{"a.yaml"}}, Outputs: []outputSpec{{Format: "text"}}, Cluster: clusterFlags{Cluster: true}}, ""},
		{"fix without files", []string{"--fix"}, lintOptions{}, "--fix rewrites files in place"},
		{"fix stdin", []string{"-f", "-", "--fix"}, lintOptions{}, "cannot fix standard input"},
		{"bad output", []string{"-f", "a.yaml", "-o", "xml"}, lintOptions{}, "must be one of github, json, junit, sarif, text"},
		{"several outputs", []string{"-f", "a.yaml", "-o", "text", "-o", "sarif=ingresskit.sarif", "-o", "junit=report.xml"},
			lintOptions{Files: fileFlags{Filenames: []string{"a.yaml"}}, Outputs: []outputSpec{{Format: "text"}, {Format: "sarif", Path: "ingresskit.sarif"}, {Format: "junit", Path: "report.xml"}}}, ""},
		{"only files", []string{"-f", "a.yaml", "-o", "json=a.json"},
			lintOptions{Files: fileFlags{Filenames: []string{"a.yaml"}}, Outputs: []outputSpec{{Format: "json", Path: "a.json"}}}, ""},
		{"two on stdout", []string{"-f", "a.yaml", "-o", "text", "-o", "json"}, lintOptions{}, "only one format can go to standard output"},
		{"one file twice", []string{"-f", "a.yaml", "-o", "json=r.out", "-o", "sarif=./r.out"}, lintOptions{}, "write the same file"},
		{"empty file", []string{"-f", "a.yaml", "-o", "sarif="}, lintOptions{}, "give the file after ="},
		{"bad format with file", []string{"-f", "a.yaml", "-o", "xml=a.xml"}, lintOptions{}, "must be one of github, json, junit, sarif, text"},
		{"list rules to a file", []string{"--list-rules", "-o", "json=rules.json"}, lintOptions{}, "--list-rules prints one format to standard output"},
		{"bad fail-on", []string{"-f", "a.yaml", "--fail-on", "fatal"}, lintOptions{}, "must be one of error, info, warning"},
		{"controller and compare", []string{"-f", "a.yaml", "--controller", "nginx", "--compare", "spec"},
			lintOptions{Files: fileFlags{Filenames: []string{"a.yaml"}}, Outputs: []outputSpec{{Format: "text"}}, Controller: "nginx", Compare: "spec"}, ""},
		{"controller alone", []string{"-f", "a.yaml", "--controller", "alb"},
			lintOptions{Files: fileFlags{Filenames: []string{"a.yaml"}}, Outputs: []outputSpec{{Format: "text"}}, Controller: "alb"}, ""},
		{"compare needs controller", []string{"-f", "a.yaml", "--compare", "spec"}, lintOptions{}, "--compare needs --controller"},
		{"bad controller", []string{"-f", "a.yaml", "--controller", "traefik"}, lintOptions{}, "must be one of alb, gce, istio, nginx, spec"},
		{"bad compare", []string{"-f", "a.yaml", "--controller", "nginx", "--compare", "traefik"}, lintOptions{}, "must be one of alb, gce, istio, nginx, spec"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parseOptions(newLintCmd, tt.args)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(&tt.want, got, cmpopts.IgnoreFields(lintOptions{}, "IO", "now", "getwd"), clusterFlagsOpt); diff != "" {
				t.Errorf("options (-want +got):\n%s", diff)
			}
		})
	}
}

// TestLintExitCodes runs the real command for every exit code.
func TestLintExitCodes(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want int
	}{
		{"findings", []string{"lint", "-f", "../../examples/alb-hosts.yaml"}, exitFindings},
		{"disabled", []string{"lint", "-f", "../../examples/alb-hosts.yaml", "--disable", "missing-service"}, exitOK},
		{"usage", []string{"lint", "--fail-on", "fatal", "-f", "x"}, exitError},
		{"unreadable", []string{"lint", "-f", "does-not-exist.yaml"}, exitError},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out, errOut bytes.Buffer
			if got := run(tt.args, strings.NewReader(""), &out, &errOut); got != tt.want {
				t.Errorf("exit %d, want %d\nstdout:\n%s\nstderr:\n%s", got, tt.want, out.String(), errOut.String())
			}
		})
	}
}

// TestKubeVersionFromCluster picks the validation version: the flag, else
// the cluster's, brought into the modelled range with a warning, else the
// newest.
func TestKubeVersionFromCluster(t *testing.T) {
	tests := []struct {
		flag, server, want, warning string
	}{
		{"", "", "1.37", ""},
		{"", "v1.36.2", "1.36", ""},
		{"", "v1.30.1-eks-1", "1.33", "warning: the cluster runs Kubernetes 1.30; checking the API validation of 1.33, the nearest version lint models\n"},
		{"", "v1.40.0", "1.37", "warning: the cluster runs Kubernetes 1.40; checking the API validation of 1.37, the nearest version lint models\n"},
		{"", "v0.0.0-master+$Format:%H$", "1.37", ""},
		{"", "unknown", "1.37", "warning: cannot read the cluster's version \"unknown\"; checking the API validation of Kubernetes 1.37\n"},
		{"1.34", "v1.36.2", "1.34", ""},
	}
	for _, tt := range tests {
		var errOut bytes.Buffer
		io := newIO(nil, &bytes.Buffer{}, &errOut)
		got := kubeVersion(io, tt.flag, &cluster.Snapshot{ServerVersion: tt.server})
		if got.String() != tt.want || errOut.String() != tt.warning {
			t.Errorf("kubeVersion(%q, %q) = %s, %q; want %s, %q", tt.flag, tt.server, got, errOut.String(), tt.want, tt.warning)
		}
	}
}

// TestLintSARIFLimit runs lint on more findings than code scanning keeps
// in a run and checks the warning on stderr; every result is still
// written.
func TestLintSARIFLimit(t *testing.T) {
	var b strings.Builder
	b.WriteString("apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: {name: big, namespace: default}\nspec:\n  ingressClassName: nginx\n  rules:\n  - http:\n      paths:\n")
	for i := 0; i <= printer.SARIFResultLimit; i++ {
		fmt.Fprintf(&b, "      - {path: /p%d, pathType: Prefix, backend: {service: {name: s%d, port: {number: 80}}}}\n", i, i)
	}
	path := filepath.Join(t.TempDir(), "big.yaml")
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	var stdout, stderr bytes.Buffer
	if code := run([]string{"lint", "-f", path, "-o", "sarif", "--disable", "missing-ingress-class"}, strings.NewReader(""), &stdout, &stderr); code != 1 {
		t.Fatalf("exit %d, want 1; stderr:\n%s", code, stderr.String())
	}
	if !strings.Contains(stderr.String(), "GitHub code scanning keeps the first 5000 of a run") {
		t.Errorf("no warning about the result limit; stderr:\n%s", stderr.String())
	}
	if n := strings.Count(stdout.String(), `"ruleId": "missing-service"`); n <= printer.SARIFResultLimit {
		t.Errorf("%d missing-service results, want more than %d", n, printer.SARIFResultLimit)
	}
}

// TestColorFor checks when output is styled: only on a terminal, not with
// TERM=dumb, NO_COLOR or --no-color, and always with CLICOLOR_FORCE.
func TestColorFor(t *testing.T) {
	tests := []struct {
		name    string
		env     map[string]string
		noColor bool
		tty     bool
		want    bool
	}{
		{"terminal", nil, false, true, true},
		{"pipe", nil, false, false, false},
		{"dumb terminal", map[string]string{"TERM": "dumb"}, false, true, false},
		{"xterm", map[string]string{"TERM": "xterm-256color"}, false, true, true},
		{"no color", map[string]string{"NO_COLOR": "1"}, false, true, false},
		{"flag", nil, true, true, false},
		{"forced on a dumb terminal", map[string]string{"TERM": "dumb", "CLICOLOR_FORCE": "1"}, false, false, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			io := &IO{NoColor: tt.noColor, getenv: func(k string) string { return tt.env[k] }}
			if got := io.colorFor(tt.tty); got != tt.want {
				t.Errorf("colorFor = %v, want %v", got, tt.want)
			}
		})
	}
}
