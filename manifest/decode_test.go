package manifest

import (
	"encoding/json"
	"reflect"
	"testing"

	"github.com/google/go-cmp/cmp"
	yaml "go.yaml.in/yaml/v3"
	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
)

// TestUnmarshals checks the shortcut for types without methods against
// asking reflect, for types that decode themselves and types that do not.
func TestUnmarshals(t *testing.T) {
	type named string
	for _, v := range []any{
		"", int32(0), false, []string(nil), map[string]string(nil), (*string)(nil), []byte(nil), (*any)(nil),
		named(""), networkingv1.PathType(""), networkingv1.IngressSpec{}, []networkingv1.IngressRule(nil),
		intstr.IntOrString{}, metav1.Time{}, []intstr.IntOrString(nil),
		struct{ metav1.Time }{}, // an unnamed struct promoting UnmarshalJSON
		struct{ A string }{},
	} {
		typ := reflect.TypeOf(v)
		if typ.Kind() == reflect.Pointer {
			typ = typ.Elem()
		}
		want := reflect.PointerTo(typ).Implements(reflect.TypeOf((*json.Unmarshaler)(nil)).Elem())
		if got := unmarshals(typ); got != want {
			t.Errorf("unmarshals(%v) = %v, want %v", typ, got, want)
		}
	}
}

// intOrStringTags are the tags FuzzIntOrString gives its scalar; "" lets
// yaml.v3 resolve one from the value.
var intOrStringTags = []string{"!!str", "!!int", "!!float", "!!bool", "!!null", "!!timestamp", "!!binary", ""}

// FuzzIntOrString checks the shortcut for intstr.IntOrString against the
// JSON round trip it stands for: the same value, error and node budget
// left, for any scalar, decoded over a value set before (as when a key is
// written twice), with budgets that run out at the first or the second
// visit of the value.
func FuzzIntOrString(f *testing.F) {
	for _, v := range []string{
		"80", "http", "0", "-1", "-0", // the common forms
		"007", "010", "-010", "0x1F", "0o17", "1_000", "+5", "-", // integers toJSON reads with base prefixes or underscores
		"2147483647", "2147483648", "-2147483648", "-2147483649", "99999999999999999999", // the 32-bit limits
		"1.5", "true", "~", "", "2001-12-14", // other scalars
		"\xff", "\u00e9", "<&>", "a\u2028b", // bytes json.Marshal replaces or escapes
	} {
		for tag := range intOrStringTags {
			f.Add(v, uint8(tag))
		}
	}
	f.Fuzz(func(t *testing.T, value string, tag uint8) {
		type object struct {
			P intstr.IntOrString `json:"p"`
		}
		n := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map", Line: 1, Column: 1, Content: []*yaml.Node{
			{Kind: yaml.ScalarNode, Tag: "!!str", Value: "p", Line: 1, Column: 1},
			{Kind: yaml.ScalarNode, Tag: intOrStringTags[int(tag)%len(intOrStringTags)], Value: value, Line: 1, Column: 4},
		}}
		decode := func(generic bool, budget int) (object, *InputError, int) {
			o := object{P: intstr.IntOrString{Type: intstr.String, IntVal: 7, StrVal: "before"}}
			d := &nodeDecoder{file: "f.yaml", budget: budget, generic: generic}
			d.decode(n, reflect.ValueOf(&o).Elem(), budget)
			return o, d.err, d.budget
		}
		for _, budget := range []int{1, 2, 3, 100} {
			want, wantErr, wantLeft := decode(true, budget)
			got, gotErr, gotLeft := decode(false, budget)
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("budget %d: value (-JSON path +shortcut):\n%s", budget, diff)
			}
			if diff := cmp.Diff(wantErr, gotErr); diff != "" {
				t.Errorf("budget %d: error (-JSON path +shortcut):\n%s", budget, diff)
			}
			if wantLeft != gotLeft {
				t.Errorf("budget %d: %d nodes left, the JSON path leaves %d", budget, gotLeft, wantLeft)
			}
		}
	})
}
