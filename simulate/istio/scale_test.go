package istio

import (
	"fmt"
	"testing"

	"github.com/ingresskit/ingresskit/manifest"
)

// TestBuildScale pins that Build reads each VirtualService's gateways
// once, however many Gateways the input has: 10 and 100 Gateways with
// the same 1,000 VirtualServices cost the same number of references
// read, where matching every VirtualService against every Gateway would
// cost ten times more.
func TestBuildScale(t *testing.T) {
	reads := func(gateways int) int {
		set := &manifest.Set{}
		for g := 0; g < gateways; g++ {
			gw := &manifest.IstioGateway{}
			gw.Name, gw.Namespace = fmt.Sprintf("gw-%d", g), "default"
			gw.Spec.Servers = []manifest.IstioServer{{Port: manifest.IstioPort{Number: 80, Protocol: "HTTP"}, Hosts: []string{"*"}}}
			set.IstioGateways = append(set.IstioGateways, gw)
		}
		for i := 0; i < 1000; i++ {
			vs := &manifest.VirtualService{}
			vs.Name, vs.Namespace = fmt.Sprintf("vs-%d", i), "default"
			vs.Spec.Hosts = []string{fmt.Sprintf("host-%d.example.com", i)}
			vs.Spec.Gateways = []string{fmt.Sprintf("gw-%d", i%gateways), "mesh"}
			set.VirtualServices = append(set.VirtualServices, vs)
		}
		n := 0
		defer func(f func(*manifest.VirtualService, string) (string, string, bool)) { readGatewayRef = f }(readGatewayRef)
		count := readGatewayRef
		readGatewayRef = func(vs *manifest.VirtualService, ref string) (string, string, bool) {
			n++
			return count(vs, ref)
		}
		bound := 0
		for _, p := range Build(set) {
			bound += len(p.VirtualServices())
		}
		if bound != 1000 {
			t.Fatalf("%d Gateways: %d VirtualServices bound, want 1000", gateways, bound)
		}
		return n
	}
	few, many := reads(10), reads(100)
	if few != 2000 || many != 2000 {
		t.Errorf("gateway references read: %d for 10 Gateways, %d for 100; want 2000 (each of the 1000 VirtualServices' two) for both", few, many)
	}
}
