package main

import (
	"context"
	"fmt"
	goio "io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/spf13/cobra"

	"github.com/ingresskit/ingresskit/cluster"
	"github.com/ingresskit/ingresskit/internal/atomicfile"
	"github.com/ingresskit/ingresskit/lint"
	"github.com/ingresskit/ingresskit/manifest"
	"github.com/ingresskit/ingresskit/printer"
)

type lintOptions struct {
	IO    *IO
	Files fileFlags
	// Cluster reads the input from a live cluster when -f is missing, or
	// the objects the -f Ingresses reference with --cluster.
	Cluster clusterFlags
	// Outputs are the -o formats, at most one on standard output and the
	// others to files.
	Outputs   []outputSpec
	Enable    []string
	Disable   []string
	EnableAll bool
	FailOn    string
	Config    string
	ListRules bool
	Fix       bool
	// Controller forces the controller profile of every Ingress.
	Controller string
	// Compare is the profile that --compare checks the routing against.
	Compare string
	// KubeVersion is the Kubernetes version whose API validation applies;
	// empty means the cluster's when reading one, else the newest modelled.
	KubeVersion string
	// SARIFRoot is the directory SARIF URIs are relative to; empty means
	// the repository root found from .git upward, else the working
	// directory.
	SARIFRoot string

	// now is the instant certificates are checked against.
	now func() time.Time
	// getwd is where the configuration search starts.
	getwd func() (string, error)
}

var lintFormats = []string{"github", "json", "junit", "sarif", "text"}

