package main

import (
	"errors"
	"fmt"
	goio "io"
	"os"
	"slices"
	"time"

	"github.com/spf13/cobra"

	"github.com/ingresskit/ingresskit/manifest"
	"github.com/ingresskit/ingresskit/printer"
	"github.com/ingresskit/ingresskit/simulate"
)

type testOptions struct {
	IO           *IO
	Files        fileFlags
	Cluster      clusterFlags
	RouteFiles   []string
	Output       string
	IngressClass string
	Controller   string
}

var testFormats = []string{"json", "junit", "text"}

func newTestCmd(io *IO, runF func(*testOptions) error) *cobra.Command {
	opts := &testOptions{IO: io}
	cmd := &cobra.Command{
		Use:   "test [-f <file>...] <routes-file>... [-o junit|json]",
		Short: "check that URLs route where route-test files expect",
		Long: `Run route tests: each routes file lists URLs and the Service and port (or no
match) they must reach. Every test runs through the same engine as simulate
and prints PASS or FAIL with the position of the test; -o junit writes JUnit
XML for CI systems, -o json one JSON document (docs/schema/test.json).

The format of routes files is in docs/route-tests.md; examples/routes-test.yaml
is an example. A routes file may name its ingressClass and controller; the
flags give the defaults. For the Gateway API, a routes file (or one test) names
the Gateway that answers (gateway: namespace/name), and a test may give the
method, headers, the answering route and the status the Gateway answers with
(examples/gateway-api-test.yaml). For an Istio ingress gateway it names the
Istio Gateway (istio: namespace/name), and route: is the answering
VirtualService. Without --controller the IngressClasses of the input
decide (as in simulate), else spec; every result names the profile used.

Without -f the Ingresses, Services, Secrets and IngressClasses are read from the
current kubectl context (-n for a namespace, -A for all; docs/cluster.md); with
-f and --cluster the Ingresses come from the files and what they reference from
the cluster.

Exit codes: 0 every test passed, 1 a test failed, 2 bad input.`,
		Args: cobra.MinimumNArgs(1),
		Example: `  # Check the example routes
  ingresskit test -f examples/ examples/routes-test.yaml

  # JUnit XML for CI
  ingresskit test -f examples/ examples/routes-test.yaml -o junit > routes-junit.xml

  # One JSON document with every result (docs/schema/test.json)
  ingresskit test -f examples/ examples/routes-test.yaml -o json`,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.RouteFiles = args
			if runF != nil {
				return runF(opts)
			}
			return testRun(cmd, opts)
		},
	}
	opts.Files.addFlags(cmd)
	opts.Files.addSelectorFlag(cmd)
	opts.Files.addKustomizeFlag(cmd)
	bindClusterFlags(cmd, &opts.Cluster, &opts.Files)
	cmd.Flags().StringVar(&opts.IngressClass, "ingress-class", "", "simulate only the Ingresses of this IngressClass (a routes file's ingressClass wins)")
	controllerFlag(cmd, &opts.Controller, "controller semantics (a routes file's controller wins; default: inferred from the IngressClasses, else spec)")
	enumFlag(cmd, &opts.Output, "output", "o", "text", testFormats, "output format")
	return cmd
}

func testRun(cmd *cobra.Command, opts *testOptions) error {
	start := time.Now()
	stdin := 0
	for _, n := range append(slices.Clone(opts.Files.Filenames), opts.RouteFiles...) {
		if n == "-" {
			stdin++
		}
	}
	if stdin > 1 {
		return usageErrorf("standard input (-) can be read once: give either the manifests or one routes file as -")
	}
	snap, loadErr := opts.Cluster.Load(cmd.Context(), opts.IO)
	if snap == nil || loadErr != nil {
		// A route test against half-loaded manifests proves nothing.
		return loadErr
	}
	set := snap.Set
	var files []*simulate.RouteTests
	var inputErrs []*manifest.InputError
	for _, name := range opts.RouteFiles {
		data, err := readRoutesFile(name, opts.IO)
		if err != nil {
			inputErrs = append(inputErrs, &manifest.InputError{Pos: manifest.Pos{File: name}, Msg: errors.Unwrap(err).Error()})
			continue
		}
		if name == "-" {
			name = "<stdin>"
		}
		rt, err := simulate.ParseRouteTests(name, data)
		var le *manifest.LoadError
		if errors.As(err, &le) {
			inputErrs = append(inputErrs, le.Errors...)
			continue
		}
		files = append(files, rt)
	}
	if len(inputErrs) > 0 {
		return &manifest.LoadError{Errors: inputErrs}
	}
	// Without --controller and --ingress-class, each data plane answers
	// under its own controller's profile (simulate.RunRouteTests).
	base := simulate.Options{IngressClass: opts.IngressClass}
	if opts.Controller != "" || opts.IngressClass != "" {
		p, err := profileFor(set, opts.Controller, opts.IngressClass)
		if err != nil {
			return err
		}
		base.Profile = p
	}
	var suites []printer.RouteTestSuite
	tests, failures := 0, 0
	for _, rt := range files {
		results, err := simulate.RunRouteTests(set, rt, base)
		if err != nil {
			return err
		}
		suite := printer.RouteTestSuite{File: rt.File, Results: results}
		n, f := suite.Counts()
		tests += n
		failures += f
		suites = append(suites, suite)
	}
	var err error
	switch {
	case opts.Output == "json":
		err = printer.WriteRouteTestsJSON(opts.IO.Out, suites)
	case opts.Output == "junit":
		err = printer.RouteTestsJUnit(opts.IO.Out, suites, time.Since(start))
	case opts.IO.IsTTY():
		err = printer.RouteTestsTable(opts.IO.Out, opts.IO.Styles(), suites)
	default:
		err = printer.RouteTestsText(opts.IO.Out, opts.IO.Styles(), suites)
	}
	if err != nil {
		return err
	}
	if failures > 0 {
		return errFindings("%d of %d route tests failed", failures, tests)
	}
	fmt.Fprintf(opts.IO.ErrOut, "all %d route tests passed\n", tests)
	return nil
}

// readRoutesFile reads a routes file, or standard input for "-".
func readRoutesFile(name string, io *IO) ([]byte, error) {
	if name == "-" {
		data, err := goio.ReadAll(io.In)
		if err != nil {
			return nil, &os.PathError{Op: "read", Path: "<stdin>", Err: err}
		}
		return data, nil
	}
	return os.ReadFile(name)
}
