package main

import (
	"context"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/cli-runtime/pkg/genericclioptions"
	"k8s.io/client-go/kubernetes"

	"github.com/ingresskit/ingresskit/lint"
	"github.com/ingresskit/ingresskit/manifest"
)

// completionTimeout bounds a completion's calls to the cluster: a shell
// waiting on <TAB> should get nothing rather than hang.
const completionTimeout = 2 * time.Second

// registerValueCompletions adds the completion of flag values to every
// command of the tree that has the flag, the way kubectl registers its
// global flags' completions once (k8s.io/kubectl/pkg/cmd/cmd.go,
// registerCompletionFuncForGlobalFlags): --context from the kubeconfig, -n
// from the cluster's namespaces, --ingress-class from the inputs or the
// cluster, --enable/--disable from lint's registry, --controller from the
// profiles and --gateway from the inputs' Gateways. A flag that already
// has a completion keeps it.
func registerValueCompletions(root *cobra.Command) {
	funcs := map[string]cobra.CompletionFunc{
		"context":       completeContexts,
		"namespace":     completeNamespaces,
		"ingress-class": completeIngressClasses,
		"enable":        completeRuleIDs,
		"disable":       completeRuleIDs,
		"controller":    completeControllers,
		"gateway":       completeGateways,
	}
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		for name, fn := range funcs {
			// Flags defined on this command (persistent ones included), so
			// that subcommands inheriting a flag share its registration.
			if c.LocalFlags().Lookup(name) == nil {
				continue
			}
			if _, ok := c.GetFlagCompletionFunc(name); ok {
				continue
			}
			_ = c.RegisterFlagCompletionFunc(name, fn)
		}
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(root)
}

