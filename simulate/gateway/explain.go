package gateway

import (
	"fmt"

	"github.com/ingresskit/ingresskit/simulate"
)

// Reasons a Gateway API rule loses, beside those of package simulate.
const (
	// ReasonNotAttached: the route is not attached to the Gateway (its
	// Accepted condition is false).
	ReasonNotAttached simulate.Reason = "not-attached"
	// ReasonOtherListener: the route is attached to another listener
	// than the one that took the request.
	ReasonOtherListener simulate.Reason = "other-listener"
	// ReasonNoMatch: the match does not accept the request.
	ReasonNoMatch simulate.Reason = "no-match"
	// ReasonPrecedence: the match accepts the request, but a match of
	// higher precedence does too.
	ReasonPrecedence simulate.Reason = "precedence"
)

// candidates lists every match of every route naming the Gateway: the
// winner, the matches that lost with the reason, and the routes not
// attached with their Accepted message.
func (p *Plane) candidates(req *request, l *listener, win *entry) []simulate.Candidate {
	var out []simulate.Candidate
	for _, r := range p.model.routes {
		var ps *ParentStatus
		for i := range r.status.Parents {
			if r.status.Parents[i].Gateway == p.gw {
				ps = &r.status.Parents[i]
				if ps.Accepted.Status {
					break
				}
			}
		}
		if ps == nil {
			continue
		}
		var att *Attachment
		if l != nil {
			for i := range ps.Listeners {
				if ps.Listeners[i].Listener == l.name {
					att = &ps.Listeners[i]
				}
			}
		}
		for _, ru := range r.rules {
			for _, m := range ru.matches {
				c := simulate.Candidate{Kind: r.kind, Object: r.key(), Rule: ru.index, PathIndex: -1, MatchIndex: m.index, Pos: m.pos, Path: m.path}
				if m.grpc {
					c.Path = "/" + m.service + "/" + m.gmethod
				}
				switch {
				case !ps.Accepted.Status:
					c.Reason, c.Detail = ReasonNotAttached, ps.Accepted.Reason+": "+ps.Accepted.Message
				case l == nil:
					c.Reason, c.Detail = ReasonOtherListener, "no listener takes the request"
				case att == nil:
					c.Reason, c.Detail = ReasonOtherListener, fmt.Sprintf("attached to other listeners, not %s", l.name)
				default:
					c.Reason, c.Detail = p.judge(req, att, m, win)
				}
				out = append(out, c)
			}
		}
	}
	return out
}

// judge says why match m of a route attached to the listener won or lost.
func (p *Plane) judge(req *request, att *Attachment, m *match, win *entry) (simulate.Reason, string) {
	host := ""
	for _, h := range att.Hostnames {
		if hostMatches(h, req.host) {
			if host == "" || hostLess(host, h) {
				host = h
			}
		}
	}
	if host == "" && !contains(att.Hostnames, "") {
		return simulate.ReasonHostMismatch, fmt.Sprintf("hostnames %v do not match %s", att.Hostnames, req.host)
	}
	if win != nil && win.m == m {
		return simulate.ReasonWon, describe(m)
	}
	ok, why := m.matches(req)
	if !ok {
		return ReasonNoMatch, why
	}
	if win != nil && win.host != host {
		return simulate.ReasonHostPrecedence, fmt.Sprintf("a route with the more specific hostname %s answers", orAny(win.host))
	}
	if win != nil {
		return ReasonPrecedence, fmt.Sprintf("%s %s rule %d takes precedence (%s)", win.m.rule.route.kind, win.m.rule.route.key(), win.m.rule.index, describe(win.m))
	}
	return ReasonNoMatch, why
}

// hostLess reports whether hostname a ranks below b for one request.
func hostLess(a, b string) bool {
	ea, ca := hostRank(a)
	eb, cb := hostRank(b)
	if ea != eb {
		return ea < eb
	}
	return ca < cb
}

func describe(m *match) string {
	var s string
	if m.grpc {
		s = fmt.Sprintf("gRPC service %q method %q", m.service, m.gmethod)
	} else {
		s = fmt.Sprintf("%s %s", m.pathType, m.path)
		if m.method != "" {
			s += ", method " + m.method
		}
	}
	if n := len(m.headers); n > 0 {
		s += fmt.Sprintf(", %d header match%s", n, plural(n, "es"))
	}
	if n := len(m.query); n > 0 {
		s += fmt.Sprintf(", %d query match%s", n, plural(n, "es"))
	}
	return s
}

func plural(n int, suffix string) string {
	if n == 1 {
		return ""
	}
	return suffix
}

func contains(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}

func orAny(h string) string {
	if h == "" {
		return "(any)"
	}
	return h
}
