package main

import (
	"crypto/x509"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/validation"

	"github.com/ingresskit/ingresskit/certgen"
	"github.com/ingresskit/ingresskit/internal/atomicfile"
	"github.com/ingresskit/ingresskit/manifest"
	"github.com/ingresskit/ingresskit/printer"
)

// caFlags select the CA that signs: the local CA directory, or an
// existing certificate and key.
type caFlags struct {
	Dir, Cert, Key string
}

// addFlags binds the flags; verb says what is done with the CA ("sign
// with", "show").
func (f *caFlags) addFlags(cmd *cobra.Command, verb string) {
	cmd.Flags().StringVar(&f.Dir, "ca-dir", "", "directory of the local CA (default $"+certgen.EnvCADir+", else ingresskit/ca in the user config directory)")
	cmd.Flags().StringVar(&f.Cert, "ca-cert", "", verb+" this CA certificate (PEM) instead of the local CA; needs --ca-key")
	cmd.Flags().StringVar(&f.Key, "ca-key", "", "private key (PEM) of --ca-cert")
	cmd.MarkFlagsRequiredTogether("ca-cert", "ca-key")
	cmd.MarkFlagsMutuallyExclusive("ca-dir", "ca-cert")
	_ = cmd.MarkFlagDirname("ca-dir")
}

func (f *caFlags) options() certgen.CAOptions {
	return certgen.CAOptions{Dir: f.Dir, CertFile: f.Cert, KeyFile: f.Key}
}

type certgenOptions struct {
	IO         *IO
	Files      fileFlags
	Cluster    clusterFlags
	Hosts      []string
	IPs        []string
	Name       string
	OutDir     string
	Force      bool
	Output     string
	KeyType    string
	KeySize    int
	Days       int
	CA         caFlags
	SelfSigned bool

	// now is the clock; tests replace it.
	now func() time.Time
}

var (
	certgenFormats  = []string{"json", "yaml"}
	certgenKeyTypes = []string{string(certgen.KeyECDSA), string(certgen.KeyEd25519), string(certgen.KeyRSA)}
)

func newCertgenCmd(io *IO, runF func(*certgenOptions) error) *cobra.Command {
	opts := &certgenOptions{IO: io, now: time.Now}
	maxDays := int(certgen.MaxValidity / (24 * time.Hour))
	cmd := &cobra.Command{
		Use:   "certgen [-f <file>... | --host <name>... [--ip <addr>...]] [--out-dir <dir> [--force]] [-o json|yaml]",
		Short: "make TLS certificates and Secrets for the hosts an Ingress declares",
		Long: fmt.Sprintf(`Make a TLS certificate for every spec.tls entry of the Ingresses and print it as a
kubernetes.io/tls Secret (tls.crt, tls.key and ca.crt) named by secretName, in the
Ingress's namespace, ready for kubectl apply -f -. The certificate names the entry's
hosts, or the hosts of the Ingress's rules when the entry lists none; Ingresses that
share a secretName share one certificate covering all their hosts.

With --host and --ip instead of -f, make one certificate for those names. With
neither, the Ingresses are read from the current kubectl context (-n, -A).

Certificates are signed by a local CA, like mkcert's: it is created on first use in
$%s or ingresskit/ca under the user config directory ($XDG_CONFIG_HOME or
~/.config on Linux) and reused afterwards. Run 'ingresskit certgen ca' to see it
and how to trust it. --ca-cert and --ca-key sign with another CA; --self-signed
makes certificates that sign themselves.

Keys are ECDSA P-256 unless --key-type says otherwise. Certificates last %d days by
default and at most %d, the longest lifetime browsers accept for a leaf
certificate. Hosts go in the subjectAltName only; a wildcard such as *.example.com
covers exactly one label.

Private keys go to stdout or to --out-dir files of mode 0600, never to logs or
error messages.

Exit codes: 0 ok, 2 usage or input error.`, certgen.EnvCADir, int(certgen.DefaultValidity/(24*time.Hour)), maxDays),
		Args: cobra.NoArgs,
		Example: `  # Secrets for the TLS entries of an example, applied to the cluster
  ingresskit certgen -f examples/nginx-tls.yaml | kubectl apply -f -

  # A certificate for a host and its subdomains, written as files
  ingresskit certgen --host example.com --host '*.example.com' --name example-tls --out-dir certs

  # A certificate for a local IP address, with an RSA key
  ingresskit certgen --host localhost --ip 127.0.0.1 --key-type rsa --key-size 3072

  # Show the local CA and how to trust it
  ingresskit certgen ca`,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := opts.validate(cmd); err != nil {
				return err
			}
			if runF != nil {
				return runF(opts)
			}
			return certgenRun(cmd, opts)
		},
	}
	opts.Files.addFlags(cmd)
	bindClusterFlags(cmd, &opts.Cluster, &opts.Files)
	f := cmd.Flags()
	f.StringArrayVar(&opts.Hosts, "host", nil, "DNS name to certify without manifests; *.example.com for one label below (repeatable)")
	f.StringArrayVar(&opts.IPs, "ip", nil, "IP address to certify without manifests (repeatable)")
	f.StringVar(&opts.Name, "name", "", "Secret name for --host/--ip (default from the first name: example.com gives example.com-tls)")
	f.StringVar(&opts.OutDir, "out-dir", "", "write <name>.crt, <name>.key and <name>.yaml into this directory instead of printing")
	f.BoolVar(&opts.Force, "force", false, "let --out-dir replace existing files")
	enumFlag(cmd, &opts.Output, "output", "o", "yaml", certgenFormats, "output format")
	enumFlag(cmd, &opts.KeyType, "key-type", "", string(certgen.KeyECDSA), certgenKeyTypes, "private key algorithm")
	f.IntVar(&opts.KeySize, "key-size", 0, "RSA key size: 2048, 3072 or 4096 (default 2048)")
	f.IntVar(&opts.Days, "days", int(certgen.DefaultValidity/(24*time.Hour)), fmt.Sprintf("certificate lifetime in days, at most %d", maxDays))
	opts.CA.addFlags(cmd, "sign with")
	f.BoolVar(&opts.SelfSigned, "self-signed", false, "make certificates that sign themselves instead of using a CA")
	cmd.MarkFlagsMutuallyExclusive("filename", "host")
	cmd.MarkFlagsMutuallyExclusive("filename", "ip")
	cmd.MarkFlagsMutuallyExclusive("filename", "name")
	cmd.MarkFlagsMutuallyExclusive("self-signed", "ca-dir")
	cmd.MarkFlagsMutuallyExclusive("self-signed", "ca-cert")
	_ = cmd.MarkFlagDirname("out-dir")
	cmd.AddCommand(newCertgenCACmd(io, nil))
	return cmd
}

