package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"

	"github.com/ingresskit/ingresskit/author"
	"github.com/ingresskit/ingresskit/certgen"
	"github.com/ingresskit/ingresskit/cluster"
	"github.com/ingresskit/ingresskit/lint"
	"github.com/ingresskit/ingresskit/manifest"
	"github.com/ingresskit/ingresskit/printer"
)

// newCreateCmd is the parent of the create commands, as kubectl create is.
func newCreateCmd(io *IO) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "create <kind>",
		Short: "create a manifest from flags, checked before it is printed",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return usageErrorf("name what to create: ingress")
		},
	}
	cmd.AddCommand(newCreateIngressCmd(io, nil))
	return cmd
}

type createIngressOptions struct {
	IO      *IO
	Files   fileFlags
	Cluster clusterFlags

	Name           string
	Class          string
	Rules          []string
	Annotations    []string
	DefaultBackend string
	// PathType is the type of paths that give none (--path-type).
	PathType string
	// Controller checks the annotations and routing as that controller
	// reads them.
	Controller string
	Output     string
	// DryRun is kubectl's --dry-run; only client, what create always does,
	// is accepted.
	DryRun string
	// Force prints the Ingress although lint finds errors.
	Force bool

	// Certgen also prints the TLS Secrets the Ingress names.
	Certgen    bool
	CA         caFlags
	SelfSigned bool

	// To is what is printed: the Ingress, or (gateway-api) the Gateway
	// API objects translated from it.
	To string
	// Gateway is the Gateway (namespace/name[:section]) the translated
	// HTTPRoute attaches to.
	Gateway string

	// FromServices proposes one path per Service of -f on Hosts.
	FromServices bool
	Hosts        []string

	// namespace is where the new Ingress is linted: -n, else with
	// --cluster the context's namespace. Only -n is written into it, as
	// kubectl writes only an explicit namespace.
	namespace string

	now func() time.Time
}

var createFormats = []string{"json", "yaml"}

