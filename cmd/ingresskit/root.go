package main

import (
	"context"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"

	"github.com/spf13/cobra"

	// Every Ingress profile and data plane registers itself with simulate.
	_ "github.com/ingresskit/ingresskit/simulate/profiles"
)

// pluginName is the name under which kubectl finds the binary as a plugin.
const pluginName = "kubectl-ingresskit"

// run builds the root command, runs it with args and returns the exit
// code. Nothing below it exits the process.
func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	io := newIO(stdin, stdout, stderr)
	root := newRootCmd(io)
	root.SetArgs(args)
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	cmd, err := root.ExecuteContextC(ctx)
	if err != nil {
		printError(stderr, err, cmd.CommandPath())
	}
	return exitCode(err)
}

func newRootCmd(io *IO) *cobra.Command {
	root := &cobra.Command{
		Use:   "ingresskit",
		Short: "author, lint and test Kubernetes Ingress",
		Long: `ingresskit reads Kubernetes Ingress manifests and tells what they route where:
it lists routes, simulates requests, lints, converts removed API versions,
makes TLS certificates and serves the routes locally. It also creates and
edits Ingresses, checked by lint before they are printed or written.

Exit codes: 0 ok, 1 findings (lint, test, convert --check), 2 usage or input error.`,
		SilenceUsage:  true,
		SilenceErrors: true,
		Version:       versionString(),
	}
	root.SetIn(io.In)
	root.SetOut(io.Out)
	root.SetErr(io.ErrOut)
	root.PersistentFlags().BoolVar(&io.NoColor, "no-color", false, "disable colors and styles (also NO_COLOR)")
	root.SetFlagErrorFunc(func(c *cobra.Command, err error) error {
		return &usageError{err: err}
	})
	root.SetVersionTemplate("{{.Version}}\n")
	root.AddCommand(
		newCertgenCmd(io, nil),
		newLintCmd(io, nil),
		newProxyCmd(io, nil),
		newRoutesCmd(io, nil),
		newSimulateCmd(io, nil),
		newTestCmd(io, nil),
		newConvertCmd(io, nil),
		newCompareCmd(io, nil),
		newCreateCmd(io),
		newEditCmd(io),
		newVersionCmd(io, nil),
		newDocsCmd(io, nil),
	)
	root.InitDefaultCompletionCmd()
	for _, c := range root.Commands() {
		if c.Name() == "completion" {
			// kubectl completion refuses a missing or unknown shell; so does
			// this one (exit 2), instead of printing help and exiting 0.
			c.Args = cobra.NoArgs
			c.RunE = func(cmd *cobra.Command, args []string) error {
				return usageErrorf("name a shell: bash, fish, powershell or zsh")
			}
			c.Example = `  # Load completions into the current bash session
  source <(ingresskit completion bash)

  # Install them for every zsh session
  ingresskit completion zsh > "${fpath[1]}/_ingresskit"`
		}
		c.Args = wrapArgs(c.Args)
	}
	registerValueCompletions(root)
	if pluginMode() {
		// kubectl runs plugins by file name; usage and examples should read
		// as kubectl users type them (spf13/cobra site/content/user_guide.md,
		// "Creating a Plugin").
		root.Annotations = map[string]string{cobra.CommandDisplayNameAnnotation: "kubectl ingresskit"}
		pluginExamples(root)
		if c, _, err := root.Find([]string{"completion"}); err == nil && c != root {
			// kubectl completes a plugin's words through an executable named
			// kubectl_complete-<plugin> on PATH
			// (k8s.io/kubectl/pkg/cmd/plugin/plugin_completion.go).
			c.Example = `  # kubectl ingresskit <TAB> completes through kubectl's own completion
  # (kubectl 1.26 or later) once kubectl_complete-ingresskit, shipped
  # beside the plugin in the release archives, is on PATH
  source <(kubectl completion bash)`
		}
	}
	return root
}

// wrapArgs turns positional-argument errors into usage errors.
func wrapArgs(fn cobra.PositionalArgs) cobra.PositionalArgs {
	if fn == nil {
		return nil
	}
	return func(cmd *cobra.Command, args []string) error {
		if err := fn(cmd, args); err != nil {
			return &usageError{err: err}
		}
		return nil
	}
}

// pluginMode reports whether the binary runs as a kubectl plugin: under
// its plugin name, as kubectl finds it on PATH
// (k8s.io/kubectl/pkg/cmd/cmd.go, DefaultPluginHandler), or with
// KUBECTL_PLUGINS_CALLER set, which kubectl's earlier plugin mechanism
// (1.8 to 1.11, kubernetes pkg/kubectl/plugins/env.go) set for its plugins
// and wrappers still set.
func pluginMode() bool {
	if strings.HasPrefix(filepath.Base(os.Args[0]), pluginName) {
		return true
	}
	return os.Getenv("KUBECTL_PLUGINS_CALLER") != ""
}

// commandWord is "ingresskit" where a command line starts with it: at the
// start of a line or after a space, "(", "|" or "$(", but not in
// kubectl-ingresskit or a path.
var commandWord = regexp.MustCompile(`(^|[\s(|])ingresskit `)

// pluginExamples rewrites the examples of every command to start with
// kubectl ingresskit.
func pluginExamples(c *cobra.Command) {
	c.Example = commandWord.ReplaceAllString(c.Example, "${1}kubectl ingresskit ")
	for _, sub := range c.Commands() {
		pluginExamples(sub)
	}
}
