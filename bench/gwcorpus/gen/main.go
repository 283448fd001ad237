// Command gen writes the Gateway API benchmark corpus and the Ingress
// corpus of the same shape: go run ./bench/gwcorpus/gen -n 10000 -out
// /tmp/gw writes httproutes/ (the Gateway and its routes) and ingresses/,
// each with its own copy of the Services, so that either can be linted
// alone.
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"github.com/ingresskit/ingresskit/bench/gwcorpus"
)

func main() {
	n := flag.Int("n", 10000, "number of HTTPRoutes and of Ingresses")
	out := flag.String("out", "", "directory to write (created)")
	flag.Parse()
	if *out == "" {
		fmt.Fprintln(os.Stderr, "gen: -out is required")
		os.Exit(2)
	}
	c := gwcorpus.Generate(*n)
	files := map[string][]byte{
		"httproutes/gateway.yaml":  c.Gateway,
		"httproutes/services.yaml": c.Services,
		"ingresses/ingresses.yaml": c.Ingress,
		"ingresses/services.yaml":  c.Services,
	}
	for _, name := range []string{"httproutes/gateway.yaml", "httproutes/services.yaml", "ingresses/ingresses.yaml", "ingresses/services.yaml"} {
		path := filepath.Join(*out, name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			fmt.Fprintln(os.Stderr, "gen:", err)
			os.Exit(1)
		}
		if err := os.WriteFile(path, files[name], 0o644); err != nil {
			fmt.Fprintln(os.Stderr, "gen:", err)
			os.Exit(1)
		}
	}
}
