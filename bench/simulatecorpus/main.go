// Command simulatecorpus writes a generated corpus for benchmarking
// ingresskit simulate end to end: N Ingresses (-n, default 10000) with
// 1-10 paths each on mixed hosts (exact, wildcard, none) to -o, and, with
// -urls, a list of request URLs for them. The same flags always write the
// same files.
package main

import (
	"bufio"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
)

func main() {
	n := flag.Int("n", 10000, "number of Ingresses")
	out := flag.String("o", "simulate-corpus.yaml", "manifest file to write")
	urls := flag.String("urls", "", "also write this many request URLs to simulate-urls.txt")
	flag.Parse()
	if err := write(*n, *out, *urls); err != nil {
		fmt.Fprintln(os.Stderr, "simulatecorpus:", err)
		os.Exit(1)
	}
}

func write(n int, out, urls string) error {
	r := rand.New(rand.NewPCG(1, uint64(n)))
	hosts := max(n/5, 1)
	f, err := os.Create(out)
	if err != nil {
		return err
	}
	w := bufio.NewWriter(f)
	types := []string{"Prefix", "Exact", "ImplementationSpecific"}
	for i := 0; i < n; i++ {
		host := fmt.Sprintf("host-%d.example.com", r.IntN(hosts))
		switch k := r.IntN(20); {
		case k == 0:
			host = ""
		case k < 3:
			host = fmt.Sprintf("*.zone-%d.example.com", r.IntN(hosts))
		}
		fmt.Fprintf(w, "---\napiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: ing-%05d\n  namespace: ns-%d\n"+
			"  creationTimestamp: \"2024-01-01T%02d:%02d:%02dZ\"\nspec:\n  rules:\n", i, i%50, i/3600%24, i/60%60, i%60)
		if host != "" {
			fmt.Fprintf(w, "  - host: %q\n    http:\n", host)
		} else {
			fmt.Fprintf(w, "  - http:\n")
		}
		fmt.Fprintf(w, "      paths:\n")
		for p := r.IntN(10) + 1; p > 0; p-- {
			path := fmt.Sprintf("/svc-%d/v%d", r.IntN(50), r.IntN(3))
			fmt.Fprintf(w, "      - path: %s\n        pathType: %s\n        backend:\n          service:\n            name: svc-%d\n            port:\n              number: 80\n",
				path, types[r.IntN(len(types))], i)
		}
	}
	if err := w.Flush(); err != nil {
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	if urls == "" {
		return nil
	}
	var count int
	if _, err := fmt.Sscan(urls, &count); err != nil {
		return fmt.Errorf("-urls: %w", err)
	}
	u, err := os.Create("simulate-urls.txt")
	if err != nil {
		return err
	}
	uw := bufio.NewWriter(u)
	for i := 0; i < count; i++ {
		fmt.Fprintf(uw, "http://host-%d.example.com/svc-%d/v%d/item/%d\n", r.IntN(hosts), r.IntN(50), r.IntN(3), i)
	}
	if err := uw.Flush(); err != nil {
		return err
	}
	return u.Close()
}
