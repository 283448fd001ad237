package simulate

import (
	"fmt"

	networkingv1 "k8s.io/api/networking/v1"

	"github.com/ingresskit/ingresskit/manifest"
)

// Reason says why a candidate rule won or lost.
type Reason string

// Reasons, as printed by --explain and in JSON.
const (
	// ReasonWon marks the rule that answers.
	ReasonWon Reason = "won"
	// ReasonOtherClass: the Ingress belongs to another IngressClass.
	ReasonOtherClass Reason = "other-class"
	// ReasonInvalid: the API server would reject the rule.
	ReasonInvalid Reason = "invalid"
	// ReasonHostMismatch: the rule's host does not match the request.
	ReasonHostMismatch Reason = "host-mismatch"
	// ReasonHostPrecedence: a rule of a more specific host answers.
	ReasonHostPrecedence Reason = "host-precedence"
	// ReasonNoFallThrough: a more specific host has rules, and the
	// profile does not fall through to less specific ones.
	ReasonNoFallThrough Reason = "no-fall-through"
	// ReasonPathMismatch: the rule's path does not match.
	ReasonPathMismatch Reason = "path-mismatch"
	// ReasonShorterPath: a longer path matches too.
	ReasonShorterPath Reason = "shorter-path"
	// ReasonPrefixVsExact: an Exact path of the same length matches too.
	ReasonPrefixVsExact Reason = "prefix-vs-exact"
	// ReasonConflict: an equally specific rule of an Ingress ordered
	// first by the profile (oldest, then namespace/name) wins.
	ReasonConflict Reason = "conflict"
	// ReasonDefaultBackend: a spec.defaultBackend not used, because a
	// rule matched or another Ingress's defaultBackend wins.
	ReasonDefaultBackend Reason = "default-backend"
)

// Candidate is one rule considered for a request.
type Candidate struct {
	// Ingress declares the rule.
	Ingress *manifest.Ingress
	// Rule and PathIndex index Ingress.Spec.Rules and its HTTP.Paths; -1
	// for a spec.defaultBackend.
	Rule, PathIndex int
	// Host, Path and PathType are as written.
	Host     string
	Path     string
	PathType networkingv1.PathType
	// Backend is where the rule sends requests.
	Backend networkingv1.IngressBackend
	// DefaultBackend is true for a spec.defaultBackend.
	DefaultBackend bool
	// Reason says why the rule won or lost.
	Reason Reason
	// Detail explains Reason for people.
	Detail string
	// Kind and Object name a rule of another kind than Ingress
	// ("HTTPRoute", namespace/name); Ingress is nil for them.
	Kind, Object string
	// MatchIndex indexes the match within the rule, for Kind rules.
	MatchIndex int
	// Pos is the position of a Kind rule's match.
	Pos manifest.Pos
}

// CandidateExplainer is implemented by a profile whose Decorate can
// change the engine's answer (answer from another rule, or from none):
// ExplainCandidates then sets the reasons of d.Candidates from the same
// decision, so that --explain agrees with the answer. It must leave
// ReasonWon on the candidate that answers d and on no other.
type CandidateExplainer interface {
	ExplainCandidates(d *Decision, req Request)
}

