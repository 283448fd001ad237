package manifest

import (
	"fmt"
	"strings"
	"testing"
)

// corpus writes n Ingresses, each with a Service, 1 to 10 paths and TLS,
// as one multi-document stream.
func corpus(n int) []byte {
	var b strings.Builder
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, "---\napiVersion: v1\nkind: Service\nmetadata:\n  name: svc-%d\n  namespace: ns-%d\nspec:\n  ports:\n  - name: http\n    port: 80\n    targetPort: 8080\n", i, i%50)
		fmt.Fprintf(&b, "---\napiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: ing-%d\n  namespace: ns-%d\n  annotations:\n    team: t%d\nspec:\n  ingressClassName: nginx\n  tls:\n  - hosts: [host-%d.example.com]\n    secretName: tls-%d\n  rules:\n  - host: host-%d.example.com\n    http:\n      paths:\n", i, i%50, i%7, i, i, i)
		for p := 0; p < 1+i%10; p++ {
			fmt.Fprintf(&b, "      - path: /p%d\n        pathType: Prefix\n        backend:\n          service:\n            name: svc-%d\n            port:\n              number: 80\n", p, i)
		}
	}
	return []byte(b.String())
}

var benchN = 10000

// BenchmarkParse measures decoding 10,000 Ingresses and their Services
// (about 20,000 documents) from one stream.
func BenchmarkParse(b *testing.B) {
	data := corpus(benchN)
	b.SetBytes(int64(len(data)))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		set, err := Parse("corpus.yaml", data, Options{})
		if err != nil {
			b.Fatal(err)
		}
		if len(set.Ingresses) != benchN {
			b.Fatalf("got %d Ingresses", len(set.Ingresses))
		}
	}
}
