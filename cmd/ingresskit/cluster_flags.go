package main

import (
	"context"
	"errors"
	"fmt"
	"os"

	"github.com/spf13/cobra"
	"k8s.io/cli-runtime/pkg/genericclioptions"

	"github.com/ingresskit/ingresskit/cluster"
	"github.com/ingresskit/ingresskit/manifest"
)

// clusterFlags are the kubectl connection flags (--kubeconfig, --context,
// --as, --request-timeout, ...) of the commands that can read a live
// cluster, plus -A and --cluster. -n is the command's own fileFlags
// namespace: with files it is the namespace of objects that name none, with
// a cluster it is the namespace read.
type clusterFlags struct {
	// Files are the command's -f/-R/-n flags.
	Files *fileFlags
	// AllNamespaces reads every namespace (-A).
	AllNamespaces bool
	// Cluster takes the Ingresses from the files given with -f and the
	// objects they reference from the cluster (--cluster).
	Cluster bool
	// SecretData reads Secrets with their data; a command sets it when it
	// checks certificates (lint --check-certs). Otherwise only Secret
	// metadata is read.
	SecretData bool
	// EndpointSlices also reads EndpointSlices; a command sets it when it
	// needs ready endpoints.
	EndpointSlices bool

	config *genericclioptions.ConfigFlags
}

// bindClusterFlags adds the kubectl connection flags, -A and --cluster to
// cmd. files must already be bound, since -n is shared with it.
func bindClusterFlags(cmd *cobra.Command, f *clusterFlags, files *fileFlags) {
	f.Files = files
	f.config = genericclioptions.NewConfigFlags(true)
	// -n is bound by fileFlags. kubectl's --cluster (the kubeconfig cluster
	// name) would clash with the --cluster mode; --context selects it.
	f.config.Namespace = nil
	f.config.ClusterName = nil
	f.config.AddFlags(cmd.Flags())
	cmd.Flags().BoolVarP(&f.AllNamespaces, "all-namespaces", "A", false, "read every namespace of the cluster")
	cmd.Flags().BoolVar(&f.Cluster, "cluster", false, "take Ingresses from -f and resolve the Services, Secrets and IngressClasses they use from the cluster")
	cmd.MarkFlagsMutuallyExclusive("all-namespaces", "namespace")
	cmd.MarkFlagsMutuallyExclusive("all-namespaces", "cluster")
}

// fromCluster reports whether the command reads a cluster at all: when no
// -f or -k is given, or with --cluster.
func (f *clusterFlags) fromCluster() bool {
	return !f.Files.given() || f.Cluster
}

// Load reads what the flags ask for:
//   - no -f: the Ingresses and the objects they reference from the current
//     context (the -n namespace, the context's namespace, or all with -A);
//   - -f: the files only;
//   - -f with --cluster: the Ingresses of the files, and what they reference
//     from the cluster.
//
// Warnings about lists the user may not make are written to io.ErrOut and
// kept in the Snapshot; a check that concludes an object is missing must
// ask Snapshot.Complete first. A *manifest.LoadError is returned beside the
// valid objects, as fileFlags.load does.
func (f *clusterFlags) Load(ctx context.Context, io *IO) (*cluster.Snapshot, error) {
	if f.Cluster && !f.Files.given() {
		return nil, usageErrorf("--cluster needs the Ingresses to check: give them with -f <file>")
	}
	if f.AllNamespaces && f.Files.given() {
		return nil, usageErrorf("-A reads a cluster: it cannot be used with -f")
	}
	if !f.fromCluster() {
		set, err := f.Files.load(ctx, io)
		if set == nil {
			return nil, err
		}
		return &cluster.Snapshot{Set: set, SecretData: true}, err
	}
	var files *manifest.Set
	var loadErr error
	if f.Cluster {
		files, loadErr = f.Files.load(ctx, io)
		if files == nil {
			return nil, loadErr
		}
	}
	sel, err := f.Files.selector()
	if err != nil {
		return nil, err
	}
	clients, namespace, err := f.clients()
	if err != nil {
		return nil, err
	}
	// The selector goes to the server with the list calls, as kubectl -l
	// does; with --cluster it already picked the Ingresses of the files.
	opts := cluster.Options{Namespace: namespace, SecretData: f.SecretData, EndpointSlices: f.EndpointSlices, LabelSelector: sel.String()}
	var snap *cluster.Snapshot
	if f.Cluster {
		snap, err = cluster.Resolve(ctx, clients, files, opts)
	} else {
		snap, err = cluster.Read(ctx, clients, opts)
	}
	if err != nil {
		return nil, err
	}
	for _, w := range snap.Warnings {
		fmt.Fprintf(io.ErrOut, "warning: %s\n", w)
	}
	if !f.Cluster {
		// A cluster without the Gateway API or Istio CRDs is common and
		// not a problem: one quiet line says what was not read.
		if note := servedNote(snap); note != "" {
			fmt.Fprintln(io.ErrOut, note)
		}
	}
	return snap, loadErr
}

