package main

import (
	"context"
	"fmt"
	"os"
	"sort"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/ingresskit/ingresskit/author"
	"github.com/ingresskit/ingresskit/internal/atomicfile"
	"github.com/ingresskit/ingresskit/lint"
	"github.com/ingresskit/ingresskit/manifest"
	"github.com/ingresskit/ingresskit/printer"
)

type editOptions struct {
	IO    *IO
	Files fileFlags
	// Ingress names the Ingress to edit; "" means the only one.
	Ingress string
	// HTTPRoute names the HTTPRoute to edit instead.
	HTTPRoute string
	Output    string
	// Force writes the file although lint finds new errors.
	Force bool
	// Controller lints as that controller reads the manifests.
	Controller string

	now func() time.Time
}

// editStep is one change, applied to the file's current bytes.
type editStep struct {
	what string
	do   func(file string, data []byte, t author.Target) ([]byte, error)
}

var editFormats = []string{"diff", "none"}

func newEditCmd(io *IO) *cobra.Command {
	opts := &editOptions{IO: io, now: time.Now}
	cmd := &cobra.Command{
		Use:   "edit -f <file>... [--ingress <name> | --httproute <name>] [-o diff] [--force] <change> <args>",
		Short: "change an Ingress in its manifest file, keeping every other byte, checked by lint before it is written",
		Long: `Change one Ingress where it is written: add or remove a path, point a path at
another backend, add TLS hosts. Only the lines of the changed fields are
rewritten: comments, key order, quoting and the other documents of the file
stay byte for byte. The file is replaced atomically and keeps its mode.

The Ingress is found in the -f inputs by --ingress (and -n), or an HTTPRoute by
--httproute; the rest of -f is what it is linted with. An HTTPRoute's rules
serve all its hostnames, so its rules are written without a host (or with its
only hostname); Exact paths become Exact matches, Prefix paths PathPrefix
matches, and backends backendRefs with a port number.

A change that brings a new error finding (a missing Service, a conflicting
path, ...) is refused, and the file left as it was, unless --force. -o diff
shows the change as a unified diff and writes nothing.

Changes:
  add-rule <rule>...          host/path=service:port[,tls[=secret]][,pathType=<type>],
                              as in create ingress; the path joins its host's rule
  remove-rule <host/path>...  the path of the host (end it with * for the Prefix one)
  set-backend <host/path=backend> | <backend>
                              point a path, or spec.defaultBackend, at a backend
  add-tls --secret <name> <host>...
                              add hosts to the spec.tls entry of the Secret

Exit codes: 0 written (or shown), 1 refused by lint, 2 usage or input error.`,
		Example: `  # Add a Prefix path to the host's rule (here in a copy of the example)
  cp examples/nginx-tls.yaml /tmp/nginx-tls.yaml
  ingresskit edit -f /tmp/nginx-tls.yaml --ingress demo-ingress add-rule 'example.com/shop*=service-foo:80'

  # Preview moving a path to another Service
  ingresskit edit -f examples/nginx-tls.yaml set-backend 'example.com/bar*=service-foo:80' -o diff

  # Preview a rule added to an HTTPRoute
  ingresskit edit -f examples/gateway-api.yaml --httproute shop -n shop add-rule '/cart*=shop-v1:8080' -o diff

  # Add a host to a TLS Secret's entry
  ingresskit edit -f /tmp/nginx-tls.yaml add-tls --secret example-tls www.example.com`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return usageErrorf("name a change: add-rule, remove-rule, set-backend or add-tls")
		},
	}
	pf := cmd.PersistentFlags()
	pf.StringArrayVarP(&opts.Files.Filenames, "filename", "f", nil, "manifest file or directory: the one holding the Ingress is edited, the others are linted with it (repeatable)")
	pf.BoolVarP(&opts.Files.Recursive, "recursive", "R", false, "read the directories given with -f recursively")
	pf.StringVarP(&opts.Files.Namespace, "namespace", "n", "", "namespace of the Ingress, and of the objects that name none (default \"default\")")
	pf.StringVar(&opts.Ingress, "ingress", "", "name of the Ingress to change (default: the only one)")
	pf.StringVar(&opts.HTTPRoute, "httproute", "", "name of the HTTPRoute to change instead of an Ingress")
	cmd.MarkFlagsMutuallyExclusive("ingress", "httproute")
	pf.BoolVar(&opts.Force, "force", false, "write the change even when lint finds new errors")
	pf.VarP(&enumValue{target: &opts.Output, allowed: editFormats}, "output", "o", "diff: print the change as a unified diff and write nothing")
	opts.Output = "none"
	pf.VarP(&enumValue{target: &opts.Controller, allowed: controllerNames()}, "controller", "", "lint as this controller reads the manifests")

	addRule := &cobra.Command{
		Use:   "add-rule <rule>...",
		Short: "add paths, written as create ingress --rule is",
		Args:  cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			var steps []editStep
			for _, a := range args {
				r, err := author.ParseRule(a, author.ParseOptions{Flag: "add-rule"})
				if err != nil {
					return &usageError{err: err}
				}
				steps = append(steps, editStep{"added " + r.Host + r.Path, func(file string, data []byte, t author.Target) ([]byte, error) {
					if t.Kind == "HTTPRoute" {
						return author.AddRouteRule(file, data, t, r)
					}
					return author.AddRule(file, data, t, r)
				}})
			}
			return editRun(cmd.Context(), opts, steps)
		},
	}
	removeRule := &cobra.Command{
		Use:   "remove-rule <host/path>...",
		Short: "remove paths; a rule left without paths goes with them",
		Args:  cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			var steps []editStep
			for _, a := range args {
				host, path, ok := strings.Cut(a, "/")
				if !ok || strings.Contains(a, "=") {
					return usageErrorf("remove-rule %q: name the path as host/path, without a backend (end it with * for the Prefix path)", a)
				}
				path = "/" + path
				steps = append(steps, editStep{"removed " + a, func(file string, data []byte, t author.Target) ([]byte, error) {
					if t.Kind == "HTTPRoute" {
						return author.RemoveRouteRule(file, data, t, host, path)
					}
					return author.RemoveRule(file, data, t, host, path)
				}})
			}
			return editRun(cmd.Context(), opts, steps)
		},
	}
	setBackend := &cobra.Command{
		Use:   "set-backend <host/path=backend> | <backend>",
		Short: "point a path, or the default backend, at a Service or resource",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			a := args[0]
			if !strings.Contains(a, "=") {
				b, err := author.ParseBackend(a, "set-backend")
				if err != nil {
					return &usageError{err: err}
				}
				if opts.HTTPRoute != "" {
					return usageErrorf("an HTTPRoute has no default backend: name the path, set-backend '/path=service:port'")
				}
				return editRun(cmd.Context(), opts, []editStep{{"set the default backend", func(file string, data []byte, t author.Target) ([]byte, error) {
					return author.SetBackend(file, data, t, "", "", b)
				}}})
			}
			r, err := author.ParseRule(a, author.ParseOptions{Flag: "set-backend"})
			if err != nil {
				return &usageError{err: err}
			}
			path := r.Path
			if r.PathType == "Prefix" && strings.HasSuffix(strings.SplitN(a[strings.IndexByte(a, '/'):], "=", 2)[0], "*") {
				path += "*"
			}
			if r.TLS {
				return usageErrorf("set-backend changes the backend only: add TLS with add-tls")
			}
			return editRun(cmd.Context(), opts, []editStep{{"set the backend of " + r.Host + r.Path, func(file string, data []byte, t author.Target) ([]byte, error) {
				if t.Kind == "HTTPRoute" {
					return author.SetRouteBackend(file, data, t, r.Host, path, r.Backend)
				}
				return author.SetBackend(file, data, t, r.Host, path, r.Backend)
			}}})
		},
	}
	var secret string
	addTLS := &cobra.Command{
		Use:   "add-tls --secret <name> <host>...",
		Short: "add hosts to the spec.tls entry of a Secret, or a new entry",
		Args:  cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if opts.HTTPRoute != "" {
				return usageErrorf("an HTTPRoute has no TLS of its own: TLS is set on the listener of the Gateway it attaches to")
			}
			for _, h := range args {
				if _, err := author.ParseRule(h+"/=x:1", author.ParseOptions{}); err != nil {
					return usageErrorf("add-tls: %q is not a valid host", h)
				}
			}
			if secret != "" {
				if _, err := author.ParseRule("/=x:1,tls="+secret, author.ParseOptions{}); err != nil {
					return usageErrorf("add-tls: --secret %q is not a valid Secret name", secret)
				}
			}
			return editRun(cmd.Context(), opts, []editStep{{"added TLS for " + strings.Join(args, ", "), func(file string, data []byte, t author.Target) ([]byte, error) {
				return author.AddTLS(file, data, t, secret, args)
			}}})
		},
	}
	addTLS.Flags().StringVar(&secret, "secret", "", "the Secret holding the certificate (default: none, the controller's default certificate)")
	for _, c := range []*cobra.Command{addRule, removeRule, setBackend, addTLS} {
		c.Args = wrapArgs(c.Args)
		cmd.AddCommand(c)
	}
	return cmd
}

