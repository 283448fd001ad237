package simulate

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/ingresskit/ingresskit/manifest"
)

// fixedPlane serves one host and answers every request with its name in
// Decision.Profile, to test the registry and RouteAll alone.
type fixedPlane struct{ name, host string }

func (p fixedPlane) Name() string                { return p.name }
func (p fixedPlane) Kind() string                { return "test" }
func (p fixedPlane) Serves(req Request) bool     { return CanonicalHost(req.Host) == p.host }
func (p fixedPlane) Lookup(req Request) Decision { return Decision{URL: req.String(), Profile: p.name} }
func (p fixedPlane) Explain(req Request) Decision {
	d := p.Lookup(req)
	d.Notes = []string{"explained"}
	return d
}

func TestRouteAll(t *testing.T) {
	planes := []DataPlane{fixedPlane{"a", "x.example"}, fixedPlane{"b", "y.example"}, fixedPlane{"c", "x.example"}}
	req := Request{Host: "X.example:8080", Path: "/"}
	var got []string
	for _, d := range RouteAll(planes, req, true) {
		got = append(got, d.DataPlane+"/"+d.Profile+"/"+d.Notes[0])
	}
	if d := cmp.Diff([]string{"a/a/explained", "c/c/explained"}, got); d != "" {
		t.Errorf("answers (-want +got):\n%s", d)
	}
	if n := len(RouteAll(planes, Request{Host: "z.example", Path: "/"}, false)); n != 0 {
		t.Errorf("a host no data plane serves got %d answers", n)
	}
}

func TestRegisterBuilderTwicePanics(t *testing.T) {
	RegisterBuilder("test-dup", func(*manifest.Set, Options) ([]DataPlane, error) { return nil, nil })
	defer func() {
		buildersMu.Lock()
		delete(builders, "test-dup")
		buildersMu.Unlock()
		if recover() == nil {
			t.Error("registering a kind twice did not panic")
		}
	}()
	RegisterBuilder("test-dup", func(*manifest.Set, Options) ([]DataPlane, error) { return nil, nil })
}
