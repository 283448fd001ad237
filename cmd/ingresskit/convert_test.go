package main

import (
	"bytes"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

func TestNewConvertCmd(t *testing.T) {
	tests := []struct {
		name    string
		args    []string
		want    convertOptions
		wantErr string
	}{
		{
			name: "defaults",
			args: []string{"-f", "a.yaml"},
			want: convertOptions{Files: fileFlags{Filenames: []string{"a.yaml"}}, Output: "manifest", ClassAnnotation: "keep", GW: gatewayConvertOptions{ReportFormats: []outputSpec{{Format: "text"}}}},
		},
		{
			name: "in place recursive move",
			args: []string{"-R", "-f", "dir", "--in-place", "--ingress-class-annotation", "move"},
			want: convertOptions{Files: fileFlags{Filenames: []string{"dir"}, Recursive: true}, InPlace: true, Output: "manifest", ClassAnnotation: "move", GW: gatewayConvertOptions{ReportFormats: []outputSpec{{Format: "text"}}}},
		},
		{
			name: "check with diff",
			args: []string{"-f", "a.yaml", "-f", "b.json", "--check", "-o", "diff"},
			want: convertOptions{Files: fileFlags{Filenames: []string{"a.yaml", "b.json"}}, Check: true, Output: "diff", ClassAnnotation: "keep", GW: gatewayConvertOptions{ReportFormats: []outputSpec{{Format: "text"}}}},
		},
		{name: "no input", args: nil, wantErr: "no input"},
		{name: "in place and check", args: []string{"-f", "a", "--in-place", "--check"}, wantErr: "none of the others can be"},
		{name: "in place and diff", args: []string{"-f", "a", "--in-place", "-o", "diff"}, wantErr: "choose one"},
		{name: "in place on stdin", args: []string{"-f", "-", "--in-place"}, wantErr: "standard input"},
		{name: "bad output", args: []string{"-f", "a", "-o", "yaml"}, wantErr: "must be one of diff, json, manifest, or with --to gateway-api a report"},
		{name: "json without --to", args: []string{"-f", "a", "-o", "json"}, wantErr: "-o json goes with --to gateway-api"},
		{name: "gateway flag without --to", args: []string{"-f", "a", "--verify"}, wantErr: "--verify goes with --to gateway-api"},
		{name: "to with in-place", args: []string{"-f", "a", "--to", "gateway-api", "--in-place"}, wantErr: "has no --in-place"},
		{name: "to with diff", args: []string{"-f", "a", "--to", "gateway-api", "-o", "diff"}, wantErr: "not a diff"},
		{name: "gateway and class", args: []string{"-f", "a", "--to", "gateway-api", "--gateway", "a/b", "--gateway-class", "x"}, wantErr: "drop --gateway-class"},
		{
			name: "verify with a SARIF report",
			args: []string{"-f", "a", "--to", "gateway-api", "--verify", "-o", "sarif=r.sarif"},
			want: convertOptions{Files: fileFlags{Filenames: []string{"a"}}, To: "gateway-api", Output: "manifest", ClassAnnotation: "keep",
				GW: gatewayConvertOptions{Verify: true, ReportFormats: []outputSpec{{Format: "sarif", Path: "r.sarif"}}}},
		},
		{
			name: "several reports as lint takes them",
			args: []string{"-f", "a", "--to", "gateway-api", "--verify", "-o", "text", "-o", "sarif=r.sarif", "-o", "junit=r.xml", "-o", "json=r.json"},
			want: convertOptions{Files: fileFlags{Filenames: []string{"a"}}, To: "gateway-api", Output: "manifest", ClassAnnotation: "keep",
				GW: gatewayConvertOptions{Verify: true, ReportFormats: []outputSpec{{Format: "text"}, {Format: "sarif", Path: "r.sarif"}, {Format: "junit", Path: "r.xml"}, {Format: "json", Path: "r.json"}}}},
		},
		{
			name: "objects as json and a report",
			args: []string{"-f", "a", "--to", "gateway-api", "-o", "json", "-o", "junit"},
			want: convertOptions{Files: fileFlags{Filenames: []string{"a"}}, To: "gateway-api", Output: "json", ClassAnnotation: "keep",
				GW: gatewayConvertOptions{ReportFormats: []outputSpec{{Format: "junit"}}}},
		},
		{
			name: "deprecated report flags",
			args: []string{"-f", "a", "--to", "gateway-api", "--verify", "--report-format", "sarif", "--report-file", "r.sarif", "--report-format", "junit=r.xml"},
			want: convertOptions{Files: fileFlags{Filenames: []string{"a"}}, To: "gateway-api", Output: "manifest", ClassAnnotation: "keep",
				GW: gatewayConvertOptions{Verify: true, ReportFormats: []outputSpec{{Format: "sarif"}, {Format: "junit", Path: "r.xml"}}, ReportFile: "r.sarif"}},
		},
		{name: "two reports on stderr", args: []string{"-f", "a", "--to", "gateway-api", "-o", "text", "-o", "sarif"},
			wantErr: "-o text -o sarif: only one format can go to stderr"},
		{name: "bad report format", args: []string{"-f", "a", "--to", "gateway-api", "--report-format", "xml"}, wantErr: "must be one of json, junit, sarif, text"},
		{name: "objects to a file", args: []string{"-f", "a", "--to", "gateway-api", "-o", "manifest=x.yaml"}, wantErr: "only reports (json, junit, sarif, text) take =<file>"},
		{name: "report without --to", args: []string{"-f", "a", "-o", "junit=r.xml"}, wantErr: "-o junit=r.xml goes with --to gateway-api"},
		{name: "report file without --to", args: []string{"-f", "a", "--report-file", "r"}, wantErr: "--report-file goes with --to gateway-api"},
		{name: "bad target", args: []string{"-f", "a", "--to", "istio"}, wantErr: "must be one of gateway-api"},
		{name: "bad annotation mode", args: []string{"-f", "a", "--ingress-class-annotation", "copy"}, wantErr: "must be one of keep, move"},
		{
			name: "positional paths",
			args: []string{"a.yaml", "-f", "b.yaml", "dir"},
			want: convertOptions{Files: fileFlags{Filenames: []string{"b.yaml", "a.yaml", "dir"}}, Output: "manifest", ClassAnnotation: "keep", GW: gatewayConvertOptions{ReportFormats: []outputSpec{{Format: "text"}}}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got *convertOptions
			cmd := newConvertCmd(newIO(nil, &bytes.Buffer{}, &bytes.Buffer{}), func(o *convertOptions) error {
				got = o
				return nil
			})
			cmd.SetArgs(tt.args)
			cmd.SetOut(&bytes.Buffer{})
			cmd.SetErr(&bytes.Buffer{})
			err := cmd.Execute()
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("error %v, want one containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff(tt.want, *got, cmpopts.IgnoreFields(convertOptions{}, "IO"), cmpopts.IgnoreUnexported(gatewayConvertOptions{})); d != "" {
				t.Errorf("options (-want +got):\n%s", d)
			}
		})
	}
}

const oldIngress = `apiVersion: extensions/v1beta1
kind: Ingress
metadata:
  name: web # the shop
spec:
  backend:
    serviceName: web
    servicePort: 80
`

const newIngress = `apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: web # the shop
spec:
  defaultBackend:
    service:
      name: web
      port:
        number: 80
`

// TestConvertExitCodes runs the whole command: 0 when it converted or
// printed, 1 when --check finds files to convert, 2 for bad input and
// usage, with stdout empty whenever the input was bad.
func TestConvertExitCodes(t *testing.T) {
	dir := t.TempDir()
	write := func(name, data string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	old := write("old.yaml", oldIngress)
	cur := write("new.yaml", newIngress)
	bad := write("bad.yaml", "kind: [\n")
	tests := []struct {
		name       string
		args       []string
		code       int
		wantStdout string
	}{
		{name: "convert", args: []string{"convert", "-f", old}, code: 0, wantStdout: newIngress},
		{name: "check clean", args: []string{"convert", "--check", "-f", cur}, code: 0},
		{name: "check dirty", args: []string{"convert", "--check", "-f", cur, "-f", old}, code: 1, wantStdout: old + "\n"},
		{name: "bad input", args: []string{"convert", "-f", old, "-f", bad}, code: 2},
		{name: "directory", args: []string{"convert", "-f", dir}, code: 2},
		{name: "missing file", args: []string{"convert", "-f", filepath.Join(dir, "nope.yaml")}, code: 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			code := run(tt.args, strings.NewReader(""), &stdout, &stderr)
			if code != tt.code {
				t.Errorf("exit code %d, want %d; stderr:\n%s", code, tt.code, stderr.String())
			}
			if d := cmp.Diff(tt.wantStdout, stdout.String()); d != "" {
				t.Errorf("stdout (-want +got):\n%s", d)
			}
		})
	}
}

// TestConvertInPlaceKeepsMode checks that --in-place replaces the file
// with the converted bytes and keeps its permission bits.
func TestConvertInPlaceKeepsMode(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("permission bits are not kept on Windows")
	}
	for _, mode := range []os.FileMode{0o600, 0o640, 0o755} {
		t.Run(mode.String(), func(t *testing.T) {
			p := filepath.Join(t.TempDir(), "ing.yaml")
			if err := os.WriteFile(p, []byte(oldIngress), mode); err != nil {
				t.Fatal(err)
			}
			if err := os.Chmod(p, mode); err != nil {
				t.Fatal(err)
			}
			var stdout, stderr bytes.Buffer
			if code := run([]string{"convert", "--in-place", "-f", p}, nil, &stdout, &stderr); code != 0 {
				t.Fatalf("exit %d: %s", code, stderr.String())
			}
			got, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff(newIngress, string(got)); d != "" {
				t.Errorf("file (-want +got):\n%s", d)
			}
			st, err := os.Stat(p)
			if err != nil {
				t.Fatal(err)
			}
			if st.Mode().Perm() != mode {
				t.Errorf("mode %v, want %v", st.Mode().Perm(), mode)
			}
			entries, _ := os.ReadDir(filepath.Dir(p))
			if len(entries) != 1 {
				t.Errorf("temporary files left behind: %v", entries)
			}
			if stdout.Len() != 0 {
				t.Errorf("stdout not empty: %q", stdout.String())
			}
		})
	}
}
