package lint

import (
	"context"
	"fmt"
	"math/rand/v2"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/ingresskit/ingresskit/manifest"
)

// TestPrecision lints a generated platform of 1,000 applications with
// planted defects and planted look-alikes that are none:
// ingress-nginx canaries, per-Ingress default backends, ALB IngressGroups,
// GCE Ingresses sharing a host and path, and a class no profile models.
// The findings must be exactly the planted defects: no miss, no extra.
func TestPrecision(t *testing.T) {
	files, want := precisionCorpus(1000, 23)
	set := &manifest.Set{}
	for name, data := range files {
		s, err := manifest.Parse(name, []byte(data), manifest.Options{})
		if err != nil {
			t.Fatal(err)
		}
		set.Merge(s)
	}
	res, err := Run(context.Background(), set, Options{Now: testNow})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, f := range res.Findings {
		got = append(got, f.Rule+" "+f.Object+" "+f.Field)
	}
	sort.Strings(got)
	sort.Strings(want)
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("findings differ from the planted defects (-planted +found):\n%s", d)
	}
	rules := map[string]int{}
	for _, w := range want {
		rules[strings.Fields(w)[0]]++
	}
	// The corpus keeps planting every kind of defect.
	for _, r := range []string{"missing-service", "missing-service-port", "path-conflict", "removed-api-version",
		"multiple-default-backends", "nginx-canary-without-primary", "nginx-multiple-canaries",
		"nginx-canary-weight", "nginx-canary-never-matches"} {
		if rules[r] == 0 {
			t.Errorf("the corpus plants no %s defect", r)
		}
	}
}

// precisionCorpus returns n applications, ten to a file, and the findings
// their planted defects must give, as "rule object field". Each
// application is one Ingress with its Services; one in ten is served by
// each of ALB, GCE and a class ingresskit does not model (traefik), the
// rest by ingress-nginx.
func precisionCorpus(n int, seed uint64) (map[string]string, []string) {
	rng := rand.New(rand.NewPCG(seed, 0x23))
	files := map[string]string{}
	var want []string
	plant := func(rule, ns, name, field string) {
		want = append(want, fmt.Sprintf("%s Ingress %s/%s %s", rule, ns, name, field))
	}
	var b strings.Builder
	b.WriteString(precisionClasses)
	for i := 0; i < n; i++ {
		a := app{i: i, ns: fmt.Sprintf("team-%02d", i%20), name: fmt.Sprintf("app-%04d", i), paths: 1 + rng.IntN(3)}
		a.host = a.name + ".example.com"
		switch i % 10 {
		case 7:
			a.class = "alb"
		case 8:
			a.class = "gce"
		case 9:
			a.class = "traefik"
		default:
			a.class = "nginx"
		}
		a.write(&b, rng, plant)
		if (i+1)%10 == 0 || i == n-1 {
			files[fmt.Sprintf("apps-%03d.yaml", len(files))] = b.String()
			b.Reset()
		}
	}
	return files, want
}

const precisionClasses = `apiVersion: networking.k8s.io/v1
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
---
apiVersion: networking.k8s.io/v1
kind: IngressClass
metadata:
  name: traefik
spec:
  controller: traefik.io/ingress-controller
`

// app is one generated application.
type app struct {
	i                     int
	ns, name, host, class string
	paths                 int
}

type ingressDoc struct {
	name, apiVersion string
	annotations      []string
	defaultBackend   string
	host             string
	paths            []pathDoc
}

type pathDoc struct {
	path, service string
	port          int
}

func (a app) path(k int) string {
	if k == 0 {
		return "/"
	}
	return fmt.Sprintf("/api/v%d", k)
}

