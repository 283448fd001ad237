package printer

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"

	corev1 "k8s.io/api/core/v1"
	"sigs.k8s.io/yaml"
)

// secretDoc is a Secret as kubectl prints it, without the empty status
// fields (creationTimestamp: null) that marshalling corev1.Secret adds.
type secretDoc struct {
	APIVersion string            `json:"apiVersion"`
	Kind       string            `json:"kind"`
	Metadata   secretMeta        `json:"metadata"`
	Type       corev1.SecretType `json:"type"`
	Data       map[string][]byte `json:"data"`
}

type secretMeta struct {
	Name        string            `json:"name"`
	Namespace   string            `json:"namespace,omitempty"`
	Labels      map[string]string `json:"labels,omitempty"`
	Annotations map[string]string `json:"annotations,omitempty"`
}

// listDoc is a v1 List, the form kubectl prints several objects in.
type listDoc struct {
	APIVersion string      `json:"apiVersion"`
	Kind       string      `json:"kind"`
	Items      []secretDoc `json:"items"`
}

func secretDocs(secrets []*corev1.Secret) []secretDoc {
	out := make([]secretDoc, len(secrets))
	for i, s := range secrets {
		out[i] = secretDoc{
			APIVersion: "v1",
			Kind:       "Secret",
			Metadata: secretMeta{
				Name: s.Name, Namespace: s.Namespace,
				Labels: s.Labels, Annotations: s.Annotations,
			},
			Type: s.Type,
			Data: s.Data,
		}
	}
	return out
}

// SecretsYAML writes the Secrets as a YAML stream, one document each,
// with keys in the order `kubectl create secret tls -o yaml` prints them:
// ready for `kubectl apply -f -`.
func SecretsYAML(w io.Writer, secrets []*corev1.Secret) error {
	for i, d := range secretDocs(secrets) {
		b, err := yaml.Marshal(d)
		if err != nil {
			return err
		}
		if i > 0 {
			if _, err := io.WriteString(w, "---\n"); err != nil {
				return err
			}
		}
		if _, err := w.Write(b); err != nil {
			return err
		}
	}
	return nil
}

// SecretsJSON writes one Secret as a JSON object and several as a v1
// List, as kubectl -o json does.
func SecretsJSON(w io.Writer, secrets []*corev1.Secret) error {
	docs := secretDocs(secrets)
	var v any = listDoc{APIVersion: "v1", Kind: "List", Items: docs}
	if len(docs) == 1 {
		v = docs[0]
	}
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(w, "%s\n", b)
	return err
}

// CertReport describes one generated certificate for the person running
// the command.
type CertReport struct {
	// Secret is namespace/name, or empty when the certificate has no
	// Secret.
	Secret string
	// Names are the DNS names and IP addresses the certificate covers.
	Names []string
	// NotAfter is the expiry.
	NotAfter time.Time
	// Files are the files written for it, if any.
	Files []string
	// Warnings say what browsers or clients may refuse.
	Warnings []string
}

