package nginx

import (
	"sync"

	"github.com/ingresskit/ingresskit/manifest"
	"github.com/ingresskit/ingresskit/simulate"
)

// Model is the configuration ingress-nginx renders for one set of
// Ingresses (its servers and locations, see newNginxState), made once and
// read by all that ask about those Ingresses: the routing index (Profile),
// Canaries, DuplicateLocations and RegexHosts. Making it is most of the
// work of each, and lint asks all four about the same Ingresses: on a large
// input it was most of a run's time and memory, four times over.
//
// The configuration depends on the Ingresses of the set alone; it is made
// on first use, and a Model is safe for concurrent use.
type Model struct {
	set  *manifest.Set
	once sync.Once
	st   *nginxState
}

// NewModel returns the model of set's Ingresses.
func NewModel(set *manifest.Set) *Model { return &Model{set: set} }

func (m *Model) state() *nginxState {
	m.once.Do(func() { m.st = newNginxState(m.set) })
	return m.st
}

// Profile returns the profile bound to the model's Ingresses: compiling
// them with it (simulate.Compile binds it to the same Ingresses) reuses
// the model.
func (m *Model) Profile() simulate.Profile { return Profile{st: m.state()} }