func (a app) write(b *strings.Builder, rng *rand.Rand, plant func(rule, ns, name, field string)) {
	svcType := "ClusterIP"
	var anns []string
	switch a.class {
	case "gce":
		svcType = "NodePort" // ingress-gce needs NodePort without NEGs
	case "alb":
		anns = append(anns, "alb.ingress.kubernetes.io/target-type: ip")
		// IngressGroups of three applications with their own hosts.
		anns = append(anns, fmt.Sprintf("alb.ingress.kubernetes.io/group.name: group-%d", a.i/30))
	}
	main := ingressDoc{name: a.name, apiVersion: "networking.k8s.io/v1", annotations: anns, host: a.host}
	services := []string{a.name}
	for k := 0; k < a.paths; k++ {
		main.paths = append(main.paths, pathDoc{a.path(k), a.name, 80})
	}
	nginx := a.class == "nginx"
	field := func(k int, rest string) string { return fmt.Sprintf("spec.rules[0].http.paths[%d]%s", k, rest) }

	// Planted defects, at most one per application, by i.
	switch {
	case a.i%53 == 1:
		main.paths[0].service = a.name + "-gone"
		plant("missing-service", a.ns, a.name, field(0, ".backend.service.name"))
	case a.i%59 == 2:
		main.paths[0].port = 8080
		plant("missing-service-port", a.ns, a.name, field(0, ".backend.service.port.number"))
	case a.i%61 == 3 && a.class == "nginx":
		main.apiVersion = "networking.k8s.io/v1beta1"
		plant("removed-api-version", a.ns, a.name, "apiVersion")
	}

	// Look-alike: per-Ingress default backends on most ingress-nginx
	// applications; they serve their own host.
	if nginx && a.i%3 == 0 && main.apiVersion == "networking.k8s.io/v1" {
		main.defaultBackend = a.name
	}
	writeIngress(b, a, main)
	for _, s := range services {
		writeService(b, a.ns, s, svcType)
	}

	switch a.class {
	case "nginx":
		a.nginxExtras(b, rng, plant)
	case "gce":
		// Look-alike: another GCE Ingress with the same host and path
		// gets a load balancer of its own.
		twin := ingressDoc{name: a.name + "-twin", apiVersion: "networking.k8s.io/v1", host: a.host,
			paths: []pathDoc{{"/", a.name + "-twin", 80}}, defaultBackend: a.name + "-twin"}
		writeIngress(b, a, twin)
		writeService(b, a.ns, a.name+"-twin", svcType)
	case "alb":
		// Look-alike: the same host and path in another IngressGroup.
		other := ingressDoc{name: a.name + "-other", apiVersion: "networking.k8s.io/v1", host: a.host,
			annotations: []string{"alb.ingress.kubernetes.io/target-type: ip", fmt.Sprintf("alb.ingress.kubernetes.io/group.name: other-%d", a.i)},
			paths:       []pathDoc{{"/", a.name + "-other", 80}}}
		writeIngress(b, a, other)
		writeService(b, a.ns, a.name+"-other", svcType)
		if a.i%200 == 17 {
			// Defect: two defaultBackends in one IngressGroup; the
			// controller refuses the group. Reported on the later one.
			first := ingressDoc{name: a.name + "-default-a", apiVersion: "networking.k8s.io/v1", annotations: anns, defaultBackend: a.name}
			second := ingressDoc{name: a.name + "-default-b", apiVersion: "networking.k8s.io/v1", annotations: anns, defaultBackend: a.name}
			writeIngress(b, a, first)
			writeIngress(b, a, second)
			plant("multiple-default-backends", a.ns, second.name, "spec.defaultBackend")
		}
	}
}

