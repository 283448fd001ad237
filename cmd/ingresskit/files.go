package main

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/ingresskit/ingresskit/manifest"
)

// fileFlags are the kubectl-style input flags every command that reads
// manifests shares.
type fileFlags struct {
	Filenames []string
	Recursive bool
	Namespace string
}

func (f *fileFlags) addFlags(cmd *cobra.Command) {
	cmd.Flags().StringArrayVarP(&f.Filenames, "filename", "f", nil, "manifest file, directory, or - for stdin (repeatable)")
	cmd.Flags().BoolVarP(&f.Recursive, "recursive", "R", false, "read the directories given with -f recursively")
	cmd.Flags().StringVarP(&f.Namespace, "namespace", "n", "", "namespace for objects that do not name one (default \"default\")")
	_ = cmd.MarkFlagFilename("filename", "yaml", "yml", "json")
}

// addPaths adds the positional arguments to the -f inputs: `lint deploy/`
// reads like `lint -f deploy/`, as kube-linter and kubeconform take paths.
func (f *fileFlags) addPaths(args []string) {
	f.Filenames = append(f.Filenames, args...)
}

// load reads the manifests the flags name. It returns the valid objects
// even when some inputs are bad, together with a *manifest.LoadError.
func (f *fileFlags) load(ctx context.Context, io *IO) (*manifest.Set, error) {
	if len(f.Filenames) == 0 {
		return nil, usageErrorf("no input: give manifests with -f <file>, -f <dir> or -f - for stdin")
	}
	return manifest.Load(ctx, manifest.Options{
		Paths:     f.Filenames,
		Recursive: f.Recursive,
		Stdin:     io.In,
		Namespace: f.Namespace,
		Warn: func(pos manifest.Pos, msg string) {
			fmt.Fprintf(io.ErrOut, "warning: %s: %s\n", pos.File, msg)
		},
	})
}
