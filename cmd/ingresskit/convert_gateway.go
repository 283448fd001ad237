package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	goio "io"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/ingresskit/ingresskit/internal/atomicfile"
	"github.com/ingresskit/ingresskit/manifest"
	"github.com/ingresskit/ingresskit/migrate"
	// Every controller's translation registers itself with migrate.
	_ "github.com/ingresskit/ingresskit/migrate/all"
	"github.com/ingresskit/ingresskit/printer"
)

// gatewayConvertOptions are the flags of `convert --to gateway-api`.
type gatewayConvertOptions struct {
	GatewayClass string
	Gateway      string
	OutDir       string
	Verify       bool
	Controller   string
	// ReportFormats and ReportFile say how and where the reports (the
	// findings and the verification) are written: text on stderr by
	// default; a format=<file> report goes to its file, the one without
	// a file to ReportFile or stderr.
	ReportFormats []outputSpec
	ReportFile    string
	SARIFRoot     string
	// reportsSet is true once -o or --report-format named a report,
	// which replaces the default text report; reportO names the first
	// report -o gave, for the error when --to is missing.
	reportsSet bool
	reportO    string
}

// convertOutputValue is convert's repeatable -o. Without a file it takes
// what goes to stdout: the converted manifests, a diff, or with --to
// gateway-api the objects as JSON. It also takes, with --to gateway-api,
// the reports as lint's -o does (outputs.go): text, sarif or junit on
// stderr, or <format>=<file>, json=<file> included; a bare json stays
// the objects' JSON.
type convertOutputValue struct {
	opts *convertOptions
}

func (v *convertOutputValue) String() string { return v.opts.Output }
func (v *convertOutputValue) Type() string   { return "format[=file]" }

func (v *convertOutputValue) Set(s string) error {
	format, path, hasPath := strings.Cut(s, "=")
	if hasPath && path == "" {
		return fmt.Errorf("invalid value %q: give the file after =, as in %s=report.out, or leave =<file> out", s, format)
	}
	switch {
	case !hasPath && slices.Contains(convertFormats, format):
		v.opts.Output = format
		return nil
	case slices.Contains(migrationReportFormats, format):
		if v.opts.GW.reportO == "" {
			v.opts.GW.reportO = s
		}
		return addReport(&v.opts.GW, outputSpec{Format: format, Path: path})
	case hasPath && slices.Contains(convertFormats, format):
		return fmt.Errorf("invalid value %q: %s goes to standard output (--out-dir writes the objects into files); only reports (%s) take =<file>", s, format, strings.Join(migrationReportFormats, ", "))
	}
	return fmt.Errorf("invalid value %q: must be one of %s, or with --to gateway-api a report: %s, each optionally =<file>",
		s, strings.Join(convertFormats, ", "), strings.Join(migrationReportFormats, ", "))
}

// reportFormatValue is the deprecated --report-format, which adds to the
// same reports as -o.
type reportFormatValue struct {
	gw *gatewayConvertOptions
}

func (v *reportFormatValue) String() string {
	var s []string
	for _, o := range v.gw.ReportFormats {
		s = append(s, o.String())
	}
	return strings.Join(s, ",")
}
func (v *reportFormatValue) Type() string { return "format[=file]" }

func (v *reportFormatValue) Set(s string) error {
	format, path, hasPath := strings.Cut(s, "=")
	if !slices.Contains(migrationReportFormats, format) {
		return fmt.Errorf("invalid value %q: must be one of %s, each optionally =<file>", s, strings.Join(migrationReportFormats, ", "))
	}
	if hasPath && path == "" {
		return fmt.Errorf("invalid value %q: give the file after =, as in %s=report.out, or leave =<file> out for stderr", s, format)
	}
	return addReport(v.gw, outputSpec{Format: format, Path: path})
}

// addReport adds a report; the first replaces the default text report.
func addReport(gw *gatewayConvertOptions, o outputSpec) error {
	if !gw.reportsSet {
		gw.ReportFormats, gw.reportsSet = nil, true
	}
	gw.ReportFormats = append(gw.ReportFormats, o)
	return nil
}

// migrationReportFormats are the formats of the migration report, as for
// lint.
var migrationReportFormats = []string{"json", "junit", "sarif", "text"}

const toGatewayAPI = "gateway-api"

