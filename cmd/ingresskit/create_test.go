package main

import (
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestCreateIngressFlags(t *testing.T) {
	tests := []struct {
		name    string
		args    []string
		want    func(o *createIngressOptions) any
		wantVal any
		usage   bool
	}{
		{name: "kubectl flags", args: []string{"simple", "--rule", "a/=b:1", "--rule", "c/=d:2", "--class", "nginx", "--annotation", "k=v", "--default-backend", "d:80", "-n", "shop"},
			want: func(o *createIngressOptions) any {
				return []any{o.Name, o.Rules, o.Class, o.Annotations, o.DefaultBackend, o.Files.Namespace}
			},
			wantVal: []any{"simple", []string{"a/=b:1", "c/=d:2"}, "nginx", []string{"k=v"}, "d:80", "shop"}},
		{name: "defaults", args: []string{"x", "--rule", "/=a:1"},
			want:    func(o *createIngressOptions) any { return []any{o.Output, o.DryRun, o.PathType, o.Force, o.Certgen} },
			wantVal: []any{"yaml", "client", "", false, false}},
		{name: "dry run without value", args: []string{"x", "--dry-run"},
			want: func(o *createIngressOptions) any { return o.DryRun }, wantVal: "client"},
		{name: "extensions", args: []string{"x", "--path-type", "Prefix", "--controller", "nginx", "-o", "json", "--force", "--certgen", "--self-signed"},
			want: func(o *createIngressOptions) any {
				return []any{o.PathType, o.Controller, o.Output, o.Force, o.Certgen, o.SelfSigned}
			},
			wantVal: []any{"Prefix", "nginx", "json", true, true, true}},
		{name: "from services", args: []string{"x", "--from-services", "-f", "k8s", "--host", "a.example.com"},
			want:    func(o *createIngressOptions) any { return []any{o.FromServices, o.Files.Filenames, o.Hosts} },
			wantVal: []any{true, []string{"k8s"}, []string{"a.example.com"}}},
		{name: "bad output", args: []string{"x", "-o", "wide"}, usage: true},
		{name: "bad path type", args: []string{"x", "--path-type", "prefix"}, usage: true},
		{name: "dry run server", args: []string{"x", "--dry-run=server"}, usage: true},
		{name: "no name", args: []string{}, usage: true},
		{name: "host without from services", args: []string{"x", "--host", "a.example.com"}, usage: true},
		{name: "from services without files", args: []string{"x", "--from-services"}, usage: true},
		{name: "self signed without certgen", args: []string{"x", "--self-signed"}, usage: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			o, err := parseOptions(newCreateIngressCmd, tc.args)
			if tc.usage {
				var ue *usageError
				if err == nil || (!errors.As(err, &ue) && exitCode(err) != exitError) {
					t.Fatalf("got %v, want a usage error", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff(tc.wantVal, tc.want(o)); d != "" {
				t.Errorf("(-want +got):\n%s", d)
			}
		})
	}
}
