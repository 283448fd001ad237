package certgen

import (
	"crypto"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/rsa"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"fmt"
	"net"
	"regexp"
	"strings"
	"time"

	"golang.org/x/net/idna"
)

// IssueOptions describes a leaf certificate. Only Hosts or IPs is
// required.
type IssueOptions struct {
	// Hosts are DNS names for the subjectAltName; "*.example.com" is a
	// wildcard for one label. An IP literal here is added to IPs.
	// Internationalized names are converted to punycode.
	Hosts []string
	// IPs are IP addresses for the subjectAltName.
	IPs []net.IP
	// KeyType is the key algorithm; empty means KeyECDSA.
	KeyType KeyType
	// KeySize is the RSA key size (2048, 3072 or 4096); 0 means 2048.
	KeySize int
	// Validity is the certificate lifetime; 0 means DefaultValidity, and
	// more than MaxValidity is an error.
	Validity time.Duration
	// Now returns the current time; nil means time.Now.
	Now func() time.Time
}

// Leaf is a signed certificate with its private key.
type Leaf struct {
	// Cert is the parsed certificate.
	Cert *x509.Certificate
	// CertPEM is the certificate alone in PEM form (tls.crt).
	CertPEM []byte
	// KeyPEM is the PKCS #8 private key in PEM form (tls.key). It prints
	// as a placeholder.
	KeyPEM PrivateKeyPEM
	// CAPEM is the certificate of the issuer in PEM form (ca.crt); for a
	// self-signed certificate it is the certificate itself.
	CAPEM []byte
	// Hosts and IPs are the names the certificate covers, normalized.
	Hosts []string
	IPs   []net.IP
	// Warnings say what may surprise a user of the certificate, such as
	// an Ed25519 key that browsers refuse.
	Warnings []string

	key *privateKey
}

// TLSCertificate returns the certificate and key for crypto/tls.
func (l *Leaf) TLSCertificate() (tls.Certificate, error) {
	if l == nil || l.Cert == nil || l.key == nil {
		return tls.Certificate{}, errors.New("no certificate")
	}
	return tls.Certificate{
		Certificate: [][]byte{l.Cert.Raw},
		PrivateKey:  l.key.Signer,
		Leaf:        l.Cert,
	}, nil
}

// Issue signs a new leaf certificate for opts.Hosts and opts.IPs.
func (ca *CA) Issue(opts IssueOptions) (*Leaf, error) {
	if ca == nil || ca.key == nil {
		return nil, errors.New("no CA key to sign with")
	}
	return issue(opts, ca)
}

// SelfSigned makes a certificate that signs itself, like the openssl
// recipe `openssl req -x509 -key tls.key -days N`: no CA is involved, and
// clients must trust the certificate itself.
func SelfSigned(opts IssueOptions) (*Leaf, error) {
	return issue(opts, nil)
}

