package lint

import (
	"slices"

	"github.com/ingresskit/ingresskit/manifest"
	"github.com/ingresskit/ingresskit/simulate/nginx"
)

// nginxModel returns the ingress-nginx model of set's Ingresses, made once
// per run for each list of Ingresses. The routing index of an nginx class,
// the canary rules, nginx-duplicate-location and nginx-regex-host all read
// the configuration the controller renders, in the common case for the
// same Ingresses; making it was most of the time and memory of a run on a
// large input, four times over. The model depends on the
// Ingresses alone (nginx.Model), so lists equal in order share one.
func (s *shared) nginxModel(set *manifest.Set) *nginx.Model {
	s.nginxMu.Lock()
	defer s.nginxMu.Unlock()
	for _, m := range s.nginxModels {
		if slices.Equal(m.ings, set.Ingresses) {
			return m.model
		}
	}
	m := nginxModelOf{ings: set.Ingresses, model: nginx.NewModel(set)}
	s.nginxModels = append(s.nginxModels, m)
	return m.model
}

// nginxModelOf is a model and the Ingresses it was made of.
type nginxModelOf struct {
	ings  []*manifest.Ingress
	model *nginx.Model
}

// dropNginxModels forgets the models made so far, once the rules that
// read them ran, so that the collector can reclaim them.
func (s *shared) dropNginxModels() {
	s.nginxMu.Lock()
	defer s.nginxMu.Unlock()
	s.nginxModels = nil
}
