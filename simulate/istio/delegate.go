package istio

import (
	"strings"

	"github.com/ingresskit/ingresskit/manifest"
)

// mergeDelegate returns a delegate VirtualService's route as it runs in
// place of the root route that delegates to it, as istiod merges them
// (istio/istio pilot/pkg/model/virtualservice.go, mergeHTTPRoute):
//
//   - each match of the delegate route is merged with every match of the
//     root route it does not conflict with (mergeMatch); a delegate match
//     that conflicts with all of them drops the whole route (ok=false),
//     as does a root and a delegate with matches none of which merge;
//   - a route without match takes the other's matches;
//   - rewrite, directResponse, headers, mirror, mirrorPercentage,
//     mirrorPercent and mirrors the delegate route leaves out come from
//     the root route.
func mergeDelegate(root, child manifest.IstioHTTPRoute) (manifest.IstioHTTPRoute, bool) {
	out := child
	switch {
	case len(root.Match) == 0:
	case len(child.Match) == 0:
		out.Match = root.Match
	default:
		var merged []manifest.IstioHTTPMatch
		for _, cm := range child.Match {
			found := false
			for _, rm := range root.Match {
				if matchConflict(rm, cm) {
					continue
				}
				merged = append(merged, mergeMatch(rm, cm))
				found = true
			}
			if !found {
				return out, false
			}
		}
		out.Match = merged
	}
	if out.Rewrite == nil {
		out.Rewrite = root.Rewrite
	}
	if out.DirectResponse == nil {
		out.DirectResponse = root.DirectResponse
	}
	if out.Headers == nil {
		out.Headers = root.Headers
	}
	if out.Mirror == nil {
		out.Mirror = root.Mirror
	}
	if out.MirrorPercentage == nil {
		out.MirrorPercentage = root.MirrorPercentage
	}
	if out.MirrorPercent == nil {
		out.MirrorPercent = root.MirrorPercent
	}
	if out.Mirrors == nil {
		out.Mirrors = root.Mirrors
	}
	return out, true
}

// mergeMatch is a delegate match within a root match: the delegate's
// conditions, the root's where the delegate has none, header, header
// absence and query parameter conditions of both, the delegate's winning
// for one name (virtualservice.go, mergeHTTPMatchRequest).
func mergeMatch(root, child manifest.IstioHTTPMatch) manifest.IstioHTTPMatch {
	out := child
	if out.URI == nil {
		out.URI = root.URI
	}
	if out.Scheme == nil {
		out.Scheme = root.Scheme
	}
	if out.Method == nil {
		out.Method = root.Method
	}
	if out.Authority == nil {
		out.Authority = root.Authority
	}
	out.Headers = mergeConditions(root.Headers, child.Headers)
	out.WithoutHeaders = mergeConditions(root.WithoutHeaders, child.WithoutHeaders)
	out.QueryParams = mergeConditions(root.QueryParams, child.QueryParams)
	if out.Port == 0 {
		out.Port = root.Port
	}
	if len(out.Gateways) == 0 {
		out.Gateways = root.Gateways
	}
	return out
}

func mergeConditions(root, child map[string]manifest.IstioStringMatch) map[string]manifest.IstioStringMatch {
	if len(root) == 0 {
		return child
	}
	out := make(map[string]manifest.IstioStringMatch, len(root)+len(child))
	for k, v := range root {
		out[k] = v
	}
	for k, v := range child {
		out[k] = v
	}
	return out
}

// matchConflict reports whether a delegate match cannot be narrowed from
// a root match: a condition of the delegate is no subset of the root's
// (virtualservice.go, hasConflict), ignoreUriCase differs, or both name
// different ports.
func matchConflict(root, leaf manifest.IstioHTTPMatch) bool {
	pairs := [][2]*manifest.IstioStringMatch{{root.URI, leaf.URI}, {root.Scheme, leaf.Scheme}, {root.Method, leaf.Method}, {root.Authority, leaf.Authority}}
	for _, p := range pairs {
		if stringConflict(p[0], p[1]) {
			return true
		}
	}
	for _, kv := range [][2]map[string]manifest.IstioStringMatch{{root.Headers, leaf.Headers}, {root.WithoutHeaders, leaf.WithoutHeaders}, {root.QueryParams, leaf.QueryParams}} {
		for name, lm := range kv[1] {
			lm := lm
			var rm *manifest.IstioStringMatch
			if v, ok := kv[0][name]; ok {
				rm = &v
			}
			if stringConflict(rm, &lm) {
				return true
			}
		}
	}
	if root.IgnoreURICase != leaf.IgnoreURICase {
		return true
	}
	if root.Port > 0 && leaf.Port > 0 && root.Port != leaf.Port {
		return true
	}
	if len(root.Gateways) > 0 && len(leaf.Gateways) > 0 {
		for _, g := range leaf.Gateways {
			in := false
			for _, r := range root.Gateways {
				in = in || r == g
			}
			if !in {
				return true
			}
		}
	}
	return false
}

// stringConflict reports whether a delegate's StringMatch is no subset of
// the root's (virtualservice.go, stringMatchConflict): either absent is
// no conflict; a regex on either side conflicts with any other match;
// under an exact root the delegate must be the same exact value; under a
// prefix root, a prefix or exact value that starts with it.
func stringConflict(root, leaf *manifest.IstioStringMatch) bool {
	switch {
	case root == nil || leaf == nil:
		return false
	case root.Regex != "" || leaf.Regex != "":
		return true
	case root.Exact != "":
		return leaf.Exact != root.Exact
	case root.Prefix != "" && leaf.Prefix != "":
		return !strings.HasPrefix(leaf.Prefix, root.Prefix)
	case root.Prefix != "" && leaf.Exact != "":
		return !strings.HasPrefix(leaf.Exact, root.Prefix)
	}
	return true
}
