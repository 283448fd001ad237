package manifest

import (
	"encoding/json"
	"reflect"
	"testing"

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
