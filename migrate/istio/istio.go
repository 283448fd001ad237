// Package istio translates what istiod does with an Ingress of the istio
// class (istio/istio pilot/pkg/config/kube/ingress: virtualservices.go,
// gateways.go) into Gateway API: its path reading (paths.go) and its
// defaultBackend, which it ignores. It registers itself with migrate for
// the "istio" profile (simulate/istioingress).
package istio

import (
	gwv1 "sigs.k8s.io/gateway-api/apis/v1"

	"github.com/ingresskit/ingresskit/manifest"
	"github.com/ingresskit/ingresskit/migrate"
)

func init() { migrate.Register(provider{}) }

// provider is the istiod Ingress provider.
type provider struct{}

func (provider) Name() string { return "istio" }

func (provider) New(tr *migrate.Translation) migrate.IngressTranslator {
	return &translation{tr: tr}
}

// translation is the provider's state for one input.
type translation struct {
	tr *migrate.Translation
}

// Ingress reads one Ingress as istiod converts it.
func (t *translation) Ingress(ing *manifest.Ingress) migrate.Reader {
	if ing.Spec.DefaultBackend != nil {
		t.tr.Report(ing, "spec.defaultBackend", migrate.Info, "istiod ignores spec.defaultBackend (it converts only the rules), so it is not translated either; add a catch-all rule if you meant it to answer")
	}
	return &reader{Base: migrate.Base{Tr: t.tr}, t: t, ing: ing}
}

// reader reads one Ingress.
type reader struct {
	migrate.Base
	t   *translation
	ing *manifest.Ingress
}

// DefaultMatch leaves spec.defaultBackend out: istiod converts only the
// rules (virtualservices.go convertIngressVirtualService reads
// spec.rules; the default backend becomes no route), so requests no rule
// matches get the ingress gateway's 404, as they do after the
// translation (Ingress reports it).
func (r *reader) DefaultMatch(*migrate.HostRoute) (gwv1.HTTPPathMatch, string, bool) {
	return gwv1.HTTPPathMatch{}, "", false
}