func newCreateIngressCmd(io *IO, runF func(*createIngressOptions) error) *cobra.Command {
	opts := &createIngressOptions{IO: io, now: time.Now}
	cmd := &cobra.Command{
		Use:     "ingress <name> [--rule " + author.RuleSyntax + "]... [--class <class>] [--annotation <key>=<value>]... [--default-backend <service>:<port>] [-f <file>... | --cluster] [--force] [--certgen] [-o yaml|json]",
		Aliases: []string{"ing"},
		Short:   "print a new Ingress made from kubectl's create ingress flags, linted with the manifests it joins",
		Long: `Print a new Ingress made from the flags of kubectl create ingress, with the same
meaning: --rule host/path=service:port[,tls[=secret]] adds a path (Exact, or
Prefix when the path ends in '*'), --class sets spec.ingressClassName,
--annotation key=value adds an annotation, --default-backend service:port sets
spec.defaultBackend and -n the namespace. A malformed rule is a usage error
that points at the character that is wrong.

Beyond kubectl: ",pathType=<type>" sets one rule's path type and --path-type
the type of every path that gives none; a backend may be a port name
(service:http) or a resource (Kind.group/name); --controller nginx|alb|gce|spec
completes --annotation with that controller's annotations and checks them.

The new Ingress is linted before it is printed: alone, or with -f against the
manifests it will join (conflicts and shadowing with their routes, missing
Services, ports and Secrets, controller traps), or with --cluster against the
current kubectl context's namespace. Findings go to stderr as lint prints
them; an error finding stops the command (exit 1) unless --force.

--certgen also prints a kubernetes.io/tls Secret, signed by the local CA of
ingresskit certgen, for every Secret the rules name. --from-services proposes
a Prefix path /<service> for each Service of -f, on --host. --to gateway-api
prints the HTTPRoute translated from the Ingress instead, as ingresskit
convert --to gateway-api translates it, attached to --gateway <ns>/<name>.

Exit codes: 0 printed, 1 lint errors (nothing printed), 2 usage or input error.`,
		Args: cobra.ExactArgs(1),
		Example: `  # An Ingress for shop.example.com/api (Prefix) and the exact path /healthz, with TLS
  ingresskit create ingress shop --class nginx \
    --rule 'shop.example.com/api*=api:80,tls=shop-tls' --rule 'shop.example.com/healthz=api:80'

  # The same, checked against the manifests it joins, with its TLS Secret
  ingresskit create ingress shop --rule 'example.com/shop*=service-foo:80,tls=example-tls' -f examples/ --certgen

  # A GCE glob path, kept as written
  ingresskit create ingress web --rule '/*=web:80,pathType=ImplementationSpecific'

  # The same routes as an HTTPRoute on an existing Gateway
  ingresskit create ingress shop --rule 'shop.example.com/api*=api:80' --to gateway-api --gateway infra/shared

  # One path per Service of a directory
  ingresskit create ingress shop --from-services -f examples/ --host shop.example.com`,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Name = args[0]
			if err := opts.validate(cmd); err != nil {
				return err
			}
			if runF != nil {
				return runF(opts)
			}
			return createIngressRun(cmd.Context(), opts)
		},
	}
	opts.Files.addFlags(cmd)
	bindClusterFlags(cmd, &opts.Cluster, &opts.Files)
	_ = cmd.Flags().MarkHidden("all-namespaces")
	f := cmd.Flags()
	f.Lookup("filename").Usage = "manifests the new Ingress joins, linted with it: file, directory, or - for stdin (repeatable)"
	f.Lookup("namespace").Usage = "namespace of the new Ingress, written into it as kubectl does, and of the -f objects that name none"
	f.Lookup("cluster").Usage = "lint the new Ingress with the Ingresses, Services, Secrets and IngressClasses of the namespace in the current kubectl context"

	f.StringVar(&opts.Class, "class", "", "Ingress class to be used (spec.ingressClassName)")
	f.StringArrayVar(&opts.Rules, "rule", nil, "rule in the format "+author.RuleSyntax+"; a path ending in '*' is Prefix, any other Exact (repeatable)")
	f.StringArrayVar(&opts.Annotations, "annotation", nil, "annotation to add, in the format key=value (repeatable)")
	f.StringVar(&opts.DefaultBackend, "default-backend", "", "default backend, service:port or Kind.group/name")
	enumFlag(cmd, &opts.PathType, "path-type", "", "", author.PathTypes, "path type of the rules that end in no '*' and give no pathType (default Exact)")
	controllerFlag(cmd, &opts.Controller, "check and complete annotations, and lint, as this controller reads them")
	enumFlag(cmd, &opts.Output, "output", "o", "yaml", createFormats, "output format")
	f.StringVar(&opts.DryRun, "dry-run", "client", "accepted for kubectl compatibility: create only prints, as kubectl --dry-run=client does")
	f.Lookup("dry-run").NoOptDefVal = "client"
	f.BoolVar(&opts.Force, "force", false, "print the Ingress even when lint finds errors")
	f.BoolVar(&opts.Certgen, "certgen", false, "also print a TLS Secret for every Secret the rules name, signed by the local CA")
	opts.CA.addFlags(cmd, "with --certgen, sign with")
	f.BoolVar(&opts.SelfSigned, "self-signed", false, "with --certgen, make certificates that sign themselves")
	enumFlag(cmd, &opts.To, "to", "", "ingress", []string{"gateway-api", "ingress"}, "print the Ingress, or the HTTPRoute translated from it as ingresskit convert --to gateway-api does")
	f.StringVar(&opts.Gateway, "gateway", "", "with --to gateway-api, the Gateway the HTTPRoute attaches to: <namespace>/<name>[:<listener>] (default: a Gateway is made too)")
	f.BoolVar(&opts.FromServices, "from-services", false, "propose a Prefix path /<service> for every Service of -f, on --host")
	f.StringArrayVar(&opts.Hosts, "host", nil, "with --from-services, the host of the proposed paths (repeatable)")
	cmd.MarkFlagsMutuallyExclusive("self-signed", "ca-dir")
	cmd.MarkFlagsMutuallyExclusive("self-signed", "ca-cert")
	_ = cmd.RegisterFlagCompletionFunc("annotation", func(cmd *cobra.Command, args []string, toComplete string) ([]string, cobra.ShellCompDirective) {
		var out []string
		for _, a := range lint.Annotations(opts.Controller) {
			if strings.HasPrefix(a, toComplete) {
				out = append(out, a+"=")
			}
		}
		return out, cobra.ShellCompDirectiveNoSpace | cobra.ShellCompDirectiveNoFileComp
	})
	return cmd
}

// validate checks the flag combinations cobra cannot express.
func (o *createIngressOptions) validate(cmd *cobra.Command) error {
	switch {
	case o.DryRun != "client":
		return usageErrorf("--dry-run=%s: create never sends the Ingress to a cluster, it only prints it (as --dry-run=client); apply the output with kubectl apply -f -", o.DryRun)
	case o.Cluster.AllNamespaces:
		return usageErrorf("-A does not apply: the Ingress is made in one namespace (-n)")
	case o.FromServices && len(o.Files.Filenames) == 0:
		return usageErrorf("--from-services needs the Services: give their manifests with -f <file|dir>")
	case len(o.Hosts) > 0 && !o.FromServices:
		return usageErrorf("--host applies to --from-services; give a rule's host in --rule host/path=service:port")
	case o.Gateway != "" && o.To != "gateway-api":
		return usageErrorf("--gateway applies to --to gateway-api")
	case o.Certgen && o.To == "gateway-api":
		return usageErrorf("--certgen makes the Secrets of an Ingress's TLS; a Gateway's certificates are its listeners': run ingresskit certgen for them")
	case !o.Certgen && (o.SelfSigned || o.CA.Dir != "" || o.CA.Cert != ""):
		return usageErrorf("--self-signed, --ca-dir and --ca-cert apply to --certgen")
	}
	for _, h := range o.Hosts {
		if _, err := author.ParseRule(h+"/=x:1", author.ParseOptions{Flag: "--host"}); err != nil {
			return usageErrorf("--host %q is not a valid host", h)
		}
	}
	return nil
}

