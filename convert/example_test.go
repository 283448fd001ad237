package convert_test

import (
	"fmt"

	"github.com/ingresskit/ingresskit/convert"
)

func ExampleBytes() {
	in := []byte(`apiVersion: extensions/v1beta1 # removed in 1.22
kind: Ingress
metadata:
  name: web
spec:
  rules:
  - http:
      paths:
      - path: /
        backend:
          serviceName: web # the shop
          servicePort: 80
`)
	out, changed, err := convert.Bytes("web.yaml", in, convert.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(changed)
	fmt.Print(string(out))
	// Output:
	// true
	// apiVersion: networking.k8s.io/v1 # removed in 1.22
	// kind: Ingress
	// metadata:
	//   name: web
	// spec:
	//   rules:
	//   - http:
	//       paths:
	//       - path: /
	//         pathType: ImplementationSpecific
	//         backend:
	//           service:
	//             name: web # the shop
	//             port:
	//               number: 80
}