// validate checks the flag combinations cobra cannot express.
func (o *certgenOptions) validate(cmd *cobra.Command) error {
	byName := len(o.Hosts) > 0 || len(o.IPs) > 0
	switch {
	case o.Name != "" && !byName:
		return usageErrorf("--name applies to --host and --ip; with -f the Secret names come from spec.tls")
	case o.Force && o.OutDir == "":
		return usageErrorf("--force applies to --out-dir")
	case o.Days < 1 || o.Days > int(certgen.MaxValidity/(24*time.Hour)):
		return usageErrorf("--days %d is out of range: certificates last 1 to %d days", o.Days, int(certgen.MaxValidity/(24*time.Hour)))
	case cmd.Flags().Changed("key-size") && o.KeyType != string(certgen.KeyRSA):
		return usageErrorf("--key-size applies to --key-type rsa")
	case cmd.Flags().Changed("key-size") && !slices.Contains(certgen.RSAKeySizes, o.KeySize):
		return usageErrorf("--key-size %d is not supported: must be one of 2048, 3072, 4096", o.KeySize)
	}
	if o.Name != "" {
		if errs := validation.IsDNS1123Subdomain(o.Name); len(errs) > 0 {
			return usageErrorf("--name %q is not a valid Secret name: %s", o.Name, strings.Join(errs, "; "))
		}
	}
	for _, ip := range o.IPs {
		if net.ParseIP(ip) == nil {
			return usageErrorf("--ip %q is not an IP address", ip)
		}
	}
	if _, _, err := certgen.NormalizeHosts(o.Hosts); err != nil {
		return usageErrorf("--host: %v", err)
	}
	return nil
}

