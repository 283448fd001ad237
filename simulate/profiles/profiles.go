// Package profiles links every controller profile and every kind of data
// plane into the engine. Each of them registers itself with package
// simulate from init (simulate.RegisterProfile, simulate.RegisterBuilder)
// and the engine iterates its registries without naming them, so a
// program that compiles with package simulate imports this package for
// its side effects:
//
//	import (
//		"github.com/ingresskit/ingresskit/simulate"
//		_ "github.com/ingresskit/ingresskit/simulate/profiles"
//	)
//
// A new profile or data plane adds one import here.
package profiles

import (
	// Ingress profiles.
	_ "github.com/ingresskit/ingresskit/simulate/alb"
	_ "github.com/ingresskit/ingresskit/simulate/gce"
	_ "github.com/ingresskit/ingresskit/simulate/istioingress"
	_ "github.com/ingresskit/ingresskit/simulate/nginx"
	_ "github.com/ingresskit/ingresskit/simulate/spec"

	// Data planes beside the Ingress classes.
	_ "github.com/ingresskit/ingresskit/simulate/gateway"
	_ "github.com/ingresskit/ingresskit/simulate/istio"
)
