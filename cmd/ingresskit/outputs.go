package main

import (
	"bytes"
	"fmt"
	goio "io"
	"path/filepath"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/ingresskit/ingresskit/internal/atomicfile"
	"github.com/ingresskit/ingresskit/printer"
)

// outputSpec is one -o value: a format, written to standard output, or
// format=path, written to that file.
type outputSpec struct {
	Format string
	// Path is the file the format goes to; empty means standard output.
	Path string
}

func (o outputSpec) String() string {
	if o.Path == "" {
		return o.Format
	}
	return o.Format + "=" + o.Path
}

// outputsValue is a repeatable -o flag taking format or format=path, for
// commands that write several reports in one run (lint -o text -o
// sarif=ingresskit.sarif -o junit=report.xml), as CI jobs need one file
// per consumer. Formats are checked at parse time like enumValue's.
type outputsValue struct {
	target  *[]outputSpec
	allowed []string
	// set is false until the first -o replaces the default.
	set bool
}

func (v *outputsValue) String() string {
	var s []string
	for _, o := range *v.target {
		s = append(s, o.String())
	}
	return strings.Join(s, ",")
}

func (v *outputsValue) Type() string { return "format[=file]" }

func (v *outputsValue) Set(s string) error {
	format, path, hasPath := strings.Cut(s, "=")
	if !slices.Contains(v.allowed, format) {
		return fmt.Errorf("invalid value %q: must be one of %s, each optionally =<file>", s, strings.Join(v.allowed, ", "))
	}
	if hasPath && path == "" {
		return fmt.Errorf("invalid value %q: give the file after =, as in %s=report.out, or leave =<file> out for standard output", s, format)
	}
	if !v.set {
		*v.target = nil
		v.set = true
	}
	*v.target = append(*v.target, outputSpec{Format: format, Path: path})
	return nil
}

// outputsFlag binds the repeatable -o/--output flag; def is the format
// written to standard output when -o is not given.
func outputsFlag(cmd *cobra.Command, target *[]outputSpec, def string, allowed []string, usage string) {
	sorted := slices.Clone(allowed)
	slices.Sort(sorted)
	*target = []outputSpec{{Format: def}}
	cmd.Flags().VarP(&outputsValue{target: target, allowed: sorted}, "output", "o", usage)
	_ = cmd.RegisterFlagCompletionFunc("output", func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
		return sorted, cobra.ShellCompDirectiveNoFileComp
	})
}

// checkOutputs rejects combinations no run can write: two formats on
// standard output, or one file named twice.
func checkOutputs(outs []outputSpec) error {
	return checkNamedOutputs(outs, "-o", "standard output")
}

// checkNamedOutputs is checkOutputs for the flag named flag, whose
// outputs without a file go to where.
func checkNamedOutputs(outs []outputSpec, flag, where string) error {
	var stdout []string
	files := map[string]string{}
	for _, o := range outs {
		if o.Path == "" {
			stdout = append(stdout, o.Format)
			continue
		}
		key := filepath.Clean(o.Path)
		if prev, ok := files[key]; ok {
			return usageErrorf("%s %s and %s %s=%s write the same file: give each format its own file", flag, prev, flag, o.Format, o.Path)
		}
		files[key] = o.String()
	}
	if len(stdout) > 1 {
		return usageErrorf("%s %s: only one format can go to %s; send the others to files, as in %s %s %s %s=<file>",
			flag, strings.Join(stdout, " "+flag+" "), where, flag, stdout[0], flag, stdout[1])
	}
	return nil
}

// writeOutputs renders every output: the one without a path to stdout,
// the others into files, all written atomically together
// (internal/atomicfile) after every format rendered, so a failed render
// leaves no report half-written. Each file written is named on stderr.
// render writes one format to w with styles s: io.Styles() for stdout,
// none for files, which are never styled.
func writeOutputs(io *IO, outs []outputSpec, render func(w goio.Writer, s *printer.Styles, o outputSpec) error) error {
	return writeOutputsTo(io, io.Out, io.Styles(), outs, render)
}

// writeOutputsTo is writeOutputs with the output that has no file written
// to w with styles s instead of stdout.
func writeOutputsTo(io *IO, w goio.Writer, s *printer.Styles, outs []outputSpec, render func(w goio.Writer, s *printer.Styles, o outputSpec) error) error {
	var files []atomicfile.File
	for _, o := range outs {
		if o.Path == "" {
			if err := render(w, s, o); err != nil {
				return err
			}
			continue
		}
		var buf bytes.Buffer
		if err := render(&buf, printer.NewStyles(&buf, false), o); err != nil {
			return err
		}
		files = append(files, atomicfile.File{Path: o.Path, Data: buf.Bytes(), Options: atomicfile.Options{Overwrite: true}})
	}
	if err := atomicfile.WriteAll(files); err != nil {
		return fmt.Errorf("write report: %w", err)
	}
	for _, f := range files {
		fmt.Fprintf(io.ErrOut, "wrote %s\n", filepath.ToSlash(f.Path))
	}
	return nil
}
