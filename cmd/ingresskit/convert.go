package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/spf13/cobra"

	"github.com/ingresskit/ingresskit/convert"
	"github.com/ingresskit/ingresskit/internal/atomicfile"
	"github.com/ingresskit/ingresskit/manifest"
	"github.com/ingresskit/ingresskit/printer"
)

type convertOptions struct {
	IO              *IO
	Files           fileFlags
	InPlace         bool
	Check           bool
	Output          string
	ClassAnnotation string
	// To and GW are the flags of --to gateway-api (convert_gateway.go).
	To string
	GW gatewayConvertOptions
}

var convertFormats = []string{"diff", "json", "manifest"}

func newConvertCmd(io *IO, runF func(*convertOptions) error) *cobra.Command {
	opts := &convertOptions{IO: io}
	cmd := &cobra.Command{
		Use:   "convert (<path>... | -f <file>...) [--in-place | --check] [-o diff] [--ingress-class-annotation keep|move] [--to gateway-api [--verify] [-o text|json|sarif|junit[=<file>]]...]",
		Short: "rewrite removed Ingress API versions as networking.k8s.io/v1",
		Long: `Rewrite every Ingress written against extensions/v1beta1 or
networking.k8s.io/v1beta1, and every networking.k8s.io/v1beta1 IngressClass,
as networking.k8s.io/v1, the way the API server converts them:
serviceName/servicePort become service.name and service.port.number (or
service.port.name), spec.backend becomes spec.defaultBackend, and a path
without a pathType gets ImplementationSpecific.

Only the fields that change are rewritten: comments, key order, quoting,
other documents and "---" separators stay byte for byte, and JSON stays JSON.
A field with no networking.k8s.io/v1 equivalent is an error naming its line.

The result goes to stdout, or back into the files with --in-place (each file
is replaced atomically and keeps its mode). --check lists the files that still
need conversion and exits 1 when there are any. Nothing is written when any
input is bad (exit 2).

--to gateway-api translates the Ingresses into Gateway API objects instead
(docs/migrate.md): one Gateway per Ingress class with an HTTP listener and an
HTTPS listener per TLS host, one HTTPRoute per Ingress host, ReferenceGrants
where a reference crosses namespaces. Paths and annotations are translated by
what the Ingress's controller does with them; what cannot be expressed is
reported on stderr with its position. --verify then routes probe requests
through both and exits 1 when any is answered differently. The report takes
-o as lint does: -o text, sarif or junit on stderr, and -o <format>=<file>
(json=<file> too) into files.`,
		Args: cobra.ArbitraryArgs,
		Example: `  # Print the GCE example as networking.k8s.io/v1
  ingresskit convert -f examples/gce-v1beta1.yaml

  # List the files still on removed APIs (exit 1 when there are any)
  ingresskit convert --check -f examples/

  # Show what would change, as a unified diff
  ingresskit convert -f examples/ -o diff

  # Also move kubernetes.io/ingress.class into spec.ingressClassName
  ingresskit convert -f examples/gce-v1beta1.yaml --ingress-class-annotation move

  # Translate the nginx example into Gateway API objects and prove they route the same
  ingresskit convert --to gateway-api --verify -f examples/nginx-tls.yaml

  # The same, with the report also as SARIF and JUnit files for CI
  ingresskit convert --to gateway-api --verify -f examples/nginx-tls.yaml -o text -o sarif=/tmp/migration.sarif -o junit=/tmp/migration.xml

  # Convert every file of a directory tree where it is (atomic, mode kept),
  # here in a copy of the examples
  cp -R examples /tmp/ik-examples
  ingresskit convert -R -f /tmp/ik-examples/ --in-place`,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Files.addPaths(args)
			if len(opts.Files.Filenames) == 0 {
				return usageErrorf("no input: give manifests with -f <file>, -f <dir> or -f - for stdin")
			}
			if err := validateGatewayConvert(cmd, opts); err != nil {
				return err
			}
			if opts.To == toGatewayAPI {
				if runF != nil {
					return runF(opts)
				}
				return convertGatewayRun(cmd.Context(), opts)
			}
			if opts.InPlace && opts.Output == "diff" {
				return usageErrorf("--in-place writes the files; -o diff only shows what would change: choose one")
			}
			for _, f := range opts.Files.Filenames {
				if f == "-" && opts.InPlace {
					return usageErrorf("--in-place cannot write back to standard input")
				}
			}
			if runF != nil {
				return runF(opts)
			}
			return convertRun(opts)
		},
	}
	opts.Files.addFlags(cmd)
	opts.Files.addSelectorFlag(cmd)
	// Conversion writes no namespace, so -n has nothing to do.
	_ = cmd.Flags().MarkHidden("namespace")
	cmd.Flags().BoolVar(&opts.InPlace, "in-place", false, "write the converted manifests back into their files")
	cmd.Flags().BoolVar(&opts.Check, "check", false, "list the files that need conversion and exit 1 if any do; write nothing")
	cmd.MarkFlagsMutuallyExclusive("in-place", "check")
	opts.Output = "manifest"
	cmd.Flags().VarP(&convertOutputValue{opts: opts}, "output", "o", "what to print: the converted manifests, a unified diff, or with --to gateway-api the objects as JSON (diff, json, manifest); with --to gateway-api also the report, repeatable as for lint: text, sarif or junit on stderr, or json, junit, sarif, text=<file> (default manifest, and the text report on stderr)")
	_ = cmd.RegisterFlagCompletionFunc("output", func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
		return []string{"diff", "json", "junit", "manifest", "sarif", "text"}, cobra.ShellCompDirectiveNoFileComp
	})
	addGatewayConvertFlags(cmd, opts)
	modes := make([]string, len(convert.ClassAnnotations))
	for i, m := range convert.ClassAnnotations {
		modes[i] = string(m)
	}
	enumFlag(cmd, &opts.ClassAnnotation, "ingress-class-annotation", "", string(convert.KeepClassAnnotation), modes,
		"keep the kubernetes.io/ingress.class annotation, or move it into spec.ingressClassName")
	return cmd
}

