package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/ingresskit/ingresskit/printer"
	"github.com/ingresskit/ingresskit/simulate"
	"github.com/ingresskit/ingresskit/simulate/gateway"
	"github.com/ingresskit/ingresskit/simulate/istio"
)

type routesOptions struct {
	IO      *IO
	Files   fileFlags
	Cluster clusterFlags
	Output  string
}

var routesFormats = []string{"json", "table", "wide", "yaml"}

func newRoutesCmd(io *IO, runF func(*routesOptions) error) *cobra.Command {
	opts := &routesOptions{IO: io}
	cmd := &cobra.Command{
		Use:   "routes [<path>... | -f <file>... | -A] [-o json|yaml|wide]",
		Short: "list the routes the Ingress, Gateway API and Istio manifests declare",
		Long: `List every route the Ingresses declare: one row per path of every rule, and one
per defaultBackend, with the IngressClass, the profile of its controller (the
data plane that answers it: nginx, gce, alb or spec, as simulate infers it),
host, path, pathType, backend and the TLS Secret that serves the host.

When the input holds Gateway API HTTPRoutes or GRPCRoutes, their rules are
listed beside the Ingress routes, one row per match and Gateway parentRef, with
a KIND column, the data plane (the IngressClass, or the Gateway), every backend
with its weight, and the route's computed status: Accepted, or the condition
that is false with its reason (Accepted=False (NotAllowedByListeners),
ResolvedRefs=False (BackendNotFound)); -o wide adds the listeners and the
condition's message (docs/gateway-api.md). The http routes of VirtualServices
bound to Istio Gateways are listed too (kind VirtualService), one row per match,
in the order Istio evaluates them, with the Istio gateway as data plane.

Ingress rows are grouped by data plane (IngressClasses sorted by name, the
Ingresses of no class last), then sorted by host (rules without a host last),
path, pathType, namespace/name of the Ingress and input position; each plane's
defaultBackend rows come last.

Without -f the Ingresses, Services, Secrets and IngressClasses are read from the
current kubectl context (-n for a namespace, -A for all; docs/cluster.md); with
-f and --cluster the Ingresses come from the files and what they reference from
the cluster.`,
		Args: cobra.ArbitraryArgs,
		Example: `  # List the routes of every example
  ingresskit routes -f examples/

  # Routes of a Helm chart, as JSON
  helm template ./chart | ingresskit routes -f - -o json

  # Add the API version and source position of each route
  ingresskit routes -f examples/ -o wide

  # Routes of every namespace of the current cluster
  ingresskit routes -A`,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Files.addPaths(args)
			if runF != nil {
				return runF(opts)
			}
			return routesRun(cmd, opts)
		},
	}
	opts.Files.addFlags(cmd)
	bindClusterFlags(cmd, &opts.Cluster, &opts.Files)
	enumFlag(cmd, &opts.Output, "output", "o", "table", routesFormats, "output format")
	return cmd
}

func routesRun(cmd *cobra.Command, opts *routesOptions) error {
	snap, loadErr := opts.Cluster.Load(cmd.Context(), opts.IO)
	if snap == nil {
		return loadErr
	}
	set := snap.Set
	// Each Ingress is listed under the data plane of its class and the
	// profile that answers it; Gateway API and Istio routes join them
	// when the input has any, and an Ingress-only input keeps its table.
	all := printer.AllRoutes{Ingress: simulate.IngressRoutes(set)}
	applied := set.Applied()
	if len(applied.HTTPRoutes)+len(applied.GRPCRoutes) > 0 {
		all.Gateway = gateway.Analyze(applied).Rules()
	}
	all.Istio = istio.Rules(applied)
	mixed := len(all.Gateway)+len(all.Istio) > 0
	var err error
	switch {
	case opts.Output == "json" && mixed:
		err = printer.RoutesAllJSON(opts.IO.Out, all)
	case opts.Output == "json":
		err = printer.RoutesJSON(opts.IO.Out, all.Ingress)
	case opts.Output == "yaml" && mixed:
		err = printer.RoutesAllYAML(opts.IO.Out, all)
	case opts.Output == "yaml":
		err = printer.RoutesYAML(opts.IO.Out, all.Ingress)
	case !mixed && len(all.Ingress) == 0:
		if loadErr == nil {
			fmt.Fprintln(opts.IO.ErrOut, "No routes found.")
		}
	case mixed:
		err = printer.RoutesMixedTable(opts.IO.Out, opts.IO.Styles(), all, opts.Output == "wide")
	default:
		err = printer.RoutesTable(opts.IO.Out, opts.IO.Styles(), all.Ingress, opts.Output == "wide")
	}
	if err != nil {
		return err
	}
	return loadErr
}
