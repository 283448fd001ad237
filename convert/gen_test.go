package convert

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/ingresskit/ingresskit/manifest"
)

// genCorpus writes n random Ingresses on the old APIs: hosts (some
// wildcard), paths with and without pathType, numbered and named ports,
// default backends, TLS, class annotations, in block and flow style.
func genCorpus(r *rand.Rand, n int) []byte {
	var b strings.Builder
	apis := []string{"extensions/v1beta1", "networking.k8s.io/v1beta1"}
	words := []string{"api", "shop", "users", "static", "v1", "v2", "img"}
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, "---\n# generated %d\napiVersion: %s\nkind: Ingress\nmetadata:\n  name: gen-%d\n", i, apis[r.IntN(2)], i)
		if r.IntN(2) == 0 {
			fmt.Fprintf(&b, "  annotations:\n    kubernetes.io/ingress.class: %s\n", []string{"nginx", "gce"}[r.IntN(2)])
		}
		b.WriteString("spec:\n")
		if r.IntN(3) == 0 {
			fmt.Fprintf(&b, "  backend:\n    serviceName: default-%d\n    servicePort: %d\n", i, 80+r.IntN(3))
		}
		if r.IntN(2) == 0 {
			fmt.Fprintf(&b, "  tls:\n  - hosts: [%s.example.com]\n    secretName: tls-%d\n", words[r.IntN(len(words))], i)
		}
		b.WriteString("  rules:\n")
		for j := 0; j <= r.IntN(3); j++ {
			switch r.IntN(3) {
			case 0:
				b.WriteString("  - http:\n")
			case 1:
				fmt.Fprintf(&b, "  - host: \"*.%s.example.com\"\n    http:\n", words[r.IntN(len(words))])
			default:
				fmt.Fprintf(&b, "  - host: %s.example.com\n    http:\n", words[r.IntN(len(words))])
			}
			b.WriteString("      paths:\n")
			for k := 0; k <= r.IntN(4); k++ {
				path := "/" + words[r.IntN(len(words))]
				if r.IntN(3) == 0 {
					path += "/" + words[r.IntN(len(words))]
				}
				if r.IntN(4) == 0 {
					path += "/*"
				}
				port := fmt.Sprint(8000 + r.IntN(5))
				if r.IntN(3) == 0 {
					port = []string{"http", "https", "web"}[r.IntN(3)]
				}
				svc := fmt.Sprintf("svc-%d", r.IntN(6))
				pathType := ""
				if r.IntN(2) == 0 {
					pathType = "pathType: " + []string{"Prefix", "Exact", "ImplementationSpecific"}[r.IntN(3)]
				}
				if r.IntN(3) == 0 {
					if pathType != "" {
						pathType = ", " + pathType
					}
					fmt.Fprintf(&b, "      - {path: %s%s, backend: {serviceName: %s, servicePort: %s}}\n", path, pathType, svc, port)
					continue
				}
				fmt.Fprintf(&b, "      - path: %s\n", path)
				if pathType != "" {
					fmt.Fprintf(&b, "        %s\n", pathType)
				}
				fmt.Fprintf(&b, "        backend:\n          serviceName: %s # service %d\n          servicePort: %s\n", svc, k, port)
			}
		}
	}
	return []byte(b.String())
}

// TestGeneratedCorpora converts random old-API corpora: every invariant
// holds, the text editor handles every layout, and every converted
// Ingress is valid networking.k8s.io/v1.
func TestGeneratedCorpora(t *testing.T) {
	for seed := uint64(1); seed <= 6; seed++ {
		data := genCorpus(rand.New(rand.NewPCG(seed, 4)), 10)
		name := fmt.Sprintf("generated-%d.yaml", seed)
		for _, mode := range ClassAnnotations {
			t.Run(fmt.Sprintf("seed %d %s", seed, mode), func(t *testing.T) {
				opts := Options{IngressClassAnnotation: mode}
				r, err := convertAll(name, data, opts)
				if err != nil {
					t.Fatal(err)
				}
				if r.reemitted != 0 {
					t.Errorf("%d documents were re-encoded instead of edited in place", r.reemitted)
				}
				checkConverted(t, name, data, r.out, opts)
				set, err := manifest.Parse(name, r.out, manifest.Options{})
				if err != nil {
					t.Fatal(err)
				}
				for _, ing := range set.Ingresses {
					if errs := validateIngressCreate(&ing.Ingress); len(errs) > 0 {
						t.Errorf("%s: not valid networking.k8s.io/v1: %v", ing.Source.Pos, errs.ToAggregate())
					}
				}
			})
		}
	}
}
