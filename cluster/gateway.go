package cluster

import (
	"context"
	"sort"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	gwv1 "sigs.k8s.io/gateway-api/apis/v1"
	gwv1beta1 "sigs.k8s.io/gateway-api/apis/v1beta1"

	"github.com/ingresskit/ingresskit/manifest"
)

// The Gateway API group versions served by the standard-channel CRDs.
var (
	gatewayV1      = schema.GroupVersion{Group: manifest.GatewayGroup, Version: "v1"}
	gatewayV1beta1 = schema.GroupVersion{Group: manifest.GatewayGroup, Version: "v1beta1"}
)

// Gateway API resources the package reads, as the API server names them
// (sigs.k8s.io/gateway-api config/crd/standard, spec.names.plural).
var (
	GatewayClassesResource     = gatewayV1.WithResource("gatewayclasses")
	GatewaysResource           = gatewayV1.WithResource("gateways")
	HTTPRoutesResource         = gatewayV1.WithResource("httproutes")
	GRPCRoutesResource         = gatewayV1.WithResource("grpcroutes")
	ReferenceGrantsResource    = gatewayV1.WithResource("referencegrants")
	BackendTLSPoliciesResource = gatewayV1.WithResource("backendtlspolicies")
	// ReferenceGrantsV1beta1Resource is read when the installed CRDs
	// serve ReferenceGrant only as v1beta1 (releases before v1.5).
	ReferenceGrantsV1beta1Resource = gatewayV1beta1.WithResource("referencegrants")
)

func init() {
	skipped[GatewayClassesResource] = "GatewayClass checks are skipped"
	skipped[GatewaysResource] = "Gateway and listener checks are skipped"
	skipped[HTTPRoutesResource] = "HTTPRoutes are not read"
	skipped[GRPCRoutesResource] = "GRPCRoutes are not read"
	skipped[ReferenceGrantsResource] = "cross-namespace reference checks are skipped"
	skipped[ReferenceGrantsV1beta1Resource] = skipped[ReferenceGrantsResource]
	skipped[BackendTLSPoliciesResource] = "BackendTLSPolicies are not read"
}

// gatewayServed returns the Gateway API resources the cluster serves, by
// plural name, as discovery lists them for gateway.networking.k8s.io/v1
// (and v1beta1 for ReferenceGrant). A group that is not served at all (the
// CRDs are not installed) gives an empty map and no error.
func (r *reader) gatewayServed() (map[string]schema.GroupVersionResource, error) {
	return r.served(gatewayV1beta1, gatewayV1)
}

// gatewayObjects reads the Gateway API kinds the cluster serves. Routes are
// read in the namespace asked for; GatewayClasses, Gateways and
// ReferenceGrants are read in every namespace when that is allowed, since a
// route attaches to Gateways and a grant lives beside the objects it
// shares, usually in other namespaces. It returns the namespaces the routes
// and Gateways reference (backendRefs, certificateRefs), so that their
// Services and Secrets can be read too.
func (r *reader) gatewayObjects(ctx context.Context, ns string) ([]string, error) {
	if err := r.gatewayKinds(ctx, ns, true); err != nil {
		return nil, err
	}
	return referencedNamespaces(&r.snap.Set.GatewayObjects), nil
}

