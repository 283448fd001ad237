package certgen

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/user"
	"path/filepath"
	"strings"
	"time"

	"github.com/ingresskit/ingresskit/internal/atomicfile"
)

// CA file names inside a CA directory.
const (
	CACertFile = "ca.crt"
	CAKeyFile  = "ca.key"
)

// EnvCADir names the environment variable that overrides the default CA
// directory, as mkcert's $CAROOT does (main.go getCAROOT).
const EnvCADir = "INGRESSKIT_CA_DIR"

// DefaultCADir returns $INGRESSKIT_CA_DIR when set, else "ingresskit/ca"
// under os.UserConfigDir ($XDG_CONFIG_HOME or ~/.config on Linux,
// ~/Library/Application Support on macOS, %AppData% on Windows).
func DefaultCADir() (string, error) {
	if d := os.Getenv(EnvCADir); d != "" {
		return d, nil
	}
	base, err := os.UserConfigDir()
	if err != nil {
		return "", fmt.Errorf("find the CA directory: %w; set %s", err, EnvCADir)
	}
	return filepath.Join(base, "ingresskit", "ca"), nil
}

// CAOptions says where the CA lives and how a new one is made. The zero
// value uses DefaultCADir.
type CAOptions struct {
	// Dir holds ca.crt and ca.key; empty means DefaultCADir().
	Dir string
	// CertFile and KeyFile name an existing CA to sign with instead of
	// Dir. Both or neither must be set; such a CA is never created.
	CertFile, KeyFile string
	// KeyType is the key algorithm of a new CA; empty means KeyECDSA.
	KeyType KeyType
	// KeySize is the RSA key size of a new CA; 0 means 3072, as mkcert
	// uses for its root (cert.go generateKey).
	KeySize int
	// Now returns the current time; nil means time.Now.
	Now func() time.Time
}

// CA is a certificate authority that can sign leaf certificates. Its
// methods are safe for concurrent use.
type CA struct {
	// Cert is the CA certificate.
	Cert *x509.Certificate
	// CertPEM is Cert in PEM form, as written to ca.crt.
	CertPEM []byte
	// CertPath and KeyPath are the files the CA was read from or written
	// to; both are empty for a CA made by NewCA.
	CertPath, KeyPath string
	// Created reports whether LoadOrCreateCA made this CA just now.
	Created bool

	key *privateKey
}

// Fingerprint returns the SHA-256 digest of the CA certificate as
// colon-separated uppercase hex, the form `openssl x509 -fingerprint
// -sha256` prints.
func (ca *CA) Fingerprint() string { return Fingerprint(ca.Cert) }

// Fingerprint returns the SHA-256 digest of cert's DER bytes as
// colon-separated uppercase hex.
func Fingerprint(cert *x509.Certificate) string {
	sum := sha256.Sum256(cert.Raw)
	var b strings.Builder
	for i, c := range sum {
		if i > 0 {
			b.WriteByte(':')
		}
		fmt.Fprintf(&b, "%02X", c)
	}
	return b.String()
}

// Pool returns a certificate pool holding only the CA, for clients that
// should trust it.
func (ca *CA) Pool() *x509.CertPool {
	p := x509.NewCertPool()
	p.AddCert(ca.Cert)
	return p
}

// userAndHost names the CA's owner in its subject, as mkcert does
// (cert.go userAndHostname), so that several local CAs installed in one
// trust store can be told apart.
func userAndHost() string {
	var s string
	if u, err := user.Current(); err == nil {
		s = u.Username + "@"
	}
	if h, err := os.Hostname(); err == nil {
		s += h
	}
	return s
}