func editRun(ctx context.Context, opts *editOptions, steps []editStep) error {
	io := opts.IO
	if len(opts.Files.Filenames) == 0 {
		return usageErrorf("no input: give the manifest to edit with -f <file>")
	}
	set, err := opts.Files.load(ctx, io)
	if err != nil {
		return err
	}
	obj, err := editTarget(set, opts)
	if err != nil {
		return err
	}
	file := obj.src.Pos.File
	if file == "<stdin>" {
		return usageErrorf("the %s %s comes from standard input, which cannot be edited in place: give its file with -f", obj.kind, obj.key())
	}
	before, err := os.ReadFile(file)
	if err != nil {
		return fmt.Errorf("read %s: %w", file, err)
	}
	t := author.Target{Kind: obj.kind, Name: obj.name, Namespace: obj.namespace, DefaultNamespace: opts.Files.Namespace}
	after := before
	var done []string
	for _, s := range steps {
		if after, err = s.do(file, after, t); err != nil {
			return err
		}
		done = append(done, s.what)
	}
	edited, err := manifest.Parse(file, after, manifest.Options{Namespace: opts.Files.Namespace})
	if err != nil {
		return fmt.Errorf("the edited file does not load back: %w", err)
	}
	if err := lintEdit(ctx, opts, set, file, edited, after); err != nil {
		return err
	}
	if opts.Output == "diff" {
		return printer.ConvertDiff(io.Out, io.Styles(), file, before, after)
	}
	if err := atomicfile.Write(file, after, atomicfile.Options{Overwrite: true}); err != nil {
		return fmt.Errorf("write %s: %w", file, err)
	}
	fmt.Fprintf(io.ErrOut, "edited %s (%s %s): %s\n", file, obj.kind, obj.key(), strings.Join(done, "; "))
	return nil
}

