// Command gen writes a generated corpus (package corpus):
//
//	go run ./bench/corpus/gen -shape mixed -n 10000 -out /tmp/corpus
//
// -per-file 0 writes one file, as `helm template` does; -urls writes one
// request URL per Ingress rule to the named file. The planted defects go
// to stderr by rule.
package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/ingresskit/ingresskit/bench/corpus"
)

func main() {
	shape := flag.String("shape", "mixed", "mixed or easy")
	n := flag.Int("n", 10000, "number of Ingresses")
	per := flag.Int("per-file", 100, "Ingresses per file; 0 writes one file")
	out := flag.String("out", "", "directory to write (created)")
	urls := flag.String("urls", "", "also write one request URL per Ingress rule to this file")
	seed := flag.Uint64("seed", 1, "random seed")
	flag.Parse()
	if *out == "" {
		fmt.Fprintln(os.Stderr, "gen: -out is required")
		os.Exit(2)
	}
	var opts corpus.Options
	switch *shape {
	case "mixed":
		opts = corpus.Mixed(*n)
	case "easy":
		opts = corpus.Easy(*n)
	default:
		fmt.Fprintf(os.Stderr, "gen: unknown -shape %q: use easy or mixed\n", *shape)
		os.Exit(2)
	}
	opts.PerFile, opts.Seed = *per, *seed
	if err := run(opts, *out, *urls); err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
}

func run(opts corpus.Options, out, urls string) error {
	if err := os.MkdirAll(out, 0o755); err != nil {
		return err
	}
	c := corpus.Generate(opts)
	if err := c.WriteTo(func(name string) (io.WriteCloser, error) {
		return os.Create(filepath.Join(out, name))
	}); err != nil {
		return err
	}
	if urls != "" {
		if err := os.WriteFile(urls, []byte(strings.Join(c.URLs, "\n")+"\n"), 0o644); err != nil {
			return err
		}
	}
	rules := make([]string, 0, len(c.Planted))
	for r := range c.Planted {
		rules = append(rules, r)
	}
	sort.Strings(rules)
	for _, r := range rules {
		fmt.Fprintf(os.Stderr, "planted %-22s %d\n", r, c.Planted[r])
	}
	return nil
}
