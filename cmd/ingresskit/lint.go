package main

import (
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/spf13/cobra"

	"github.com/ingresskit/ingresskit/internal/atomicfile"
	"github.com/ingresskit/ingresskit/lint"
	"github.com/ingresskit/ingresskit/manifest"
	"github.com/ingresskit/ingresskit/printer"
)

type lintOptions struct {
	IO        *IO
	Files     fileFlags
	Output    string
	Enable    []string
	Disable   []string
	EnableAll bool
	FailOn    string
	Config    string
	ListRules bool
	Fix       bool

	// now is the instant certificates are checked against.
	now func() time.Time
	// getwd is where the configuration search starts.
	getwd func() (string, error)
}

var lintFormats = []string{"github", "json", "junit", "sarif", "text"}

func newLintCmd(io *IO, runF func(*lintOptions) error) *cobra.Command {
	opts := &lintOptions{IO: io, now: time.Now, getwd: os.Getwd}
	cmd := &cobra.Command{
		Use:   "lint -f <file>... [-o text|json|sarif|junit|github] [--fail-on <severity>] [--fix]",
		Short: "check Ingress manifests for mistakes the API server, the controllers or the routing would punish",
		Long: `Check Ingress manifests, with the Services, Secrets and IngressClasses they refer
to, for what the API server rejects, references that lead nowhere, routes that
conflict or can never match, removed API versions, and controller traps.

Each finding names file:line:col of the offending field, the rule, and what to
do. Rules, severities and --fail-on can be set in .ingresskit.yaml, searched
from the working directory upward; the annotation
ingresskit.dev/ignore: rule-a,rule-b suppresses rules on one object.

Exit codes: 0 nothing at or above --fail-on, 1 findings at or above it,
2 usage or unreadable input.`,
		Args: cobra.NoArgs,
		Example: `  # Lint every example
  ingresskit lint -f examples/

  # Fail on warnings too, and annotate a pull request from GitHub Actions
  ingresskit lint -f examples/ --fail-on warning -o github

  # SARIF for code scanning
  ingresskit lint -f examples/ -o sarif > ingresskit.sarif

  # Rewrite what can be fixed safely, in place
  ingresskit lint -f examples/gce-v1beta1.yaml --fix

  # List every rule
  ingresskit lint --list-rules`,
		RunE: func(cmd *cobra.Command, args []string) error {
			if !opts.ListRules && len(opts.Files.Filenames) == 0 {
				return usageErrorf("no input: give manifests with -f <file>, -f <dir> or -f - for stdin")
			}
			if opts.Fix {
				for _, f := range opts.Files.Filenames {
					if f == "-" {
						return usageErrorf("--fix rewrites files in place and cannot fix standard input")
					}
				}
			}
			if _, err := (lint.Config{Enable: opts.Enable, Disable: opts.Disable}).Select(lint.Registry()); err != nil {
				return &usageError{err: err}
			}
			if runF != nil {
				return runF(opts)
			}
			return lintRun(cmd, opts)
		},
	}
	opts.Files.addFlags(cmd)
	enumFlag(cmd, &opts.Output, "output", "o", "text", lintFormats, "output format")
	enumFlag(cmd, &opts.FailOn, "fail-on", "", "", lint.Severities, "lowest severity that makes lint exit 1 (default error, or failOn in .ingresskit.yaml)")
	cmd.Flags().StringSliceVar(&opts.Enable, "enable", nil, "turn on rules that are off by default (comma-separated IDs)")
	cmd.Flags().StringSliceVar(&opts.Disable, "disable", nil, "turn rules off (comma-separated IDs)")
	cmd.Flags().BoolVar(&opts.EnableAll, "enable-all", false, "turn on every rule")
	cmd.Flags().StringVar(&opts.Config, "config", "", "configuration file (default: the nearest "+lint.ConfigFile+" from the working directory up)")
	cmd.Flags().BoolVar(&opts.ListRules, "list-rules", false, "print every rule and exit")
	cmd.Flags().BoolVar(&opts.Fix, "fix", false, "apply the safe fixes to the files in place")
	cmd.MarkFlagsMutuallyExclusive("list-rules", "fix")
	_ = cmd.MarkFlagFilename("config", "yaml", "yml")
	return cmd
}

