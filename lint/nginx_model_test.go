package lint

import (
	"testing"

	"github.com/ingresskit/ingresskit/manifest"
)

// TestOneNginxModelPerRun checks that the routing index, the canary rules
// and the rules on duplicate locations and regex hosts share one
// ingress-nginx model when the nginx Ingresses are one class.
func TestOneNginxModelPerRun(t *testing.T) {
	const input = `apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: main
  annotations:
    nginx.ingress.kubernetes.io/use-regex: "true"
spec:
  ingressClassName: nginx
  rules:
  - host: a.example.com
    http:
      paths:
      - {path: /api, pathType: ImplementationSpecific, backend: {service: {name: api, port: {number: 80}}}}
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: canary
  annotations:
    nginx.ingress.kubernetes.io/canary: "true"
spec:
  ingressClassName: nginx
  rules:
  - host: a.example.com
    http:
      paths:
      - {path: /api, pathType: ImplementationSpecific, backend: {service: {name: api-v2, port: {number: 80}}}}
---
apiVersion: networking.k8s.io/v1
kind: IngressClass
metadata:
  name: nginx
spec:
  controller: k8s.io/ingress-nginx
`
	set, err := manifest.Parse("in.yaml", []byte(input), manifest.Options{})
	if err != nil {
		t.Fatal(err)
	}
	sh := &shared{set: set}
	passes := []*Pass{}
	for _, r := range []*Rule{nginxDuplicateLocation, nginxRegexHost, nginxCanaryWithoutPrimary} {
		passes = append(passes, &Pass{Set: set, shared: sh, rule: r})
	}
	sh.routes()
	for _, p := range passes {
		p.rule.Check(p)
	}
	if len(sh.compiled) != 1 {
		t.Fatalf("compiled %d routing groups, want 1", len(sh.compiled))
	}
	if len(sh.nginxModels) != 1 {
		t.Errorf("made %d ingress-nginx models in one run, want 1", len(sh.nginxModels))
	}
	if len(passes[1].findings) == 0 {
		t.Error("nginx-regex-host found nothing on a regex host")
	}
}