// newObjectName is the name findings and positions give the new Ingress:
// its lines are those printed with -o yaml.
const newObjectName = "<new>"

func createIngressRun(ctx context.Context, opts *createIngressOptions) error {
	io := opts.IO
	opts.namespace = opts.Files.Namespace
	existing, snap, err := createExisting(ctx, opts)
	if err != nil {
		return err
	}
	rules := opts.Rules
	if opts.FromServices {
		proposed, notes := author.ServiceRules(existing, author.ServiceRulesOptions{
			Namespace: effectiveNamespace(opts.namespace), Hosts: opts.Hosts})
		for _, n := range notes {
			fmt.Fprintf(io.ErrOut, "%s %s\n", io.ErrStyles().Warning("warning:"), n)
		}
		if len(proposed) == 0 && len(rules) == 0 && opts.DefaultBackend == "" {
			return errors.New("--from-services found no Service with an HTTP port in the input; add rules with --rule")
		}
		rules = append(proposed, rules...)
	}
	ing, err := author.NewIngress(author.Options{
		Name: opts.Name, Namespace: opts.Files.Namespace, Class: opts.Class, Rules: rules,
		Annotations: opts.Annotations, DefaultBackend: opts.DefaultBackend,
		DefaultPathType: networkingv1.PathType(opts.PathType),
	})
	if err != nil {
		return &usageError{err: err}
	}
	var doc bytes.Buffer
	if err := printer.ObjectsYAML(&doc, ing); err != nil {
		return err
	}
	objs := []any{ing}
	if opts.Certgen {
		secrets, err := createSecrets(ctx, opts, doc.Bytes())
		if err != nil {
			return err
		}
		for _, s := range secrets {
			objs = append(objs, s)
		}
		// Lint sees the Secrets too: they are part of what is applied.
		doc.Reset()
		if err := printer.ObjectsYAML(&doc, objs...); err != nil {
			return err
		}
	}
	if err := lintNew(ctx, io, opts, doc.Bytes(), existing, snap); err != nil {
		return err
	}
	if opts.To == "gateway-api" {
		return createGatewayAPI(opts, doc.Bytes(), existing)
	}
	if opts.Output == "json" {
		return printer.ObjectsJSON(io.Out, objs...)
	}
	return printer.ObjectsYAML(io.Out, objs...)
}

func effectiveNamespace(ns string) string {
	if ns == "" {
		return manifest.DefaultNamespace
	}
	return ns
}

// createExisting loads what the new Ingress joins: the -f manifests, and
// with --cluster the Ingresses, Services, Secrets and IngressClasses of
// the namespace from the cluster. Both are nil when neither is asked for.
func createExisting(ctx context.Context, opts *createIngressOptions) (*manifest.Set, *cluster.Snapshot, error) {
	set := &manifest.Set{}
	if len(opts.Files.Filenames) > 0 {
		files, err := opts.Files.load(ctx, opts.IO)
		if err != nil {
			// A broken manifest would hide what the new Ingress joins.
			return nil, nil, err
		}
		set.Merge(files)
	}
	if !opts.Cluster.Cluster {
		if len(opts.Files.Filenames) == 0 {
			return nil, nil, nil
		}
		return set, nil, nil
	}
	clients, namespace, err := opts.Cluster.clients()
	if err != nil {
		return nil, nil, err
	}
	opts.namespace = namespace
	snap, err := cluster.Read(ctx, clients, cluster.Options{Namespace: namespace})
	if err != nil {
		return nil, nil, err
	}
	for _, w := range snap.Warnings {
		fmt.Fprintf(opts.IO.ErrOut, "warning: %s\n", w)
	}
	set.Merge(snap.Set)
	return set, snap, nil
}

// referenceRules are the rules that conclude an object is missing or
// wrong from the Services, Secrets and IngressClasses of the input; a
// new Ingress linted alone has none of them to look at.
var referenceRules = []string{
	"alb-instance-service-type", "deprecated-class-annotation", "gce-service-type",
	"invalid-ingress-class", "missing-ingress-class", "missing-service", "missing-service-port",
	"missing-tls-secret", "no-ingress-class", "tls-cert-expired", "tls-cert-expiring",
	"tls-cert-host-mismatch", "tls-secret-type",
}

