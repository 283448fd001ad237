package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/spf13/cobra"

	"github.com/ingresskit/ingresskit/manifest"
	"github.com/ingresskit/ingresskit/printer"
	"github.com/ingresskit/ingresskit/simulate"
	"github.com/ingresskit/ingresskit/simulate/gateway"
	"github.com/ingresskit/ingresskit/simulate/istio"
)

type simulateOptions struct {
	IO           *IO
	Files        fileFlags
	Cluster      clusterFlags
	URLs         []string
	Headers      []string
	Explain      bool
	Output       string
	IngressClass string
	Controller   string
	Cookies      []string
	Gateway      string
	Method       string
}

var simulateFormats = []string{"json", "text"}

func newSimulateCmd(io *IO, runF func(*simulateOptions) error) *cobra.Command {
	opts := &simulateOptions{IO: io}
	cmd := &cobra.Command{
		Use:   "simulate [-f <file>...] <url>... [--controller spec|nginx|gce|alb|istio] [--header 'Name: value'] [--cookie name=value] [--gateway <namespace>/<name>] [--method <method>] [--explain] [-o json]",
		Short: "show which Ingress or Gateway API rule and backend would answer a URL",
		Long: `Simulate requests against the Ingress manifests: for each URL, print the backend
that would answer it, with the Ingress, host rule, path and pathType that won,
the TLS Secret that serves the host for https, and any conflict.

URLs come from the arguments, or one per line from standard input with "-".
A URL without a scheme is taken as http. --header 'Host: name' overrides the
host of every URL; --cookie name=value adds a Cookie header (ingress-nginx
canaries route on cookies). The request path is normalized as controllers do (escaped
unreserved characters, duplicate slashes and dot segments), so
/users/../admin is matched as /admin.

--controller selects the controller whose semantics apply: spec (the
Kubernetes specification), nginx, gce, alb or istio. Without it the
IngressClasses of the input decide (their spec.controller, else the class
names nginx, alb, gce, istio), and spec when the Ingresses disagree or nothing tells. Every answer
names the profile used. --ingress-class simulates one IngressClass: the Ingresses naming
it, and those naming none when it is the default class.

With Gateway API objects in the input, every Gateway whose listeners take the
URL answers too, after the Ingresses: one answer per Gateway, naming it and the
listener, with the HTTPRoute rule that won, every backend and its weight, and
what the filters do (redirect, rewrite, header changes, mirrors). --gateway
namespace/name answers on one Gateway only; --method sets the request method
and the URL's query string is matched by HTTPRoute query matches
(docs/gateway-api.md).

-o json prints one JSON object per URL, one per line (docs/simulate.md).

Without -f the Ingresses, Services, Secrets and IngressClasses are read from the
current kubectl context (-n for a namespace, -A for all; docs/cluster.md); with
-f and --cluster the Ingresses come from the files and what they reference from
the cluster.`,
		Args: cobra.ArbitraryArgs,
		Example: `  # Which Service answers these URLs?
  ingresskit simulate -f examples/nginx-tls.yaml http://example.com/foo https://test.com/

  # Route as GKE Ingress does
  ingresskit simulate --controller gce -f examples/gce-v1beta1.yaml http://34.1.2.3/users/1

  # Which HTTPRoute rule and backends answer on a Gateway, and why
  ingresskit simulate -f examples/gateway-api.yaml --gateway infra/prod -H 'X-Canary: always' --explain https://shop.example.com/cart

  # Why did a URL go where it went?
  ingresskit simulate -f examples/alb-hosts.yaml --explain http://my.example.com/some-other-path/x

  # Send a Host header, read URLs from standard input, print JSON
  printf '/foo\n/bar\n' | sed 's|^|http://127.0.0.1|' | ingresskit simulate -f examples/nginx-tls.yaml --header 'Host: example.com' -o json -`,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.URLs = args
			if len(args) == 0 {
				return usageErrorf("no URL: give URLs as arguments, or - to read them from standard input")
			}
			stdinURLs := false
			for _, a := range args {
				if a == "-" {
					stdinURLs = true
				}
			}
			if stdinURLs {
				for _, f := range opts.Files.Filenames {
					if f == "-" {
						return usageErrorf("standard input cannot hold both the manifests (-f -) and the URLs (-)")
					}
				}
			}
			if _, err := requestHeader(opts.Headers, opts.Cookies); err != nil {
				return &usageError{err: err}
			}
			if opts.Gateway != "" {
				if ns, name, ok := strings.Cut(opts.Gateway, "/"); !ok || ns == "" || name == "" || strings.Contains(name, "/") {
					return usageErrorf("invalid --gateway %q: want namespace/name", opts.Gateway)
				}
			}
			opts.Method = strings.ToUpper(opts.Method)
			if runF != nil {
				return runF(opts)
			}
			return simulateRun(cmd, opts)
		},
	}
	opts.Files.addFlags(cmd)
	opts.Files.addSelectorFlag(cmd)
	opts.Files.addKustomizeFlag(cmd)
	bindClusterFlags(cmd, &opts.Cluster, &opts.Files)
	cmd.Flags().StringArrayVarP(&opts.Headers, "header", "H", nil, "request header 'Name: value' (repeatable); Host overrides the URL's host")
	cmd.Flags().BoolVar(&opts.Explain, "explain", false, "list every rule considered and why it won or lost")
	cmd.Flags().StringVar(&opts.IngressClass, "ingress-class", "", "simulate only the Ingresses of this IngressClass")
	cmd.Flags().StringArrayVar(&opts.Cookies, "cookie", nil, "request cookie name=value (repeatable), sent in a Cookie header")
	cmd.Flags().StringVar(&opts.Gateway, "gateway", "", "answer only on the Gateway namespace/name (Gateway API)")
	cmd.Flags().StringVarP(&opts.Method, "method", "X", "", "request method (default GET); HTTPRoute rules match on it")
	controllerFlag(cmd, &opts.Controller, "controller semantics (default: inferred from the IngressClasses, else spec)")
	enumFlag(cmd, &opts.Output, "output", "o", "text", simulateFormats, "output format")
	cmd.MarkFlagsMutuallyExclusive("gateway", "ingress-class")
	cmd.MarkFlagsMutuallyExclusive("gateway", "controller")
	return cmd
}

