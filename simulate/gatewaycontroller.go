package simulate

import (
	"fmt"
	"sort"
	"sync"
)

// GatewayController is what the engine knows of one Gateway API
// implementation beyond the specification, keyed by the
// spec.controllerName of its GatewayClasses. The Gateway API leaves the
// normalization of request paths to the implementation: HTTPPathMatch
// only forbids "//", "/./" and "/../" in Exact and PathPrefix values
// (sigs.k8s.io/gateway-api apis/v1/httproute_types.go, its CEL rules), and
// the conformance suite sends no path that needs normalizing. A Gateway
// data plane whose class names a registered controller reads paths as
// that implementation does; any other keeps NormalizePath.
type GatewayController struct {
	// ControllerName is the GatewayClass spec.controllerName, for
	// example "example.com/gateway-controller".
	ControllerName string
	// Classes names the GatewayClasses the implementation creates
	// itself when it is installed. A Gateway whose gatewayClassName is
	// one of them, and whose input holds no GatewayClass of that name, is
	// read as this controller's.
	Classes []string
	// NormalizePath turns a request path (no query string, starting with
	// "/") into the path the routes are matched against; ok=false when
	// the implementation answers 400 before any route. nil keeps
	// NormalizePath.
	NormalizePath func(path string) (normalized string, ok bool)
}

var (
	gatewayControllersMu sync.RWMutex
	gatewayControllers   = map[string]GatewayController{}
	gatewayClasses       = map[string]string{} // class name -> controllerName
)

// RegisterGatewayController makes a Gateway API implementation known to
// GatewayControllerFor. Packages that model an implementation call it
// from init; registering a controller or a class twice panics, as it is
// a programming error.
func RegisterGatewayController(c GatewayController) {
	gatewayControllersMu.Lock()
	defer gatewayControllersMu.Unlock()
	if c.ControllerName == "" {
		panic("simulate: gateway controller registered without a controllerName")
	}
	if _, dup := gatewayControllers[c.ControllerName]; dup {
		panic(fmt.Sprintf("simulate: gateway controller %q registered twice", c.ControllerName))
	}
	for _, class := range c.Classes {
		if other, dup := gatewayClasses[class]; dup {
			panic(fmt.Sprintf("simulate: GatewayClass %q registered by %q and %q", class, other, c.ControllerName))
		}
		gatewayClasses[class] = c.ControllerName
	}
	gatewayControllers[c.ControllerName] = c
}

// GatewayControllerFor returns the registered implementation of a
// Gateway's class: by controllerName, the spec.controllerName of the
// GatewayClass in the input, or by className when the input has no
// GatewayClass of that name (controllerName ""). ok is false for a
// controller nothing registered.
func GatewayControllerFor(className, controllerName string) (GatewayController, bool) {
	gatewayControllersMu.RLock()
	defer gatewayControllersMu.RUnlock()
	if controllerName == "" {
		controllerName = gatewayClasses[className]
	}
	c, ok := gatewayControllers[controllerName]
	return c, ok
}

// GatewayControllerNames returns the registered controllerNames, sorted.
func GatewayControllerNames() []string {
	gatewayControllersMu.RLock()
	defer gatewayControllersMu.RUnlock()
	names := make([]string, 0, len(gatewayControllers))
	for n := range gatewayControllers {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}
