package manifest

import (
	"encoding/json"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	networkingv1beta1 "k8s.io/api/networking/v1beta1"
	sigsyaml "sigs.k8s.io/yaml"
)

// scalars are YAML scalar texts where YAML 1.1 (kubectl, through
// sigs.k8s.io/yaml and go.yaml.in/yaml/v2) and YAML 1.2 (go.yaml.in/yaml/v3)
// may part: booleans, octal and leading zeros, base prefixes, underscores,
// integral and other floats, limits of 32 and 64 bits, timestamps,
// sexagesimals, quoting and explicit tags.
var scalars = []string{
	"80", "080", "0777", "0x50", "0X50", "0o17", "0b101", "-0b101", "0b", "0b2", "1_000", "_1", "1_", "+80", "-1", "-0", "0", "00",
	"80.0", "80.5", "1e3", "1E3", "8e1", "1e21", "1e-7", ".5", "+.5", "-.5", "0.", "1.", "1e400", "1e", "e3", ".",
	"2147483647", "2147483648", "-2147483648", "-2147483649", "9223372036854775807", "9223372036854775808", "18446744073709551615", "18446744073709551616",
	".inf", "-.Inf", "+.INF", ".nan", "yes", "Yes", "YES", "yEs", "no", "No", "on", "On", "ON", "off", "OFF", "y", "Y", "n", "N",
	"true", "True", "TRUE", "tRue", "false", "null", "Null", "~", "", "2001-12-14", "2001-12-14T21:59:43.10-05:00", "2001-12-14 21:59:43.10", "12:30", "1:20:30",
	"web", "'80'", `"yes"`, "'on'", "!!str 80", "!!str yes", "!!int 80", "!!int '80'", "!!float 80", "!!bool yes", "!!null ''", "0x", "0xG", "1__0", "1.2.3", "abc", "-", "+", "[80]", "{a: 1}",
	"|\n    80", ">\n    yes",
}

// templates place a scalar (@) where the k8s.io/api types want a string,
// an integer, an IntOrString, a boolean, a map key or a list item.
var templates = []struct{ name, doc string }{
	{"annotation value", "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: web\n  annotations:\n    a: @\nspec:\n  defaultBackend:\n    service:\n      name: web\n      port:\n        number: 80\n"},
	{"annotation key", "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: web\n  annotations:\n    @: v\nspec:\n  defaultBackend:\n    service:\n      name: web\n      port:\n        number: 80\n"},
	{"host", "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: web\nspec:\n  rules:\n  - host: @\n"},
	{"tls host", "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: web\nspec:\n  tls:\n  - hosts:\n    - @\n"},
	{"port number", "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: web\nspec:\n  defaultBackend:\n    service:\n      name: web\n      port:\n        number: @\n"},
	{"generation", "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: web\n  generation: @\n"},
	{"grace period", "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: web\n  deletionGracePeriodSeconds: @\n"},
	{"servicePort", "apiVersion: networking.k8s.io/v1beta1\nkind: Ingress\nmetadata:\n  name: web\nspec:\n  backend:\n    serviceName: web\n    servicePort: @\n"},
	{"targetPort", "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  ports:\n  - port: 80\n    targetPort: @\n"},
	{"service port", "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  ports:\n  - port: @\n"},
	{"bool", "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  publishNotReadyAddresses: @\n"},
	{"bool pointer", "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  allocateLoadBalancerNodePorts: @\n"},
	{"label key", "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n  labels:\n    @: v\n"},
}

