// Command load reads manifests as every ingresskit command reads them
// (manifest.Load: the files, their YAML, the typed objects and the field
// positions) and prints how many objects of each kind it found.
// bench/lint.sh times it as the cost of decoding alone, to compare lint
// against.
//
//	go run ./bench/lintcorpus/load DIR|FILE...
package main

import (
	"context"
	"fmt"
	"os"

	"github.com/ingresskit/ingresskit/manifest"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: load DIR|FILE...")
		os.Exit(2)
	}
	set, err := manifest.Load(context.Background(), manifest.Options{Paths: os.Args[1:]})
	if set == nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	fmt.Printf("%d Ingresses, %d Services, %d Secrets, %d IngressClasses\n",
		len(set.Ingresses), len(set.Services), len(set.Secrets), len(set.IngressClasses))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