// editObject is the object an edit changes.
type editObject struct {
	kind, namespace, name string
	src                   manifest.Source
}

func (o editObject) key() string { return o.namespace + "/" + o.name }

// editTarget finds the object --ingress or --httproute (and -n) name
// among the inputs.
func editTarget(set *manifest.Set, opts *editOptions) (editObject, error) {
	kind, want := "Ingress", opts.Ingress
	var objs []editObject
	if opts.HTTPRoute != "" {
		kind, want = "HTTPRoute", opts.HTTPRoute
		for _, r := range set.HTTPRoutes {
			objs = append(objs, editObject{kind, r.Namespace, r.Name, r.Source})
		}
	} else {
		for _, ing := range set.Ingresses {
			objs = append(objs, editObject{kind, ing.Namespace, ing.Name, ing.Source})
		}
	}
	var hits []editObject
	var all []string
	for _, o := range objs {
		all = append(all, o.key())
		if want != "" && o.name != want || opts.Files.Namespace != "" && o.namespace != opts.Files.Namespace {
			continue
		}
		hits = append(hits, o)
	}
	sort.Strings(all)
	switch {
	case len(hits) == 1:
		return hits[0], nil
	case len(all) == 0:
		return editObject{}, usageErrorf("the input holds no %s to edit", kind)
	case len(hits) == 0:
		return editObject{}, usageErrorf("no %s %s in the input; it has %s", kind, want, strings.Join(all, ", "))
	case want == "":
		return editObject{}, usageErrorf("the input holds several %ses (%s): name one with --%s <name>", kind, strings.Join(all, ", "), strings.ToLower(kind))
	}
	var where []string
	for _, h := range hits {
		where = append(where, h.src.Pos.String())
	}
	return editObject{}, usageErrorf("%s %s is defined more than once (%s): give the file that holds the one to edit with -f", kind, want, strings.Join(where, ", "))
}

