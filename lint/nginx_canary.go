package lint

import (
	"strconv"
	"strings"

	"github.com/ingresskit/ingresskit/manifest"
	"github.com/ingresskit/ingresskit/simulate/nginx"
)

// Canary annotations of ingress-nginx
// (internal/ingress/annotations/canary/main.go).
const (
	annotationCanary              = nginxPrefix + "canary"
	annotationCanaryWeight        = nginxPrefix + "canary-weight"
	annotationCanaryWeightTotal   = nginxPrefix + "canary-weight-total"
	annotationCanaryHeader        = nginxPrefix + "canary-by-header"
	annotationCanaryHeaderValue   = nginxPrefix + "canary-by-header-value"
	annotationCanaryHeaderPattern = nginxPrefix + "canary-by-header-pattern"
	annotationCanaryCookie        = nginxPrefix + "canary-by-cookie"
)

// isNginxCanary reports whether ingress-nginx serves ing as a canary:
// the canary annotation parses as true (parser.GetBoolAnnotation,
// strconv.ParseBool).
func (p *Pass) isNginxCanary(ing *manifest.Ingress) bool {
	if p.controllerOf(ing) != controllerNginx {
		return false
	}
	b, err := strconv.ParseBool(strings.TrimSpace(ing.Annotations[annotationCanary]))
	return err == nil && b
}

// nginxCanaries returns what ingress-nginx makes of every canary path, for
// each routing group (class) it serves, computed once per run.
func (s *shared) nginxCanaries() []*nginx.CanaryPath {
	s.canaryOnce.Do(func() {
		groups := map[string][]*manifest.Ingress{}
		var keys []string
		canary := map[string]bool{}
		for _, ing := range s.set.Ingresses {
			if s.controllerOf(ing) != controllerNginx {
				continue
			}
			k := s.mergeKey(ing)
			if _, ok := groups[k]; !ok {
				keys = append(keys, k)
			}
			groups[k] = append(groups[k], ing)
			if _, ok := ing.Annotations[annotationCanary]; ok {
				canary[k] = true
			}
		}
		for _, k := range keys {
			if !canary[k] {
				continue
			}
			sub := s.set.WithIngresses(groups[k])
			s.canaries = append(s.canaries, s.nginxModel(sub.Applied()).Canaries()...)
		}
	})
	return s.canaries
}

// canaryPlace describes a canary path for messages: "host example.com
// path / (Prefix)".
func canaryPlace(c *nginx.CanaryPath) string {
	return hostLabel(c.Host) + " path " + orSlash(c.Path) + " (" + string(c.PathType) + ")"
}

func orSlash(path string) string {
	if path == "" {
		return "/"
	}
	return path
}
