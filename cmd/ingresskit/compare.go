package main

import (
	"errors"

	"github.com/spf13/cobra"

	"github.com/ingresskit/ingresskit/manifest"
	"github.com/ingresskit/ingresskit/migrate"
	"github.com/ingresskit/ingresskit/printer"
)

type compareOptions struct {
	IO    *IO
	Files fileFlags
	// Outputs are the -o formats, at most one on standard output and the
	// others to files.
	Outputs    []outputSpec
	Controller string
	SARIFRoot  string
}

func newCompareCmd(io *IO, runF func(*compareOptions) error) *cobra.Command {
	opts := &compareOptions{IO: io}
	cmd := &cobra.Command{
		Use:   "compare (<path>... | -f <file>...) [-o text|json|sarif|junit[=<file>]]... [--controller <name>]",
		Short: "check that Gateway API routes answer every request as the Ingresses did",
		Long: `Route probe requests through the Ingresses of the input, each under its
controller's profile, and through its Gateway API objects, and list every
request answered differently: backend and weights, redirect, rewritten path or
status. Use it on a translation made by hand or by another tool; convert --to
gateway-api --verify runs the same check on its own output.

The probes come from both sides: every path with its boundaries, case and
encoding variants, dot segments and double slashes, every host and an unknown
one, http and https, and the headers and cookies of canaries. What the model
does not route is listed as not verified. -o sarif and -o junit report each
difference as a migration-difference error at the Ingress path that answered
it, as lint reports findings.

Exit codes: 0 every probe answered the same, 1 some differ, 2 usage or
unreadable input.`,
		Args: cobra.ArbitraryArgs,
		Example: `  # Compare the nginx example with a translation of it
  ingresskit convert --to gateway-api -f examples/nginx-tls.yaml > /tmp/gateway.yaml
  ingresskit compare -f examples/nginx-tls.yaml -f /tmp/gateway.yaml`,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Files.addPaths(args)
			if len(opts.Files.Filenames) == 0 {
				return usageErrorf("no input: give the Ingresses and the Gateway API objects with -f")
			}
			if err := checkOutputs(opts.Outputs); err != nil {
				return err
			}
			if runF != nil {
				return runF(opts)
			}
			return compareRun(cmd, opts)
		},
	}
	opts.Files.addFlags(cmd)
	outputsFlag(cmd, &opts.Outputs, "text", migrationReportFormats, "output format, repeatable; format=<file> writes that format to a file")
	cmd.Flags().StringVar(&opts.SARIFRoot, "sarif-root", "", "with -o sarif: directory SARIF file URIs are relative to (default: the repository root, found from .git upward, else the working directory)")
	controllerFlag(cmd, &opts.Controller, "read every Ingress as this controller does (default: from its IngressClass)")
	return cmd
}

func compareRun(cmd *cobra.Command, opts *compareOptions) error {
	set, err := opts.Files.load(cmd.Context(), opts.IO)
	var le *manifest.LoadError
	if err != nil {
		if !errors.As(err, &le) {
			return err
		}
		return err
	}
	if len(set.Ingresses) == 0 {
		return usageErrorf("no Ingress in the input: compare needs the Ingresses and the Gateway API objects made from them")
	}
	if len(set.Gateways) == 0 && len(set.IstioGateways) > 0 {
		// The verification routes the Ingresses against Gateway API
		// data planes only.
		return usageErrorf("no Gateway API Gateway in the input: compare checks Gateway API objects, not Istio Gateways and VirtualServices; to check a move to Istio's Ingress support, run lint --controller <name> --compare istio, and simulate each side for the VirtualServices")
	}
	if len(set.Gateways) == 0 {
		return usageErrorf("no Gateway in the input: compare needs the Gateway API objects too (-f)")
	}
	v, err := migrate.Verify(set, set, migrate.Options{Controller: opts.Controller})
	if err != nil {
		return err
	}
	if err := writeMigrationReport(opts.IO, printer.MigrationReport{Verification: v, Command: "ingresskit compare"}, opts.Outputs, "", opts.SARIFRoot, false); err != nil {
		return err
	}
	if len(v.Differences) > 0 {
		return errFindings("")
	}
	return nil
}
