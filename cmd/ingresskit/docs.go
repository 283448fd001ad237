package main

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/cobra/doc"
	"github.com/spf13/pflag"

	"github.com/ingresskit/ingresskit/internal/atomicfile"
)

type docsOptions struct {
	IO *IO
	// Dir receives man/man1/*.1 and completions/ingresskit.{bash,fish}
	// and completions/_ingresskit.
	Dir string
	// Root is the command tree to document.
	Root *cobra.Command
}

// newDocsCmd is the hidden command the release runs before it builds the
// archives: man pages from cobra's generator (github.com/spf13/cobra/doc)
// and the shell completions, both from the command tree itself, so they
// cannot drift from the binary. helm ships the same kind of hidden
// command (cmd/helm/docs.go). Man pages carry SOURCE_DATE_EPOCH as their
// date when it is set (cobra doc/man_docs.go), so a release is
// reproducible.
func newDocsCmd(io *IO, runF func(*docsOptions) error) *cobra.Command {
	opts := &docsOptions{IO: io}
	cmd := &cobra.Command{
		Use:    "docs --dir <dir>",
		Short:  "write man pages and shell completions for the release archives",
		Hidden: true,
		Args:   cobra.NoArgs,
		Example: `  # Write release files into build/release
  ingresskit docs --dir build/release`,
		RunE: func(cmd *cobra.Command, args []string) error {
			if opts.Dir == "" {
				return usageErrorf("--dir is required")
			}
			opts.Root = cmd.Root()
			if runF != nil {
				return runF(opts)
			}
			return docsRun(opts)
		},
	}
	cmd.Flags().StringVar(&opts.Dir, "dir", "", "directory to write man/ and completions/ into")
	_ = cmd.MarkFlagDirname("dir")
	return cmd
}

func docsRun(opts *docsOptions) error {
	root := opts.Root
	root.DisableAutoGenTag = true
	header := &doc.GenManHeader{Title: "INGRESSKIT", Section: "1", Source: "ingresskit"}
	files := map[string]func(w io.Writer) error{
		"completions/ingresskit.bash": func(w io.Writer) error { return root.GenBashCompletionV2(w, true) },
		"completions/_ingresskit":     func(w io.Writer) error { return root.GenZshCompletion(w) },
		"completions/ingresskit.fish": func(w io.Writer) error { return root.GenFishCompletion(w, true) },
	}
	// One page per command, named as cobra's GenManTree names them.
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		if !c.IsAvailableCommand() || c.IsAdditionalHelpTopicCommand() {
			return
		}
		manText(c)
		name := strings.ReplaceAll(c.CommandPath(), " ", "-") + ".1"
		files["man/man1/"+name] = func(w io.Writer) error { return doc.GenMan(c, header, w) }
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(root)
	names := make([]string, 0, len(files))
	for n := range files {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		var buf bytes.Buffer
		if err := files[n](&buf); err != nil {
			return fmt.Errorf("%s: %w", n, err)
		}
		path := filepath.Join(opts.Dir, filepath.FromSlash(n))
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return err
		}
		if err := atomicfile.Write(path, buf.Bytes(), atomicfile.Options{Mode: 0o644}); err != nil {
			return err
		}
	}
	fmt.Fprintf(opts.IO.ErrOut, "wrote %d files to %s\n", len(names), opts.Dir)
	return nil
}

// manEscaper keeps the <placeholder> words of the help text: the man
// pages are made from markdown (github.com/cpuguy83/go-md2man), where
// <file> would be an HTML tag and vanish.
var manEscaper = strings.NewReplacer("<", "\\<", ">", "\\>")

// manText escapes the text of c that the man page renders as markdown.
// Examples are code blocks and stay as written. The command tree is the
// docs command's own, used once.
func manText(c *cobra.Command) {
	c.Use = manEscaper.Replace(c.Use)
	c.Short = manEscaper.Replace(c.Short)
	c.Long = manEscaper.Replace(c.Long)
	c.LocalFlags().VisitAll(func(f *pflag.Flag) { f.Usage = manEscaper.Replace(f.Usage) })
}
