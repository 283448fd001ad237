// Command gendocs writes docs/rules: one page per lint rule, generated
// from the registry and the rule's fixtures, and an index. `make docs`
// runs it from the module root; the lint package's TestRegistryMeta fails
// when the committed pages differ from what it would write.
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"github.com/ingresskit/ingresskit/internal/atomicfile"
	"github.com/ingresskit/ingresskit/lint"
)

func main() {
	out := flag.String("out", lint.DocsDir, "directory to write the rule pages to")
	lintDir := flag.String("lint", "lint", "directory of the lint package, where the fixtures are")
	flag.Parse()
	if err := run(*out, *lintDir); err != nil {
		fmt.Fprintln(os.Stderr, "gendocs:", err)
		os.Exit(1)
	}
}

func run(out, lintDir string) error {
	if err := os.MkdirAll(out, 0o755); err != nil {
		return err
	}
	write := func(name string, data []byte) error {
		return atomicfile.Write(filepath.Join(out, name), data, atomicfile.Options{Mode: 0o644, Overwrite: true})
	}
	keep := map[string]bool{"README.md": true}
	for _, r := range lint.Registry() {
		page, err := lint.DocPage(r, filepath.Join(lintDir, lint.FixtureDir(r.ID)))
		if err != nil {
			return err
		}
		if err := write(r.ID+".md", page); err != nil {
			return err
		}
		keep[r.ID+".md"] = true
	}
	for _, r := range lint.Unregistered() {
		if err := write(r.ID+".md", lint.RenderUnregisteredDoc(r, lint.UnregisteredSource(r.ID))); err != nil {
			return err
		}
		keep[r.ID+".md"] = true
	}
	if err := write("README.md", lint.RenderIndex(lint.Registry())); err != nil {
		return err
	}
	// Pages of removed rules go too, so the directory mirrors the registry.
	entries, err := os.ReadDir(out)
	if err != nil {
		return err
	}
	for _, e := range entries {
		if filepath.Ext(e.Name()) == ".md" && !keep[e.Name()] {
			if err := os.Remove(filepath.Join(out, e.Name())); err != nil {
				return err
			}
		}
	}
	return nil
}