// NewCA makes a CA in memory; nothing is written. opts.Dir and the file
// options are ignored.
func NewCA(opts CAOptions) (*CA, error) {
	if err := checkKey(opts.KeyType, opts.KeySize); err != nil {
		return nil, err
	}
	size := opts.KeySize
	if opts.KeyType == KeyRSA && size == 0 {
		size = 3072
	}
	key, err := generateKey(opts.KeyType, size)
	if err != nil {
		return nil, fmt.Errorf("generate CA key: %w", err)
	}
	serial, err := randomSerial()
	if err != nil {
		return nil, err
	}
	now := time.Now
	if opts.Now != nil {
		now = opts.Now
	}
	start := notBefore(now())
	owner := userAndHost()
	tpl := &x509.Certificate{
		SerialNumber: serial,
		Subject: pkix.Name{
			Organization:       []string{"ingresskit development CA"},
			OrganizationalUnit: []string{owner},
			// iOS lists a root under "Certificate Trust Settings" only when
			// it has a CommonName (mkcert cert.go newCA, mkcert issue #47).
			CommonName: strings.TrimSpace("ingresskit " + owner),
		},
		NotBefore: start,
		NotAfter:  start.Add(CAValidity),
		// A root signs certificates and CRLs (Baseline Requirements
		// 7.1.2.1); MaxPathLenZero forbids intermediates below it, as
		// mkcert sets it. crypto/x509 derives the SubjectKeyId for a CA.
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
		BasicConstraintsValid: true,
		IsCA:                  true,
		MaxPathLenZero:        true,
	}
	if len(tpl.Subject.CommonName) > 64 { // RFC 5280 ub-common-name
		tpl.Subject.CommonName = "ingresskit development CA"
	}
	der, err := x509.CreateCertificate(rand.Reader, tpl, tpl, key.Public(), key)
	if err != nil {
		return nil, fmt.Errorf("create CA certificate: %w", err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, fmt.Errorf("parse CA certificate: %w", err)
	}
	return &CA{Cert: cert, CertPEM: encodeCert(der), key: &privateKey{key}}, nil
}

// LoadCA reads the CA named by opts: CertFile and KeyFile when set, else
// ca.crt and ca.key in Dir (or DefaultCADir). It creates nothing.
func LoadCA(ctx context.Context, opts CAOptions) (*CA, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	certPath, keyPath, err := caPaths(opts)
	if err != nil {
		return nil, err
	}
	return readCA(certPath, keyPath)
}

// LoadOrCreateCA returns the CA in opts.Dir (or DefaultCADir), making and
// saving a new one when the directory holds neither ca.crt nor ca.key.
// With CertFile and KeyFile set it only loads them. The directory is made
// with mode 0700 and the key written with mode 0600. Two processes that
// create the CA at once agree on one: the files are written into a
// temporary directory that is renamed into place, and the loser loads the
// winner's CA.
func LoadOrCreateCA(ctx context.Context, opts CAOptions) (*CA, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	certPath, keyPath, err := caPaths(opts)
	if err != nil {
		return nil, err
	}
	if opts.CertFile != "" {
		return readCA(certPath, keyPath)
	}
	// A creator in a directory that held other files publishes the key
	// and then the certificate; a reader that finds a young key alone
	// waits for the certificate.
	const settle = 2 * time.Second
	deadline := time.Now().Add(settle)
	for {
		_, certErr := os.Stat(certPath)
		keySt, keyErr := os.Stat(keyPath)
		certMissing, keyMissing := errors.Is(certErr, fs.ErrNotExist), errors.Is(keyErr, fs.ErrNotExist)
		switch {
		case certMissing && keyMissing:
			ca, err := NewCA(opts)
			if err != nil {
				return nil, err
			}
			won, err := installCA(filepath.Dir(certPath), ca)
			if err != nil {
				return nil, err
			}
			if won {
				ca.CertPath, ca.KeyPath, ca.Created = certPath, keyPath, true
				return ca, nil
			}
		case certMissing && keyErr == nil:
			if time.Since(keySt.ModTime()) > settle || time.Now().After(deadline) {
				return nil, fmt.Errorf("%s exists without %s: restore the certificate, or remove the key to make a new CA", keyPath, CACertFile)
			}
		default:
			return readCA(certPath, keyPath)
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(20 * time.Millisecond):
		}
	}
}

func caPaths(opts CAOptions) (certPath, keyPath string, err error) {
	if (opts.CertFile == "") != (opts.KeyFile == "") {
		return "", "", errors.New("a CA certificate file and a CA key file go together: give both or neither")
	}
	if opts.CertFile != "" {
		return opts.CertFile, opts.KeyFile, nil
	}
	dir := opts.Dir
	if dir == "" {
		if dir, err = DefaultCADir(); err != nil {
			return "", "", err
		}
	}
	return filepath.Join(dir, CACertFile), filepath.Join(dir, CAKeyFile), nil
}

// installCA saves ca into dir. It reports false, with no error, when
// another process saved a CA there first.
func installCA(dir string, ca *CA) (bool, error) {
	parent := filepath.Dir(dir)
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return false, fmt.Errorf("create CA directory: %w", err)
	}
	tmp, err := os.MkdirTemp(parent, "."+filepath.Base(dir)+".tmp-")
	if err != nil {
		return false, fmt.Errorf("create CA directory: %w", err)
	}
	defer os.RemoveAll(tmp)
	keyPEM, err := encodeKey(ca.key.Signer)
	if err != nil {
		return false, err
	}
	if err := os.Chmod(tmp, 0o700); err != nil {
		return false, fmt.Errorf("create CA directory: %w", err)
	}
	if err := atomicfile.Write(filepath.Join(tmp, CAKeyFile), keyPEM, atomicfile.Options{Mode: 0o600, ForceMode: true}); err != nil {
		return false, fmt.Errorf("save CA key: %w", err)
	}
	if err := atomicfile.Write(filepath.Join(tmp, CACertFile), ca.CertPEM, atomicfile.Options{Mode: 0o644}); err != nil {
		return false, fmt.Errorf("save CA certificate: %w", err)
	}
	// Rename puts both files in place at once where the directory is
	// missing or empty; it fails when another creator got there first.
	if err := os.Rename(tmp, dir); err == nil {
		return true, nil
	}
	if empty, _ := isEmptyDir(dir); empty {
		if os.Remove(dir) == nil && os.Rename(tmp, dir) == nil {
			return true, nil
		}
	}
	// A hard link publishes a file only if the name is free, so exactly
	// one creator wins the key; the certificate follows it.
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return false, fmt.Errorf("create CA directory: %w", err)
	}
	for _, name := range []string{CAKeyFile, CACertFile} {
		err := os.Link(filepath.Join(tmp, name), filepath.Join(dir, name))
		if errors.Is(err, fs.ErrExist) {
			if name == CAKeyFile {
				return false, nil
			}
			return false, fmt.Errorf("save CA certificate: %s appeared while the CA was being made", filepath.Join(dir, name))
		}
		if err != nil {
			// File systems without hard links get a plain rename.
			if err := os.Rename(filepath.Join(tmp, name), filepath.Join(dir, name)); err != nil {
				return false, fmt.Errorf("save CA: %w", err)
			}
		}
	}
	return true, nil
}