// gatewayKinds reads the Gateway API kinds the cluster serves into the
// snapshot's set: GatewayClasses, Gateways and ReferenceGrants, and with
// routes set the HTTPRoutes, GRPCRoutes and BackendTLSPolicies of ns too.
// It records in Snapshot.GatewayAPI whether the group is served.
func (r *reader) gatewayKinds(ctx context.Context, ns string, routes bool) error {
	served, err := r.gatewayServed()
	if err != nil {
		return err
	}
	r.snap.GatewayAPI = len(served) > 0
	if !r.snap.GatewayAPI {
		return nil
	}
	g := &r.snap.Set.GatewayObjects
	v1 := func(name string) bool {
		return served[name] == gatewayV1.WithResource(name)
	}
	api, beta := r.c.Gateway.GatewayV1(), r.c.Gateway.GatewayV1beta1()
	src := func(ns, kind, name string) (metav1.TypeMeta, manifest.Source) {
		return metav1.TypeMeta{APIVersion: manifest.GatewayV1, Kind: kind},
			manifest.Source{Pos: ObjectPos(ns, kind, name), APIVersion: manifest.GatewayV1}
	}
	if v1("gatewayclasses") {
		items, err := readKind(ctx, r, GatewayClassesResource, "", false,
			func(string) lister[*gwv1.GatewayClassList] { return api.GatewayClasses() },
			func(l *gwv1.GatewayClassList) []gwv1.GatewayClass { return l.Items })
		if err != nil {
			return err
		}
		for i := range items {
			o := &manifest.GatewayClass{GatewayClass: items[i]}
			o.TypeMeta, o.Source = src("", "GatewayClass", o.Name)
			g.GatewayClasses = append(g.GatewayClasses, o)
		}
	}
	if v1("gateways") {
		items, err := readKind(ctx, r, GatewaysResource, ns, true,
			func(ns string) lister[*gwv1.GatewayList] { return api.Gateways(ns) },
			func(l *gwv1.GatewayList) []gwv1.Gateway { return l.Items })
		if err != nil {
			return err
		}
		for i := range items {
			o := &manifest.Gateway{Gateway: items[i]}
			o.TypeMeta, o.Source = src(o.Namespace, "Gateway", o.Name)
			g.Gateways = append(g.Gateways, o)
		}
	}
	if routes && v1("httproutes") {
		items, err := readKind(ctx, r, HTTPRoutesResource, ns, false,
			func(ns string) lister[*gwv1.HTTPRouteList] {
				return selecting(api.HTTPRoutes(ns), r.opts.LabelSelector)
			},
			func(l *gwv1.HTTPRouteList) []gwv1.HTTPRoute { return l.Items })
		if err != nil {
			return err
		}
		for i := range items {
			o := &manifest.HTTPRoute{HTTPRoute: items[i]}
			o.TypeMeta, o.Source = src(o.Namespace, "HTTPRoute", o.Name)
			g.HTTPRoutes = append(g.HTTPRoutes, o)
		}
	}
	if routes && v1("grpcroutes") {
		items, err := readKind(ctx, r, GRPCRoutesResource, ns, false,
			func(ns string) lister[*gwv1.GRPCRouteList] {
				return selecting(api.GRPCRoutes(ns), r.opts.LabelSelector)
			},
			func(l *gwv1.GRPCRouteList) []gwv1.GRPCRoute { return l.Items })
		if err != nil {
			return err
		}
		for i := range items {
			o := &manifest.GRPCRoute{GRPCRoute: items[i]}
			o.TypeMeta, o.Source = src(o.Namespace, "GRPCRoute", o.Name)
			g.GRPCRoutes = append(g.GRPCRoutes, o)
		}
	}
	switch res, ok := served["referencegrants"]; {
	case ok && res == ReferenceGrantsResource:
		items, err := readKind(ctx, r, ReferenceGrantsResource, ns, true,
			func(ns string) lister[*gwv1.ReferenceGrantList] { return api.ReferenceGrants(ns) },
			func(l *gwv1.ReferenceGrantList) []gwv1.ReferenceGrant { return l.Items })
		if err != nil {
			return err
		}
		r.addGrants(items, manifest.GatewayV1)
	case ok:
		// v1beta1.ReferenceGrant has the v1 type's shape (apis/v1beta1
		// referencegrant_types.go defines it from v1.ReferenceGrant).
		items, err := readKind(ctx, r, ReferenceGrantsV1beta1Resource, ns, true,
			func(ns string) lister[*gwv1beta1.ReferenceGrantList] { return beta.ReferenceGrants(ns) },
			func(l *gwv1beta1.ReferenceGrantList) []gwv1.ReferenceGrant {
				conv := make([]gwv1.ReferenceGrant, len(l.Items))
				for i := range l.Items {
					conv[i] = gwv1.ReferenceGrant(l.Items[i])
				}
				return conv
			})
		if err != nil {
			return err
		}
		r.addGrants(items, manifest.GatewayV1beta1)
	}
	if routes && v1("backendtlspolicies") {
		items, err := readKind(ctx, r, BackendTLSPoliciesResource, ns, false,
			func(ns string) lister[*gwv1.BackendTLSPolicyList] { return api.BackendTLSPolicies(ns) },
			func(l *gwv1.BackendTLSPolicyList) []gwv1.BackendTLSPolicy { return l.Items })
		if err != nil {
			return err
		}
		for i := range items {
			o := &manifest.BackendTLSPolicy{BackendTLSPolicy: items[i]}
			o.TypeMeta, o.Source = src(o.Namespace, "BackendTLSPolicy", o.Name)
			g.BackendTLSPolicies = append(g.BackendTLSPolicies, o)
		}
	}
	return nil
}

// lister is the List method of a typed client of one resource.
type lister[L any] interface {
	List(context.Context, metav1.ListOptions) (L, error)
}