// parseHeaders reads 'Name: value' flags into a header.
func parseHeaders(flags []string) (http.Header, error) {
	if len(flags) == 0 {
		return nil, nil
	}
	h := http.Header{}
	for _, f := range flags {
		name, value, ok := strings.Cut(f, ":")
		name = strings.TrimSpace(name)
		if !ok || name == "" || strings.ContainsAny(name, " \t") {
			return nil, fmt.Errorf("invalid --header %q: want 'Name: value'", f)
		}
		h.Add(name, strings.TrimSpace(value))
	}
	return h, nil
}

// requestHeader is parseHeaders with the --cookie flags added as one
// Cookie header, joined by "; " as RFC 6265 section 5.4 sends them.
func requestHeader(headers, cookies []string) (http.Header, error) {
	h, err := parseHeaders(headers)
	if err != nil || len(cookies) == 0 {
		return h, err
	}
	if h == nil {
		h = http.Header{}
	}
	pairs := make([]string, 0, len(cookies)+1)
	if c := h.Get("Cookie"); c != "" {
		pairs = append(pairs, c)
	}
	for _, c := range cookies {
		name, value, ok := strings.Cut(c, "=")
		name = strings.TrimSpace(name)
		if !ok || name == "" || strings.ContainsAny(name, " \t;,=") || strings.ContainsAny(value, ";,") {
			return nil, fmt.Errorf("invalid --cookie %q: want name=value", c)
		}
		pairs = append(pairs, name+"="+strings.TrimSpace(value))
	}
	h.Set("Cookie", strings.Join(pairs, "; "))
	return h, nil
}

// controllerNames are the values of --controller: the simulate profiles.
func controllerNames() []string { return simulate.ProfileNames() }

