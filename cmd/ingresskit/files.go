package main

import (
	"bytes"
	"context"
	"fmt"
	"slices"

	"github.com/spf13/cobra"
	"k8s.io/apimachinery/pkg/labels"

	"github.com/ingresskit/ingresskit/manifest"
	"github.com/ingresskit/ingresskit/manifest/kustomize"
)

// fileFlags are the kubectl-style input flags every command that reads
// manifests shares.
type fileFlags struct {
	Filenames []string
	Recursive bool
	Namespace string
	// Selector is -l: a label selector the objects that declare routes
	// must match (manifest.Set.Select); empty selects everything.
	Selector string
	// Kustomize is -k: a kustomization directory rendered with kustomize's
	// library and read beside the -f inputs.
	Kustomize string
}

// addKustomizeFlag adds -k/--kustomize as kubectl apply -k names it.
func (f *fileFlags) addKustomizeFlag(cmd *cobra.Command) {
	cmd.Flags().StringVarP(&f.Kustomize, "kustomize", "k", "", "kustomization directory, rendered as kustomize build does; positions point at its files, or at the output for what kustomize wrote")
	_ = cmd.MarkFlagDirname("kustomize")
}

// addSelectorFlag adds -l/--selector, kubectl's label selector
// (app=shop,tier!=db, tier in (web,api), !canary), for the commands that
// read routes.
func (f *fileFlags) addSelectorFlag(cmd *cobra.Command) {
	cmd.Flags().StringVarP(&f.Selector, "selector", "l", "", "label selector (app=shop,tier!=db or set-based) the Ingresses and routes must match; the objects they refer to are read whatever their labels")
}

// selector parses -l with k8s.io/apimachinery's label parser, the one
// kubectl uses; a bad selector is a usage error.
func (f *fileFlags) selector() (labels.Selector, error) {
	sel, err := labels.Parse(f.Selector)
	if err != nil {
		return nil, usageErrorf("-l %q: %v", f.Selector, err)
	}
	return sel, nil
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
	if len(f.Filenames) == 0 && f.Kustomize == "" {
		return nil, usageErrorf("no input: give manifests with -f <file>, -f <dir> or -f - for stdin")
	}
	sel, err := f.selector()
	if err != nil {
		return nil, err
	}
	paths, stdin, stdinName := f.Filenames, io.In, ""
	var relocate func(manifest.Pos) manifest.Pos
	if f.Kustomize != "" {
		if slices.Contains(f.Filenames, "-") {
			return nil, usageErrorf("-k and -f - both read standard input's place: give the stdin manifests as a file")
		}
		out, err := kustomize.Render(f.Kustomize)
		if err != nil {
			return nil, err
		}
		// The rendered output is read as a stream of its own; its
		// positions are moved back to the kustomization's files, and
		// what kustomize wrote itself keeps the name of its output.
		paths = append(slices.Clone(paths), "-")
		stdin, stdinName, relocate = bytes.NewReader(out.YAML), out.Name, out.Relocate
	}
	set, err := manifest.Load(ctx, manifest.Options{
		Paths:     paths,
		Recursive: f.Recursive,
		Stdin:     stdin,
		StdinName: stdinName,
		Relocate:  relocate,
		Namespace: f.Namespace,
		Warn: func(pos manifest.Pos, msg string) {
			fmt.Fprintf(io.ErrOut, "warning: %s: %s\n", pos.File, msg)
		},
	})
	if set != nil {
		set = set.Select(sel)
	}
	return set, err
}

// given reports whether the command line names inputs: -f (or paths) or -k.
func (f *fileFlags) given() bool { return len(f.Filenames) > 0 || f.Kustomize != "" }
