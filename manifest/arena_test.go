package manifest

import (
	"bytes"
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

// TestParseKeepsNoInput checks that the loaded objects hold copies of
// what they read (strArena): overwriting the input after Parse leaves
// every object, field position and skipped kind as it was. A string left
// pointing into the input would change with it, and would keep a whole
// file alive as long as the objects.
func TestParseKeepsNoInput(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "*.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	more, _ := filepath.Glob(filepath.Join("..", "examples", "*.yaml"))
	files = append(files, more...)
	// Duplicate keys, map keys kept as annotations and labels, a
	// named port, stringData, a skipped kind and a List.
	extra := []byte(`apiVersion: v1
kind: List
items:
- apiVersion: networking.k8s.io/v1
  kind: Ingress
  metadata:
    name: web
    labels: {app: web, tier: front}
    annotations:
      nginx.ingress.kubernetes.io/rewrite-target: /$1
      example.com/owner: team-a
  spec:
    ingressClassName: nginx
    rules:
    - host: a.example.com
      http:
        paths:
        - path: /api
          pathType: Prefix
          backend:
            service: {name: api, port: {name: http}}
- apiVersion: v1
  kind: Secret
  metadata: {name: tls, namespace: shop}
  stringData: {tls.crt: abc, tls.key: def}
- apiVersion: apps/v1
  kind: Deployment
  metadata: {name: web}
- apiVersion: v1
  kind: Service
  metadata: {name: api, name: api2}
  spec:
    selector: {app: api}
    ports: [{name: http, port: 80, targetPort: web}]
`)
	inputs := map[string][]byte{"extra.yaml": extra}
	for _, f := range files {
		data, err := readTestFile(f)
		if err != nil {
			t.Fatal(err)
		}
		inputs[f] = data
	}
	loaded := 0
	for name, data := range inputs {
		want, werr := Parse(name, bytes.Clone(data), Options{Workers: 1})
		buf := bytes.Clone(data)
		got, gerr := Parse(name, buf, Options{Workers: 1})
		if (werr == nil) != (gerr == nil) {
			t.Fatalf("%s: errors differ: %v, %v", name, werr, gerr)
		}
		if len(got.Ingresses)+len(got.Services)+len(got.Secrets)+got.GatewayObjects.Len()+got.IstioObjects.Len() == 0 {
			continue // not manifests (a route test file)
		}
		loaded++
		for i := range buf {
			buf[i] = 'x'
		}
		for _, c := range []struct {
			what      string
			got, want any
		}{
			{"Ingresses", got.Ingresses, want.Ingresses},
			{"Services", got.Services, want.Services},
			{"Secrets", got.Secrets, want.Secrets},
			{"IngressClasses", got.IngressClasses, want.IngressClasses},
			{"GatewayObjects", got.GatewayObjects, want.GatewayObjects},
			{"IstioObjects", got.IstioObjects, want.IstioObjects},
			{"Skipped", got.Skipped, want.Skipped},
		} {
			if !reflect.DeepEqual(c.got, c.want) {
				t.Errorf("%s: %s changed when the input was overwritten after Parse", name, c.what)
			}
		}
	}
	if loaded < len(inputs)/2 {
		t.Fatalf("only %d of %d inputs hold objects", loaded, len(inputs))
	}
}

func readTestFile(name string) ([]byte, error) { return os.ReadFile(name) }
