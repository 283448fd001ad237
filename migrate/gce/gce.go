// Package gce translates what ingress-gce does with an Ingress into
// Gateway API: its path globs (paths.go). It registers itself with
// migrate for the "gce" profile.
package gce

import (
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
	return &reader{Base: migrate.Base{Tr: t.tr}, t: t, ing: ing}
}

// reader reads one Ingress.
type reader struct {
	migrate.Base
	t   *translation
	ing *manifest.Ingress
}
