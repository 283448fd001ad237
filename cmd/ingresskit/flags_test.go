package main

import (
	"io"
	"strings"

	"github.com/spf13/cobra"
)

// parseOptions builds a command with newCmd and a runF that captures its
// options instead of running, executes it with args, and returns what the
// flags produced (the flag-test pattern of GitHub CLI
// pkg/cmd/label/list_test.go).
func parseOptions[O any](newCmd func(*IO, func(*O) error) *cobra.Command, args []string) (*O, error) {
	var got *O
	cmd := newCmd(newIO(strings.NewReader(""), io.Discard, io.Discard), func(o *O) error { got = o; return nil })
	cmd.Args = wrapArgs(cmd.Args) // as newRootCmd does for every command
	cmd.SetArgs(args)
	cmd.SetOut(io.Discard)
	cmd.SetErr(io.Discard)
	return got, cmd.Execute()
}
