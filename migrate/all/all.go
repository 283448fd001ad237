// Package all registers every migrate provider: import it for its side
// effect where Ingresses of any controller are translated.
//
//	import _ "github.com/ingresskit/ingresskit/migrate/all"
package all

import (
	// Each provider registers itself in init.
	_ "github.com/ingresskit/ingresskit/migrate/alb"
	_ "github.com/ingresskit/ingresskit/migrate/gce"
	_ "github.com/ingresskit/ingresskit/migrate/istio"
	_ "github.com/ingresskit/ingresskit/migrate/nginx"
)