// controllerFlag binds --controller, one of the profile names.
func controllerFlag(cmd *cobra.Command, target *string, usage string) {
	enumFlag(cmd, target, "controller", "", "", controllerNames(), usage)
}

// profileFor returns the profile --controller names, or, when the flag is
// empty, the one the selected class infers (its IngressClass controller or
// name), else the one every Ingress of the input agrees on, else spec.
func profileFor(set *manifest.Set, controller, class string) (simulate.Profile, error) {
	if controller == "" {
		return simulate.InferProfileForClass(set, class), nil
	}
	p, err := simulate.ParseProfile(controller)
	if err != nil {
		return nil, &usageError{err: err}
	}
	return p, nil
}

// ingressPlanes loads nothing; it builds the Ingress data planes of set
// (simulate.IngressPlanes: one per class, under its controller's
// profile; --ingress-class and --controller pick among them) and reports
// on stderr the rules they left out.
func ingressPlanes(io *IO, set *manifest.Set, class, controller string) ([]simulate.DataPlane, error) {
	var p simulate.Profile
	if controller != "" {
		var err error
		if p, err = simulate.ParseProfile(controller); err != nil {
			return nil, &usageError{err: err}
		}
	}
	ips, err := simulate.IngressPlanes(set, simulate.Options{IngressClass: class, Profile: p})
	if err != nil {
		return nil, err
	}
	es := io.ErrStyles()
	served := 0
	planes := make([]simulate.DataPlane, 0, len(ips))
	for _, ip := range ips {
		for _, p := range ip.Index().Problems() {
			fmt.Fprintf(io.ErrOut, "%s %s: %s/%s %s: %s\n", es.Warning("warning:"), p.Pos, p.Ingress.Namespace, p.Ingress.Name, p.Field, p.Message)
		}
		served += len(set.Ingresses) - len(ip.Index().Excluded())
		planes = append(planes, ip)
	}
	switch {
	case len(set.Ingresses) == 0 && len(set.Gateways) == 0:
		fmt.Fprintf(io.ErrOut, "%s no Ingress in the input: every URL is unmatched\n", es.Warning("warning:"))
	case class != "" && len(set.Ingresses) > 0 && served == 0:
		fmt.Fprintf(io.ErrOut, "%s no Ingress of class %q in the input\n", es.Warning("warning:"), class)
	}
	if len(planes) == 0 {
		// One empty plane answers "no match" with the chosen profile.
		planes = append(planes, simulate.EmptyIngressPlane(p))
	}
	return planes, nil
}

func simulateRun(cmd *cobra.Command, opts *simulateOptions) error {
	snap, loadErr := opts.Cluster.Load(cmd.Context(), opts.IO)
	if snap == nil {
		return loadErr
	}
	set := snap.Set
	header, _ := requestHeader(opts.Headers, opts.Cookies)
	planes, err := gatewayPlanes(set.Applied(), opts.Gateway)
	if err != nil {
		return err
	}
	// Ingresses answer unless one Gateway is asked for, or the input has
	// Gateways and no Ingress.
	var ingress []simulate.DataPlane
	if opts.Gateway == "" && (len(set.Ingresses) > 0 || len(set.Gateways)+len(set.IstioGateways) == 0) {
		if ingress, err = ingressPlanes(opts.IO, set, opts.IngressClass, opts.Controller); err != nil {
			return err
		}
	}
	styles := opts.IO.Styles()
	var inputErrs []*manifest.InputError
	answer := func(raw string, pos manifest.Pos) error {
		req, err := simulate.ParseRequest(raw, header)
		if err != nil {
			inputErrs = append(inputErrs, &manifest.InputError{Pos: pos, Msg: err.Error()})
			return nil
		}
		req.Method = opts.Method
		// One answer per Ingress data plane that serves the URL's host
		// (one "no match" when none does), then the Gateways'.
		ds := simulate.Answer(ingress, req, opts.Explain)
		ds = append(ds, routeGateways(planes, req, opts.Explain, len(ingress) == 0)...)
		for _, d := range ds {
			if opts.Output == "json" {
				err = printer.SimulateJSON(opts.IO.Out, d)
			} else {
				err = printer.SimulateText(opts.IO.Out, styles, d, opts.Explain)
			}
			if err != nil {
				return err
			}
		}
		return nil
	}
	for _, a := range opts.URLs {
		if a != "-" {
			if err := answer(a, manifest.Pos{}); err != nil {
				return err
			}
			continue
		}
		if err := eachLine(opts.IO.In, func(line string, n int) error {
			return answer(line, manifest.Pos{File: "<stdin>", Line: n})
		}); err != nil {
			return err
		}
	}
	if len(inputErrs) > 0 {
		le := &manifest.LoadError{Errors: inputErrs}
		var prev *manifest.LoadError
		if errors.As(loadErr, &prev) {
			le.Errors = append(prev.Errors, le.Errors...)
		}
		return le
	}
	return loadErr
}

