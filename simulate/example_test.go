package simulate_test

import (
	"fmt"

	"github.com/ingresskit/ingresskit/manifest"
	"github.com/ingresskit/ingresskit/simulate"
)

func ExampleIndex_Lookup() {
	set, err := manifest.Parse("shop.yaml", []byte(`
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: shop
spec:
  tls:
  - hosts: [shop.test]
    secretName: shop-tls
  rules:
  - host: shop.test
    http:
      paths:
      - path: /
        pathType: Prefix
        backend:
          service: {name: web, port: {number: 80}}
      - path: /api
        pathType: Prefix
        backend:
          service: {name: api, port: {name: http}}
`), manifest.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	ix, err := simulate.Compile(set, simulate.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, u := range []string{"https://shop.test/api/users?page=2", "http://shop.test/api/../cart", "http://other.test/"} {
		req, err := simulate.ParseRequest(u, nil)
		if err != nil {
			fmt.Println(err)
			return
		}
		d := ix.Lookup(req)
		fmt.Printf("%s -> %s (path %q, normalized %s)", u, simulate.DescribeBackend(d), d.Path, d.NormalizedPath)
		if d.TLS != nil {
			fmt.Printf(" tls %s", d.TLS.SecretName)
		}
		fmt.Println()
	}
	// Output:
	// https://shop.test/api/users?page=2 -> default/api:http (path "/api", normalized /api/users) tls shop-tls
	// http://shop.test/api/../cart -> default/web:80 (path "/", normalized /cart)
	// http://other.test/ -> no match (path "", normalized /)
}
