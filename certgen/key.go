package certgen

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
)

// PrivateKeyPEM holds a PEM-encoded private key. It formats as a
// placeholder with every fmt verb, so a key printed by mistake in a log
// line or an error message does not leak; use the bytes directly to write
// it out.
type PrivateKeyPEM []byte

// redacted is what a PrivateKeyPEM formats as.
const redacted = "[private key redacted]"

// Format implements fmt.Formatter.
func (PrivateKeyPEM) Format(f fmt.State, _ rune) { _, _ = f.Write([]byte(redacted)) }

// String implements fmt.Stringer.
func (PrivateKeyPEM) String() string { return redacted }

// GoString implements fmt.GoStringer.
func (PrivateKeyPEM) GoString() string { return redacted }

var (
	_ fmt.Formatter  = PrivateKeyPEM(nil)
	_ fmt.GoStringer = PrivateKeyPEM(nil)
	_ fmt.Stringer   = PrivateKeyPEM(nil)
)

// privateKey holds a key behind a pointer, so that fmt, which prints
// unexported fields by reflection, shows an address rather than key
// material when a CA or Leaf is printed with %+v.
type privateKey struct{ crypto.Signer }

// generateKey makes a private key of type t; size applies to RSA.
func generateKey(t KeyType, size int) (crypto.Signer, error) {
	switch t {
	case "", KeyECDSA:
		return ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	case KeyRSA:
		if size == 0 {
			size = DefaultRSAKeySize
		}
		return rsa.GenerateKey(rand.Reader, size)
	case KeyEd25519:
		_, k, err := ed25519.GenerateKey(rand.Reader)
		return k, err
	}
	return nil, fmt.Errorf("unknown key type %q", t)
}

// encodeKey returns key as a PKCS #8 "PRIVATE KEY" PEM block, the form
// mkcert writes and every TLS library reads.
func encodeKey(key crypto.Signer) (PrivateKeyPEM, error) {
	der, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return nil, errors.New("encode private key: unsupported key type")
	}
	return pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}), nil
}

// parseKey reads the first private key in data: PKCS #8, or the PKCS #1
// and SEC 1 forms older openssl commands write. Errors never quote data.
func parseKey(data []byte) (crypto.Signer, error) {
	for {
		var b *pem.Block
		b, data = pem.Decode(data)
		if b == nil {
			return nil, errors.New("no PEM private key found")
		}
		var k any
		var err error
		switch b.Type {
		case "PRIVATE KEY":
			k, err = x509.ParsePKCS8PrivateKey(b.Bytes)
		case "RSA PRIVATE KEY":
			k, err = x509.ParsePKCS1PrivateKey(b.Bytes)
		case "EC PRIVATE KEY":
			k, err = x509.ParseECPrivateKey(b.Bytes)
		case "EC PARAMETERS":
			continue // openssl ecparam -genkey writes this block first
		default:
			return nil, fmt.Errorf("PEM block %q is not a private key", b.Type)
		}
		if err != nil {
			// The parser's message names the format, never key bytes.
			return nil, fmt.Errorf("parse %s: %w", b.Type, err)
		}
		s, ok := k.(crypto.Signer)
		if !ok {
			return nil, errors.New("private key type is not supported")
		}
		return s, nil
	}
}

// parseCert reads the first certificate in data.
func parseCert(data []byte) (*x509.Certificate, error) {
	for {
		var b *pem.Block
		b, data = pem.Decode(data)
		if b == nil {
			return nil, errors.New("no PEM certificate found")
		}
		if b.Type != "CERTIFICATE" {
			continue
		}
		return x509.ParseCertificate(b.Bytes)
	}
}

// samePublicKey reports whether key belongs to cert.
func samePublicKey(cert *x509.Certificate, key crypto.Signer) bool {
	pub, ok := key.Public().(interface{ Equal(crypto.PublicKey) bool })
	return ok && pub.Equal(cert.PublicKey)
}

// randomSerial returns a random positive 128-bit serial number, as mkcert
// does (cert.go randomSerialNumber). RFC 5280 section 4.1.2.2 asks for a
// positive number of at most 20 octets; the Baseline Requirements (section
// 7.1) ask for at least 64 bits of randomness.
func randomSerial() (*big.Int, error) {
	limit := new(big.Int).Lsh(big.NewInt(1), 128)
	for {
		n, err := rand.Int(rand.Reader, limit)
		if err != nil {
			return nil, fmt.Errorf("generate serial number: %w", err)
		}
		if n.Sign() > 0 {
			return n, nil
		}
	}
}

func encodeCert(der []byte) []byte {
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
}