// selectLister sends a label selector (Options.LabelSelector) with every
// list call of l.
type selectLister[L any] struct {
	l        lister[L]
	selector string
}

func (s selectLister[L]) List(ctx context.Context, lo metav1.ListOptions) (L, error) {
	lo.LabelSelector = s.selector
	return s.l.List(ctx, lo)
}

// selecting returns l with the label selector sent on each list call.
func selecting[L any](l lister[L], selector string) lister[L] {
	return selectLister[L]{l: l, selector: selector}
}

// readKind lists one resource through a typed client, page by page: in ns
// (list), or with wide in every namespace when allowed (listWide). client
// gives the resource's client for a namespace and items the objects of a
// page.
func readKind[L interface{ GetContinue() string }, T any](ctx context.Context, r *reader, res schema.GroupVersionResource, ns string, wide bool,
	client func(ns string) lister[L], items func(L) []T) ([]T, error) {
	fn := func(ctx context.Context, ns string, lo metav1.ListOptions) ([]T, string, error) {
		l, err := client(ns).List(ctx, lo)
		if err != nil {
			return nil, "", err
		}
		return items(l), l.GetContinue(), nil
	}
	if wide {
		return listWide(ctx, r, res, ns, fn)
	}
	return list(ctx, r, res, ns, fn)
}

func (r *reader) addGrants(items []gwv1.ReferenceGrant, apiVersion string) {
	for i := range items {
		o := &manifest.ReferenceGrant{ReferenceGrant: items[i]}
		o.TypeMeta = metav1.TypeMeta{APIVersion: manifest.GatewayV1, Kind: "ReferenceGrant"}
		o.Source = manifest.Source{Pos: ObjectPos(o.Namespace, "ReferenceGrant", o.Name), APIVersion: apiVersion}
		r.snap.Set.ReferenceGrants = append(r.snap.Set.ReferenceGrants, o)
	}
}

// list reads one resource in ns; a refusal becomes a Warning.
func list[T any](ctx context.Context, r *reader, res schema.GroupVersionResource, ns string, fn func(context.Context, string, metav1.ListOptions) ([]T, string, error)) ([]T, error) {
	items, err := paginate(ctx, r.pageSize(), func(ctx context.Context, lo metav1.ListOptions) ([]T, string, error) {
		return fn(ctx, ns, lo)
	})
	if err != nil && !r.forbidden(err, res, ns) {
		return nil, r.fail(err)
	}
	return items, nil
}

// listWide reads res in every namespace, and when that is refused and ns
// is a namespace, in ns alone: the objects of other namespaces are then
// unknown, which the Warning says.
func listWide[T any](ctx context.Context, r *reader, res schema.GroupVersionResource, ns string, fn func(context.Context, string, metav1.ListOptions) ([]T, string, error)) ([]T, error) {
	if ns == "" {
		return list(ctx, r, res, "", fn)
	}
	items, err := paginate(ctx, r.pageSize(), func(ctx context.Context, lo metav1.ListOptions) ([]T, string, error) {
		return fn(ctx, "", lo)
	})
	if err == nil {
		return items, nil
	}
	if !apierrors.IsForbidden(err) {
		return nil, r.fail(err)
	}
	r.forbidden(err, res, "")
	return list(ctx, r, res, ns, fn)
}

// referencedNamespaces returns the namespaces, sorted, that the routes'
// backendRefs and the Gateways' certificateRefs point into.
func referencedNamespaces(g *manifest.GatewayObjects) []string {
	seen := map[string]bool{}
	add := func(ns *gwv1.Namespace, own string) {
		if ns != nil && *ns != "" {
			seen[string(*ns)] = true
		} else {
			seen[own] = true
		}
	}
	for _, rt := range g.HTTPRoutes {
		for _, rule := range rt.Spec.Rules {
			for _, b := range rule.BackendRefs {
				add(b.Namespace, rt.Namespace)
			}
		}
	}
	for _, rt := range g.GRPCRoutes {
		for _, rule := range rt.Spec.Rules {
			for _, b := range rule.BackendRefs {
				add(b.Namespace, rt.Namespace)
			}
		}
	}
	for _, gw := range g.Gateways {
		for _, l := range gw.Spec.Listeners {
			if l.TLS == nil {
				continue
			}
			for _, c := range l.TLS.CertificateRefs {
				add(c.Namespace, gw.Namespace)
			}
		}
	}
	return sortedKeys(seen)
}

// sortedKeys returns the keys of m, sorted.
func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
