package main

import (
	"bytes"
	"errors"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/spf13/cobra"

	"github.com/ingresskit/ingresskit/cluster"
)

// newClusterTestCmd is a command binding the file and cluster flags the way
// routes, lint and simulate do, and loading on run.
func newClusterTestCmd(io *IO, got **cluster.Snapshot) *cobra.Command {
	var files fileFlags
	var cf clusterFlags
	cmd := &cobra.Command{
		Use:  "x",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			snap, err := cf.Load(cmd.Context(), io)
			*got = snap
			return err
		},
	}
	files.addFlags(cmd)
	bindClusterFlags(cmd, &cf, &files)
	cmd.SilenceUsage, cmd.SilenceErrors = true, true
	return cmd
}

func TestClusterFlagsBound(t *testing.T) {
	cmd := newClusterTestCmd(newIO(nil, &bytes.Buffer{}, &bytes.Buffer{}), new(*cluster.Snapshot))
	// The kubectl flags users expect, and no second -n.
	for _, name := range []string{"kubeconfig", "context", "user", "server", "token", "as", "as-group", "request-timeout", "insecure-skip-tls-verify", "namespace", "all-namespaces", "cluster", "filename"} {
		if cmd.Flags().Lookup(name) == nil {
			t.Errorf("flag --%s is not bound", name)
		}
	}
	if got := cmd.Flags().ShorthandLookup("n").Name; got != "namespace" {
		t.Errorf("-n is --%s", got)
	}
	if got := cmd.Flags().ShorthandLookup("A").Name; got != "all-namespaces" {
		t.Errorf("-A is --%s", got)
	}
}

func TestClusterFlagsLoad(t *testing.T) {
	dir := t.TempDir()
	badConfig := filepath.Join(dir, "bad")
	if err := os.WriteFile(badConfig, []byte("apiVersion: v1\nkind: Config\ncurrent-context: nowhere\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := "http://" + ln.Addr().String()
	ln.Close()
	tests := []struct {
		name    string
		args    []string
		usage   bool
		cluster bool
		want    string // prefix of the error
	}{
		{name: "cluster without files", args: []string{"--cluster"}, usage: true, want: "--cluster needs the Ingresses to check"},
		{name: "all namespaces with files", args: []string{"-A", "-f", "../../examples/nginx-tls.yaml"}, usage: true, want: "-A reads a cluster"},
		{name: "all namespaces and namespace", args: []string{"-A", "-n", "web"}, want: "if any flags in the group [all-namespaces namespace] are set none of the others can be"},
		{name: "bad kubeconfig", args: []string{"--kubeconfig", badConfig}, want: `kubeconfig: invalid configuration: `},
		{name: "missing kubeconfig", args: []string{"--kubeconfig", filepath.Join(dir, "none")}, want: "kubeconfig: "},
		{name: "unreachable", args: []string{"--server", closed, "-n", "web"}, cluster: true, want: "cannot reach cluster " + closed + ": "},
		{name: "unreachable with files", args: []string{"--server", closed, "--cluster", "-f", "../../examples/nginx-tls.yaml"}, cluster: true, want: "cannot reach cluster " + closed + ": "},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv("KUBECONFIG", filepath.Join(dir, "unset"))
			var snap *cluster.Snapshot
			cmd := newClusterTestCmd(newIO(nil, &bytes.Buffer{}, &bytes.Buffer{}), &snap)
			cmd.SetArgs(tt.args)
			err := cmd.Execute()
			if err == nil {
				t.Fatal("no error")
			}
			if msg := err.Error(); !strings.HasPrefix(msg, tt.want) || strings.ContainsAny(msg, "\r\n") {
				t.Errorf("err = %q, want one line starting %q", msg, tt.want)
			}
			var ue *usageError
			if errors.As(err, &ue) != tt.usage {
				t.Errorf("usage error = %v, want %v", !tt.usage, tt.usage)
			}
			var ce *cluster.Error
			if errors.As(err, &ce) != tt.cluster {
				t.Errorf("cluster error = %v, want %v", !tt.cluster, tt.cluster)
			}
			if code := exitCode(err); code != exitError {
				t.Errorf("exit code = %d, want %d", code, exitError)
			}
		})
	}
}

func TestClusterFlagsFilesOnly(t *testing.T) {
	var snap *cluster.Snapshot
	cmd := newClusterTestCmd(newIO(nil, &bytes.Buffer{}, &bytes.Buffer{}), &snap)
	// With -f and no --cluster no connection is made: the server is bogus.
	cmd.SetArgs([]string{"-f", "../../examples/nginx-tls.yaml", "--server", "http://127.0.0.1:1"})
	if err := cmd.Execute(); err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, ing := range snap.Set.Ingresses {
		got = append(got, ing.Source.Pos.File)
	}
	if len(got) == 0 {
		t.Fatal("no Ingresses")
	}
	for _, f := range got {
		if diff := cmp.Diff("../../examples/nginx-tls.yaml", f); diff != "" {
			t.Errorf("file (-want +got):\n%s", diff)
		}
	}
	if !snap.Complete(cluster.SecretsResource) {
		t.Error("files are complete")
	}
}

// clusterFlagsOpt compares the clusterFlags of a command's options by their
// settings, not by the bound kubeconfig flags and the back pointer to Files.
var clusterFlagsOpt = cmp.Options{cmpopts.IgnoreUnexported(clusterFlags{}), cmpopts.IgnoreFields(clusterFlags{}, "Files")}

// TestServedNote: a cluster without the Gateway API or Istio CRDs gets one
// quiet line that says what was not read, and one serving both gets none.
func TestServedNote(t *testing.T) {
	tests := []struct {
		gatewayAPI, istio bool
		want              string
	}{
		{false, false, "note: the cluster serves neither the Gateway API (gateway.networking.k8s.io) nor Istio (networking.istio.io): reading Ingresses only"},
		{false, true, "note: the cluster does not serve the Gateway API (gateway.networking.k8s.io): reading Ingresses and Istio objects"},
		{true, false, "note: the cluster does not serve Istio (networking.istio.io): reading Ingresses and Gateway API objects"},
		{true, true, ""},
	}
	for _, tt := range tests {
		if got := servedNote(&cluster.Snapshot{GatewayAPI: tt.gatewayAPI, Istio: tt.istio}); got != tt.want {
			t.Errorf("GatewayAPI %v, Istio %v: %q, want %q", tt.gatewayAPI, tt.istio, got, tt.want)
		}
	}
}