// convertInput is one file (or stdin) and its conversion.
type convertInput struct {
	name    string
	data    []byte
	out     []byte
	changed bool
}

func convertRun(opts *convertOptions) error {
	sel, err := opts.Files.selector()
	if err != nil {
		return err
	}
	names, err := convertPaths(opts)
	if err != nil {
		return err
	}
	// Convert everything in memory first: a bad input means nothing is
	// written anywhere.
	var inputs []*convertInput
	var errs []*manifest.InputError
	for _, name := range names {
		in := &convertInput{name: name}
		if name == "-" {
			in.name = "<stdin>"
			// No limit on bytes: manifest.Parse in convert.Bytes bounds
			// the nodes the input expands to (manifest.DefaultMaxTotalNodes).
			in.data, err = io.ReadAll(opts.IO.In)
		} else {
			in.data, err = os.ReadFile(name)
		}
		if err != nil {
			errs = append(errs, &manifest.InputError{Pos: manifest.Pos{File: in.name}, Msg: pathMessage(err)})
			continue
		}
		in.out, in.changed, err = convert.Bytes(in.name, in.data, convert.Options{IngressClassAnnotation: convert.ClassAnnotation(opts.ClassAnnotation), Selector: sel})
		var le *manifest.LoadError
		switch {
		case errors.As(err, &le):
			errs = append(errs, le.Errors...)
			continue
		case err != nil:
			return err
		}
		inputs = append(inputs, in)
	}
	if len(errs) > 0 {
		return &manifest.LoadError{Errors: errs}
	}
	var pending []string
	for _, in := range inputs {
		if in.changed {
			pending = append(pending, in.name)
		}
	}
	switch {
	case opts.Output == "diff":
		for _, in := range inputs {
			if err := printer.ConvertDiff(opts.IO.Out, opts.IO.Styles(), in.name, in.data, in.out); err != nil {
				return err
			}
		}
	case opts.Check:
		for _, name := range pending {
			fmt.Fprintln(opts.IO.Out, name)
		}
	case opts.InPlace:
		// Every changed file is written to a temporary file first, so
		// that a failed write (a full disk, a read-only directory)
		// leaves every file as it was, not the first few converted.
		//
		var files []atomicfile.File
		for _, in := range inputs {
			if in.changed {
				files = append(files, atomicfile.File{Path: in.name, Data: in.out, Options: atomicfile.Options{Overwrite: true}})
			}
		}
		if err := atomicfile.WriteAll(files); err != nil {
			return fmt.Errorf("write: %w", err)
		}
		for _, f := range files {
			fmt.Fprintf(opts.IO.ErrOut, "converted %s\n", f.Path)
		}
	default:
		var prev []byte
		for _, in := range inputs {
			if prev != nil {
				if !bytes.HasSuffix(prev, []byte("\n")) {
					fmt.Fprintln(opts.IO.Out)
				}
				if !bytes.HasPrefix(in.out, []byte("---")) {
					fmt.Fprintln(opts.IO.Out, "---")
				}
			}
			if _, err := opts.IO.Out.Write(in.out); err != nil {
				return err
			}
			prev = in.out
		}
	}
	if opts.Check && len(pending) > 0 {
		return errFindings("")
	}
	return nil
}

// convertPaths expands the -f arguments into files: directories give
// their .yaml, .yml and .json files, sorted (their subdirectories' too with
// -R), as manifest.Load reads them. Printing a directory's files as one
// stream would lose where each came from, so a directory needs --in-place,
// --check or -o diff.
func convertPaths(opts *convertOptions) ([]string, error) {
	var names []string
	var errs []*manifest.InputError
	for _, p := range opts.Files.Filenames {
		if p == "-" {
			names = append(names, p)
			continue
		}
		st, err := os.Stat(p)
		if err != nil {
			errs = append(errs, &manifest.InputError{Pos: manifest.Pos{File: p}, Msg: pathMessage(err)})
			continue
		}
		if !st.IsDir() {
			names = append(names, p)
			continue
		}
		if !opts.InPlace && !opts.Check && opts.Output != "diff" {
			return nil, usageErrorf("%s is a directory: convert its files where they are with --in-place, list them with --check, or preview with -o diff", p)
		}
		var files []string
		err = filepath.WalkDir(p, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.IsDir() {
				if path != p && !opts.Files.Recursive {
					return filepath.SkipDir
				}
				return nil
			}
			switch strings.ToLower(filepath.Ext(path)) {
			case ".yaml", ".yml", ".json":
				files = append(files, path)
			}
			return nil
		})
		if err != nil {
			errs = append(errs, &manifest.InputError{Pos: manifest.Pos{File: p}, Msg: pathMessage(err)})
			continue
		}
		if len(files) == 0 {
			errs = append(errs, &manifest.InputError{Pos: manifest.Pos{File: p}, Msg: "directory holds no .yaml, .yml or .json files"})
			continue
		}
		sort.Strings(files)
		names = append(names, files...)
	}
	if len(errs) > 0 {
		return nil, &manifest.LoadError{Errors: errs}
	}
	return names, nil
}

func pathMessage(err error) string {
	var pe *fs.PathError
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return "no such file or directory"
	case errors.Is(err, fs.ErrPermission):
		return "permission denied"
	case errors.As(err, &pe):
		return pe.Err.Error()
	}
	return err.Error()
}
