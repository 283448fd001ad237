// Package corpus generates manifest corpora of any shape for measuring
// ingresskit at scale: how many Ingresses, over how many
// namespaces, with which classes (by spec.ingressClassName or by the
// deprecated kubernetes.io/ingress.class annotation: ingress-nginx, AWS
// ALB, GCE), hosts per Ingress, ingress-nginx regular expressions with
// use-regex, canaries, wildcard hosts, backend ports by name, the
// extensions/v1beta1 API, and planted defects. Mixed gives the shape of a
// platform-sized repository; Easy gives one class in one namespace, the
// shape the lint corpus (bench/lintcorpus) has. The output is
// deterministic for given Options.
package corpus

import (
	"fmt"
	"io"
	"math/rand/v2"
	"strings"
)

// Options are the knobs of Generate. Fractions are between 0 and 1.
type Options struct {
	// Ingresses is how many Ingresses to write, canaries included.
	Ingresses int
	// PerFile is how many Ingresses (with their Services and Secrets) go
	// into one file; 0 or less writes one file, as `helm template` does.
	PerFile int
	// Namespaces spreads the Ingresses over this many namespaces; 0
	// means 1.
	Namespaces int
	// Nginx, ALB and GCE weigh the classes the Ingresses ask for; all
	// zero means nginx only.
	Nginx, ALB, GCE int
	// ClassAnnotation is the fraction of Ingresses that name their class
	// with the deprecated kubernetes.io/ingress.class annotation instead
	// of spec.ingressClassName.
	ClassAnnotation float64
	// MaxHosts is the most hosts (rules) per Ingress, each Ingress having
	// 1 to MaxHosts; 0 means 1.
	MaxHosts int
	// MaxPaths is the most paths per rule, each rule having 1 to
	// MaxPaths; 0 means 3.
	MaxPaths int
	// Regex is the fraction of ingress-nginx Ingresses that set
	// nginx.ingress.kubernetes.io/use-regex with regular expression paths.
	Regex float64
	// Canary is the fraction of ingress-nginx Ingresses followed by a
	// canary Ingress (nginx.ingress.kubernetes.io/canary) for their first
	// host and path.
	Canary float64
	// Wildcard is the fraction of hosts written as a wildcard
	// (*.name.example.com).
	Wildcard float64
	// NamedPorts is the fraction of Ingresses whose backends name the
	// Service port instead of giving its number.
	NamedPorts float64
	// V1beta1 is the fraction of Ingresses written against the removed
	// extensions/v1beta1 API.
	V1beta1 float64
	// TLS is the fraction of Ingresses with a spec.tls entry and its
	// Secret.
	TLS float64
	// Defects is the fraction of Ingresses with one planted defect (a
	// missing Service, a missing Service port, a missing TLS Secret, a
	// duplicate path), in turn.
	Defects float64
	// Seed makes the random choices reproducible.
	Seed uint64
}

// Mixed returns the knobs of a platform-sized repository: n
// Ingresses over n/40 namespaces, nginx, ALB and GCE classes, a third by
// the old annotation, 1 to 3 hosts each, regular expressions, canaries,
// wildcards, a third of the ports by name, 5% on extensions/v1beta1 and
// 2% defects, in files of 100 Ingresses.
func Mixed(n int) Options {
	return Options{
		Ingresses: n, PerFile: 100, Namespaces: max(n/40, 1),
		Nginx: 6, ALB: 2, GCE: 2, ClassAnnotation: 1.0 / 3,
		MaxHosts: 3, MaxPaths: 3,
		Regex: 0.1, Canary: 0.05, Wildcard: 0.1, NamedPorts: 1.0 / 3,
		V1beta1: 0.05, TLS: 0.4, Defects: 0.02, Seed: 1,
	}
}

// Easy returns the knobs of a uniform corpus: one nginx class by
// spec.ingressClassName, one namespace, one host per Ingress, numbered
// ports, no regular expressions, canaries or wildcards.
func Easy(n int) Options {
	return Options{Ingresses: n, PerFile: 100, Namespaces: 1, Nginx: 1, MaxHosts: 1, MaxPaths: 5, TLS: 0.4, Seed: 1}
}

// File is one generated file.
type File struct {
	Name string
	Data []byte
}

// Corpus is what Generate wrote.
type Corpus struct {
	Files []File
	// Planted counts the planted defects by the lint rule that reports
	// them.
	Planted map[string]int
	// URLs holds one request URL per Ingress rule, for simulate.
	URLs []string
	// Ingresses counts the Ingresses written, canaries included.
	Ingresses int
}