// clients makes the API clients from the kubeconfig and flags, and returns
// the namespace to read: "" with -A, else -n, else the context's.
func (f *clusterFlags) clients() (*cluster.Clients, string, error) {
	if f.config == nil {
		return nil, "", errors.New("cluster flags are not bound")
	}
	if err := f.noCluster(); err != nil {
		return nil, "", err
	}
	cfg, err := f.config.ToRESTConfig()
	if err != nil {
		return nil, "", fmt.Errorf("kubeconfig: %w", err)
	}
	cfg.UserAgent = "ingresskit/" + versionString()
	namespace := ""
	if !f.AllNamespaces {
		namespace = f.Files.Namespace
		if namespace == "" {
			namespace, _, err = f.config.ToRawKubeConfigLoader().Namespace()
			if err != nil {
				return nil, "", fmt.Errorf("kubeconfig: %w", err)
			}
		}
	}
	c, err := cluster.NewClients(cfg)
	if err != nil {
		return nil, "", err
	}
	return c, namespace, nil
}

// errNoCluster says that no cluster is configured. client-go then falls
// back to http://localhost:8080 (k8s.io/client-go/tools/clientcmd
// ClusterDefaults), which is no cluster but often a local server: the
// proxy's own port, which answers that no Service exists, forever.
var errNoCluster = errors.New("no cluster is configured: no kubeconfig was found ($KUBECONFIG, ~/.kube/config), none names a context, and neither --server nor an in-cluster service account is given; set up kubectl access or pass --kubeconfig")

// noCluster returns errNoCluster when neither the kubeconfig, the flags
// nor the in-cluster environment name a server or a context (a context
// that does not exist is the loader's error to report).
func (f *clusterFlags) noCluster() error {
	if f.config.APIServer != nil && *f.config.APIServer != "" {
		return nil
	}
	if os.Getenv("KUBERNETES_SERVICE_HOST") != "" && os.Getenv("KUBERNETES_SERVICE_PORT") != "" {
		// rest.InClusterConfig's conditions.
		return nil
	}
	raw, err := f.config.ToRawKubeConfigLoader().RawConfig()
	if err != nil {
		// The loader's own error says what is wrong with the file.
		return nil
	}
	named := raw.CurrentContext != "" || f.config.Context != nil && *f.config.Context != ""
	if len(raw.Contexts) == 0 && len(raw.Clusters) == 0 && !named {
		return errNoCluster
	}
	return nil
}

// servedNote is the line that says which of the Gateway API and Istio's
// networking API the cluster does not serve, or "" when it serves both.
func servedNote(snap *cluster.Snapshot) string {
	gw := "the Gateway API (" + manifest.GatewayGroup + ")"
	is := "Istio (" + manifest.IstioGroup + ")"
	switch {
	case !snap.GatewayAPI && !snap.Istio:
		return "note: the cluster serves neither " + gw + " nor " + is + ": reading Ingresses only"
	case !snap.GatewayAPI:
		return "note: the cluster does not serve " + gw + ": reading Ingresses and Istio objects"
	case !snap.Istio:
		return "note: the cluster does not serve " + is + ": reading Ingresses and Gateway API objects"
	}
	return ""
}
