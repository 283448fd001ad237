package lint

import "github.com/ingresskit/ingresskit/manifest"

// IstioGatewayObject describes a networking.istio.io Gateway. Its kind is
// qualified by its group, as kubectl names it, so that it is not taken for
// a Gateway API Gateway of the same name.
func IstioGatewayObject(g *manifest.IstioGateway) Object {
	return Object{Kind: "Gateway." + manifest.IstioGroup, Namespace: g.Namespace, Name: g.Name, Source: &g.Source, Annotations: g.Annotations}
}

// VirtualServiceObject describes a VirtualService.
func VirtualServiceObject(v *manifest.VirtualService) Object {
	return Object{Kind: "VirtualService", Namespace: v.Namespace, Name: v.Name, Source: &v.Source, Annotations: v.Annotations}
}

// DestinationRuleObject describes a DestinationRule.
func DestinationRuleObject(d *manifest.DestinationRule) Object {
	return Object{Kind: "DestinationRule", Namespace: d.Namespace, Name: d.Name, Source: &d.Source, Annotations: d.Annotations}
}

// istioObjects returns every Istio networking object of set, kind by kind
// in input order.
func istioObjects(set *manifest.Set) []Object {
	out := make([]Object, 0, set.IstioObjects.Len())
	for _, o := range set.IstioGateways {
		out = append(out, IstioGatewayObject(o))
	}
	for _, o := range set.VirtualServices {
		out = append(out, VirtualServiceObject(o))
	}
	for _, o := range set.DestinationRules {
		out = append(out, DestinationRuleObject(o))
	}
	return out
}

// istioGateway returns the Istio Gateway namespace/name of set, or nil.
func istioGateway(set *manifest.Set, ns, name string) *manifest.IstioGateway {
	for _, g := range set.IstioGateways {
		if g.Namespace == ns && g.Name == name {
			return g
		}
	}
	return nil
}