// withPrefix keeps the candidates that start with toComplete, sorted and
// without duplicates; kubectl filters its kubeconfig completions the same
// way (k8s.io/kubectl/pkg/cmd/util/completion.go, ListContextsInConfig).
func withPrefix(candidates []string, toComplete string) []string {
	var out []string
	for _, c := range candidates {
		if strings.HasPrefix(c, toComplete) {
			out = append(out, c)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// completeControllers offers the profile names.
func completeControllers(_ *cobra.Command, _ []string, toComplete string) ([]string, cobra.ShellCompDirective) {
	return withPrefix(controllerNames(), toComplete), cobra.ShellCompDirectiveNoFileComp
}

// completeRuleIDs offers lint's rule IDs, each with its summary. The flags
// take comma-separated lists, so the IDs already typed before the last
// comma are kept in front and not offered again.
func completeRuleIDs(_ *cobra.Command, _ []string, toComplete string) ([]string, cobra.ShellCompDirective) {
	done, last := "", toComplete
	if i := strings.LastIndex(toComplete, ","); i >= 0 {
		done, last = toComplete[:i+1], toComplete[i+1:]
	}
	typed := strings.Split(strings.TrimSuffix(done, ","), ",")
	var out []string
	for _, r := range lint.Registry() {
		if !strings.HasPrefix(r.ID, last) || slices.Contains(typed, r.ID) {
			continue
		}
		out = append(out, done+r.ID+"\t"+r.Summary)
	}
	return out, cobra.ShellCompDirectiveNoFileComp
}

// completeContexts offers the contexts of the kubeconfig the command's
// flags name (--kubeconfig, $KUBECONFIG, ~/.kube/config).
func completeContexts(cmd *cobra.Command, _ []string, toComplete string) ([]string, cobra.ShellCompDirective) {
	raw, err := completionConfig(cmd).ToRawKubeConfigLoader().RawConfig()
	if err != nil {
		return nil, cobra.ShellCompDirectiveNoFileComp
	}
	var names []string
	for name := range raw.Contexts {
		names = append(names, name)
	}
	return withPrefix(names, toComplete), cobra.ShellCompDirectiveNoFileComp
}

// completeNamespaces offers the cluster's namespaces, and nothing, quietly,
// when no cluster is configured or it does not answer in time.
func completeNamespaces(cmd *cobra.Command, _ []string, toComplete string) ([]string, cobra.ShellCompDirective) {
	var names []string
	withCluster(cmd, func(ctx context.Context, kube kubernetes.Interface) {
		list, err := kube.CoreV1().Namespaces().List(ctx, metav1.ListOptions{})
		if err != nil {
			return
		}
		for _, ns := range list.Items {
			names = append(names, ns.Name)
		}
	})
	return withPrefix(names, toComplete), cobra.ShellCompDirectiveNoFileComp
}

// completeIngressClasses offers the classes of the inputs (-f and path
// arguments): their IngressClasses and the classes their Ingresses name.
// Without inputs it offers the cluster's IngressClasses.
func completeIngressClasses(cmd *cobra.Command, args []string, toComplete string) ([]string, cobra.ShellCompDirective) {
	var names []string
	if set := completionInputs(cmd, args); set != nil {
		for _, c := range set.IngressClasses {
			names = append(names, c.Name)
		}
		for _, ing := range set.Ingresses {
			if c := ing.Class(); c != "" {
				names = append(names, c)
			}
		}
		return withPrefix(names, toComplete), cobra.ShellCompDirectiveNoFileComp
	}
	withCluster(cmd, func(ctx context.Context, kube kubernetes.Interface) {
		list, err := kube.NetworkingV1().IngressClasses().List(ctx, metav1.ListOptions{})
		if err != nil {
			return
		}
		for _, c := range list.Items {
			names = append(names, c.Name)
		}
	})
	return withPrefix(names, toComplete), cobra.ShellCompDirectiveNoFileComp
}

// completeGateways offers namespace/name of the Gateway API and Istio
// Gateways of the inputs.
func completeGateways(cmd *cobra.Command, args []string, toComplete string) ([]string, cobra.ShellCompDirective) {
	var names []string
	if set := completionInputs(cmd, args); set != nil {
		for _, g := range set.Gateways {
			names = append(names, g.Key())
		}
		for _, g := range set.IstioGateways {
			names = append(names, g.Key())
		}
	}
	return withPrefix(names, toComplete), cobra.ShellCompDirectiveNoFileComp
}

// completionInputs loads the inputs the command line names so far: the -f
// values, and the arguments that are existing files or directories (the
// positional paths of lint, routes and convert; simulate's URLs are not
// files). It returns nil when there are none. Bad input is skipped
// quietly: completion never prints.
func completionInputs(cmd *cobra.Command, args []string) *manifest.Set {
	paths, _ := cmd.Flags().GetStringArray("filename")
	for _, a := range args {
		if _, err := os.Stat(a); err == nil {
			paths = append(paths, a)
		}
	}
	paths = slices.DeleteFunc(paths, func(p string) bool { return p == "-" })
	if len(paths) == 0 {
		return nil
	}
	recursive, _ := cmd.Flags().GetBool("recursive")
	ctx, cancel := context.WithTimeout(context.Background(), completionTimeout)
	defer cancel()
	set, _ := manifest.Load(ctx, manifest.Options{Paths: paths, Recursive: recursive})
	return set
}

// completionConfig returns the kubeconfig flags as the command line set
// them so far (--kubeconfig, --context, --server, ...); a command without
// them gets the default loading rules.
func completionConfig(cmd *cobra.Command) *genericclioptions.ConfigFlags {
	cf := genericclioptions.NewConfigFlags(false)
	cf.Namespace = nil
	cf.ClusterName = nil
	fs := pflag.NewFlagSet("kubeconfig", pflag.ContinueOnError)
	cf.AddFlags(fs)
	cmd.Flags().Visit(func(f *pflag.Flag) {
		g := fs.Lookup(f.Name)
		if g == nil || g.Value.Type() != f.Value.Type() || (f.Value.Type() != "string" && f.Value.Type() != "bool") {
			return
		}
		_ = g.Value.Set(f.Value.String())
	})
	return cf
}

// withCluster calls fn with a client for the cluster the command's flags
// name, with a short deadline. It does nothing when no cluster is
// configured: client-go would then try http://localhost:8080.
func withCluster(cmd *cobra.Command, fn func(context.Context, kubernetes.Interface)) {
	cf := completionConfig(cmd)
	if (&clusterFlags{config: cf}).noCluster() != nil {
		return
	}
	cfg, err := cf.ToRESTConfig()
	if err != nil {
		return
	}
	cfg.Timeout = completionTimeout
	cfg.UserAgent = "ingresskit/" + versionString()
	kube, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), completionTimeout)
	defer cancel()
	fn(ctx, kube)
}