func lintRun(cmd *cobra.Command, opts *lintOptions) error {
	io := opts.IO
	if opts.ListRules {
		return printer.WriteLintRules(io.Out, io.Styles(), lint.Registry())
	}
	cfg, err := lintConfig(opts)
	if err != nil {
		return err
	}
	set, loadErr := opts.Files.load(cmd.Context(), io)
	if set == nil {
		return loadErr
	}
	lopts := lint.Options{Config: cfg, Now: opts.now()}
	res, err := lint.Run(cmd.Context(), set, lopts)
	if err != nil {
		return err
	}
	if opts.Fix && loadErr == nil {
		fixed, err := lintFix(io, set, res)
		if err != nil {
			return err
		}
		if fixed {
			// Report what is left, from the rewritten files.
			if set, loadErr = opts.Files.load(cmd.Context(), io); set == nil {
				return loadErr
			}
			if res, err = lint.Run(cmd.Context(), set, lopts); err != nil {
				return err
			}
		}
	}
	rep := printer.LintReport{Result: res, FailOn: cfg.EffectiveFailOn(), Source: fileSource(), ToolVersion: versionString()}
	switch opts.Output {
	case "json":
		err = printer.WriteLintJSON(io.Out, rep)
	case "sarif":
		err = printer.WriteLintSARIF(io.Out, rep)
	case "junit":
		err = printer.WriteLintJUnit(io.Out, rep)
	case "github":
		err = printer.WriteLintGitHub(io.Out, rep)
	default:
		if err = printer.WriteLintText(io.Out, io.Styles(), rep); err == nil {
			fmt.Fprintln(io.ErrOut, printer.LintSummary(rep))
		}
	}
	if err != nil {
		return err
	}
	if loadErr != nil {
		return loadErr
	}
	if n := res.Count(rep.FailOn); n > 0 {
		return errFindings("")
	}
	return nil
}

// lintConfig reads the configuration file (--config, or the nearest
// .ingresskit.yaml) and lays the flags over it.
func lintConfig(opts *lintOptions) (lint.Config, error) {
	path := opts.Config
	if path == "" {
		wd, err := opts.getwd()
		if err != nil {
			return lint.Config{}, err
		}
		if path, err = lint.FindConfig(wd); err != nil {
			return lint.Config{}, err
		}
	}
	var file lint.Config
	if path != "" {
		var err error
		if file, err = lint.LoadConfig(path); err != nil {
			return lint.Config{}, err
		}
		if _, err := file.Select(lint.Registry()); err != nil {
			return lint.Config{}, fmt.Errorf("%s: %w", path, err)
		}
	}
	flags := lint.Config{Enable: opts.Enable, Disable: opts.Disable, EnableAll: opts.EnableAll}
	if opts.FailOn != "" {
		sev, err := lint.ParseSeverity(opts.FailOn)
		if err != nil {
			return lint.Config{}, &usageError{err: err}
		}
		flags.FailOn = sev
	}
	return file.Override(flags), nil
}

// lintFix applies the fixes and writes the changed files atomically,
// keeping their modes. It reports whether any file changed.
func lintFix(io *IO, set *manifest.Set, res *lint.Result) (bool, error) {
	files := map[string][]byte{}
	for _, f := range res.Findings {
		if !f.Fixable || files[f.Pos.File] != nil || f.Pos.File == "<stdin>" {
			continue
		}
		data, err := os.ReadFile(f.Pos.File)
		if err != nil {
			return false, fmt.Errorf("fix %s: %w", f.Pos.File, err)
		}
		files[f.Pos.File] = data
	}
	changed := false
	results := lint.ApplyFixes(files, res.Findings)
	for _, name := range set.Files {
		r := results[name]
		if r == nil {
			continue
		}
		for _, err := range r.Skipped {
			fmt.Fprintf(io.ErrOut, "warning: %v\n", err)
		}
		if len(r.Fixed) == 0 {
			continue
		}
		if err := atomicfile.Write(name, r.Data, atomicfile.Options{Overwrite: true}); err != nil {
			return changed, fmt.Errorf("fix %s: %w", name, err)
		}
		changed = true
		fmt.Fprintf(io.ErrOut, "fixed %d %s in %s\n", len(r.Fixed), pluralWord(len(r.Fixed), "problem"), filepath.ToSlash(name))
	}
	return changed, nil
}

func pluralWord(n int, w string) string {
	if n == 1 {
		return w
	}
	return w + "s"
}

// fileSource reads files for the source excerpts of the text format,
// once each.
func fileSource() func(string) []byte {
	var mu sync.Mutex
	cache := map[string][]byte{}
	return func(name string) []byte {
		mu.Lock()
		defer mu.Unlock()
		if b, ok := cache[name]; ok {
			return b
		}
		b, err := os.ReadFile(name)
		if err != nil {
			b = nil
		}
		cache[name] = b
		return b
	}
}