// Classes are the IngressClasses of a corpus, in the first file: one per
// controller, with the controller names their installs use
// (kubernetes/ingress-nginx charts/ingress-nginx/values.yaml,
// kubernetes-sigs/aws-load-balancer-controller
// docs/guide/ingress/ingress_class.md; GCE reads the class name, as
// kubernetes/ingress-gce pkg/annotations/ingress.go does).
const classes = `---
apiVersion: networking.k8s.io/v1
kind: IngressClass
metadata:
  name: nginx
spec:
  controller: k8s.io/ingress-nginx
---
apiVersion: networking.k8s.io/v1
kind: IngressClass
metadata:
  name: alb
spec:
  controller: ingress.k8s.aws/alb
---
apiVersion: networking.k8s.io/v1
kind: IngressClass
metadata:
  name: gce
spec:
  controller: k8s.io/ingress-gce
`

// Generate writes the corpus opts describes.
func Generate(opts Options) *Corpus {
	g := &gen{opts: opts, rng: rand.New(rand.NewPCG(opts.Seed, 0xc0de)), c: &Corpus{Planted: map[string]int{}}}
	if g.opts.Namespaces <= 0 {
		g.opts.Namespaces = 1
	}
	if g.opts.MaxHosts <= 0 {
		g.opts.MaxHosts = 1
	}
	if g.opts.MaxPaths <= 0 {
		g.opts.MaxPaths = 3
	}
	if g.opts.Nginx+g.opts.ALB+g.opts.GCE <= 0 {
		g.opts.Nginx = 1
	}
	g.b.WriteString(classes)
	inFile := 0
	for app := 0; g.c.Ingresses < opts.Ingresses; app++ {
		g.app(app)
		if opts.PerFile > 0 && g.c.Ingresses-inFile >= opts.PerFile {
			g.flush()
			inFile = g.c.Ingresses
		}
	}
	if g.b.Len() > 0 || len(g.c.Files) == 0 {
		g.flush()
	}
	return g.c
}