// lintNew lints the new Ingress (doc, as printed) with the existing
// objects, prints the findings that concern it on stderr as lint does,
// and refuses error findings unless --force.
func lintNew(ctx context.Context, io *IO, opts *createIngressOptions, doc []byte, existing *manifest.Set, snap *cluster.Snapshot) error {
	set, err := manifest.Parse(newObjectName, doc, manifest.Options{Namespace: opts.namespace})
	if err != nil {
		return fmt.Errorf("the new Ingress does not read back: %w", err)
	}
	var skip []string
	switch {
	case existing == nil:
		skip = referenceRules
	case snap != nil:
		skip = unreadRules(snap)
	}
	if existing != nil {
		all := &manifest.Set{}
		all.Merge(existing)
		all.Merge(set)
		set = all
	}
	cfg, err := lintConfig(&lintOptions{IO: io, getwd: os.Getwd})
	if err != nil {
		return err
	}
	res, err := lint.Run(ctx, set, lint.Options{Config: cfg, Now: opts.now(), Controller: opts.Controller,
		Skip: skip, FromCluster: snap != nil})
	if err != nil {
		return err
	}
	about := func(f lint.Finding) bool {
		ok := f.Pos.File == newObjectName
		for _, r := range f.Related {
			ok = ok || r.Pos.File == newObjectName
		}
		return ok
	}
	return reportFindings(io, res, about,
		func(file string) []byte {
			if file == newObjectName {
				return doc
			}
			return fileSource()(file)
		}, opts.Force, "the Ingress was not printed")
}

// reportFindings prints the findings of res that keep selects as lint's
// text format does, on stderr, and returns a findings error when one is an
// error and force is off; refused says what was not done.
func reportFindings(io *IO, res *lint.Result, keep func(lint.Finding) bool, source func(string) []byte, force bool, refused string) error {
	kept := &lint.Result{Rules: res.Rules}
	for _, f := range res.Findings {
		if keep(f) {
			kept.Findings = append(kept.Findings, f)
		}
	}
	if len(kept.Findings) == 0 {
		return nil
	}
	rep := printer.LintReport{Result: kept, FailOn: lint.Error, Source: source}
	if err := printer.WriteLintText(io.ErrOut, io.ErrStyles(), rep); err != nil {
		return err
	}
	fmt.Fprintln(io.ErrOut, printer.LintSummary(rep))
	if kept.Count(lint.Error) == 0 {
		return nil
	}
	if force {
		fmt.Fprintln(io.ErrOut, "warning: --force: going ahead despite the errors")
		return nil
	}
	return errFindings("error: %s: fix the errors above, or give --force", refused)
}

// createSecrets makes a TLS Secret for every Secret the new Ingress
// names, as ingresskit certgen -f does.
func createSecrets(ctx context.Context, opts *createIngressOptions, doc []byte) ([]*corev1.Secret, error) {
	set, err := manifest.Parse(newObjectName, doc, manifest.Options{Namespace: opts.namespace})
	if err != nil {
		return nil, err
	}
	reqs, notes := certgen.Requests(set)
	s := opts.IO.ErrStyles()
	for _, n := range notes {
		fmt.Fprintf(opts.IO.ErrOut, "%s %s\n", s.Warning("warning:"), n)
	}
	if len(reqs) == 0 {
		return nil, nil
	}
	genOpts := certgen.Options{SelfSigned: opts.SelfSigned, Issue: certgen.IssueOptions{
		KeyType: certgen.KeyECDSA, Validity: certgen.DefaultValidity, Now: opts.now}}
	if !opts.SelfSigned {
		ca, err := certgen.LoadOrCreateCA(ctx, opts.CA.options())
		if err != nil {
			return nil, err
		}
		reportCA(opts.IO, s, ca)
		genOpts.CA = ca
	}
	bundles, err := certgen.Generate(ctx, reqs, genOpts)
	if err != nil {
		return nil, err
	}
	secrets := make([]*corev1.Secret, len(bundles))
	reports := make([]printer.CertReport, len(bundles))
	for i, b := range bundles {
		secrets[i] = b.Secret()
		if opts.Files.Namespace == "" {
			// Like the Ingress, the Secret goes where it is applied.
			secrets[i].Namespace = ""
		}
		reports[i] = printer.CertReport{Secret: b.Request.Key(), Names: b.Leaf.Hosts, NotAfter: b.Leaf.Cert.NotAfter, Warnings: b.Leaf.Warnings}
	}
	if err := printer.CertReports(opts.IO.ErrOut, s, reports); err != nil {
		return nil, err
	}
	return secrets, nil
}