func addGatewayConvertFlags(cmd *cobra.Command, opts *convertOptions) {
	enumFlag(cmd, &opts.To, "to", "", "", []string{toGatewayAPI}, "translate the Ingresses into another API instead of converting their version")
	cmd.Flags().StringVar(&opts.GW.GatewayClass, "gateway-class", "", "with --to gateway-api: the gatewayClassName of the Gateways made (default: the Ingress class's name)")
	cmd.Flags().StringVar(&opts.GW.Gateway, "gateway", "", "with --to gateway-api: attach the routes to this existing Gateway, <namespace>/<name>[:<section>], instead of making Gateways")
	cmd.Flags().StringVar(&opts.GW.OutDir, "out-dir", "", "with --to gateway-api: write one file per source file into this directory (it must not hold those files yet)")
	cmd.Flags().BoolVar(&opts.GW.Verify, "verify", false, "with --to gateway-api: route probe requests through the Ingresses and the result, and exit 1 when any is answered differently")
	controllerFlag(cmd, &opts.GW.Controller, "with --to gateway-api: read every Ingress as this controller does (default: from its IngressClass)")
	opts.GW.ReportFormats = []outputSpec{{Format: "text"}}
	cmd.Flags().Var(&reportFormatValue{gw: &opts.GW}, "report-format", "with --to gateway-api: format of the report; repeatable, format=<file> writes that format to a file")
	_ = cmd.Flags().MarkDeprecated("report-format", "use -o <format>[=<file>], as lint takes it")
	cmd.Flags().StringVar(&opts.GW.ReportFile, "report-file", "", "with --to gateway-api: write the report to this file instead of stderr")
	_ = cmd.Flags().MarkDeprecated("report-file", "use -o <format>=<file>, as lint takes it")
	cmd.Flags().StringVar(&opts.GW.SARIFRoot, "sarif-root", "", "with -o sarif: directory SARIF file URIs are relative to (default: the repository root, found from .git upward)")
}

// validateGatewayConvert checks the flag combinations of --to, and says
// on stderr which deprecated flag to replace (cobra's own deprecation
// note goes to the flag set's error buffer, which is never printed).
func validateGatewayConvert(cmd *cobra.Command, opts *convertOptions) error {
	for _, f := range []string{"report-format", "report-file"} {
		if fl := cmd.Flags().Lookup(f); fl != nil && fl.Changed {
			fmt.Fprintf(opts.IO.ErrOut, "--%s is deprecated: %s\n", f, fl.Deprecated)
		}
	}
	if opts.To == "" {
		for _, f := range []string{"gateway-class", "gateway", "out-dir", "verify", "controller", "report-format", "report-file", "sarif-root"} {
			if cmd.Flags().Changed(f) {
				return usageErrorf("--%s goes with --to gateway-api", f)
			}
		}
		if opts.GW.reportO != "" {
			return usageErrorf("-o %s goes with --to gateway-api: reports are of a translation", opts.GW.reportO)
		}
		if opts.Output == "json" {
			return usageErrorf("-o json goes with --to gateway-api; convert prints manifests or a diff")
		}
		return nil
	}
	if err := checkNamedOutputs(opts.GW.ReportFormats, "-o", "stderr"); err != nil {
		return err
	}
	switch {
	case opts.InPlace || opts.Check:
		return usageErrorf("--to gateway-api writes new objects to stdout or --out-dir; it has no --in-place or --check")
	case opts.Output == "diff":
		return usageErrorf("--to gateway-api prints manifests (-o manifest) or JSON (-o json), not a diff")
	case opts.GW.Gateway != "" && opts.GW.GatewayClass != "":
		return usageErrorf("--gateway attaches to an existing Gateway, whose class is its own: drop --gateway-class")
	case opts.GW.OutDir != "" && opts.Output == "json":
		return usageErrorf("--out-dir writes YAML files: drop -o json")
	}
	return nil
}

