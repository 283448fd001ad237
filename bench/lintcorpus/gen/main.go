// Command gen writes the lint benchmark corpus: go run
// ./bench/lintcorpus/gen -n 10000 -out /tmp/corpus. It prints the planted
// defects by rule to stderr.
package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"

	"github.com/ingresskit/ingresskit/bench/lintcorpus"
)

func main() {
	n := flag.Int("n", 10000, "number of Ingresses")
	per := flag.Int("per-file", 100, "Ingresses per file")
	out := flag.String("out", "", "directory to write (created)")
	seed := flag.Uint64("seed", 1, "random seed")
	flag.Parse()
	if *out == "" {
		fmt.Fprintln(os.Stderr, "gen: -out is required")
		os.Exit(2)
	}
	if err := os.MkdirAll(*out, 0o755); err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
	files, planted := lintcorpus.Generate(lintcorpus.Options{Ingresses: *n, PerFile: *per, Seed: *seed})
	err := lintcorpus.WriteTo(files, func(name string) (io.WriteCloser, error) {
		return os.Create(filepath.Join(*out, name))
	})
	if err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
	rules := make([]string, 0, len(planted))
	for r := range planted {
		rules = append(rules, r)
	}
	sort.Strings(rules)
	for _, r := range rules {
		fmt.Fprintf(os.Stderr, "planted %-22s %d\n", r, planted[r])
	}
}
