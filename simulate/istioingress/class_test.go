package istioingress

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/ingresskit/ingresskit/simulate/internal/simtest"
)

// TestProcesses pins class selection on testdata/class.yaml: the
// annotation decides alone when present; else the controller of the
// IngressClass spec.ingressClassName names; a class missing from the
// input, or no class at all, is not istiod's in STRICT mode.
func TestProcesses(t *testing.T) {
	set, _ := simtest.LoadSet(t, "testdata/class.yaml")
	want := map[string]bool{
		"annotation-nginx": false,
		"annotation-istio": true,
		"no-class":         false,
		"class-other":      false,
		"class-istio":      true,
		"class-renamed":    true,
		"class-missing":    false,
	}
	got := map[string]bool{}
	for _, ing := range set.Ingresses {
		got[ing.Name] = Processes(set, ing)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Processes (-want +got):\n%s", diff)
	}
}