func certgenRun(cmd *cobra.Command, opts *certgenOptions) error {
	ctx := cmd.Context()
	io := opts.IO
	errStyles := io.ErrStyles()
	reqs, err := certgenRequests(cmd, opts)
	if err != nil {
		return err
	}
	genOpts := certgen.Options{
		SelfSigned: opts.SelfSigned,
		Issue: certgen.IssueOptions{
			KeyType:  certgen.KeyType(opts.KeyType),
			KeySize:  opts.KeySize,
			Validity: time.Duration(opts.Days) * 24 * time.Hour,
			Now:      opts.now,
		},
	}
	if !opts.SelfSigned {
		ca, err := certgen.LoadOrCreateCA(ctx, opts.CA.options())
		if err != nil {
			return err
		}
		reportCA(io, errStyles, ca)
		genOpts.CA = ca
	}
	bundles, err := certgen.Generate(ctx, reqs, genOpts)
	if err != nil {
		return err
	}
	secrets := make([]*corev1.Secret, len(bundles))
	for i, b := range bundles {
		secrets[i] = b.Secret()
	}
	files := map[string][]string{}
	if opts.OutDir != "" {
		if files, err = writeCertFiles(opts, bundles, secrets); err != nil {
			return err
		}
	} else {
		if opts.Output == "json" {
			err = printer.SecretsJSON(io.Out, secrets)
		} else {
			err = printer.SecretsYAML(io.Out, secrets)
		}
		if err != nil {
			return err
		}
	}
	reports := make([]printer.CertReport, len(bundles))
	for i, b := range bundles {
		names := slices.Clone(b.Leaf.Hosts)
		for _, ip := range b.Leaf.IPs {
			names = append(names, ip.String())
		}
		reports[i] = printer.CertReport{
			Secret:   b.Request.Key(),
			Names:    names,
			NotAfter: b.Leaf.Cert.NotAfter,
			Files:    files[b.Request.Key()],
			Warnings: b.Leaf.Warnings,
		}
	}
	return printer.CertReports(io.ErrOut, errStyles, reports)
}

// certgenRequests returns the certificates to make: one per Secret the
// manifests name, or the one --host and --ip describe.
func certgenRequests(cmd *cobra.Command, opts *certgenOptions) ([]certgen.Request, error) {
	if len(opts.Files.Filenames) == 0 && (len(opts.Hosts) > 0 || len(opts.IPs) > 0) {
		names := append(slices.Clone(opts.Hosts), opts.IPs...)
		name := opts.Name
		if name == "" {
			name = certgen.DefaultSecretName(names)
		}
		ns := opts.Files.Namespace
		if ns == "" {
			ns = manifest.DefaultNamespace
		}
		return []certgen.Request{{Namespace: ns, Name: name, Hosts: names}}, nil
	}
	snap, err := opts.Cluster.Load(cmd.Context(), opts.IO)
	if snap == nil || err != nil {
		// Secrets are not made from partly broken input: applying them
		// would hide the bad documents.
		return nil, err
	}
	set := snap.Set
	reqs, notes := certgen.Requests(set)
	s := opts.IO.ErrStyles()
	for _, n := range notes {
		fmt.Fprintf(opts.IO.ErrOut, "%s %s\n", s.Warning("warning:"), n)
	}
	if len(reqs) == 0 {
		return nil, errors.New("no spec.tls entry names a Secret and hosts to certify; nothing to generate")
	}
	return reqs, nil
}

// reportCA tells about a new CA, and reminds that an untrusted one makes
// browsers warn, as mkcert does on every run (main.go Run).
func reportCA(io *IO, s *printer.Styles, ca *certgen.CA) {
	if ca.Created {
		fmt.Fprintf(io.ErrOut, "Created a new local CA at %s\n", filepath.Dir(ca.CertPath))
	}
	if _, err := ca.Cert.Verify(x509.VerifyOptions{}); err != nil {
		fmt.Fprintf(io.ErrOut, "%s the CA is not in the system trust store; run 'ingresskit certgen ca' to see how to trust it\n", s.Info("note:"))
	}
}

