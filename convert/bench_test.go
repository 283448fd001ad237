package convert

import (
	"bytes"
	"fmt"
	"testing"
)

// corpus returns n old-API Ingresses with paths paths each, as one stream.
func corpus(n, paths int) []byte {
	var b bytes.Buffer
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, "---\n# Ingress %d\napiVersion: extensions/v1beta1\nkind: Ingress\nmetadata:\n  name: ing-%d\n  annotations:\n    kubernetes.io/ingress.class: nginx\nspec:\n  rules:\n  - host: h%d.example.com\n    http:\n      paths:\n", i, i, i)
		for j := 0; j < paths; j++ {
			fmt.Fprintf(&b, "      - path: /p%d\n        backend:\n          serviceName: svc-%d\n          servicePort: %d\n", j, j, 8000+j)
		}
	}
	return b.Bytes()
}

// BenchmarkBytes converts 500 Ingresses of 20 paths each (about 1 MB).
func BenchmarkBytes(b *testing.B) {
	data := corpus(500, 20)
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if _, _, err := Bytes("bench.yaml", data, Options{IngressClassAnnotation: MoveClassAnnotation}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkOneLargeIngress converts one Ingress of 2000 paths, where the
// editor's per-pair line scans add up.
func BenchmarkOneLargeIngress(b *testing.B) {
	data := corpus(1, 2000)
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if _, _, err := Bytes("bench.yaml", data, Options{}); err != nil {
			b.Fatal(err)
		}
	}
}