// gatewayPlanes returns the data plane of every Gateway of set, or of the
// one named namespace/name; naming a Gateway the input lacks is a usage
// error.
func gatewayPlanes(set *manifest.Set, name string) ([]simulate.DataPlane, error) {
	if len(set.Gateways) == 0 && len(set.IstioGateways) == 0 && name == "" {
		return nil, nil
	}
	var planes []simulate.DataPlane
	for _, p := range gateway.Build(set) {
		if name == "" || p.Gateway().Key() == name {
			planes = append(planes, p)
		}
	}
	for _, p := range istio.Build(set) {
		if name == "" || p.Gateway().Key() == name {
			planes = append(planes, p)
		}
	}
	if name != "" && len(planes) == 0 {
		have := set.GatewayKeys()
		if len(have) == 0 {
			return nil, usageErrorf("--gateway %s: the input has no Gateway", name)
		}
		return nil, usageErrorf("--gateway %s: no such Gateway in the input (have %s)", name, strings.Join(have, ", "))
	}
	return planes, nil
}

// routeGateways answers req on every Gateway data plane that serves it.
// When none does and the answer must come from the Gateways (always is
// true: one was named, or the input has no Ingress), the answer says so:
// no listener takes the request.
func routeGateways(planes []simulate.DataPlane, req simulate.Request, explain, always bool) []simulate.Decision {
	ds := simulate.RouteAll(planes, req, explain)
	if len(ds) == 0 && always && len(planes) > 0 {
		if len(planes) == 1 {
			return []simulate.Decision{answerOn(planes[0], req, explain)}
		}
		d := simulate.Decision{URL: req.String(), Rule: -1, PathIndex: -1, MatchIndex: -1, Status: 404, DataPlane: "gateways",
			RequestHost: simulate.CanonicalHost(req.Host), NormalizedPath: simulate.RequestPath(req.Path),
			Notes: []string{fmt.Sprintf("no listener of the %d Gateways takes this request (port, protocol and hostname)", len(planes))}}
		if allIstio(planes) {
			// An Istio Gateway has servers, not listeners: a server
			// takes a request by port number, protocol and hosts
			// (istio.io Gateway reference, Server).
			d.DataPlane = istio.PluralName
			d.Notes = []string{fmt.Sprintf("no server of the %d Istio Gateways takes this request (port, protocol and host)", len(planes))}
		}
		return []simulate.Decision{d}
	}
	return ds
}

// allIstio reports whether every plane is an Istio Gateway's.
func allIstio(planes []simulate.DataPlane) bool {
	for _, p := range planes {
		if p.Kind() != istio.Kind {
			return false
		}
	}
	return true
}

func answerOn(p simulate.DataPlane, req simulate.Request, explain bool) simulate.Decision {
	if explain {
		return p.Explain(req)
	}
	return p.Lookup(req)
}

// eachLine calls fn for every line of r that is neither blank nor a
// "#" comment.
func eachLine(r io.Reader, fn func(line string, n int) error) error {
	if r == nil {
		return usageErrorf("no standard input to read URLs from")
	}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		if err := fn(line, n); err != nil {
			return err
		}
	}
	return sc.Err()
}