// Explain answers like Lookup and fills Decision.Candidates with every
// rule of every Ingress in the input, in Routes order followed by the
// rules left out, with the reason each won or lost. It costs a pass over
// all rules.
func (ix *Index) Explain(req Request) Decision {
	d, tried := ix.lookup(req)
	host := d.RequestHost
	path := d.NormalizedPath
	var winner *route
	for _, r := range ix.routes {
		if d.Matched && r.Ingress == d.Ingress && r.Rule == d.Rule && r.PathIndex == d.PathIndex && r.DefaultBackend == d.DefaultBackend {
			winner = r
		}
	}
	for _, r := range ix.routes {
		c := Candidate{Ingress: r.Ingress, Rule: r.Rule, PathIndex: r.PathIndex, Host: r.Host, Path: r.Path,
			PathType: r.PathType, Backend: r.Backend, DefaultBackend: r.DefaultBackend}
		c.Reason, c.Detail = ix.why(r, winner, tried, host, path)
		d.Candidates = append(d.Candidates, c)
	}
	if ce, ok := ix.profile.(CandidateExplainer); ok && ix.decorate {
		ce.ExplainCandidates(&d, req)
	}
	for _, ing := range ix.excluded {
		class := ing.Class()
		if class == "" {
			class = "the default class"
		} else {
			class = fmt.Sprintf("class %q", class)
		}
		for ri, rule := range ing.Spec.Rules {
			if rule.HTTP == nil {
				continue
			}
			for pi, hp := range rule.HTTP.Paths {
				pt := networkingv1.PathTypeImplementationSpecific
				if hp.PathType != nil {
					pt = *hp.PathType
				}
				d.Candidates = append(d.Candidates, Candidate{Ingress: ing, Rule: ri, PathIndex: pi, Host: rule.Host,
					Path: hp.Path, PathType: pt, Backend: hp.Backend, Reason: ReasonOtherClass,
					Detail: "the Ingress belongs to " + class})
			}
		}
		if b := ing.Spec.DefaultBackend; b != nil {
			d.Candidates = append(d.Candidates, Candidate{Ingress: ing, Rule: -1, PathIndex: -1, Backend: *b,
				DefaultBackend: true, Reason: ReasonOtherClass, Detail: "the Ingress belongs to " + class})
		}
	}
	return d
}

// why classifies one route against the winner.
func (ix *Index) why(r, winner *route, tried hostKind, host, path string) (Reason, string) {
	if r == winner {
		if r.DefaultBackend {
			return ReasonWon, "no rule matches; spec.defaultBackend answers"
		}
		if r.Match.Note != "" {
			return ReasonWon, "matches (" + r.Match.Note + ")"
		}
		return ReasonWon, "matches"
	}
	if r.invalid != "" {
		return ReasonInvalid, "ignored: " + r.invalid
	}
	if r.DefaultBackend {
		if winner != nil && winner.DefaultBackend {
			return ReasonDefaultBackend, "the defaultBackend of " + winner.Ingress.Key() + " is ordered first (oldest, then namespace/name)"
		}
		return ReasonDefaultBackend, "a rule matches, so no defaultBackend is used"
	}
	if !manifest.MatchHost(r.Host, host) {
		return ReasonHostMismatch, fmt.Sprintf("host %q does not match %q", r.Host, host)
	}
	matches := routeMatches(r, path)
	switch {
	case winner != nil && !winner.DefaultBackend && r.kind > winner.kind:
		if matches {
			return ReasonHostPrecedence, fmt.Sprintf("the more specific host %q answers", displayHost(winner.Host))
		}
		return ReasonPathMismatch, fmt.Sprintf("path %q does not match %q", r.Path, path)
	case r.kind > tried:
		return ReasonNoFallThrough, fmt.Sprintf("the %s profile does not fall through from a more specific host with rules", ix.profile.Name())
	case !matches:
		return ReasonPathMismatch, fmt.Sprintf("path %q (%s) does not match %q", r.Path, r.PathType, path)
	case winner == nil || winner.DefaultBackend || r.kind < winner.kind:
		// Unreachable for a consistent index: a matching route of a
		// tried group would have won.
		return ReasonPathMismatch, "not selected"
	case r.Match.Length < winner.Match.Length:
		return ReasonShorterPath, fmt.Sprintf("the longer path %q matches", winner.Path)
	case r.Match.Kind > winner.Match.Kind:
		return ReasonPrefixVsExact, fmt.Sprintf("the %s path %q of the same length wins", winner.PathType, winner.Path)
	default:
		return ReasonConflict, fmt.Sprintf("%s declares an equally specific rule and is ordered first (oldest creationTimestamp, then namespace/name)", winner.Ingress.Key())
	}
}

func displayHost(h string) string {
	if h == "" {
		return "*"
	}
	return h
}

// routeMatches reports whether r's path matches the normalized path.
func routeMatches(r *route, path string) bool {
	m := r.Match
	switch m.Kind {
	case MatchExact:
		return path == m.Path
	case MatchPrefix:
		key := m.Path
		if len(key) > 0 && key[len(key)-1] == '/' {
			key = key[:len(key)-1]
		}
		return len(path) >= len(key) && path[:len(key)] == key && (len(path) == len(key) || path[len(key)] == '/')
	default:
		return m.Match != nil && m.Match(path)
	}
}
