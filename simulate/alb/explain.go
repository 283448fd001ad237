package alb

import (
	"fmt"

	"github.com/ingresskit/ingresskit/simulate"
)

// ReasonPriority is the reason of a listener rule whose conditions hold
// but which comes after the rule that answers: the ALB evaluates the
// rules of a listener from the lowest priority number to the highest and
// the first match wins (Elastic Load Balancing, "Listener rules").
const ReasonPriority simulate.Reason = "priority"

var _ simulate.CandidateExplainer = Profile{}

// ExplainCandidates gives the rules of the IngressGroup that answers the
// reasons of the listener rules Decorate replays, rather than the
// Ingress specification's: the rule that answers is the first whose
// conditions hold, in the order the controller numbers them
// (pkg/ingress/model_build_listener_rules.go, buildListenerRules and
// sortIngressPaths), so a later rule that holds too loses by priority,
// not by path length or path type. Candidates of other groups, default
// backends and rejected rules keep the engine's reasons.
func (a Profile) ExplainCandidates(d *simulate.Decision, req simulate.Request) {
	st := a.state(d.Ingress)
	if len(st.groups) == 0 {
		return
	}
	r, _ := albRequestOf(d, req)
	group := st.groupFor(r)
	if group.broken != "" {
		return // refused: no rule answers
	}
	var notes []string
	holds := make([]bool, len(group.rules))
	win := -1
	for i, rule := range group.rules {
		holds[i] = rule.matches(r, &notes)
		if holds[i] && win < 0 {
			win = i
		}
	}
	for i := range d.Candidates {
		c := &d.Candidates[i]
		if c.Ingress == nil || c.DefaultBackend || c.Reason == simulate.ReasonInvalid || c.Reason == simulate.ReasonOtherClass {
			continue
		}
		idx := -1
		for j, rule := range group.rules {
			if rule.ing == c.Ingress && rule.rule == c.Rule && rule.index == c.PathIndex {
				idx = j
				break
			}
		}
		switch {
		case idx < 0:
			continue
		case idx == win:
			if c.Reason != simulate.ReasonWon {
				c.Reason = simulate.ReasonWon
				c.Detail = fmt.Sprintf("matches: listener rule %d of IngressGroup %s, the first whose conditions hold", idx+1, group.name)
			}
		case holds[idx]:
			w := group.rules[win]
			c.Reason = ReasonPriority
			c.Detail = fmt.Sprintf("listener rule %d (%s %q of %s) holds too and the ALB evaluates it first; this is rule %d",
				win+1, simulate.PathTypeOf(w.path), w.path.Path, w.ing.Key(), idx+1)
		default:
			switch c.Reason {
			case simulate.ReasonWon, simulate.ReasonShorterPath, simulate.ReasonPrefixVsExact, simulate.ReasonConflict, simulate.ReasonHostPrecedence:
				c.Reason = simulate.ReasonPathMismatch
				c.Detail = fmt.Sprintf("the conditions of listener rule %d of IngressGroup %s do not all hold", idx+1, group.name)
			}
		}
	}
}
