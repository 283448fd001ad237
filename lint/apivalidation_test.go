package lint

import (
	"context"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/ingresskit/ingresskit/manifest"
)

// TestAPIValidationPositions pins what the API server's create validation
// finds in testdata/apivalidation/positions.yaml, and that every finding
// points at the key of the field it is about, or of its nearest written
// parent when the field is missing. generateName without a
// name and generation -1 are not errors: the API server fills them in.
func TestAPIValidationPositions(t *testing.T) {
	ids := []string{"invalid-metadata", "invalid-reference", "invalid-ingress-class", "missing-backend"}
	tests := []struct {
		name    string
		version KubeVersion
		want    []string
	}{
		{"newest", KubeVersion{}, []string{
			"8:5 invalid-metadata metadata.finalizers[1]",
			"11:5 invalid-metadata metadata.labels.tier",
			"16:7 missing-backend spec.defaultBackend.service.name",
			"26:13 invalid-reference spec.rules[0].http.paths[0].backend.resource.kind",
			"27:13 invalid-reference spec.rules[0].http.paths[0].backend.resource.name",
			"40:1 invalid-ingress-class spec.controller",
			"41:3 invalid-ingress-class spec.parameters.namespace",
			"42:5 invalid-ingress-class spec.parameters.kind",
			"43:5 invalid-ingress-class spec.parameters.name",
			"50:1 invalid-ingress-class spec.controller",
		}},
		// Before RelaxedServiceNameValidation was on by default, a Service
		// name had to start with a letter.
		{"1.35", KubeVersion{1, 35}, []string{
			"8:5 invalid-metadata metadata.finalizers[1]",
			"11:5 invalid-metadata metadata.labels.tier",
			"16:7 missing-backend spec.defaultBackend.service.name",
			"26:13 invalid-reference spec.rules[0].http.paths[0].backend.resource.kind",
			"27:13 invalid-reference spec.rules[0].http.paths[0].backend.resource.name",
			"32:13 invalid-reference spec.rules[0].http.paths[1].backend.service.name",
			"40:1 invalid-ingress-class spec.controller",
			"41:3 invalid-ingress-class spec.parameters.namespace",
			"42:5 invalid-ingress-class spec.parameters.kind",
			"43:5 invalid-ingress-class spec.parameters.name",
			"50:1 invalid-ingress-class spec.controller",
		}},
	}
	set := load(t, "testdata/apivalidation/positions.yaml")
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := Run(context.Background(), set, Options{Config: Config{Enable: ids}, Rules: rulesByID(t, ids), KubeVersion: tt.version})
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, f := range res.Findings {
				got = append(got, cmpPos(f))
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("findings (-want +got):\n%s", diff)
			}
		})
	}
}

func cmpPos(f Finding) string {
	return strconv.Itoa(f.Pos.Line) + ":" + strconv.Itoa(f.Pos.Col) + " " + f.Rule + " " + f.Field
}

func rulesByID(t *testing.T, ids []string) []*Rule {
	t.Helper()
	var out []*Rule
	for _, id := range ids {
		r := Lookup(id)
		if r == nil {
			t.Fatalf("no rule %s", id)
		}
		out = append(out, r)
	}
	return out
}

func TestKubeVersion(t *testing.T) {
	for in, want := range map[string]string{"1.37": "1.37", "v1.36.2": "1.36", "1.33+": "1.33"} {
		v, err := ParseKubeVersion(in)
		if err != nil || v.String() != want {
			t.Errorf("ParseKubeVersion(%q) = %v, %v; want %s", in, v, err, want)
		}
	}
	for _, in := range []string{"", "1", "one.two", "1.2.3.4"} {
		if _, err := ParseKubeVersion(in); err == nil {
			t.Errorf("ParseKubeVersion(%q) succeeded", in)
		}
	}
	if err := (KubeVersion{1, 20}).Supported(); err == nil {
		t.Error("1.20 is supported")
	}
	if _, err := Run(context.Background(), load(t, "testdata/apivalidation/positions.yaml"), Options{KubeVersion: KubeVersion{1, 40}}); err == nil {
		t.Error("Run accepted 1.40")
	}
}

// TestAnnotationSizePosition reports annotations over the API server's
// 256 KiB total at the annotations field, not at the object.
func TestAnnotationSizePosition(t *testing.T) {
	doc := "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: web\n  annotations:\n    example.com/big: " +
		strings.Repeat("x", 256*1024) + "\nspec:\n  defaultBackend:\n    service:\n      name: web\n      port:\n        number: 80\n"
	set, err := manifest.Parse("big.yaml", []byte(doc), manifest.Options{})
	if err != nil {
		t.Fatal(err)
	}
	res, err := Run(context.Background(), set, Options{Rules: rulesByID(t, []string{"invalid-metadata"})})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, f := range res.Findings {
		got = append(got, cmpPos(f))
	}
	if diff := cmp.Diff([]string{"5:3 invalid-metadata metadata.annotations"}, got); diff != "" {
		t.Errorf("findings (-want +got):\n%s", diff)
	}
}