func newLintCmd(io *IO, runF func(*lintOptions) error) *cobra.Command {
	opts := &lintOptions{IO: io, now: time.Now, getwd: os.Getwd}
	cmd := &cobra.Command{
		Use:   "lint [<path>... | -f <file>... [--cluster] | -A] [--check-certs] [-o text|json|sarif|junit|github[=<file>]]... [--fail-on <severity>] [--controller <name> [--compare <name>]] [--kube-version <version>] [--fix]",
		Short: "check Ingress manifests for mistakes the API server, the controllers or the routing would punish",
		Long: `Check Ingress manifests, with the Services, Secrets and IngressClasses they refer
to, for what the API server rejects, references that lead nowhere, routes that
conflict or can never match, removed API versions, and controller traps.

Each finding names file:line:col of the offending field, the rule, and what to
do. Rules, severities and --fail-on can be set in .ingresskit.yaml, searched
from the working directory upward; the annotation
ingresskit.dev/ignore: rule-a,rule-b suppresses rules on one object.

The controller of each Ingress comes from its IngressClass; --controller
spec|nginx|gce|alb|istio makes every Ingress served by that controller, for the
controller rules and the conflict and shadowing checks. --compare <name> with
--controller sends requests made from the rules through both controllers and
reports each one they route differently (controller-difference, a warning).

Without -f, lint reads the Ingresses of the current kubectl context and what
they reference (-n for a namespace, -A for all); with -f and --cluster, the
Ingresses come from the files and the Services, Secrets and IngressClasses from
the cluster. Secret data is read only with --check-certs, which enables the
certificate checks. A list the user may not read is a warning, and the rules
that need it are skipped rather than reporting its objects as missing.

Exit codes: 0 nothing at or above --fail-on, 1 findings at or above it,
2 usage or unreadable input.`,
		Args: cobra.ArbitraryArgs,
		Example: `  # Lint every example
  ingresskit lint -f examples/

  # Fail on warnings too, and annotate a pull request from GitHub Actions
  ingresskit lint -f examples/ --fail-on warning -o github

  # SARIF for code scanning
  ingresskit lint -f examples/ -o sarif > ingresskit.sarif

  # Text on the terminal, SARIF and JUnit into files, in one run
  ingresskit lint -f examples/ -o text -o sarif=ingresskit.sarif -o junit=report.xml

  # Rewrite what can be fixed safely, in place (here in a copy)
  cp examples/gce-v1beta1.yaml /tmp/gce.yaml
  ingresskit lint -f /tmp/gce.yaml --fix

  # What changes when moving from ingress-nginx to a spec-only controller?
  ingresskit lint -f examples/ --controller nginx --compare spec

  # Check the Ingresses of a namespace of the current cluster, certificates included
  ingresskit lint -n shop --check-certs

  # Check new manifests against what the cluster already has
  ingresskit lint -f new.yaml --cluster

  # List every rule
  ingresskit lint --list-rules`,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Files.addPaths(args)
			if opts.Fix && opts.Files.Kustomize != "" {
				return usageErrorf("--fix rewrites files in place and cannot fix kustomize's output: fix the kustomization's files with -f")
			}
			if opts.Fix && len(opts.Files.Filenames) == 0 {
				return usageErrorf("--fix rewrites files in place: give them with -f <file>")
			}
			if opts.Fix {
				for _, f := range opts.Files.Filenames {
					if f == "-" {
						return usageErrorf("--fix rewrites files in place and cannot fix standard input")
					}
				}
			}
			if err := checkOutputs(opts.Outputs); err != nil {
				return err
			}
			if opts.ListRules && (len(opts.Outputs) > 1 || opts.Outputs[0].Path != "") {
				return usageErrorf("--list-rules prints one format to standard output: give at most one -o, without =<file>")
			}
			if opts.Compare != "" && opts.Controller == "" {
				return usageErrorf("--compare needs --controller: the controller the manifests are served by now")
			}
			if opts.KubeVersion != "" {
				v, err := lint.ParseKubeVersion(opts.KubeVersion)
				if err == nil {
					err = v.Supported()
				}
				if err != nil {
					return &usageError{err: fmt.Errorf("--kube-version: %w", err)}
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
	opts.Files.addSelectorFlag(cmd)
	opts.Files.addKustomizeFlag(cmd)
	bindClusterFlags(cmd, &opts.Cluster, &opts.Files)
	cmd.Flags().BoolVar(&opts.Cluster.SecretData, "check-certs", false, "read the data of the cluster's Secrets to check their certificates (with files, certificates are always checked)")
	outputsFlag(cmd, &opts.Outputs, "text", lintFormats, "output format, repeatable; format=<file> writes that format to a file")
	enumFlag(cmd, &opts.FailOn, "fail-on", "", "", lint.Severities, "lowest severity that makes lint exit 1 (default error, or failOn in .ingresskit.yaml)")
	cmd.Flags().StringSliceVar(&opts.Enable, "enable", nil, "turn on rules that are off by default (comma-separated IDs)")
	cmd.Flags().StringSliceVar(&opts.Disable, "disable", nil, "turn rules off (comma-separated IDs)")
	cmd.Flags().BoolVar(&opts.EnableAll, "enable-all", false, "turn on every rule")
	cmd.Flags().StringVar(&opts.Config, "config", "", "configuration file (default: the nearest "+lint.ConfigFile+" from the working directory up)")
	cmd.Flags().BoolVar(&opts.ListRules, "list-rules", false, "print every rule and exit")
	cmd.Flags().BoolVar(&opts.Fix, "fix", false, "apply the safe fixes to the files in place")
	controllerFlag(cmd, &opts.Controller, "treat every Ingress as served by this controller (default: its IngressClass says)")
	enumFlag(cmd, &opts.Compare, "compare", "", "", controllerNames(), "report requests this controller routes differently from --controller")
	cmd.Flags().StringVar(&opts.KubeVersion, "kube-version", "", fmt.Sprintf("Kubernetes version whose API validation applies, %s to %s (default: the cluster's when reading one, else %s)", lint.OldestKubeVersion, lint.NewestKubeVersion, lint.NewestKubeVersion))
	cmd.Flags().StringVar(&opts.SARIFRoot, "sarif-root", "", "directory SARIF file URIs are relative to (default: the repository root, found from .git upward, else the working directory)")
	_ = cmd.MarkFlagDirname("sarif-root")
	cmd.MarkFlagsMutuallyExclusive("list-rules", "fix")
	_ = cmd.MarkFlagFilename("config", "yaml", "yml")
	return cmd
}

func lintRun(cmd *cobra.Command, opts *lintOptions) error {
	start := time.Now()
	io := opts.IO
	if opts.ListRules {
		switch opts.Outputs[0].Format {
		case "text":
			return printer.WriteLintRules(io.Out, io.Styles(), lint.Registry())
		case "json":
			return printer.WriteLintRulesJSON(io.Out, lint.Registry())
		default:
			return usageErrorf("--list-rules prints text or json, not %s", opts.Outputs[0].Format)
		}
	}
	cfg, err := lintConfig(opts)
	if err != nil {
		return err
	}
	snap, loadErr := opts.Cluster.Load(cmd.Context(), io)
	if snap == nil {
		return loadErr
	}
	set := snap.Set
	lopts := lint.Options{Config: cfg, Now: opts.now(), Controller: opts.Controller, Skip: unreadRules(snap),
		FromCluster: opts.Cluster.fromCluster(), KubeVersion: kubeVersion(io, opts.KubeVersion, snap)}
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
			if snap, loadErr = opts.Cluster.Load(cmd.Context(), io); snap == nil {
				return loadErr
			}
			set = snap.Set
			if res, err = lint.Run(cmd.Context(), set, lopts); err != nil {
				return err
			}
		}
	}
	if opts.Compare != "" {
		if err := addComparison(cmd.Context(), set, res, opts.Controller, opts.Compare); err != nil {
			return err
		}
	}
	// Input that could not be read appears in every format as findings,
	// so that a SARIF or JUnit consumer does not see a clean run; the exit
	// code stays 2.
	loadFindings := lint.LoadErrorFindings(loadErr)
	if len(loadFindings) > 0 {
		addLoadErrors(res, loadFindings)
	}
	rep := printer.LintReport{Result: res, FailOn: cfg.EffectiveFailOn(), Source: fileSource(), ToolVersion: versionString(), Elapsed: time.Since(start)}
	textOnStdout := false
	for _, o := range opts.Outputs {
		switch {
		case o.Format == "sarif":
			if rep.WorkDir, rep.SARIFRoot, err = sarifRoot(opts); err != nil {
				return err
			}
			if n := len(rep.Result.Findings); n > printer.SARIFResultLimit {
				fmt.Fprintf(io.ErrOut, "warning: %d results; GitHub code scanning keeps the first %d of a run: lint fewer files per run (one run per directory, each uploaded with its own category) or raise --fail-on\n", n, printer.SARIFResultLimit)
			}
		case o.Format == "text" && o.Path == "":
			textOnStdout = true
		}
	}
	err = writeOutputs(io, opts.Outputs, func(w goio.Writer, s *printer.Styles, o outputSpec) error {
		switch o.Format {
		case "json":
			return printer.WriteLintJSON(w, rep)
		case "sarif":
			return printer.WriteLintSARIF(w, rep)
		case "junit":
			return printer.WriteLintJUnit(w, rep)
		case "github":
			return printer.WriteLintGitHub(w, rep)
		default:
			return printer.WriteLintText(w, s, rep)
		}
	})
	if err != nil {
		return err
	}
	for _, o := range opts.Outputs {
		if o.Format == "github" {
			if err := lintGitHubSummary(io, rep); err != nil {
				return err
			}
			break
		}
	}
	if slices.ContainsFunc(opts.Outputs, func(o outputSpec) bool { return o.Format == "text" }) && (loadErr == nil || len(rep.Result.Findings) > 0) {
		// A clean summary would be false when some input could not be
		// read; the load errors that follow say why.
		fmt.Fprintln(io.ErrOut, printer.LintSummary(rep))
	}
	if textOnStdout && len(loadFindings) > 0 {
		// The text output already shows every load error.
		return &silentError{code: exitError}
	}
	if loadErr != nil {
		return loadErr
	}
	if n := res.Count(rep.FailOn); n > 0 {
		return errFindings("")
	}
	return nil
}

// lintGitHubSummary appends every finding to the step summary when
// $GITHUB_STEP_SUMMARY names one, and says on stderr how many findings
// GitHub shows in the log only. The runner creates the summary file and
// reads it after the step; writers append to it ("Adding a job summary",
// docs.github.com), so it is opened for appending rather than replaced
// through atomicfile.
func lintGitHubSummary(io *IO, rep printer.LintReport) error {
	path := io.getenv("GITHUB_STEP_SUMMARY")
	if hidden := printer.LintGitHubHidden(rep); hidden != "" {
		where := "set GITHUB_STEP_SUMMARY, as GitHub Actions does, to get the full list as a table"
		if path != "" {
			where = "the step summary lists every finding"
		}
		fmt.Fprintf(io.ErrOut, "warning: GitHub shows %d annotations of each kind per step; %s more are in the log only: %s\n", printer.GitHubAnnotationLimit, hidden, where)
	}
	if path == "" {
		return nil
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
	if err != nil {
		return fmt.Errorf("step summary: %w", err)
	}
	if err := printer.WriteLintGitHubSummary(f, rep); err != nil {
		f.Close()
		return fmt.Errorf("step summary %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("step summary %s: %w", path, err)
	}
	return nil
}

// sarifRoot returns the working directory and the directory SARIF URIs are
// relative to: --sarif-root, else the nearest directory from the working
// directory upward that holds .git (a directory, or a file in a worktree
// or submodule), else the working directory.
func sarifRoot(opts *lintOptions) (wd, root string, err error) {
	if wd, err = opts.getwd(); err != nil {
		return "", "", err
	}
	if opts.SARIFRoot != "" {
		root = opts.SARIFRoot
		if !filepath.IsAbs(root) {
			root = filepath.Join(wd, root)
		}
		if fi, err := os.Stat(root); err != nil || !fi.IsDir() {
			return "", "", usageErrorf("--sarif-root %s: not a directory", opts.SARIFRoot)
		}
		return wd, filepath.Clean(root), nil
	}
	for dir := wd; ; {
		if _, err := os.Stat(filepath.Join(dir, ".git")); err == nil {
			return wd, dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return wd, wd, nil
		}
		dir = parent
	}
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
	// Every fixed file is written, or none (atomicfile.WriteAll), as
	// convert --in-place does.
	var fixed []atomicfile.File
	var notes []string
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
		fixed = append(fixed, atomicfile.File{Path: name, Data: r.Data, Options: atomicfile.Options{Overwrite: true}})
		notes = append(notes, fmt.Sprintf("fixed %d %s in %s", len(r.Fixed), pluralWord(len(r.Fixed), "problem"), filepath.ToSlash(name)))
	}
	if err := atomicfile.WriteAll(fixed); err != nil {
		return changed, fmt.Errorf("fix: %w", err)
	}
	for _, n := range notes {
		changed = true
		fmt.Fprintln(io.ErrOut, n)
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

// addComparison adds the findings of lint.Compare (controller against
// other) to res.
func addComparison(ctx context.Context, set *manifest.Set, res *lint.Result, controller, other string) error {
	findings, suppressed, err := lint.Compare(ctx, set, lint.CompareOptions{Controller: controller, Against: other})
	if err != nil {
		return err
	}
	res.Findings = append(res.Findings, findings...)
	lint.SortFindings(res.Findings)
	res.Rules = append(res.Rules, lint.CompareRule)
	slices.SortFunc(res.Rules, func(a, b *lint.Rule) int { return strings.Compare(a.ID, b.ID) })
	res.Suppressed += suppressed
	return nil
}

// unreadRules returns the IDs of the rules whose inputs the snapshot lacks: a
// list the cluster refused (its warning is already printed), or Secret data
// that was not asked for. Run without them, an object that could not be read
// would be reported as missing.
func unreadRules(snap *cluster.Snapshot) []string {
	var skip []string
	if !snap.Complete(cluster.ServicesResource) {
		skip = append(skip, "missing-service", "missing-service-port", "gce-service-type", "alb-instance-service-type", "backend-ref-not-found", "istio-missing-destination")
	}
	if !snap.Complete(cluster.SecretsResource) {
		skip = append(skip, "missing-tls-secret", "tls-secret-type", "tls-cert-expired", "tls-cert-expiring", "tls-cert-host-mismatch", "listener-certificate-ref", "istio-missing-credential")
	} else if !snap.SecretData {
		skip = append(skip, "tls-secret-type", "tls-cert-expired", "tls-cert-expiring", "tls-cert-host-mismatch")
	}
	// Without the Gateways or the ReferenceGrants a route's parentRef or a
	// cross-namespace reference cannot be judged.
	if !snap.Complete(cluster.GatewaysResource) {
		skip = append(skip, "parent-ref-not-found", "route-not-allowed", "route-hostname-mismatch")
	}
	if !snap.Complete(cluster.ReferenceGrantsResource) || !snap.Complete(cluster.ReferenceGrantsV1beta1Resource) {
		skip = append(skip, "backend-ref-not-permitted", "listener-certificate-ref")
	}
	if !snap.Complete(cluster.IngressClassesResource) {
		skip = append(skip, "missing-ingress-class", "no-ingress-class", "invalid-ingress-class", "deprecated-class-annotation")
	}
	return skip
}

// addLoadErrors adds the findings made from load errors to res, with their
// rule among the rules that ran.
func addLoadErrors(res *lint.Result, findings []lint.Finding) {
	res.Findings = append(res.Findings, findings...)
	lint.SortFindings(res.Findings)
	res.Rules = append(res.Rules, lint.LoadErrorRule)
	slices.SortFunc(res.Rules, func(a, b *lint.Rule) int { return strings.Compare(a.ID, b.ID) })
}

// kubeVersion picks the Kubernetes version whose validation lint applies:
// --kube-version (already checked), else the cluster's when one was read,
// brought into the modelled range with a warning, else the newest
// modelled.
func kubeVersion(io *IO, flag string, snap *cluster.Snapshot) lint.KubeVersion {
	if flag != "" {
		v, _ := lint.ParseKubeVersion(flag)
		return v
	}
	if snap == nil || snap.ServerVersion == "" {
		return lint.NewestKubeVersion
	}
	v, err := lint.ParseKubeVersion(snap.ServerVersion)
	if err == nil && v.Major == 0 {
		// A kube-apiserver built from source without version stamps
		// reports v0.0.0-master: a development build, taken as the
		// newest.
		return lint.NewestKubeVersion
	}
	if err != nil {
		fmt.Fprintf(io.ErrOut, "warning: cannot read the cluster's version %q; checking the API validation of Kubernetes %s\n", snap.ServerVersion, lint.NewestKubeVersion)
		return lint.NewestKubeVersion
	}
	if c := v.Clamp(); c != v {
		fmt.Fprintf(io.ErrOut, "warning: the cluster runs Kubernetes %s; checking the API validation of %s, the nearest version lint models\n", v, c)
		return c
	}
	return v
}