func isEmptyDir(dir string) (bool, error) {
	f, err := os.Open(dir)
	if err != nil {
		return false, err
	}
	defer f.Close()
	names, err := f.Readdirnames(1)
	return len(names) == 0 && err != nil, nil
}

// readCA loads a CA certificate and its key and checks that they belong
// together and may sign certificates. Errors name the files, never their
// content.
func readCA(certPath, keyPath string) (*CA, error) {
	certPEM, err := os.ReadFile(certPath)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("read CA certificate: %s does not exist", certPath)
		}
		return nil, fmt.Errorf("read CA certificate: %w", err)
	}
	cert, err := parseCert(certPEM)
	if err != nil {
		return nil, fmt.Errorf("read CA certificate %s: %w", certPath, err)
	}
	if !cert.IsCA || cert.KeyUsage&x509.KeyUsageCertSign == 0 {
		return nil, fmt.Errorf("%s is not a CA certificate (basicConstraints CA:TRUE and keyUsage keyCertSign are required)", certPath)
	}
	keyData, err := os.ReadFile(keyPath)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("read CA key: %s does not exist; certificates cannot be signed without it", keyPath)
		}
		return nil, fmt.Errorf("read CA key: %w", err)
	}
	key, err := parseKey(keyData)
	if err != nil {
		return nil, fmt.Errorf("read CA key %s: %w", keyPath, err)
	}
	if !samePublicKey(cert, key) {
		return nil, fmt.Errorf("CA key %s does not match certificate %s", keyPath, certPath)
	}
	return &CA{
		Cert:     cert,
		CertPEM:  encodeCert(cert.Raw),
		CertPath: certPath,
		KeyPath:  keyPath,
		key:      &privateKey{key},
	}, nil
}

// backdate is how far before its making a certificate becomes valid.
//
// OpenSSL, and with it curl, checks validity against time(2), which the
// kernel answers from its coarse clock (lib/vdso/gettimeofday.c
// __cvdso_time_data): for up to a clock tick after a second begins it
// still returns the second before. A certificate made in that tick with
// the current second as NotBefore is "not yet valid" to a client that
// checks at once. A minute also covers small clock differences between
// the machine that makes a certificate and the one that checks it.
const backdate = time.Minute

// notBefore is the NotBefore of a certificate made at now: backdate
// earlier, in whole seconds, as X.509 encodes it.
func notBefore(now time.Time) time.Time {
	return now.UTC().Add(-backdate).Truncate(time.Second)
}
