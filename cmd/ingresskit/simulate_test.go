package main

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

func TestSimulateFlags(t *testing.T) {
	tests := []struct {
		name    string
		args    []string
		want    simulateOptions
		wantErr string
	}{
		{
			name: "urls and defaults",
			args: []string{"-f", "a.yaml", "http://x/", "https://y/"},
			want: simulateOptions{Files: fileFlags{Filenames: []string{"a.yaml"}}, URLs: []string{"http://x/", "https://y/"}, Output: "text"},
		},
		{
			name: "every flag",
			args: []string{"-f", "a.yaml", "-f", "dir", "-R", "-n", "ns", "-H", "Host: a.test", "--header", "X-Y: 1", "--explain",
				"-o", "json", "--ingress-class", "nginx", "--controller", "nginx", "--cookie", "canary=always", "-"},
			want: simulateOptions{Files: fileFlags{Filenames: []string{"a.yaml", "dir"}, Recursive: true, Namespace: "ns"},
				URLs: []string{"-"}, Headers: []string{"Host: a.test", "X-Y: 1"}, Explain: true, Output: "json",
				IngressClass: "nginx", Controller: "nginx", Cookies: []string{"canary=always"}},
		},
		{name: "no url", args: []string{"-f", "a.yaml"}, wantErr: "no URL"},
		{name: "bad header", args: []string{"-f", "a.yaml", "-H", "Host", "http://x/"}, wantErr: `invalid --header "Host"`},
		{name: "bad output", args: []string{"-f", "a.yaml", "-o", "xml", "http://x/"}, wantErr: "must be one of json, text"},
		{name: "bad controller", args: []string{"-f", "a.yaml", "--controller", "x", "http://x/"}, wantErr: `must be one of alb, gce, istio, nginx, spec`},
		{name: "bad cookie", args: []string{"-f", "a.yaml", "--cookie", "novalue", "http://x/"}, wantErr: `invalid --cookie "novalue"`},
		{name: "stdin twice", args: []string{"-f", "-", "-"}, wantErr: "standard input cannot hold both"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parseOptions(newSimulateCmd, tt.args)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("error %v, want %q", err, tt.wantErr)
				}
				if exitCode(err) != exitError {
					t.Errorf("exit code %d, want %d", exitCode(err), exitError)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, *got, cmpopts.IgnoreFields(simulateOptions{}, "IO"), clusterFlagsOpt); diff != "" {
				t.Errorf("options (-want +got):\n%s", diff)
			}
		})
	}
}

func TestRequestHeaderCookies(t *testing.T) {
	tests := []struct {
		name    string
		headers []string
		cookies []string
		want    map[string][]string
		wantErr bool
	}{
		{name: "none", want: nil},
		{name: "one cookie", cookies: []string{"canary=always"}, want: map[string][]string{"Cookie": {"canary=always"}}},
		{name: "joined", cookies: []string{"a=1", "b = 2"}, want: map[string][]string{"Cookie": {"a=1; b=2"}}},
		{name: "after a Cookie header", headers: []string{"Cookie: x=y", "Host: a.test"}, cookies: []string{"a=1"},
			want: map[string][]string{"Cookie": {"x=y; a=1"}, "Host": {"a.test"}}},
		{name: "empty value", cookies: []string{"a="}, want: map[string][]string{"Cookie": {"a="}}},
		{name: "no equals", cookies: []string{"a"}, wantErr: true},
		{name: "empty name", cookies: []string{"=1"}, wantErr: true},
		{name: "two in one", cookies: []string{"a=1; b=2"}, wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h, err := requestHeader(tt.headers, tt.cookies)
			if (err != nil) != tt.wantErr {
				t.Fatalf("error %v, want error %v", err, tt.wantErr)
			}
			if tt.wantErr {
				return
			}
			if diff := cmp.Diff(tt.want, map[string][]string(h)); diff != "" {
				t.Errorf("header (-want +got):\n%s", diff)
			}
		})
	}
}

func TestParseHeaders(t *testing.T) {
	h, err := parseHeaders([]string{"host: a.test", "X-Multi: 1", "X-Multi: 2 ", "Empty:"})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string][]string{"Host": {"a.test"}, "X-Multi": {"1", "2"}, "Empty": {""}}
	if diff := cmp.Diff(want, map[string][]string(h)); diff != "" {
		t.Errorf("headers (-want +got):\n%s", diff)
	}
	for _, bad := range []string{"nocolon", ": value", "Bad Name: x"} {
		if _, err := parseHeaders([]string{bad}); err == nil {
			t.Errorf("parseHeaders(%q) accepted", bad)
		}
	}
}
