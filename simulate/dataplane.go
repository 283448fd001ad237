package simulate

import (
	"fmt"
	"sort"
	"sync"

	"github.com/ingresskit/ingresskit/manifest"
)

// DataPlane is what one address serves: the Ingresses of one
// controller's class, one Gateway with the routes attached to it, or one
// Istio gateway. Every answer names the data plane that gave it
// (Decision.DataPlane), so simulate, test, proxy, lint and the migration
// check, which all ask data planes, can never disagree.
//
// Implementations must be safe for concurrent use once built.
type DataPlane interface {
	// Name identifies the data plane in answers, for example
	// "ingress class nginx" or "gateway infra/prod".
	Name() string
	// Kind is the kind of data plane, the name its builder was registered
	// with ("ingress", "gateway", ...).
	Kind() string
	// Serves reports whether req reaches this data plane at all: some
	// route or listener of it accepts the request's host (and port, where
	// the data plane has ports). Requests are routed only by the data
	// planes that serve them.
	Serves(req Request) bool
	// Lookup answers one request.
	Lookup(req Request) Decision
	// Explain answers one request like Lookup and fills
	// Decision.Candidates with every rule considered and why it lost.
	Explain(req Request) Decision
}

// Builder makes the data planes of one kind from a set: one per
// controller class for Ingress, one per Gateway for the Gateway API. It
// returns no data plane, and no error, when the set has nothing of its
// kind. The set is the applied view (manifest.Set.Applied).
type Builder func(set *manifest.Set, opts Options) ([]DataPlane, error)

var (
	buildersMu sync.RWMutex
	builders   = map[string]Builder{}
)

// RegisterBuilder makes the builder of data planes of kind known to
// BuildDataPlanes. Packages that model a kind of data plane call it from
// init; registering a kind twice panics, as it is a programming error.
func RegisterBuilder(kind string, b Builder) {
	buildersMu.Lock()
	defer buildersMu.Unlock()
	if _, dup := builders[kind]; dup {
		panic(fmt.Sprintf("simulate: data plane kind %q registered twice", kind))
	}
	builders[kind] = b
}

// BuilderKinds returns the registered kinds, sorted.
func BuilderKinds() []string {
	buildersMu.RLock()
	defer buildersMu.RUnlock()
	kinds := make([]string, 0, len(builders))
	for k := range builders {
		kinds = append(kinds, k)
	}
	sort.Strings(kinds)
	return kinds
}

// BuildDataPlanes builds the data planes of every registered kind from
// set, in the order of BuilderKinds and then of each builder's result.
func BuildDataPlanes(set *manifest.Set, opts Options) ([]DataPlane, error) {
	applied := set.Applied()
	var planes []DataPlane
	for _, kind := range BuilderKinds() {
		buildersMu.RLock()
		b := builders[kind]
		buildersMu.RUnlock()
		ps, err := b(applied, opts)
		if err != nil {
			return nil, fmt.Errorf("%s data planes: %w", kind, err)
		}
		planes = append(planes, ps...)
	}
	return planes, nil
}

// RouteAll answers req on each data plane that serves it, in the order of
// planes. With explain set the answers list their candidates.
func RouteAll(planes []DataPlane, req Request, explain bool) []Decision {
	var out []Decision
	for _, p := range planes {
		if !p.Serves(req) {
			continue
		}
		var d Decision
		if explain {
			d = p.Explain(req)
		} else {
			d = p.Lookup(req)
		}
		if d.DataPlane == "" {
			d.DataPlane = p.Name()
		}
		out = append(out, d)
	}
	return out
}

// Answer is RouteAll, with one answer when no data plane serves req: the
// plane's own unmatched answer when there is one plane, else a "no
// match" that names no data plane and says that none serves the host.
func Answer(planes []DataPlane, req Request, explain bool) []Decision {
	if out := RouteAll(planes, req, explain); len(out) > 0 || len(planes) == 0 {
		return out
	}
	if len(planes) == 1 {
		p := planes[0]
		var d Decision
		if explain {
			d = p.Explain(req)
		} else {
			d = p.Lookup(req)
		}
		d.DataPlane = p.Name()
		return []Decision{d}
	}
	host := CanonicalHost(req.Host)
	return []Decision{{
		URL: req.String(), Rule: -1, PathIndex: -1, RequestHost: host,
		NormalizedPath: NormalizePath(RequestPath(req.Path)),
		Notes:          []string{fmt.Sprintf("no data plane serves host %s: none of the %d in the input has a rule for it", host, len(planes))},
	}}
}
