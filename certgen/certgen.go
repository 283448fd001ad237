// Package certgen makes a local certificate authority and the TLS
// certificates and Secrets that Ingresses ask for, in the manner of mkcert
// (FiloSottile/mkcert): one CA per user, created on first use and reused,
// that signs short-lived leaf certificates naming hosts in SANs only.
//
// A Go program can use it with no CLI: LoadOrCreateCA finds or makes the
// CA, (*CA).Issue signs a certificate for some hosts, and
// Leaf.TLSCertificate hands it to crypto/tls. Requests and Generate turn
// the spec.tls entries of loaded manifests into kubernetes.io/tls Secrets.
package certgen

import (
	"fmt"
	"time"
)

// Validity limits for leaf certificates.
//
// The CA/Browser Forum Baseline Requirements (cabforum/servercert
// docs/BR.md, section 6.3.2) capped publicly-trusted server certificates
// at 398 days from 1 September 2020; Apple enforces the same limit in its
// platforms for such certificates (support.apple.com HT211025) and 825
// days for every certificate, custom roots included (HT210176, the note in
// mkcert cert.go). Ballot SC-081 lowers the public limit to 200 days from
// 15 March 2026, but it binds public CAs, not a root the user installed.
// MaxValidity keeps every certificate within the longest limit any
// browser enforces on leaves; DefaultValidity is a year, so a development
// certificate rarely expires mid-project.
const (
	DefaultValidity = 365 * 24 * time.Hour
	MaxValidity     = 398 * 24 * time.Hour
	// CAValidity is the lifetime of a new local CA: ten years, as mkcert
	// (cert.go newCA). Root certificates are not bound by the leaf limits.
	CAValidity = 10 * 365 * 24 * time.Hour
)

// KeyType names a private key algorithm.
type KeyType string

// Key types. ECDSA P-256 is the default: small, fast, and accepted by
// every browser and TLS library.
const (
	KeyECDSA   KeyType = "ecdsa"
	KeyRSA     KeyType = "rsa"
	KeyEd25519 KeyType = "ed25519"
)

// KeyTypes lists the key types, sorted.
var KeyTypes = []KeyType{KeyECDSA, KeyEd25519, KeyRSA}

// DefaultRSAKeySize is the RSA key size of a leaf when none is given. The
// Baseline Requirements (section 6.1.5) ask for at least 2048 bits; 2048
// is mkcert's leaf default (cert.go generateKey).
const DefaultRSAKeySize = 2048

// RSAKeySizes lists the accepted RSA key sizes.
var RSAKeySizes = []int{2048, 3072, 4096}

func (k KeyType) valid() bool {
	switch k {
	case "", KeyECDSA, KeyRSA, KeyEd25519:
		return true
	}
	return false
}

func checkKey(t KeyType, size int) error {
	if !t.valid() {
		return fmt.Errorf("unknown key type %q (want ecdsa, ed25519 or rsa)", t)
	}
	if size == 0 {
		return nil
	}
	if t != KeyRSA {
		return fmt.Errorf("a key size applies only to rsa keys")
	}
	for _, s := range RSAKeySizes {
		if s == size {
			return nil
		}
	}
	return fmt.Errorf("rsa key size %d is not supported (want 2048, 3072 or 4096)", size)
}