// writeCertFiles writes <name>.crt, <name>.key and the Secret manifest
// for every bundle. It checks every target first, so that a refusal
// leaves the directory untouched.
func writeCertFiles(opts *certgenOptions, bundles []*certgen.Bundle, secrets []*corev1.Secret) (map[string][]string, error) {
	type file struct {
		path string
		data []byte
		mode os.FileMode
	}
	var plan []file
	owner := map[string]string{}
	written := map[string][]string{}
	for i, b := range bundles {
		name := b.Request.Name
		if other, ok := owner[name]; ok {
			return nil, fmt.Errorf("--out-dir would write the Secrets %s and %s to the same files %s.*; write one namespace at a time", other, b.Request.Key(), name)
		}
		owner[name] = b.Request.Key()
		var manifestData strings.Builder
		var err error
		ext := ".yaml"
		if opts.Output == "json" {
			ext = ".json"
			err = printer.SecretsJSON(&manifestData, secrets[i:i+1])
		} else {
			err = printer.SecretsYAML(&manifestData, secrets[i:i+1])
		}
		if err != nil {
			return nil, err
		}
		// The manifest holds the private key too, so it gets the key's mode.
		for _, f := range []file{
			{name + ".crt", b.Leaf.CertPEM, 0o644},
			{name + ".key", b.Leaf.KeyPEM, 0o600},
			{name + ext, []byte(manifestData.String()), 0o600},
		} {
			f.path = filepath.Join(opts.OutDir, f.path)
			plan = append(plan, f)
			written[b.Request.Key()] = append(written[b.Request.Key()], f.path)
		}
	}
	if !opts.Force {
		for _, f := range plan {
			if _, err := os.Lstat(f.path); err == nil {
				return nil, fmt.Errorf("%s exists; use --force to replace it", f.path)
			} else if !errors.Is(err, fs.ErrNotExist) {
				return nil, err
			}
		}
	}
	if err := os.MkdirAll(opts.OutDir, 0o755); err != nil {
		return nil, err
	}
	// Every file or none: a full disk must not leave a .crt and .key
	// without their manifest, which a rerun would then refuse to
	// replace without --force.
	all := make([]atomicfile.File, 0, len(plan))
	for _, f := range plan {
		all = append(all, atomicfile.File{Path: f.path, Data: f.data,
			Options: atomicfile.Options{Mode: f.mode, ForceMode: true, Overwrite: opts.Force}})
	}
	err := atomicfile.WriteAll(all)
	if errors.Is(err, atomicfile.ErrExists) {
		return nil, fmt.Errorf("%w; use --force to replace it", err)
	}
	if err != nil {
		return nil, fmt.Errorf("write: %w", err)
	}
	return written, nil
}

type certgenCAOptions struct {
	IO     *IO
	CA     caFlags
	Output string

	// now and goos date the expiry and pick the trust instructions;
	// tests replace them.
	now  func() time.Time
	goos string
}

var certgenCAFormats = []string{"json", "text"}

func newCertgenCACmd(io *IO, runF func(*certgenCAOptions) error) *cobra.Command {
	opts := &certgenCAOptions{IO: io, now: time.Now, goos: runtime.GOOS}
	cmd := &cobra.Command{
		Use:   "ca [--ca-dir <dir>] [-o json|text]",
		Short: "show the local CA and how to trust it",
		Long: `Show where the local CA lives, its subject, SHA-256 fingerprint and expiry, and
the commands that install it in the system trust store and in the browsers that
keep their own. The CA is created if it does not exist yet.

Exit codes: 0 ok, 2 usage error or unusable CA.`,
		Args: cobra.NoArgs,
		Example: `  # Show the local CA
  ingresskit certgen ca

  # Its fingerprint, for a script
  ingresskit certgen ca -o json | jq -r .sha256Fingerprint`,
		RunE: func(cmd *cobra.Command, args []string) error {
			if runF != nil {
				return runF(opts)
			}
			return certgenCARun(cmd, opts)
		},
	}
	opts.CA.addFlags(cmd, "show")
	enumFlag(cmd, &opts.Output, "output", "o", "text", certgenCAFormats, "output format")
	return cmd
}

func certgenCARun(cmd *cobra.Command, opts *certgenCAOptions) error {
	ca, err := certgen.LoadOrCreateCA(cmd.Context(), opts.CA.options())
	if err != nil {
		return err
	}
	if ca.Created {
		fmt.Fprintf(opts.IO.ErrOut, "Created a new local CA at %s\n", filepath.Dir(ca.CertPath))
	}
	info := printer.CAInfo{
		CertFile:  absPath(ca.CertPath),
		KeyFile:   absPath(ca.KeyPath),
		Subject:   ca.Cert.Subject.String(),
		SHA256:    ca.Fingerprint(),
		NotBefore: ca.Cert.NotBefore,
		NotAfter:  ca.Cert.NotAfter,
		Created:   ca.Created,
	}
	if opts.Output == "json" {
		return printer.CAInfoJSON(opts.IO.Out, info)
	}
	return printer.CAInfoText(opts.IO.Out, opts.IO.Styles(), info, opts.goos, opts.now())
}

// absPath makes p absolute for instructions run from another directory.
func absPath(p string) string {
	if a, err := filepath.Abs(p); err == nil {
		return a
	}
	return p
}