// nginxExtras writes an ingress-nginx application's canaries, conflicts
// and catch-alls.
func (a app) nginxExtras(b *strings.Builder, rng *rand.Rand, plant func(rule, ns, name, field string)) {
	canary := func(name string, path string, anns ...string) ingressDoc {
		return ingressDoc{name: name, apiVersion: "networking.k8s.io/v1", host: a.host,
			annotations: append([]string{`nginx.ingress.kubernetes.io/canary: "true"`}, anns...),
			paths:       []pathDoc{{path, a.name + "-v2", 80}}}
	}
	write := func(d ingressDoc) {
		writeIngress(b, a, d)
	}
	const pathField = "spec.rules[0].http.paths[0].path"
	canaryService := false
	switch a.i % 10 {
	case 0, 1:
		// Look-alike: a canary by weight, header or cookie.
		switch rng.IntN(3) {
		case 0:
			write(canary(a.name+"-canary", "/", fmt.Sprintf(`nginx.ingress.kubernetes.io/canary-weight: "%d"`, rng.IntN(101))))
		case 1:
			write(canary(a.name+"-canary", "/", "nginx.ingress.kubernetes.io/canary-by-header: X-Canary"))
		default:
			write(canary(a.name+"-canary", "/", "nginx.ingress.kubernetes.io/canary-by-cookie: canary",
				`nginx.ingress.kubernetes.io/canary-weight: "250"`, `nginx.ingress.kubernetes.io/canary-weight-total: "1000"`))
		}
		canaryService = true
	case 2:
		switch a.i % 50 {
		case 2:
			// Defect: a canary for a path no Ingress declares.
			write(canary(a.name+"-canary", "/nowhere", `nginx.ingress.kubernetes.io/canary-weight: "10"`))
			plant("nginx-canary-without-primary", a.ns, a.name+"-canary", pathField)
			canaryService = true
		case 12:
			// Defect: a second canary for the same primary. ingress-nginx
			// orders by namespace/name descending without timestamps:
			// "-canary-b" is first, "-canary" the one never used.
			write(canary(a.name+"-canary", "/", `nginx.ingress.kubernetes.io/canary-weight: "10"`))
			d := canary(a.name+"-canary-b", "/", "nginx.ingress.kubernetes.io/canary-by-header: X-Canary")
			d.paths[0].service = a.name + "-v3"
			write(d)
			writeService(b, a.ns, a.name+"-v3", "ClusterIP")
			plant("nginx-multiple-canaries", a.ns, a.name+"-canary", pathField)
			canaryService = true
		case 22:
			// Defect: a weight above the total.
			write(canary(a.name+"-canary", "/", `nginx.ingress.kubernetes.io/canary-weight: "150"`))
			plant("nginx-canary-weight", a.ns, a.name+"-canary", "metadata.annotations.nginx.ingress.kubernetes.io/canary-weight")
			canaryService = true
		case 32:
			// Defect: a header value without the header.
			write(canary(a.name+"-canary", "/", "nginx.ingress.kubernetes.io/canary-by-header-value: beta"))
			plant("nginx-canary-never-matches", a.ns, a.name+"-canary", "metadata.annotations.nginx.ingress.kubernetes.io/canary-by-header-value")
			canaryService = true
		case 42:
			// Defect: another Ingress sends the same host and path
			// elsewhere. "-b" sorts after the application's name, so
			// ingress-nginx (namespace/name descending) keeps "-b" and
			// the application's own path loses.
			write(ingressDoc{name: a.name + "-b", apiVersion: "networking.k8s.io/v1", host: a.host, paths: []pathDoc{{"/", a.name + "-v2", 80}}})
			plant("path-conflict", a.ns, a.name, pathField)
			canaryService = true
		}
	case 4:
		if a.i%100 == 4 {
			// One catch-all per class is no defect; more are. The first
			// in ingress-nginx's order (namespace/name descending) wins:
			// each new one, so the one before it is reported.
			write(ingressDoc{name: fmt.Sprintf("catch-all-%04d", a.i), apiVersion: "networking.k8s.io/v1", defaultBackend: a.name})
			if a.i > 4 {
				plant("multiple-default-backends", a.ns, fmt.Sprintf("catch-all-%04d", a.i-100), "spec.defaultBackend")
			}
		}
	}
	if canaryService {
		writeService(b, a.ns, a.name+"-v2", "ClusterIP")
	}
}

func writeIngress(b *strings.Builder, a app, d ingressDoc) {
	fmt.Fprintf(b, "---\napiVersion: %s\nkind: Ingress\nmetadata:\n  name: %s\n  namespace: %s\n", d.apiVersion, d.name, a.ns)
	if len(d.annotations) > 0 {
		b.WriteString("  annotations:\n")
		for _, an := range d.annotations {
			fmt.Fprintf(b, "    %s\n", an)
		}
	}
	fmt.Fprintf(b, "spec:\n  ingressClassName: %s\n", a.class)
	if d.defaultBackend != "" {
		fmt.Fprintf(b, "  defaultBackend:\n    service:\n      name: %s\n      port:\n        number: 80\n", d.defaultBackend)
	}
	if len(d.paths) == 0 {
		return
	}
	fmt.Fprintf(b, "  rules:\n  - host: %s\n    http:\n      paths:\n", d.host)
	for _, p := range d.paths {
		if d.apiVersion == "networking.k8s.io/v1beta1" {
			fmt.Fprintf(b, "      - path: %s\n        pathType: Prefix\n        backend:\n          serviceName: %s\n          servicePort: %d\n", p.path, p.service, p.port)
			continue
		}
		fmt.Fprintf(b, "      - path: %s\n        pathType: Prefix\n        backend:\n          service:\n            name: %s\n            port:\n              number: %d\n", p.path, p.service, p.port)
	}
}

func writeService(b *strings.Builder, ns, name, typ string) {
	fmt.Fprintf(b, "---\napiVersion: v1\nkind: Service\nmetadata:\n  name: %s\n  namespace: %s\nspec:\n  type: %s\n  ports:\n  - name: http\n    port: 80\n", name, ns, typ)
}
