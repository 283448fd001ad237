package lint

import (
	"fmt"
	"strconv"
	"strings"
)

// KubeVersion is a Kubernetes minor version (1.37): what the API server's
// validation depends on.
type KubeVersion struct {
	Major, Minor int
}

// Kubernetes versions whose API validation the rules model, as
// docs/lint.md states. The validation of networking.k8s.io/v1 Ingress and
// IngressClass is the same across them but for the backend Service name
// (invalid-reference): kubernetes/kubernetes pkg/features/kube_features.go
// turns RelaxedServiceNameValidation on by default from 1.36 (beta) and
// locks it on in 1.37 (GA).
var (
	OldestKubeVersion = KubeVersion{1, 33}
	NewestKubeVersion = KubeVersion{1, 37}
)

// relaxedServiceNames is the first version that checks backend Service
// names as RFC 1123 labels (RelaxedServiceNameValidation on by default).
var relaxedServiceNames = KubeVersion{1, 36}

// String returns major.minor.
func (v KubeVersion) String() string { return fmt.Sprintf("%d.%d", v.Major, v.Minor) }

// IsZero reports whether v is unset.
func (v KubeVersion) IsZero() bool { return v == KubeVersion{} }

// AtLeast reports whether v is o or newer.
func (v KubeVersion) AtLeast(o KubeVersion) bool {
	return v.Major > o.Major || v.Major == o.Major && v.Minor >= o.Minor
}

// ParseKubeVersion reads 1.37, v1.37 or v1.37.1 (what kubectl version and
// the API server's /version print, the patch ignored). It does not check
// that the version is supported; Supported does.
func ParseKubeVersion(s string) (KubeVersion, error) {
	t := strings.TrimPrefix(strings.TrimSpace(s), "v")
	parts := strings.Split(t, ".")
	if len(parts) < 2 || len(parts) > 3 {
		return KubeVersion{}, fmt.Errorf("kubernetes version %q: write it as 1.37 or v1.37.1", s)
	}
	var n [2]int
	for i := range n {
		// Managed clusters report minors such as "37+".
		d := strings.TrimRight(parts[i], "+")
		v, err := strconv.Atoi(d)
		if err != nil || v < 0 || d == "" || d[0] == '+' {
			return KubeVersion{}, fmt.Errorf("kubernetes version %q: write it as 1.37 or v1.37.1", s)
		}
		n[i] = v
	}
	return KubeVersion{n[0], n[1]}, nil
}

// Supported reports whether the rules model v, and if not, says which
// versions they do.
func (v KubeVersion) Supported() error {
	if v.AtLeast(OldestKubeVersion) && NewestKubeVersion.AtLeast(v) {
		return nil
	}
	return fmt.Errorf("kubernetes version %s is not modelled: use %s to %s", v, OldestKubeVersion, NewestKubeVersion)
}

// Clamp returns the supported version nearest to v: what lint checks a
// cluster of an unmodelled version against.
func (v KubeVersion) Clamp() KubeVersion {
	switch {
	case !v.AtLeast(OldestKubeVersion):
		return OldestKubeVersion
	case !NewestKubeVersion.AtLeast(v):
		return NewestKubeVersion
	}
	return v
}