// TestDecodeAsKubectl decodes every scalar in every template as kubectl
// does (sigs.k8s.io/yaml's YAMLToJSON, then encoding/json into the
// k8s.io/api type) and through Parse: both must accept or reject it, and
// agree on the value.
func TestDecodeAsKubectl(t *testing.T) {
	for _, tt := range templates {
		for _, sc := range scalars {
			doc := strings.Replace(tt.doc, "@", sc, 1)
			want, wantErr := kubectlDecode(doc)
			set, err := Parse("t.yaml", []byte(doc), Options{})
			var got any
			if err == nil {
				switch {
				case len(set.Ingresses) == 1:
					got = set.Ingresses[0].Ingress
				case len(set.Services) == 1:
					got = set.Services[0].Service
				}
			}
			if (wantErr != nil) != (err != nil) {
				t.Errorf("%s %q: kubectl error %v, Parse error %v", tt.name, sc, wantErr, err)
				continue
			}
			if err == nil {
				if diff := cmp.Diff(want, got); diff != "" {
					t.Errorf("%s %q: Parse differs from kubectl (-kubectl +Parse):\n%s", tt.name, sc, diff)
				}
			}
		}
	}
}

// kubectlDecode reads doc as kubectl does, normalized as Parse normalizes.
func kubectlDecode(doc string) (any, error) {
	js, err := sigsyaml.YAMLToJSON([]byte(doc))
	if err != nil {
		return nil, err
	}
	var tm struct{ APIVersion, Kind string }
	if err := json.Unmarshal(js, &tm); err != nil {
		return nil, err
	}
	switch {
	case tm.Kind == "Service":
		var s corev1.Service
		if err := json.Unmarshal(js, &s); err != nil {
			return nil, err
		}
		s.Namespace = DefaultNamespace
		return s, nil
	case tm.APIVersion == NetworkingV1beta1:
		var old networkingv1beta1.Ingress
		if err := json.Unmarshal(js, &old); err != nil {
			return nil, err
		}
		ing := ingressFromNetworkingV1beta1(&old)
		ing.APIVersion, ing.Kind, ing.Namespace = NetworkingV1, "Ingress", DefaultNamespace
		return ing, nil
	}
	var ing networkingv1.Ingress
	if err := json.Unmarshal(js, &ing); err != nil {
		return nil, err
	}
	ing.Namespace = DefaultNamespace
	return ing, nil
}

// mergeDocs use YAML merge keys (<<) the way kubectl reads them
// (go.yaml.in/yaml/v2 decoder.merge): in place, a later key replacing an
// earlier one, the first mapping of a list winning, merges inside merged
// mappings, and annotations built from an anchor.
var mergeDocs = map[string]string{
	"one mapping": `apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: web
  annotations: &ann
    a: "1"
spec:
  defaultBackend:
    service: &svc
      name: web
      port:
        number: 80
  rules:
  - host: example.com
    http:
      paths:
      - path: /
        pathType: Prefix
        backend:
          service:
            <<: *svc
            name: api
`,
	"list of mappings": `apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: web
  labels:
    <<: [{a: "1", b: "1"}, {a: "2", c: "2"}]
    c: "3"
  annotations:
    d: "0"
    <<: {d: "4", e: "5"}
spec:
  defaultBackend:
    service:
      name: web
      port:
        number: 80
`,
	"annotations from an anchor": `apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: web
  labels: &common
    app: web
    nginx.ingress.kubernetes.io/ssl-redirect: "false"
  annotations:
    <<: *common
    nginx.ingress.kubernetes.io/rewrite-target: /
spec:
  defaultBackend:
    service:
      name: web
      port:
        number: 80
`,
	"merge inside merge": `apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: web
  annotations:
    <<: {<<: {a: "1"}, b: "2"}
spec:
  defaultBackend:
    service:
      name: web
      port:
        number: 80
`,
	"duplicate keys": `apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: web
  annotations:
    a: "1"
    a: "2"
spec:
  defaultBackend:
    service:
      name: web
      port:
        number: 80
  defaultBackend:
    service:
      name: api
      port:
        number: 81
`,
}

// TestMergeKeysAsKubectl compares Parse with sigs.k8s.io/yaml on
// mergeDocs, document by document.
func TestMergeKeysAsKubectl(t *testing.T) {
	for name, doc := range mergeDocs {
		t.Run(name, func(t *testing.T) {
			set, err := Parse("t.yaml", []byte(doc), Options{})
			if err != nil {
				t.Fatal(err)
			}
			parts, _ := SplitDocuments([]byte(doc))
			if len(parts) != len(set.Ingresses) {
				t.Fatalf("%d Ingresses, want %d", len(set.Ingresses), len(parts))
			}
			for i, p := range parts {
				want, err := kubectlDecode(string(p))
				if err != nil {
					t.Fatal(err)
				}
				if diff := cmp.Diff(want, any(set.Ingresses[i].Ingress)); diff != "" {
					t.Errorf("document %d differs from kubectl (-kubectl +Parse):\n%s", i, diff)
				}
			}
		})
	}
}

