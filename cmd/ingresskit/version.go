package main

import (
	"fmt"
	"runtime"
	"runtime/debug"

	"github.com/spf13/cobra"

	"github.com/ingresskit/ingresskit/printer"
)

// Set at release with -ldflags "-X main.version=... -X main.commit=...".
var (
	version = ""
	commit  = ""
)

// buildInfo returns the version and commit, falling back to what the Go
// toolchain recorded (mkcert main.go does the same for `go install`).
func buildInfo() (string, string) {
	v, c := version, commit
	if info, ok := debug.ReadBuildInfo(); ok {
		if v == "" && info.Main.Version != "" && info.Main.Version != "(devel)" {
			v = info.Main.Version
		}
		for _, s := range info.Settings {
			if s.Key == "vcs.revision" && c == "" {
				c = s.Value
			}
		}
	}
	if v == "" {
		v = "devel"
	}
	if c == "" {
		c = "unknown"
	}
	return v, c
}

func versionString() string {
	v, _ := buildInfo()
	return v
}

type versionOptions struct {
	IO *IO
	// Output is text or json.
	Output string
}

func newVersionCmd(io *IO, runF func(*versionOptions) error) *cobra.Command {
	opts := &versionOptions{IO: io}
	cmd := &cobra.Command{
		Use:   "version [-o text|json]",
		Short: "print the version, commit and Go version",
		Args:  cobra.NoArgs,
		Example: `  # Print the version
  ingresskit version

  # The same as JSON
  ingresskit version -o json`,
		RunE: func(cmd *cobra.Command, args []string) error {
			if runF != nil {
				return runF(opts)
			}
			return versionRun(opts)
		},
	}
	enumFlag(cmd, &opts.Output, "output", "o", "text", []string{"json", "text"}, "output format")
	return cmd
}

func versionRun(opts *versionOptions) error {
	v, c := buildInfo()
	if opts.Output == "json" {
		return printer.WriteVersionJSON(opts.IO.Out, printer.VersionJSON{Version: v, Commit: c, Go: runtime.Version()})
	}
	_, err := fmt.Fprintf(opts.IO.Out, "version: %s\ncommit: %s\ngo: %s\n", v, c, runtime.Version())
	return err
}