// findingKey identifies a finding across an edit, where positions move.
func findingKey(f lint.Finding) string { return f.Rule + "\x00" + f.Object + "\x00" + f.Message }

// lintEdit lints the inputs before and after the edit, prints the findings
// the edit brings, and refuses new errors unless --force.
func lintEdit(ctx context.Context, opts *editOptions, set *manifest.Set, file string, edited *manifest.Set, after []byte) error {
	cfg, err := lintConfig(&lintOptions{IO: opts.IO, getwd: os.Getwd})
	if err != nil {
		return err
	}
	lopts := lint.Options{Config: cfg, Now: opts.now(), Controller: opts.Controller}
	old, err := lint.Run(ctx, set, lopts)
	if err != nil {
		return err
	}
	next := withoutFile(set, file)
	next.Merge(edited)
	res, err := lint.Run(ctx, next, lopts)
	if err != nil {
		return err
	}
	seen := map[string]bool{}
	for _, f := range old.Findings {
		seen[findingKey(f)] = true
	}
	source := func(name string) []byte {
		if name == file {
			return after
		}
		return fileSource()(name)
	}
	return reportFindings(opts.IO, res, func(f lint.Finding) bool { return !seen[findingKey(f)] }, source, opts.Force,
		fmt.Sprintf("%s was not changed", file))
}

// withoutFile returns the objects of set that were not read from file.
func withoutFile(set *manifest.Set, file string) *manifest.Set {
	keep := func(src manifest.Source) bool { return src.Pos.File != file }
	out := &manifest.Set{
		Ingresses:      filterObjects(set.Ingresses, func(o *manifest.Ingress) bool { return keep(o.Source) }),
		Services:       filterObjects(set.Services, func(o *manifest.Service) bool { return keep(o.Source) }),
		Secrets:        filterObjects(set.Secrets, func(o *manifest.Secret) bool { return keep(o.Source) }),
		IngressClasses: filterObjects(set.IngressClasses, func(o *manifest.IngressClass) bool { return keep(o.Source) }),
		Files:          filterObjects(set.Files, func(f string) bool { return f != file }),
	}
	g := &out.GatewayObjects
	g.GatewayClasses = filterObjects(set.GatewayClasses, func(o *manifest.GatewayClass) bool { return keep(o.Source) })
	g.Gateways = filterObjects(set.Gateways, func(o *manifest.Gateway) bool { return keep(o.Source) })
	g.HTTPRoutes = filterObjects(set.HTTPRoutes, func(o *manifest.HTTPRoute) bool { return keep(o.Source) })
	g.GRPCRoutes = filterObjects(set.GRPCRoutes, func(o *manifest.GRPCRoute) bool { return keep(o.Source) })
	g.ReferenceGrants = filterObjects(set.ReferenceGrants, func(o *manifest.ReferenceGrant) bool { return keep(o.Source) })
	g.BackendTLSPolicies = filterObjects(set.BackendTLSPolicies, func(o *manifest.BackendTLSPolicy) bool { return keep(o.Source) })
	return out
}

func filterObjects[T any](items []T, keep func(T) bool) []T {
	var out []T
	for _, it := range items {
		if keep(it) {
			out = append(out, it)
		}
	}
	return out
}
