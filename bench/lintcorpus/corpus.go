// Package lintcorpus generates a synthetic manifest corpus for measuring
// ingresskit lint: N Ingresses with their Services, 1 to 10 paths each,
// TLS on two in five with the Secret, every twentieth written against the
// removed networking.k8s.io/v1beta1 API, and a few percent of planted
// defects (missing Services, missing ports, duplicate paths, conflicting
// rules across Ingresses). The output is deterministic for a given seed.
package lintcorpus

import (
	"fmt"
	"io"
	"math/rand/v2"
	"strings"
)

// Options configures Generate.
type Options struct {
	// Ingresses is how many Ingresses to write; 0 means 10,000.
	Ingresses int
	// PerFile is how many Ingresses (with their Services and Secrets)
	// go into one file; 0 means 100.
	PerFile int
	// Seed makes the path counts reproducible.
	Seed uint64
}

// Planted counts the defects Generate plants, by the lint rule that must
// report them.
type Planted map[string]int

// File is one generated file.
type File struct {
	Name string
	Data []byte
}

// Generate returns the corpus as files and the defects it planted.
func Generate(opts Options) ([]File, Planted) {
	n := opts.Ingresses
	if n <= 0 {
		n = 10000
	}
	per := opts.PerFile
	if per <= 0 {
		per = 100
	}
	rng := rand.New(rand.NewPCG(opts.Seed, 0x1b5e))
	planted := Planted{}
	var files []File
	var b strings.Builder
	for i := 0; i < n; i++ {
		writeApp(&b, i, rng, planted)
		if (i+1)%per == 0 || i == n-1 {
			files = append(files, File{Name: fmt.Sprintf("apps-%05d.yaml", len(files)), Data: []byte(b.String())})
			b.Reset()
		}
	}
	return files, planted
}

// WriteTo writes every file into dir through create, which returns a
// writer for a file name (os.Create in the command).
func WriteTo(files []File, create func(name string) (io.WriteCloser, error)) error {
	for _, f := range files {
		w, err := create(f.Name)
		if err != nil {
			return err
		}
		if _, err := w.Write(f.Data); err != nil {
			w.Close()
			return err
		}
		if err := w.Close(); err != nil {
			return err
		}
	}
	return nil
}

func writeApp(b *strings.Builder, i int, rng *rand.Rand, planted Planted) {
	ns := fmt.Sprintf("team-%02d", i%50)
	name := fmt.Sprintf("app-%05d", i)
	host := name + ".example.com"
	svc, port := name, 80
	switch {
	case i%37 == 1:
		svc = name + "-gone"
		planted["missing-service"]++
	case i%41 == 2:
		port = 8080
		planted["missing-service-port"]++
	}
	paths := 1 + rng.IntN(10)
	dupe := i%43 == 3 && paths > 1
	if dupe {
		planted["duplicate-path"]++
	}
	// Both apps must use the same API version, hence the same pathType.
	conflict := i%47 == 4 && i > 0 && i%20 != 7 && (i-1)%20 != 7
	if conflict {
		// Same host, namespace and first path as the previous app, to
		// another Service: a conflict across Ingresses.
		host = fmt.Sprintf("app-%05d.example.com", i-1)
		ns = fmt.Sprintf("team-%02d", (i-1)%50)
		planted["path-conflict"]++
	}
	tls := i%5 < 2
	old := i%20 == 7
	if old {
		planted["removed-api-version"]++
	}

	if old {
		fmt.Fprintf(b, "---\napiVersion: networking.k8s.io/v1beta1\nkind: Ingress\nmetadata:\n  name: %s\n  namespace: %s\n  labels:\n    app: %s\nspec:\n  ingressClassName: nginx\n", name, ns, name)
	} else {
		fmt.Fprintf(b, "---\napiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: %s\n  namespace: %s\n  labels:\n    app: %s\n  annotations:\n    nginx.ingress.kubernetes.io/proxy-body-size: 8m\nspec:\n  ingressClassName: nginx\n", name, ns, name)
	}
	if tls {
		fmt.Fprintf(b, "  tls:\n  - hosts:\n    - %s\n    secretName: %s-tls\n", host, name)
	}
	fmt.Fprintf(b, "  rules:\n  - host: %s\n    http:\n      paths:\n", host)
	for p := 0; p < paths; p++ {
		path := fmt.Sprintf("/api/v%d", p)
		if p == 0 {
			path = "/"
		}
		if dupe && p == paths-1 {
			path = "/"
		}
		if conflict && p > 0 {
			path = fmt.Sprintf("/extra/v%d", p)
		}
		if old {
			fmt.Fprintf(b, "      - path: %s\n        backend:\n          serviceName: %s\n          servicePort: %d\n", path, svc, port)
			continue
		}
		fmt.Fprintf(b, "      - path: %s\n        pathType: Prefix\n        backend:\n          service:\n            name: %s\n            port:\n              number: %d\n", path, svc, port)
	}
	fmt.Fprintf(b, "---\napiVersion: v1\nkind: Service\nmetadata:\n  name: %s\n  namespace: %s\nspec:\n  selector:\n    app: %s\n  ports:\n  - name: http\n    port: 80\n    targetPort: 8080\n", name, ns, name)
	if tls {
		fmt.Fprintf(b, "---\napiVersion: v1\nkind: Secret\nmetadata:\n  name: %s-tls\n  namespace: %s\ntype: kubernetes.io/tls\n", name, ns)
	}
}