// WriteTo writes every file through create, which returns a writer for a
// file name (os.Create in the command).
func (c *Corpus) WriteTo(create func(name string) (io.WriteCloser, error)) error {
	for _, f := range c.Files {
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

type gen struct {
	opts   Options
	rng    *rand.Rand
	c      *Corpus
	b      strings.Builder
	defect int
}

func (g *gen) flush() {
	g.c.Files = append(g.c.Files, File{Name: fmt.Sprintf("apps-%05d.yaml", len(g.c.Files)), Data: []byte(g.b.String())})
	g.b.Reset()
}

func (g *gen) chance(f float64) bool { return f > 0 && g.rng.Float64() < f }

// app writes one application: its Ingress, Service, maybe a Secret and a
// canary Ingress with its Service.
func (g *gen) app(i int) {
	o := g.opts
	ns := fmt.Sprintf("team-%03d", i%o.Namespaces)
	name := fmt.Sprintf("app-%06d", i)
	class := "nginx"
	switch k := g.rng.IntN(o.Nginx + o.ALB + o.GCE); {
	case k >= o.Nginx+o.ALB:
		class = "gce"
	case k >= o.Nginx:
		class = "alb"
	}
	old := g.chance(o.V1beta1)
	byAnnotation := g.chance(o.ClassAnnotation)
	regex := class == "nginx" && g.chance(o.Regex)
	named := g.chance(o.NamedPorts)
	tls := g.chance(o.TLS)
	defect := ""
	if g.chance(o.Defects) {
		defect = []string{"missing-service", "missing-service-port", "missing-tls-secret", "duplicate-path"}[g.defect%4]
		g.defect++
		if defect == "missing-tls-secret" {
			tls = true
		}
		g.c.Planted[defect]++
	}
	svc, port, portName := name, 80, "http"
	switch defect {
	case "missing-service":
		svc = name + "-gone"
	case "missing-service-port":
		port, portName = 8080, "admin"
	}
	hosts := make([]string, 1+g.rng.IntN(o.MaxHosts))
	for h := range hosts {
		hosts[h] = fmt.Sprintf("%s-%d.%s.example.com", name, h, ns)
		if g.chance(o.Wildcard) {
			hosts[h] = fmt.Sprintf("*.%s-%d.%s.example.com", name, h, ns)
		}
	}

	b := &g.b
	api := "networking.k8s.io/v1"
	if old {
		api = "extensions/v1beta1"
	}
	fmt.Fprintf(b, "---\napiVersion: %s\nkind: Ingress\nmetadata:\n  name: %s\n  namespace: %s\n  labels:\n    app: %s\n  annotations:\n", api, name, ns, name)
	if byAnnotation {
		fmt.Fprintf(b, "    kubernetes.io/ingress.class: %s\n", class)
	}
	switch class {
	case "nginx":
		b.WriteString("    nginx.ingress.kubernetes.io/proxy-body-size: 8m\n")
		if regex {
			b.WriteString("    nginx.ingress.kubernetes.io/use-regex: \"true\"\n")
		}
	case "alb":
		b.WriteString("    alb.ingress.kubernetes.io/scheme: internet-facing\n    alb.ingress.kubernetes.io/target-type: ip\n")
		if i%4 == 0 {
			fmt.Fprintf(b, "    alb.ingress.kubernetes.io/group.name: %s-shared\n", ns)
		}
	case "gce":
		b.WriteString("    kubernetes.io/ingress.allow-http: \"true\"\n")
	}
	b.WriteString("spec:\n")
	if !byAnnotation {
		fmt.Fprintf(b, "  ingressClassName: %s\n", class)
	}
	if tls {
		fmt.Fprintf(b, "  tls:\n  - hosts:\n")
		for _, h := range hosts {
			fmt.Fprintf(b, "    - %q\n", h)
		}
		fmt.Fprintf(b, "    secretName: %s-tls\n", name)
	}
	b.WriteString("  rules:\n")
	var firstPath, firstType string
	for h, host := range hosts {
		fmt.Fprintf(b, "  - host: %q\n    http:\n      paths:\n", host)
		paths := 1 + g.rng.IntN(o.MaxPaths)
		for p := 0; p < paths; p++ {
			path, pt := fmt.Sprintf("/api/v%d", p), "Prefix"
			switch {
			case p == 0:
				path = "/"
			case regex && p%2 == 1:
				path, pt = fmt.Sprintf("/api/v%d/[a-z]+/(.*)", p), "ImplementationSpecific"
			case p%3 == 2:
				path, pt = fmt.Sprintf("/healthz/%d", p), "Exact"
			}
			if defect == "duplicate-path" && h == 0 && p == paths-1 && p > 0 {
				path, pt = "/", "Prefix"
			}
			if h == 0 && p == 0 {
				firstPath, firstType = path, pt
			}
			g.backend(path, pt, svc, port, portName, named, old)
			if p == 0 {
				u := strings.Replace(host, "*", "www", 1)
				g.c.URLs = append(g.c.URLs, fmt.Sprintf("http://%s/api/v%d/item", u, g.rng.IntN(o.MaxPaths)))
			}
		}
		if defect == "duplicate-path" && h == 0 && paths == 1 {
			g.backend("/", "Prefix", svc, port, portName, named, old)
		}
	}
	g.c.Ingresses++
	g.service(name, ns, class)
	if tls && defect != "missing-tls-secret" {
		fmt.Fprintf(b, "---\napiVersion: v1\nkind: Secret\nmetadata:\n  name: %s-tls\n  namespace: %s\ntype: kubernetes.io/tls\n", name, ns)
	}
	if class == "nginx" && !old && g.chance(o.Canary) && g.c.Ingresses < o.Ingresses {
		// A canary of the first host and path, sending a tenth of the
		// requests to another Service
		// (kubernetes/ingress-nginx docs/user-guide/nginx-configuration/annotations.md#canary).
		fmt.Fprintf(b, "---\napiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: %s-canary\n  namespace: %s\n  annotations:\n"+
			"    nginx.ingress.kubernetes.io/canary: \"true\"\n    nginx.ingress.kubernetes.io/canary-weight: \"10\"\n", name, ns)
		if byAnnotation {
			b.WriteString("    kubernetes.io/ingress.class: nginx\n")
		}
		b.WriteString("spec:\n")
		if !byAnnotation {
			b.WriteString("  ingressClassName: nginx\n")
		}
		fmt.Fprintf(b, "  rules:\n  - host: %q\n    http:\n      paths:\n", hosts[0])
		g.backend(firstPath, firstType, name+"-canary", 80, "http", false, false)
		g.c.Ingresses++
		g.service(name+"-canary", ns, class)
	}
}

func (g *gen) backend(path, pt, svc string, port int, portName string, named, old bool) {
	b := &g.b
	if old {
		fmt.Fprintf(b, "      - path: %s\n        pathType: %s\n        backend:\n          serviceName: %s\n", path, pt, svc)
		if named {
			fmt.Fprintf(b, "          servicePort: %s\n", portName)
		} else {
			fmt.Fprintf(b, "          servicePort: %d\n", port)
		}
		return
	}
	fmt.Fprintf(b, "      - path: %s\n        pathType: %s\n        backend:\n          service:\n            name: %s\n            port:\n", path, pt, svc)
	if named {
		fmt.Fprintf(b, "              name: %s\n", portName)
	} else {
		fmt.Fprintf(b, "              number: %d\n", port)
	}
}

// service writes the Service of an application: type NodePort for GCE,
// which routes through node ports (cloud.google.com docs, "GKE Ingress",
// section "Services").
func (g *gen) service(name, ns, class string) {
	typ := ""
	if class == "gce" {
		typ = "  type: NodePort\n"
	}
	fmt.Fprintf(&g.b, "---\napiVersion: v1\nkind: Service\nmetadata:\n  name: %s\n  namespace: %s\nspec:\n%s  selector:\n    app: %s\n  ports:\n  - name: http\n    port: 80\n    targetPort: 8080\n", name, ns, typ, name)
}
