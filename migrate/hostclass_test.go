package migrate

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/ingresskit/ingresskit/manifest"
)

// TestHostClasses groups hosts whose rules are the same but for names,
// and keeps apart those that differ in a path, an annotation, TLS, a
// missing Service or a resolved port, and those a wildcard covers.
func TestHostClasses(t *testing.T) {
	const doc = `
apiVersion: v1
kind: Service
metadata: {name: a, namespace: default}
spec: {ports: [{name: http, port: 80}]}
---
apiVersion: v1
kind: Service
metadata: {name: b, namespace: default}
spec: {ports: [{name: http, port: 80}]}
---
apiVersion: v1
kind: Service
metadata: {name: c, namespace: default}
spec: {ports: [{name: http, port: 8080}]}
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: i1, namespace: default, annotations: {nginx.ingress.kubernetes.io/permanent-redirect: "https://one.example.com/x"}}
spec:
  ingressClassName: nginx
  rules:
  - host: one.example.com
    http: {paths: [{path: /api, pathType: Prefix, backend: {service: {name: a, port: {name: http}}}}]}
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: i2, namespace: default, annotations: {nginx.ingress.kubernetes.io/permanent-redirect: "https://two.example.com/x"}}
spec:
  ingressClassName: nginx
  rules:
  - host: two.example.com
    http: {paths: [{path: /api, pathType: Prefix, backend: {service: {name: b, port: {name: http}}}}]}
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: i3, namespace: default, annotations: {nginx.ingress.kubernetes.io/permanent-redirect: "https://six.example.com/x"}}
spec:
  ingressClassName: nginx
  rules:
  - host: six.example.com
    http: {paths: [{path: /api, pathType: Prefix, backend: {service: {name: c, port: {name: http}}}}]}
  - host: ten.example.com
    http: {paths: [{path: /api, pathType: Exact, backend: {service: {name: a, port: {name: http}}}}]}
  - host: new.example.com
    http: {paths: [{path: /api, pathType: Prefix, backend: {service: {name: gone, port: {name: http}}}}]}
  - host: old.wild.example
    http: {paths: [{path: /api, pathType: Prefix, backend: {service: {name: a, port: {name: http}}}}]}
  - host: "*.wild.example"
    http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: a, port: {name: http}}}}]}
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: i4, namespace: default, annotations: {nginx.ingress.kubernetes.io/permanent-redirect: "https://thr.example.com/x"}}
spec:
  ingressClassName: nginx
  tls: [{hosts: [thr.example.com], secretName: s}]
  rules:
  - host: thr.example.com
    http: {paths: [{path: /api, pathType: Prefix, backend: {service: {name: a, port: {name: http}}}}]}
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: i5, namespace: default, annotations: {nginx.ingress.kubernetes.io/permanent-redirect: "https://elsewhere.example.com/x"}}
spec:
  ingressClassName: nginx
  rules:
  - host: fiv.example.com
    http: {paths: [{path: /api, pathType: Prefix, backend: {service: {name: a, port: {name: http}}}}]}
`
	set, err := manifest.Parse("hosts.yaml", []byte(doc), manifest.Options{})
	if err != nil {
		t.Fatal(err)
	}
	set = set.Applied()
	got := hostClasses(set.Ingresses, set, "default")
	// two is one with other names; six resolves its port to 8080, ten is
	// Exact, new has no Service, old is under the wildcard, thr has TLS,
	// fiv redirects to another host.
	want := map[string]string{"two.example.com": "one.example.com"}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("classes (-want +got):\n%s", d)
	}
}

// TestGatewayName names Gateways after their class, made a valid object
// name when the class is not one (an annotation takes any string).
func TestGatewayName(t *testing.T) {
	for class, want := range map[string]string{"": "ingresskit", "nginx": "nginx", "gcM": "gcm", "My_Class": "my-class", "-x.": "x", "__": "ingresskit"} {
		if got := gatewayName(class); got != want {
			t.Errorf("gatewayName(%q) = %q, want %q", class, got, want)
		}
	}
}
