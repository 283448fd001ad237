package manifest

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestLoadGCEConfigs(t *testing.T) {
	set, err := Load(context.Background(), Options{Paths: []string{"testdata/gce-configs.yaml"}})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := len(set.FrontendConfigs), 1; got != want {
		t.Fatalf("FrontendConfigs: got %d, want %d", got, want)
	}
	if got, want := len(set.BackendConfigs), 2; got != want {
		t.Fatalf("BackendConfigs: got %d, want %d", got, want)
	}
	if d := cmp.Diff(map[string]int{"BackendConfig": 1}, set.Skipped); d != "" {
		t.Errorf("skipped (-want +got):\n%s", d)
	}
	fc := set.FrontendConfig(DefaultNamespace, "redirect")
	if fc == nil || fc.Spec.RedirectToHttps == nil || !fc.Spec.RedirectToHttps.Enabled || fc.Spec.RedirectToHttps.ResponseCodeName != "FOUND" || *fc.Spec.SslPolicy != "modern" {
		t.Fatalf("FrontendConfig not decoded: %+v", fc)
	}
	if got, want := fc.Source.FieldPos("spec.redirectToHttps.enabled").String(), "testdata/gce-configs.yaml:10:5"; got != want {
		t.Errorf("position: got %s, want %s", got, want)
	}
	bc := set.BackendConfig("shop", "web")
	if bc == nil || *bc.Spec.TimeoutSec != 40 || bc.Spec.CustomRequestHeaders.Headers[0] != "X-A:b" {
		t.Fatalf("BackendConfig not decoded: %+v", bc)
	}
	if old := set.BackendConfig(DefaultNamespace, "old"); old == nil || !old.Spec.Cdn.Enabled {
		t.Fatalf("v1beta1 BackendConfig not decoded: %+v", old)
	}
}