// convertGatewayRun translates the Ingresses into Gateway API objects,
// prints or writes them, reports what did not translate on stderr, and
// with --verify compares the routing of both.
func convertGatewayRun(ctx context.Context, opts *convertOptions) error {
	set, err := opts.Files.load(ctx, opts.IO)
	var le *manifest.LoadError
	if err != nil && !errors.As(err, &le) {
		return err
	}
	if le != nil {
		// Translating part of an input would drop routes silently.
		return err
	}
	mopts := migrate.Options{GatewayClass: opts.GW.GatewayClass, Gateway: opts.GW.Gateway, Controller: opts.GW.Controller}
	res, err := migrate.Translate(set, mopts)
	if err != nil {
		return usageErrorf("%v", err)
	}
	if len(set.Ingresses) == 0 {
		return fmt.Errorf("no Ingress in the input to translate")
	}
	if opts.GW.OutDir != "" {
		if err := writeGatewayFiles(opts, res); err != nil {
			return err
		}
	} else {
		var out []byte
		if opts.Output == "json" {
			out, err = migrate.JSON(res.Objects)
		} else {
			out, err = migrate.YAML(res.Objects)
		}
		if err != nil {
			return err
		}
		if _, err := opts.IO.Out.Write(out); err != nil {
			return err
		}
	}
	rep := printer.MigrationReport{Result: res, Command: "ingresskit convert"}
	if opts.GW.Verify {
		v, err := migrate.Verify(set, res.Set(set), mopts)
		if err != nil {
			return err
		}
		rep.Verification = v
	}
	if err := writeMigrationReport(opts.IO, rep, opts.GW.ReportFormats, opts.GW.ReportFile, opts.GW.SARIFRoot, true); err != nil {
		return err
	}
	if rep.Verification != nil && len(rep.Verification.Differences) > 0 {
		return errFindings("")
	}
	return nil
}

// writeGatewayFiles writes one file per source file into --out-dir,
// refusing to replace a file that is there already.
func writeGatewayFiles(opts *convertOptions, res *migrate.Result) error {
	files, err := migrate.Files(res.Objects)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(opts.GW.OutDir, 0o755); err != nil {
		return fmt.Errorf("--out-dir: %w", err)
	}
	names := migrate.FileNames(files)
	for _, n := range names {
		p := filepath.Join(opts.GW.OutDir, n)
		if _, err := os.Lstat(p); err == nil {
			return fmt.Errorf("%s exists; ingresskit does not replace files: choose an empty --out-dir", p)
		}
	}
	for _, n := range names {
		data, err := migrate.YAML(files[n])
		if err != nil {
			return err
		}
		p := filepath.Join(opts.GW.OutDir, n)
		if err := atomicfile.Write(p, data, atomicfile.Options{Mode: 0o644}); err != nil {
			return err
		}
		fmt.Fprintf(opts.IO.ErrOut, "wrote %s\n", p)
	}
	return nil
}

// writeMigrationReport writes the reports of convert --to gateway-api or
// compare, one per format in outs: those with a file into it, atomically
// (writeOutputsTo); the one without to file when given, else to stderr
// (toErr: convert, whose stdout holds the objects) or stdout (compare).
func writeMigrationReport(io *IO, rep printer.MigrationReport, outs []outputSpec, file, sarifRootFlag string, toErr bool) error {
	w, styles := io.Out, io.Styles()
	if toErr {
		w, styles = io.ErrOut, io.ErrStyles()
	}
	var buf bytes.Buffer
	if file != "" {
		w, styles = &buf, printer.NewStyles(&buf, false)
	}
	err := writeOutputsTo(io, w, styles, outs, func(w goio.Writer, s *printer.Styles, o outputSpec) error {
		return renderMigrationReport(w, s, rep, o.Format, sarifRootFlag)
	})
	if err != nil || file == "" || !slices.ContainsFunc(outs, func(o outputSpec) bool { return o.Path == "" }) {
		return err
	}
	if err := atomicfile.Write(file, buf.Bytes(), atomicfile.Options{Mode: 0o644}); err != nil {
		return fmt.Errorf("--report-file: %w", err)
	}
	return nil
}

// renderMigrationReport writes the report in one format.
func renderMigrationReport(w goio.Writer, styles *printer.Styles, rep printer.MigrationReport, format, sarifRootFlag string) error {
	switch format {
	case "json":
		return printer.WriteMigrationJSON(w, rep)
	case "sarif":
		o := printer.MigrationSARIF{ToolVersion: versionString()}
		var err error
		if o.WorkDir, o.SARIFRoot, err = sarifRoot(&lintOptions{getwd: os.Getwd, SARIFRoot: sarifRootFlag}); err != nil {
			return err
		}
		return printer.WriteMigrationSARIF(w, rep, o)
	case "junit":
		return printer.WriteMigrationJUnit(w, rep)
	default:
		return printer.WriteMigrationText(w, styles, rep)
	}
}
