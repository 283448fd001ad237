// Package gce translates what ingress-gce does with an Ingress into
// Gateway API: its path globs (paths.go), the FrontendConfig's HTTPS
// redirect (frontendconfig.go), the BackendConfig's timeout and fixed
// custom headers and the reports of its other settings
// (backendconfig.go), and the reports of its other annotations
// (annotations.go). It
// registers itself with migrate for the "gce" profile.
package gce

import (
	"fmt"

	"github.com/ingresskit/ingresskit/manifest"
	"github.com/ingresskit/ingresskit/migrate"
)

func init() { migrate.Register(provider{}) }

// provider is the ingress-gce provider.
type provider struct{}

func (provider) Name() string { return "gce" }

func (provider) New(tr *migrate.Translation) migrate.IngressTranslator {
	return &translation{tr: tr}
}

// translation is the provider's state for one input.
type translation struct {
	tr *migrate.Translation
}

// Ingress reads one Ingress as ingress-gce does.
func (t *translation) Ingress(ing *manifest.Ingress) migrate.Reader {
	r := &reader{Base: migrate.Base{Tr: t.tr}, t: t, ing: ing, seen: map[string]bool{}}
	r.annotations()
	r.frontendConfig()
	for ri, rule := range ing.Spec.Rules {
		if rule.HTTP == nil {
			continue
		}
		for pi, p := range rule.HTTP.Paths {
			r.backendConfig(p.Backend, fmt.Sprintf("spec.rules[%d].http.paths[%d].backend", ri, pi))
		}
	}
	if b := ing.Spec.DefaultBackend; b != nil {
		r.backendConfig(*b, "spec.defaultBackend")
	}
	return r
}

// reader reads one Ingress.
type reader struct {
	migrate.Base
	t   *translation
	ing *manifest.Ingress
	// redirect is the FrontendConfig's HTTPS redirect, from the
	// FrontendConfig redirectFrom.
	redirect     *migrate.HTTPSRedirect
	redirectFrom string
	// seen are the Service ports whose BackendConfig is reported.
	seen map[string]bool
}
