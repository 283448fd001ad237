package cluster

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/ingresskit/ingresskit/manifest"
)

// The Istio networking versions, oldest first: the CRDs of istio/istio
// (manifests/charts/base) serve v1alpha3, v1beta1 and, since Istio 1.22,
// v1, all with one schema.
var istioVersions = []string{"v1alpha3", "v1beta1", "v1"}

// Istio resources the package reads, as the API server names them (the
// CRDs' spec.names.plural), in their newest version; the version read is
// the newest the cluster serves.
var (
	IstioGatewaysResource    = schema.GroupVersionResource{Group: manifest.IstioGroup, Version: "v1", Resource: "gateways"}
	VirtualServicesResource  = schema.GroupVersionResource{Group: manifest.IstioGroup, Version: "v1", Resource: "virtualservices"}
	DestinationRulesResource = schema.GroupVersionResource{Group: manifest.IstioGroup, Version: "v1", Resource: "destinationrules"}
	ServiceEntriesResource   = schema.GroupVersionResource{Group: manifest.IstioGroup, Version: "v1", Resource: "serviceentries"}
)

func init() {
	for _, v := range istioVersions {
		skipped[IstioGatewaysResource.GroupResource().WithVersion(v)] = "Istio Gateways are not read"
		skipped[VirtualServicesResource.GroupResource().WithVersion(v)] = "VirtualServices are not read"
		skipped[DestinationRulesResource.GroupResource().WithVersion(v)] = "DestinationRules are not read"
		skipped[ServiceEntriesResource.GroupResource().WithVersion(v)] = "ServiceEntries are not read"
	}
}

// istioServed returns the Istio networking resources the cluster serves,
// by plural name, each in the newest version discovery lists. A group
// that is not served at all (Istio is not installed) gives an empty map
// and no error.
func (r *reader) istioServed() (map[string]schema.GroupVersionResource, error) {
	gvs := make([]schema.GroupVersion, len(istioVersions))
	for i, v := range istioVersions {
		gvs[i] = schema.GroupVersion{Group: manifest.IstioGroup, Version: v}
	}
	return r.served(gvs...)
}

// istioObjects reads the Istio Gateways (in every namespace when allowed:
// a VirtualService binds to Gateways of other namespaces, such as
// istio-system), and, with routes set, the VirtualServices and
// DestinationRules of ns and the ServiceEntries of every namespace, as the cluster serves them; it records in
// Snapshot.Istio whether the group is served. It returns the namespaces
// the VirtualServices' destinations, delegates and Gateways' credentials
// point into.
func (r *reader) istioObjects(ctx context.Context, ns string, routes bool) ([]string, error) {
	served, err := r.istioServed()
	if err != nil {
		return nil, err
	}
	r.snap.Istio = len(served) > 0
	is := &r.snap.Set.IstioObjects
	if res, ok := served["gateways"]; ok {
		err := readIstio(ctx, r, res, ns, true, "Gateway.networking.istio.io", func(o *manifest.IstioGateway, src manifest.Source) {
			o.Source = src
			is.IstioGateways = append(is.IstioGateways, o)
		})
		if err != nil {
			return nil, err
		}
	}
	if res, ok := served["virtualservices"]; ok && routes {
		err := readIstio(ctx, r, res, ns, false, "VirtualService", func(o *manifest.VirtualService, src manifest.Source) {
			o.Source = src
			is.VirtualServices = append(is.VirtualServices, o)
		})
		if err != nil {
			return nil, err
		}
	}
	if res, ok := served["destinationrules"]; ok && routes {
		err := readIstio(ctx, r, res, ns, false, "DestinationRule", func(o *manifest.DestinationRule, src manifest.Source) {
			o.Source = src
			is.DestinationRules = append(is.DestinationRules, o)
		})
		if err != nil {
			return nil, err
		}
	}
	if res, ok := served["serviceentries"]; ok {
		// A ServiceEntry is visible in every namespace unless its
		// exportTo says otherwise (ServiceEntry.exportTo), so all
		// namespaces are read when allowed, as for Gateways.
		err := readIstio(ctx, r, res, ns, true, "ServiceEntry", func(o *manifest.ServiceEntry, src manifest.Source) {
			o.Source = src
			is.ServiceEntries = append(is.ServiceEntries, o)
		})
		if err != nil {
			return nil, err
		}
	}
	return istioNamespaces(is), nil
}

// readIstio lists res through the dynamic client, as list or listWide
// do, and decodes each object into T by its JSON form, which is the
// shape of the manifest types.
func readIstio[T any](ctx context.Context, r *reader, res schema.GroupVersionResource, ns string, wide bool, kind string, add func(*T, manifest.Source)) error {
	fn := func(ctx context.Context, ns string, lo metav1.ListOptions) ([]unstructured.Unstructured, string, error) {
		l, err := r.c.Dynamic.Resource(res).Namespace(ns).List(ctx, lo)
		if err != nil {
			return nil, "", err
		}
		return l.Items, l.GetContinue(), nil
	}
	var items []unstructured.Unstructured
	var err error
	if wide {
		items, err = listWide(ctx, r, res, ns, fn)
	} else {
		items, err = list(ctx, r, res, ns, fn)
	}
	if err != nil {
		return err
	}
	apiVersion := res.GroupVersion().String()
	for i := range items {
		u := &items[i]
		data, err := u.MarshalJSON()
		if err != nil {
			return r.fail(err)
		}
		o := new(T)
		if err := json.Unmarshal(data, o); err != nil {
			// The API server validated the object against the CRD; a
			// field of another shape is a schema this model does not
			// know.
			return r.fail(fmt.Errorf("%s %s/%s: %w", kind, u.GetNamespace(), u.GetName(), err))
		}
		add(o, manifest.Source{Pos: ObjectPos(u.GetNamespace(), kind, u.GetName()), APIVersion: apiVersion})
	}
	return nil
}

// istioNamespaces returns the namespaces, sorted, that the
// VirtualServices' destinations and delegates name: a destination host
// name.namespace[.svc...] (Destination.host) or a delegate's namespace.
func istioNamespaces(is *manifest.IstioObjects) []string {
	seen := map[string]bool{}
	for _, vs := range is.VirtualServices {
		seen[vs.Namespace] = true
		for _, h := range vs.Spec.HTTP {
			if h.Delegate != nil && h.Delegate.Namespace != "" {
				seen[h.Delegate.Namespace] = true
			}
			for _, d := range h.Route {
				parts := strings.Split(d.Destination.Host, ".")
				if len(parts) == 2 || (len(parts) > 2 && parts[2] == "svc") {
					seen[parts[1]] = true
				}
			}
		}
	}
	for _, gw := range is.IstioGateways {
		for _, s := range gw.Spec.Servers {
			if s.TLS != nil && s.TLS.CredentialName != "" {
				seen[gw.Namespace] = true
			}
		}
	}
	return sortedKeys(seen)
}
