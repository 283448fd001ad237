package main

import (
	"fmt"
	"slices"
	"strings"

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
	// Output is the format: json, name, table, wide, yaml, jsonpath or
	// custom-columns.
	Output string
	// Template is the jsonpath template of -o jsonpath=<template>.
	Template string
	// Columns are the columns of -o custom-columns=<spec>.
	Columns []printer.CustomColumn
	// NoHeaders leaves the header row out of the tables.
	NoHeaders bool
}

var routesFormats = []string{"json", "name", "table", "wide", "yaml"}

// routesOutputValue is routes' -o: one of routesFormats, or kubectl's
// jsonpath=<template> and custom-columns=<spec>
// (kubectl pkg/cmd/get/get_flags.go lists the same formats), checked at
// parse time.
type routesOutputValue struct{ opts *routesOptions }

func (v *routesOutputValue) String() string { return v.opts.Output }
func (v *routesOutputValue) Type() string {
	return strings.Join(routesFormats, "|") + "|jsonpath=<template>|custom-columns=<spec>"
}

func (v *routesOutputValue) Set(s string) error {
	format, arg, hasArg := strings.Cut(s, "=")
	switch {
	case format == "jsonpath" && hasArg:
		if err := printer.ParseJSONPath(arg); err != nil {
			return err
		}
		v.opts.Template = arg
	case format == "custom-columns" && hasArg:
		cols, err := printer.ParseCustomColumns(arg)
		if err != nil {
			return err
		}
		v.opts.Columns = cols
	case slices.Contains(routesFormats, s):
	default:
		return fmt.Errorf("invalid value %q: must be one of %s, jsonpath=<template> or custom-columns=<spec>", s, strings.Join(routesFormats, ", "))
	}
	v.opts.Output = format
	return nil
}

func newRoutesCmd(io *IO, runF func(*routesOptions) error) *cobra.Command {
	opts := &routesOptions{IO: io}
	cmd := &cobra.Command{
		Use:   "routes [<path>... | -f <file>... | -A] [-o json|yaml|wide|name|jsonpath=<template>|custom-columns=<spec>] [--no-headers]",
		Short: "list the routes the Ingress, Gateway API and Istio manifests declare",
		Long: `List every route the Ingresses declare: one row per path of every rule, and one
per defaultBackend, with the IngressClass, the profile of its controller (the
data plane that answers it: nginx, gce, alb, istio or spec, as simulate infers it),
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
the cluster.

As with kubectl get: -o name lists each object that declares a route once
(ingress.networking.k8s.io/<name>); -o jsonpath=<template> and
-o custom-columns=<HEADER>:<field>,... run on the JSON array -o json prints,
one element per route (docs/routes.md describes its members); --no-headers
leaves the header row out of the tables.`,
		Args: cobra.ArbitraryArgs,
		Example: `  # List the routes of every example
  ingresskit routes -f examples/

  # Routes of a Helm chart, as JSON
  helm template ./chart | ingresskit routes -f - -o json

  # Add the API version and source position of each route
  ingresskit routes -f examples/ -o wide

  # Routes of every namespace of the current cluster
  ingresskit routes -A

  # The hosts and paths only, as kubectl custom columns
  ingresskit routes -f examples/nginx-tls.yaml -o custom-columns=HOST:.host,PATH:.path,SERVICE:.backend.service.name

  # One line per route with a jsonpath template
  ingresskit routes -f examples/nginx-tls.yaml -o jsonpath='{range [*]}{.host}{.path}{"\n"}{end}'`,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Files.addPaths(args)
			if opts.NoHeaders && opts.Output != "table" && opts.Output != "wide" && opts.Output != "custom-columns" {
				return usageErrorf("--no-headers applies to the tables (-o table, wide or custom-columns), not -o %s", opts.Output)
			}
			if runF != nil {
				return runF(opts)
			}
			return routesRun(cmd, opts)
		},
	}
	opts.Files.addFlags(cmd)
	opts.Files.addSelectorFlag(cmd)
	opts.Files.addKustomizeFlag(cmd)
	bindClusterFlags(cmd, &opts.Cluster, &opts.Files)
	opts.Output = "table"
	cmd.Flags().VarP(&routesOutputValue{opts: opts}, "output", "o", "output format")
	_ = cmd.RegisterFlagCompletionFunc("output", func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
		return append(slices.Clone(routesFormats), "custom-columns=", "jsonpath="), cobra.ShellCompDirectiveNoFileComp | cobra.ShellCompDirectiveNoSpace
	})
	cmd.Flags().BoolVar(&opts.NoHeaders, "no-headers", false, "leave the header row out of the tables")
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
	tableOpts := printer.RoutesTableOptions{Wide: opts.Output == "wide", NoHeaders: opts.NoHeaders}
	switch {
	case opts.Output == "name":
		err = printer.RoutesNames(opts.IO.Out, all)
	case opts.Output == "jsonpath":
		err = printer.RoutesJSONPath(opts.IO.Out, all, opts.Template)
	case opts.Output == "custom-columns":
		err = printer.RoutesCustomColumns(opts.IO.Out, all, opts.Columns, opts.NoHeaders)
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
		err = printer.RoutesMixedTable(opts.IO.Out, opts.IO.Styles(), all, tableOpts)
	default:
		err = printer.RoutesTable(opts.IO.Out, opts.IO.Styles(), all.Ingress, tableOpts)
	}
	if err != nil {
		return err
	}
	return loadErr
}