func issue(opts IssueOptions, ca *CA) (*Leaf, error) {
	if err := checkKey(opts.KeyType, opts.KeySize); err != nil {
		return nil, err
	}
	hosts, ips, err := NormalizeHosts(opts.Hosts)
	if err != nil {
		return nil, err
	}
	for _, ip := range opts.IPs {
		if ip == nil {
			return nil, errors.New("an IP address is empty")
		}
		ips = appendIP(ips, ip)
	}
	if len(hosts) == 0 && len(ips) == 0 {
		return nil, errors.New("no host or IP address to certify")
	}
	validity := opts.Validity
	switch {
	case validity == 0:
		validity = DefaultValidity
	case validity < 0:
		return nil, fmt.Errorf("validity of %s is negative", Days(validity))
	case validity > MaxValidity:
		return nil, fmt.Errorf("validity of %s is longer than the %s browsers accept for a leaf certificate", Days(validity), Days(MaxValidity))
	}
	now := time.Now
	if opts.Now != nil {
		now = opts.Now
	}
	start := notBefore(now())
	key, err := generateKey(opts.KeyType, opts.KeySize)
	if err != nil {
		return nil, fmt.Errorf("generate key: %w", err)
	}
	serial, err := randomSerial()
	if err != nil {
		return nil, err
	}
	tpl := &x509.Certificate{
		SerialNumber: serial,
		Subject: pkix.Name{
			Organization:       []string{"ingresskit development certificate"},
			OrganizationalUnit: []string{userAndHost()},
		},
		// RFC 5280 section 4.1.2.5 counts both ends, so the last second
		// is NotBefore+validity-1s and the lifetime is exactly validity.
		NotBefore:   start,
		NotAfter:    start.Add(validity - time.Second),
		DNSNames:    hosts,
		IPAddresses: ips,
		// Apple platforms require serverAuth for TLS (mkcert cert.go
		// makeCertFromCSR).
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		KeyUsage:              x509.KeyUsageDigitalSignature,
		BasicConstraintsValid: true,
	}
	// keyEncipherment applies to RSA key transport only (RFC 8813
	// section 3 forbids it for ECDSA keys, RFC 8410 section 5 for Ed25519).
	if _, ok := key.(*rsa.PrivateKey); ok {
		tpl.KeyUsage |= x509.KeyUsageKeyEncipherment
	}
	// Clients match names against the SANs only (RFC 6125 section 6.4.4;
	// Chrome 58 dropped the CommonName fallback, as mkcert cert.go notes
	// in makeCertFromCSR). The CommonName is for display in certificate
	// viewers and kubectl describe; RFC 5280 limits it to 64 characters.
	if len(hosts) > 0 && len(hosts[0]) <= 64 {
		tpl.Subject.CommonName = hosts[0]
	} else if len(hosts) == 0 {
		tpl.Subject.CommonName = ips[0].String()
	}
	parent, signer := tpl, key
	if ca != nil {
		parent, signer = ca.Cert, ca.key.Signer
		if tpl.NotAfter.After(ca.Cert.NotAfter) {
			return nil, fmt.Errorf("the CA expires on %s, before the certificate would; make a new CA", ca.Cert.NotAfter.Format(time.DateOnly))
		}
	}
	der, err := x509.CreateCertificate(rand.Reader, tpl, parent, key.Public(), signer)
	if err != nil {
		return nil, fmt.Errorf("create certificate: %w", err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, fmt.Errorf("parse certificate: %w", err)
	}
	keyPEM, err := encodeKey(key)
	if err != nil {
		return nil, err
	}
	l := &Leaf{
		Cert:    cert,
		CertPEM: encodeCert(der),
		KeyPEM:  keyPEM,
		Hosts:   hosts,
		IPs:     ips,
		key:     &privateKey{key},
	}
	if ca != nil {
		l.CAPEM = ca.CertPEM
	} else {
		l.CAPEM = l.CertPEM
	}
	l.Warnings = warnings(hosts, key)
	return l, nil
}

// warnings explains what browsers will refuse.
func warnings(hosts []string, key crypto.Signer) []string {
	var w []string
	if _, ok := key.(ed25519.PrivateKey); ok {
		// The Baseline Requirements (section 6.1.5) allow only RSA and
		// ECDSA keys, and browsers verify nothing else.
		w = append(w, "browsers do not accept Ed25519 certificates; use it only with clients that do (Go, curl with OpenSSL)")
	}
	for _, h := range hosts {
		// mkcert cert.go printHosts warns likewise.
		if rest, ok := strings.CutPrefix(h, "*."); ok && !strings.Contains(rest, ".") {
			w = append(w, fmt.Sprintf("many browsers do not accept a wildcard for a whole top-level domain like %q", h))
		}
	}
	return w
}

// hostLabel is one DNS label as mkcert accepts it (main.go hostnameRegexp):
// letters, digits, '-' and '_' (used by some internal names), not
// starting or ending with '-'.
var hostLabel = regexp.MustCompile(`^[0-9a-z_]([0-9a-z_-]{0,61}[0-9a-z_])?$`)

// NormalizeHosts checks DNS names and splits off IP literals. Names are
// lowercased and converted to punycode; duplicates are dropped, first
// occurrence kept. A wildcard is allowed only as the whole leftmost label
// ("*.example.com"), the only form RFC 6125 section 6.4.3 clients match.
func NormalizeHosts(in []string) (hosts []string, ips []net.IP, err error) {
	seen := map[string]bool{}
	for _, h := range in {
		if ip := net.ParseIP(h); ip != nil {
			ips = appendIP(ips, ip)
			continue
		}
		name, err := normalizeHost(h)
		if err != nil {
			return nil, nil, err
		}
		if !seen[name] {
			seen[name] = true
			hosts = append(hosts, name)
		}
	}
	return hosts, ips, nil
}

func normalizeHost(h string) (string, error) {
	name := strings.TrimSuffix(strings.ToLower(strings.TrimSpace(h)), ".")
	wild := false
	if rest, ok := strings.CutPrefix(name, "*."); ok {
		wild, name = true, rest
	}
	if name == "" {
		return "", fmt.Errorf("%q is not a valid host name", h)
	}
	ascii, err := idna.ToASCII(name)
	if err != nil {
		return "", fmt.Errorf("%q is not a valid host name: %v", h, err)
	}
	if len(ascii) > 253 {
		return "", fmt.Errorf("%q is longer than the 253 characters of a DNS name", h)
	}
	for _, l := range strings.Split(ascii, ".") {
		if !hostLabel.MatchString(l) {
			if strings.Contains(l, "*") {
				return "", fmt.Errorf("%q is not a valid host name: a wildcard must be the whole leftmost label, as in *.example.com", h)
			}
			return "", fmt.Errorf("%q is not a valid host name", h)
		}
	}
	if wild {
		return "*." + ascii, nil
	}
	return ascii, nil
}

func appendIP(ips []net.IP, ip net.IP) []net.IP {
	if v4 := ip.To4(); v4 != nil {
		ip = v4
	}
	for _, x := range ips {
		if x.Equal(ip) {
			return ips
		}
	}
	return append(ips, ip)
}

// Days formats d in days when it is a whole number of them, else as
// time.Duration does.
func Days(d time.Duration) string {
	const day = 24 * time.Hour
	switch {
	case d == day:
		return "1 day"
	case d > 0 && d%day == 0:
		return fmt.Sprintf("%d days", d/day)
	}
	return d.String()
}