// TestDuplicateKeys records every key written twice in one mapping, at
// the later key, with the earlier one beside it; merged keys are no
// duplicates.
func TestDuplicateKeys(t *testing.T) {
	set, err := Parse("t.yaml", []byte(mergeDocs["duplicate keys"]+"---\n"+mergeDocs["list of mappings"]), Options{})
	if err != nil {
		t.Fatal(err)
	}
	want := []Duplicate{
		{Field: "metadata.annotations.a", Pos: Pos{"t.yaml", 7, 5}, First: Pos{"t.yaml", 6, 5}},
		{Field: "spec.defaultBackend", Pos: Pos{"t.yaml", 14, 3}, First: Pos{"t.yaml", 9, 3}},
	}
	if diff := cmp.Diff(want, set.Ingresses[0].Source.Duplicates); diff != "" {
		t.Errorf("duplicates (-want +got):\n%s", diff)
	}
	if d := set.Ingresses[1].Source.Duplicates; d != nil {
		t.Errorf("merged keys reported as duplicates: %v", d)
	}
}

// TestConcatenatedJSON reads JSON objects one after another, as jq -c
// writes them and kubectl reads them, each at its own line, and YAML after
// a single object.
func TestConcatenatedJSON(t *testing.T) {
	svc := func(name string) string {
		return `{"apiVersion":"v1","kind":"Service","metadata":{"name":"` + name + `"},"spec":{"ports":[{"port":80}]}}`
	}
	tests := []struct {
		name, in string
		want     []string // name@line of each Service
		err      string
	}{
		{"jq -c", svc("a") + "\n" + svc("b") + "\n" + svc("c") + "\n", []string{"a@1", "b@2", "c@3"}, ""},
		{"same line", svc("a") + svc("b"), []string{"a@1", "b@1"}, ""},
		{"indented", "\n  " + svc("a") + "\n\n" + svc("b"), []string{"a@2", "b@4"}, ""},
		{"json then yaml", svc("a") + "\n---\napiVersion: v1\nkind: Service\nmetadata:\n  name: b\n", []string{"a@1", "b@3"}, ""},
		{"bad third", svc("a") + "\n" + svc("b") + "\n{\"kind\": \n", []string{"a@1", "b@2"}, "t.json:3"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			set, err := Parse("t.json", []byte(tt.in), Options{})
			var got []string
			for _, s := range set.Services {
				got = append(got, s.Name+"@"+itoa(s.Source.Pos.Line))
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("services (-want +got):\n%s", diff)
			}
			switch {
			case tt.err == "" && err != nil:
				t.Errorf("error: %v", err)
			case tt.err != "" && (err == nil || !strings.HasPrefix(err.Error(), tt.err)):
				t.Errorf("error %v, want one at %s", err, tt.err)
			}
		})
	}
}

func itoa(i int) string { return strconv.Itoa(i) }

// TestNotUTF8 reports a byte that is not UTF-8 (a Windows-1252 quote) at
// its own line and column, not at the document's first line.
func TestNotUTF8(t *testing.T) {
	in := "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n---\napiVersion: v1\nkind: Service\nmetadata:\n  name: api\n  annotations:\n    note: \x93quoted\x94\n"
	set, err := Parse("t.yaml", []byte(in), Options{})
	if err == nil || err.Error() != "t.yaml:11:11: byte 0x93 is not UTF-8 (the file may be Windows-1252 or Latin-1); save it as UTF-8" {
		t.Errorf("error = %v", err)
	}
	if len(set.Services) != 1 {
		t.Errorf("%d Services loaded, want the valid one", len(set.Services))
	}
}
