package certgen

import (
	"crypto/x509"
	"errors"
)

func asHostnameError(err error, he *x509.HostnameError) bool {
	var p x509.HostnameError
	if errors.As(err, &p) {
		*he = p
		return true
	}
	var pp *x509.HostnameError
	if errors.As(err, &pp) {
		*he = *pp
		return true
	}
	return false
}
