// Command ingresskit authors, lints and tests Kubernetes Ingress. Installed
// as kubectl-ingresskit it is a kubectl plugin.
package main

import "os"

func main() { os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr)) }
