package convert

import (
	"errors"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ingresskit/ingresskit/manifest"
)

// FuzzConvert checks, for any input the loader accepts, that the output
// reloads on networking.k8s.io/v1, that converting it again changes
// nothing, that the normalized objects are unchanged (checkConverted) and
// that simulate answers generated URLs alike before and after
// (checkRouting). Input it refuses must be refused with positions.
func FuzzConvert(f *testing.F) {
	// Every conversion fixture, in both annotation modes: block, flow,
	// JSON, CRLF without a final newline, Lists, comment-heavy layouts.
	files, _ := filepath.Glob("testdata/convert/*.yaml")
	jsonFiles, _ := filepath.Glob("testdata/convert/*.json")
	for _, file := range append(files, jsonFiles...) {
		data, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data, false)
		f.Add(data, true)
	}
	// A string port that looks like a number stays a port name, as the
	// server's IntOrString decoding keeps it.
	f.Add([]byte("apiVersion: extensions/v1beta1\nkind: Ingress\nmetadata: {name: a}\nspec:\n  backend:\n    serviceName: s\n    servicePort: \"80\"\n"), false)
	// A hexadecimal port, a tab before a comment, and a path item that
	// starts with its backend.
	f.Add([]byte("apiVersion: extensions/v1beta1\nkind: Ingress\nmetadata: {name: a}\nspec:\n  rules:\n  - http:\n      paths:\n      - backend:\n          servicePort: 0x50\t# hex\n          serviceName: s\n"), false)
	// A backend the server turns into no service at all: an empty name
	// and port 0 (Convert_v1beta1_IngressBackend_To_networking_IngressBackend).
	f.Add([]byte("apiVersion: extensions/v1beta1\nkind: Ingress\nmetadata: {name: a}\nspec:\n  backend:\n    serviceName: \"\"\n    servicePort: 0\n    resource: {kind: K, name: n}\n  rules:\n  - http:\n      paths:\n      - backend: {serviceName: '', servicePort: 0x0}\n"), false)
	// An empty flow path item, which matches every path.
	f.Add([]byte("apiVersion: extensions/v1beta1\nkind: Ingress\nmetadata: {name: a}\nspec:\n  rules:\n  - http:\n      paths:\n      - {}\n      - {path: /x}\n"), false)
	// Only a servicePort, and a null serviceName.
	f.Add([]byte("apiVersion: networking.k8s.io/v1beta1\nkind: Ingress\nmetadata: {name: a}\nspec:\n  backend:\n    serviceName: null\n    servicePort: 80\n"), false)
	// Comments and blank lines between serviceName and servicePort, and a
	// resource field between them.
	f.Add([]byte("apiVersion: extensions/v1beta1\nkind: Ingress\nmetadata: {name: a}\nspec:\n  backend:\n    serviceName: s # name\n\n    # port next\n    servicePort: 80\n---\napiVersion: extensions/v1beta1\nkind: Ingress\nmetadata: {name: b}\nspec:\n  backend:\n    serviceName: s\n    resource: {kind: K, name: n}\n    servicePort: 80\n"), false)
	// A block scalar value and a multi-line plain scalar in the pairs that
	// move.
	f.Add([]byte("apiVersion: extensions/v1beta1\nkind: Ingress\nmetadata: {name: a}\nspec:\n  backend:\n    serviceName: >-\n      folded\n    servicePort: 80\n"), false)
	// Moving the class annotation out of a flow annotations mapping into
	// a flow spec, with another annotation left behind.
	f.Add([]byte("apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: a\n  annotations: {kubernetes.io/ingress.class: nginx, x: y}\nspec: {defaultBackend: {service: {name: s, port: {number: 80}}}}\n"), true)
	// A document end marker, a directive and an empty document.
	f.Add([]byte("%YAML 1.1\n---\napiVersion: networking.k8s.io/v1beta1\nkind: IngressClass\nmetadata: {name: c}\nspec: {controller: example.com/c}\n...\n---\n"), false)
	f.Fuzz(func(t *testing.T, data []byte, move bool) {
		if len(data) > 64<<10 {
			t.Skip("larger than the fuzzing budget")
		}
		opts := Options{IngressClassAnnotation: KeepClassAnnotation}
		if move {
			opts.IngressClassAnnotation = MoveClassAnnotation
		}
		r, err := convertAll("fuzz.yaml", data, opts)
		if err != nil {
			var le *manifest.LoadError
			if !errors.As(err, &le) {
				t.Fatalf("error %T is not a *manifest.LoadError: %v", err, err)
			}
			for _, ie := range le.Errors {
				if ie.Pos.File == "" {
					t.Errorf("error without a position: %v", ie)
				}
			}
			if strings.Contains(err.Error(), "without changing its meaning") {
				t.Fatalf("accepted input could not be converted: %v", err)
			}
			return
		}
		checkConverted(t, "fuzz.yaml", data, r.out, opts)
		checkRouting(t, "fuzz.yaml", data, r.out, rand.New(rand.NewPCG(1, 1)))
	})
}
