// Package gwcorpus generates the Gateway API corpus of the issue's
// performance bounds, and the Ingress corpus of the same shape that lint
// of it is compared with: n routes of 1-10 path matches on n/5 hostnames
// (10,000 HTTPRoutes on 2,000 hostnames), each backend a Service of the
// input.
package gwcorpus

import (
	"bytes"
	"fmt"
	"math/rand/v2"
)

// Corpus is one generated corpus, as YAML documents.
type Corpus struct {
	// Gateway holds one Gateway and the HTTPRoutes attached to it.
	Gateway []byte
	// Ingress holds one Ingress per HTTPRoute, with the same hostname
	// (a wildcard where the route has one, none where it has none), the
	// same paths with the same path types, and the same Service, under
	// the nginx IngressClass.
	Ingress []byte
	// Services holds the Services both corpora route to.
	Services []byte
}

// Generate makes the corpora of n routes; the same n always gives the
// same corpora. Most routes have an exact hostname, one in seven a
// wildcard and 50 none; a fifth of the matches also match a header (the Ingress has no
// header matches, so its path is kept and the header dropped).
func Generate(n int) Corpus {
	r := rand.New(rand.NewPCG(2, uint64(n)))
	hosts := max(n/5, 1)
	var gw, ing, svc bytes.Buffer
	fmt.Fprintf(&gw, `apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: {name: gw, namespace: infra}
spec:
  gatewayClassName: example
  listeners:
  - name: http
    port: 80
    protocol: HTTP
    allowedRoutes: {namespaces: {from: All}}
`)
	fmt.Fprintf(&ing, `apiVersion: networking.k8s.io/v1
kind: IngressClass
metadata: {name: nginx}
spec: {controller: k8s.io/ingress-nginx}
`)
	for i := 0; i < n; i++ {
		name, ns := fmt.Sprintf("route-%05d", i), fmt.Sprintf("ns-%d", i%50)
		host := ""
		// Hostname k of the n/5 is a wildcard one time in seven.
		switch k := r.IntN(hosts); {
		case i < 50:
		case k%7 == 0:
			host = fmt.Sprintf("*.zone-%d.example.com", k)
		default:
			host = fmt.Sprintf("host-%d.example.com", k)
		}
		service := fmt.Sprintf("svc-%d", i)
		fmt.Fprintf(&svc, "---\napiVersion: v1\nkind: Service\nmetadata: {name: %s, namespace: %s}\nspec: {ports: [{port: 80}]}\n", service, ns)
		fmt.Fprintf(&gw, "---\napiVersion: gateway.networking.k8s.io/v1\nkind: HTTPRoute\nmetadata: {name: %s, namespace: %s}\nspec:\n  parentRefs: [{name: gw, namespace: infra}]\n", name, ns)
		fmt.Fprintf(&ing, "---\napiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: {name: %s, namespace: %s}\nspec:\n  ingressClassName: nginx\n  rules:\n", name, ns)
		if host != "" {
			fmt.Fprintf(&gw, "  hostnames: [%q]\n", host)
			fmt.Fprintf(&ing, "  - host: %q\n    http:\n      paths:\n", host)
		} else {
			fmt.Fprintf(&ing, "  - http:\n      paths:\n")
		}
		fmt.Fprintf(&gw, "  rules:\n")
		seen := map[string]bool{}
		for k := r.IntN(10) + 1; k > 0; k-- {
			path := fmt.Sprintf("/svc-%d/v%d", r.IntN(50), r.IntN(3))
			gwType, ingType := "PathPrefix", "Prefix"
			if r.IntN(3) == 0 {
				gwType, ingType = "Exact", "Exact"
			}
			header := ""
			if r.IntN(5) == 0 {
				header = ", headers: [{name: X-Version, value: \"2\"}]"
			}
			fmt.Fprintf(&gw, "  - matches: [{path: {type: %s, value: %s}%s}]\n    backendRefs: [{name: %s, port: 80}]\n", gwType, path, header, service)
			// An Ingress declaring one path twice is another lint
			// finding; the Ingress keeps the first.
			if !seen[path+ingType] {
				seen[path+ingType] = true
				fmt.Fprintf(&ing, "      - path: %s\n        pathType: %s\n        backend: {service: {name: %s, port: {number: 80}}}\n", path, ingType, service)
			}
		}
	}
	return Corpus{Gateway: gw.Bytes(), Ingress: ing.Bytes(), Services: svc.Bytes()}
}