// CertReports writes what was generated in mkcert's manner (cert.go
// makeCert and printHosts): the names each certificate is valid for,
// where it went and when it expires, with a reminder that a wildcard
// covers one label only.
func CertReports(w io.Writer, s *Styles, reports []CertReport) error {
	var b strings.Builder
	wildcard := ""
	for i, r := range reports {
		if i > 0 {
			b.WriteString("\n")
		}
		if r.Secret != "" {
			fmt.Fprintf(&b, "Created a certificate for Secret %s, valid for:\n", s.Bold(r.Secret))
		} else {
			b.WriteString("Created a certificate valid for:\n")
		}
		for _, n := range r.Names {
			fmt.Fprintf(&b, " - %q\n", n)
			if wildcard == "" && strings.HasPrefix(n, "*.") {
				wildcard = n
			}
		}
		for _, f := range r.Files {
			fmt.Fprintf(&b, "Wrote %s\n", f)
		}
		for _, warn := range r.Warnings {
			fmt.Fprintf(&b, "%s %s\n", s.Warning("warning:"), warn)
		}
		fmt.Fprintf(&b, "It expires on %s.\n", r.NotAfter.UTC().Format("2 January 2006"))
	}
	if wildcard != "" {
		fmt.Fprintf(&b, "\nReminder: a wildcard covers one label only, so %s does not match a.b.%s.\n", wildcard, wildcard[2:])
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// CAInfo describes the local CA for `ingresskit certgen ca`.
type CAInfo struct {
	// CertFile and KeyFile are the CA's files.
	CertFile string `json:"certFile"`
	KeyFile  string `json:"keyFile"`
	// Subject is the CA's distinguished name.
	Subject string `json:"subject"`
	// SHA256 is the fingerprint of the certificate.
	SHA256 string `json:"sha256Fingerprint"`
	// NotBefore and NotAfter bound its validity.
	NotBefore time.Time `json:"notBefore"`
	NotAfter  time.Time `json:"notAfter"`
	// Created is set when the CA was made by this run.
	Created bool `json:"created"`
}

// CAInfoJSON writes info as a JSON object.
func CAInfoJSON(w io.Writer, info CAInfo) error {
	b, err := json.MarshalIndent(info, "", "  ")
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(w, "%s\n", b)
	return err
}

// CAInfoText writes the CA's location, subject, fingerprint and expiry,
// then how to trust it on goos (runtime.GOOS) and in the clients that
// keep their own trust stores. now dates the expiry.
func CAInfoText(w io.Writer, s *Styles, info CAInfo, goos string, now time.Time) error {
	var b strings.Builder
	days := int(info.NotAfter.Sub(now).Hours() / 24)
	rows := [][2]string{
		{"Certificate:", info.CertFile},
		{"Key:", info.KeyFile + " (keep it private)"},
		{"Subject:", info.Subject},
		{"SHA-256:", info.SHA256},
		{"Expires:", fmt.Sprintf("%s (in %d days)", info.NotAfter.UTC().Format("2 January 2006"), days)},
	}
	if days < 0 {
		rows[4][1] = fmt.Sprintf("%s (%s)", info.NotAfter.UTC().Format("2 January 2006"), s.Error("expired"))
	}
	for _, r := range rows {
		// Pad outside the style, so that colour codes do not shift columns.
		fmt.Fprintf(&b, "%s%s%s\n", s.Bold(r[0]), strings.Repeat(" ", 13-len(r[0])), r[1])
	}
	b.WriteString("\n")
	b.WriteString(trustHelp(s, info.CertFile, goos))
	_, err := io.WriteString(w, b.String())
	return err
}

// shellQuote quotes p for a POSIX shell.
func shellQuote(p string) string {
	if p != "" && strings.IndexFunc(p, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("/._-+:@", r))
	}) < 0 {
		return p
	}
	return "'" + strings.ReplaceAll(p, "'", `'\''`) + "'"
}

// trustHelp tells how to install the CA certificate, with the commands
// mkcert runs for -install: truststore_linux.go (the anchors directories
// and their update commands), truststore_darwin.go (security
// add-trusted-cert into the System keychain), truststore_nss.go (certutil
// for Firefox and Chromium on Linux) and truststore_windows.go (the ROOT
// store, here through certutil.exe).
func trustHelp(s *Styles, cert, goos string) string {
	q := shellQuote(cert)
	var b strings.Builder
	section := func(title string, cmds ...string) {
		fmt.Fprintf(&b, "%s\n", s.Header(title))
		for _, c := range cmds {
			fmt.Fprintf(&b, "  %s\n", c)
		}
	}
	b.WriteString("Browsers and tools trust certificates from this CA once it is installed.\n")
	switch goos {
	case "darwin":
		section("macOS (Safari, Chrome, curl):",
			"sudo security add-trusted-cert -d -r trustRoot -k /Library/Keychains/System.keychain "+q)
		section("Firefox (its own store; certutil is in Homebrew's nss):",
			"certutil -d sql:<profile directory> -A -t C,, -n 'ingresskit local CA' -i "+q)
	case "windows":
		section("Windows (Edge, Chrome), from an administrator prompt:",
			`certutil -addstore -f ROOT "`+cert+`"`)
	default:
		section("Debian, Ubuntu:",
			"sudo cp "+q+" /usr/local/share/ca-certificates/ingresskit-ca.crt",
			"sudo update-ca-certificates")
		section("Fedora, RHEL:",
			"sudo cp "+q+" /etc/pki/ca-trust/source/anchors/ingresskit-ca.pem",
			"sudo update-ca-trust extract")
		section("Arch Linux:",
			"sudo trust anchor --store "+q)
		section("Chromium and Firefox keep their own stores (certutil is in libnss3-tools):",
			"certutil -d sql:$HOME/.pki/nssdb -A -t C,, -n 'ingresskit local CA' -i "+q,
			"certutil -d sql:<Firefox profile directory> -A -t C,, -n 'ingresskit local CA' -i "+q)
	}
	if goos == "windows" {
		q = `"` + cert + `"`
	}
	section("curl, for one request:",
		"curl --cacert "+q+" https://example.com/")
	b.WriteString("In a cluster, each generated Secret carries the CA as ca.crt.\n")
	return b.String()
}
