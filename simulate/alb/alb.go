// Package alb is the engine's profile of the AWS Load Balancer Controller:
// the listener rules of an ALB (alb.go) and the actions and conditions
// annotations (actions.go). It registers itself with package simulate
// from init.
package alb

import (
	"fmt"
	"net"
	"net/http"
	"net/url"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"

	networkingv1 "k8s.io/api/networking/v1"
	"k8s.io/apimachinery/pkg/util/intstr"

	"github.com/ingresskit/ingresskit/manifest"
	"github.com/ingresskit/ingresskit/simulate"
)

// Controller is the AWS Load Balancer Controller's IngressClass
// spec.controller (kubernetes-sigs/aws-load-balancer-controller
// docs/guide/ingress/ingress_class.md).
const Controller = "ingress.k8s.aws/alb"

// The profile answers for Controller, and for the class name "alb"
// the controller's documentation uses.
func init() {
	simulate.RegisterProfile(simulate.ProfileRegistration{
		Profile:     Profile{},
		Controllers: []string{Controller},
		Classes:     []string{"alb"},
	})
}

// Profile is the profile of the AWS Load Balancer Controller
// (kubernetes-sigs/aws-load-balancer-controller). Every path of every
// Ingress of an IngressGroup becomes one listener rule of one ALB, and
// the ALB evaluates the rules in priority order, first match wins
// (pkg/ingress/model_build_listener_rules.go, buildListenerRules):
//
//   - Ingresses in a group are ordered by group.order, then
//     namespace/name (pkg/ingress/group_loader.go, sortGroupMembers); an
//     Ingress without group.name is a group of its own; a group.order
//     that is not an integer in [-1000, 1000] fails the whole group, and
//     its requests are answered as refused;
//   - the rules of an Ingress keep their order; within a rule, Exact
//     paths come first, then Prefix paths longest first, then
//     ImplementationSpecific paths in manifest order (sortIngressPaths);
//   - host specificity plays no part: a rule without a host that comes
//     first answers before a rule naming the host;
//   - ImplementationSpecific paths are ALB path patterns: "*" matches
//     any run of characters, "?" one character, case-sensitively (or a
//     regex with use-regex-path-match); host wildcards "*" and "?" match
//     across dots;
//   - a path whose backend port is "use-annotation" runs the
//     actions.<service name> annotation (forward, redirect,
//     fixed-response), and conditions.<service name> adds conditions
//     (annotations.md, "actions" and "conditions");
//   - a request no rule matches gets the listener's default action: the
//     spec.defaultBackend of an Ingress of the group, else a fixed 404.
//
// Decorate replays the listener rules with the whole request (headers and
// query string included) and sets the routing fields of the Decision to
// the rule that wins on the ALB.
type Profile struct {
	st *albState
}

var (
	_ simulate.Profile = Profile{}
	_ simulate.Binder  = Profile{}
)

// Name returns "alb".
func (Profile) Name() string { return "alb" }

// Bind returns the profile for set.
func (Profile) Bind(set *manifest.Set) simulate.Profile { return Profile{st: newALBState(set)} }

func (a Profile) state(ing *manifest.Ingress) *albState {
	if a.st != nil {
		return a.st
	}
	set := &manifest.Set{}
	if ing != nil {
		set.Ingresses = []*manifest.Ingress{ing}
	}
	return newALBState(set)
}

// NormalizePath normalizes as the spec profile does.
func (Profile) NormalizePath(path string) string { return simulate.NormalizePath(path) }

// FallThrough is true: listener rules are tried in priority order
// whatever their host.
func (Profile) FallThrough() bool { return true }

// Less orders by group.order, then namespace/name.
func (Profile) Less(a, b *manifest.Ingress) bool {
	oa, ob := albOrder(a), albOrder(b)
	if oa != ob {
		return oa < ob
	}
	return a.Key() < b.Key()
}

// albOrder is the group.order annotation, 0 when absent or bad.
func albOrder(ing *manifest.Ingress) int {
	n, err := strconv.Atoi(strings.TrimSpace(ing.Annotations[AnnotationPrefix+"group.order"]))
	if err != nil {
		return 0
	}
	return n
}

// Group order bounds of the controller (pkg/ingress/group_loader.go,
// minGroupOrder and maxGroupOder).
const (
	minGroupOrder = -1000
	maxGroupOrder = 1000
)

// albOrderError says why the controller refuses the group.order of ing,
// "" when it is absent or good. The controller parses it as a base-10
// int32 with no space allowed (pkg/annotations/parser.go,
// ParseInt32Annotation) and fails the whole IngressGroup when it does
// not parse or lies outside [-1000, 1000] (group_loader.go,
// sortGroupMembers).
func albOrderError(ing *manifest.Ingress) string {
	raw, ok := ing.Annotations[AnnotationPrefix+"group.order"]
	if !ok {
		return ""
	}
	n, err := strconv.ParseInt(raw, 10, 32)
	if err != nil || n < minGroupOrder || n > maxGroupOrder {
		return fmt.Sprintf("Ingress %s: %sgroup.order %q is not an integer in [%d, %d]", ing.Key(), AnnotationPrefix, raw, minGroupOrder, maxGroupOrder)
	}
	return ""
}

// albGroupName is the group of ing: group.name, or the implicit group
// namespace/name.
func albGroupName(ing *manifest.Ingress) string {
	if g := strings.TrimSpace(ing.Annotations[AnnotationPrefix+"group.name"]); g != "" {
		return g
	}
	return ing.Key()
}

// albPathPatterns returns the path-pattern values (or regex values) the
// controller writes for a path (buildPathPatterns), or why it refuses
// it.
func albPathPatterns(ing *manifest.Ingress, p networkingv1.HTTPIngressPath) (values []string, regex []string, why string) {
	switch simulate.PathTypeOf(p) {
	case networkingv1.PathTypeExact:
		if strings.ContainsAny(p.Path, "*?") {
			return nil, nil, "an Exact path must not contain the ALB wildcards * or ?"
		}
		return []string{p.Path}, nil, ""
	case networkingv1.PathTypePrefix:
		if p.Path == "/" {
			return []string{"/*"}, nil, ""
		}
		if strings.ContainsAny(p.Path, "*?") {
			return nil, nil, "a Prefix path must not contain the ALB wildcards * or ?"
		}
		t := strings.TrimSuffix(p.Path, "/")
		return []string{t, t + "/*"}, nil, ""
	}
	if strings.EqualFold(strings.TrimSpace(ing.Annotations[AnnotationPrefix+"use-regex-path-match"]), "true") {
		// The leading "/" required by the API is stripped
		// (buildPathPatternsForImplementationSpecificPathType).
		return nil, []string{strings.TrimPrefix(p.Path, "/")}, ""
	}
	return []string{p.Path}, nil, ""
}

// PathMatch compiles a path into its ALB path patterns.
func (Profile) PathMatch(ing *manifest.Ingress, _ int, p networkingv1.HTTPIngressPath) (simulate.PathMatch, bool, string) {
	values, regex, why := albPathPatterns(ing, p)
	if why != "" {
		return simulate.PathMatch{}, false, why + "; the controller fails to build the Ingress's group"
	}
	if p.Path == "" {
		values = []string{"/*"}
	}
	switch simulate.PathTypeOf(p) {
	case networkingv1.PathTypeExact:
		return simulate.PathMatch{Kind: simulate.MatchExact, Path: p.Path, Note: "ALB path pattern " + p.Path}, true, ""
	case networkingv1.PathTypePrefix:
		return simulate.PathMatch{Kind: simulate.MatchPrefix, Path: p.Path, Note: "ALB path patterns " + strings.Join(values, " and ")}, true, ""
	}
	if len(regex) > 0 {
		re, err := regexp.Compile(regex[0])
		if err != nil {
			return simulate.PathMatch{}, false, fmt.Sprintf("regex %q: %v", regex[0], err)
		}
		return simulate.PathMatch{Kind: simulate.MatchCustom, Path: p.Path, Length: 0, Match: re.MatchString,
			Note: "ALB path regex " + regex[0]}, true, ""
	}
	pat := values[0]
	if !strings.ContainsAny(pat, "*?") {
		return simulate.PathMatch{Kind: simulate.MatchExact, Path: pat, Note: "ALB path pattern " + pat + " (no wildcard: matches exactly)"}, true, ""
	}
	lit := pat[:strings.IndexAny(pat, "*?")]
	return simulate.PathMatch{Kind: simulate.MatchCustom, Path: pat, Length: len(lit),
		Match: func(s string) bool { return albGlob(pat, s, false) },
		Note:  "ALB path pattern " + pat + " (* any characters, ? one character)"}, true, ""
}

// albRule is one listener rule.
type albRule struct {
	ing         *manifest.Ingress
	rule, index int
	path        networkingv1.HTTPIngressPath
	hosts       []string
	hostRegex   []string
	paths       []string
	pathRegex   []string
	others      []Condition
	invalid     string
}

// albGroup is one ALB.
type albGroup struct {
	name    string
	members []*manifest.Ingress
	rules   []*albRule
	// def is the first member with a spec.defaultBackend.
	def *manifest.Ingress
	// sslRedirect is the ssl-redirect port, "" when off.
	sslRedirect string
	// broken says why the controller fails to build the group, "" when
	// it builds it.
	broken string
}

type albState struct {
	// set resolves the named ports of forward actions.
	set    *manifest.Set
	groups []*albGroup
	// hosts indexes the rules' host conditions, built on first use, so
	// that finding a request's group does not scan every rule of every
	// group.
	hostsOnce sync.Once
	hosts     albHostIndex
}

// albHostIndex finds the first group (in group order) with a valid rule
// whose host condition accepts a host: literal hosts by map, wildcard and
// regex hosts in group order, and the rules without a host condition for
// requests no host condition accepts.
type albHostIndex struct {
	exact    map[string]int
	globs    []albIndexedGlob
	regexes  []albIndexedRegex
	hostless []albIndexedRule
}

type albIndexedGlob struct {
	group   int
	pattern string
}

type albIndexedRegex struct {
	group int
	re    *regexp.Regexp
}

type albIndexedRule struct {
	group int
	rule  *albRule
}

func (st *albState) hostIndex() *albHostIndex {
	st.hostsOnce.Do(func() {
		x := &st.hosts
		x.exact = map[string]int{}
		for gi, g := range st.groups {
			for _, rule := range g.rules {
				if len(rule.hosts)+len(rule.hostRegex) == 0 {
					x.hostless = append(x.hostless, albIndexedRule{gi, rule})
				}
				if rule.invalid != "" {
					continue
				}
				for _, h := range rule.hosts {
					h = strings.ToLower(h)
					if strings.ContainsAny(h, "*?") {
						x.globs = append(x.globs, albIndexedGlob{gi, h})
					} else if _, ok := x.exact[h]; !ok {
						x.exact[h] = gi
					}
				}
				for _, p := range rule.hostRegex {
					if re, err := regexp.Compile(p); err == nil {
						x.regexes = append(x.regexes, albIndexedRegex{gi, re})
					}
				}
			}
		}
	})
	return &st.hosts
}

func newALBState(set *manifest.Set) *albState {
	st := &albState{set: set}
	byName := map[string]*albGroup{}
	for _, ing := range set.Ingresses {
		n := albGroupName(ing)
		g := byName[n]
		if g == nil {
			g = &albGroup{name: n}
			byName[n] = g
			st.groups = append(st.groups, g)
		}
		g.members = append(g.members, ing)
	}
	sort.SliceStable(st.groups, func(i, j int) bool { return st.groups[i].name < st.groups[j].name })
	for _, g := range st.groups {
		sort.SliceStable(g.members, func(i, j int) bool { return Profile{}.Less(g.members[i], g.members[j]) })
		for _, ing := range g.members {
			if msg := albOrderError(ing); msg != "" && g.broken == "" {
				g.broken = msg
			}
			if g.def == nil && ing.Spec.DefaultBackend != nil {
				g.def = ing
			}
			// ssl-redirect is exclusive across the group: once set it
			// applies to every Ingress of the group.
			if v := strings.TrimSpace(ing.Annotations[AnnotationPrefix+"ssl-redirect"]); v != "" && g.sslRedirect == "" {
				g.sslRedirect = v
			}
			g.rules = append(g.rules, albRules(ing)...)
		}
	}
	return st
}

// albRules builds the listener rules of one Ingress in priority order.
func albRules(ing *manifest.Ingress) []*albRule {
	var out []*albRule
	for ri, r := range ing.Spec.Rules {
		if r.HTTP == nil {
			continue
		}
		idx := make([]int, len(r.HTTP.Paths))
		for i := range idx {
			idx[i] = i
		}
		rank := func(i int) int {
			switch simulate.PathTypeOf(r.HTTP.Paths[i]) {
			case networkingv1.PathTypeExact:
				return 0
			case networkingv1.PathTypePrefix:
				return 1
			}
			return 2
		}
		sort.SliceStable(idx, func(a, b int) bool {
			ra, rb := rank(idx[a]), rank(idx[b])
			if ra != rb {
				return ra < rb
			}
			if ra == 1 {
				return len(r.HTTP.Paths[idx[a]].Path) > len(r.HTTP.Paths[idx[b]].Path)
			}
			return false
		})
		for _, pi := range idx {
			p := r.HTTP.Paths[pi]
			rule := &albRule{ing: ing, rule: ri, index: pi, path: p}
			if r.Host != "" {
				rule.hosts = []string{r.Host}
			}
			if p.Path != "" {
				values, regex, why := albPathPatterns(ing, p)
				rule.invalid = why
				rule.paths, rule.pathRegex = values, regex
			}
			if p.Backend.Service != nil {
				cs, err := albConditions(ing, p.Backend.Service.Name)
				if err != nil {
					rule.invalid = err.Error()
				}
				for _, c := range cs {
					switch {
					case c.Field == "host-header" && c.HostHeaderConfig != nil:
						rule.hosts = append(rule.hosts, c.HostHeaderConfig.Values...)
						rule.hostRegex = append(rule.hostRegex, c.HostHeaderConfig.RegexValues...)
					case c.Field == "path-pattern" && c.PathPatternConfig != nil:
						rule.paths = append(rule.paths, c.PathPatternConfig.Values...)
						rule.pathRegex = append(rule.pathRegex, c.PathPatternConfig.RegexValues...)
					default:
						rule.others = append(rule.others, c)
					}
				}
			}
			if len(rule.hosts)+len(rule.hostRegex)+len(rule.paths)+len(rule.pathRegex)+len(rule.others) == 0 {
				rule.paths = []string{"/*"}
			}
			out = append(out, rule)
		}
	}
	return out
}

// groupFor picks the ALB a request reaches. Each IngressGroup has its
// own DNS name, which the input does not say; the first group (by name)
// with a rule naming the request's host is taken, else the first group
// with a rule matching the request, else the first group.
func (st *albState) groupFor(r albRequest) *albGroup {
	x := st.hostIndex()
	host := strings.ToLower(r.host)
	best := len(st.groups)
	if gi, ok := x.exact[host]; ok {
		best = gi
	}
	for _, g := range x.globs {
		if g.group >= best {
			break
		}
		if albGlob(g.pattern, host, false) {
			best = g.group
			break
		}
	}
	for _, g := range x.regexes {
		if g.group >= best {
			break
		}
		if g.re.MatchString(r.host) {
			best = g.group
			break
		}
	}
	if best < len(st.groups) {
		return st.groups[best]
	}
	// No host condition accepts the host: only rules without one can
	// match.
	var none []string
	for _, hr := range x.hostless {
		if hr.rule.matches(r, &none) {
			return st.groups[hr.group]
		}
	}
	return st.groups[0]
}

// matches reports whether the rule's conditions all hold.
func (r *albRule) matches(req albRequest, notes *[]string) bool {
	if r.invalid != "" {
		return false
	}
	if len(r.hosts)+len(r.hostRegex) > 0 && !albAnyGlob(r.hosts, req.host, true) && !albAnyRegex(r.hostRegex, req.host) {
		return false
	}
	if len(r.paths)+len(r.pathRegex) > 0 && !albAnyGlob(r.paths, req.path, false) && !albAnyRegex(r.pathRegex, req.path) {
		return false
	}
	for _, c := range r.others {
		if !c.matches(req, notes) {
			return false
		}
	}
	return true
}

// Decorate replays the listener rules of the ALB the request reaches and
// applies the winning rule's action.
func (a Profile) Decorate(d *simulate.Decision, req simulate.Request) {
	st := a.state(d.Ingress)
	if len(st.groups) == 0 {
		return
	}
	r, port := albRequestOf(d, req)

	var notes []string
	group := st.groupFor(r)
	if group.broken != "" {
		// The model build fails, so the controller changes nothing on
		// the ALB: no answer follows from the input.
		*d = simulate.Decision{URL: d.URL, RequestHost: d.RequestHost, NormalizedPath: d.NormalizedPath, Profile: d.Profile,
			DataPlane: d.DataPlane, Rule: -1, PathIndex: -1,
			Refused: group.broken + "; the controller fails to build IngressGroup " + group.name + ", so the ALB keeps the rules it had"}
		return
	}
	var win *albRule
	for _, rule := range group.rules {
		if rule.matches(r, &notes) {
			win = rule
			break
		}
	}
	if len(st.groups) > 1 {
		notes = append(notes, fmt.Sprintf("IngressGroup %s answers: each IngressGroup is its own ALB; ingresskit sends the request to the first group, by name, with a rule naming its host, else with a rule matching it", group.name))
	}
	if group.sslRedirect != "" && r.scheme == "http" {
		d.Redirect = "https://" + r.host
		if group.sslRedirect != "443" {
			d.Redirect += ":" + group.sslRedirect
		}
		d.Redirect += r.path
		if len(r.query) > 0 {
			d.Redirect += "?" + r.query.Encode()
		}
		d.RedirectCode = http.StatusMovedPermanently
		d.Notes = append(d.Notes, append(notes, "ssl-redirect: the HTTP listener's only action is a redirect to HTTPS")...)
		return
	}
	if win == nil {
		d.Matched, d.Ingress, d.Rule, d.PathIndex = false, nil, -1, -1
		d.Host, d.Path, d.PathType = "", "", ""
		d.Backend = networkingv1.IngressBackend{}
		simulate.SetMatch(d, simulate.PathMatch{})
		d.Conflict = nil
		d.DefaultBackend = false
		if group.def != nil {
			d.Matched, d.DefaultBackend, d.Ingress = true, true, group.def
			d.Backend = *group.def.Spec.DefaultBackend
			notes = append(notes, "no listener rule matches: the default action forwards to the spec.defaultBackend of "+group.def.Key())
		} else {
			notes = append(notes, "no listener rule matches: the listener's default action answers a fixed 404")
		}
		d.Notes = append(d.Notes, notes...)
		return
	}
	if d.Ingress != win.ing || d.Rule != win.rule || d.PathIndex != win.index || d.DefaultBackend {
		if d.Matched && !d.DefaultBackend {
			notes = append(notes, "the ALB evaluates listener rules in priority order (group order, rule order, then Exact, longest Prefix, ImplementationSpecific), not by host or path specificity")
		} else {
			notes = append(notes, "the listener rule matches through its conditions annotation or ALB wildcards, which host and path precedence alone do not see")
		}
		pt := simulate.PathTypeOf(win.path)
		m, _, _ := a.PathMatch(win.ing, win.rule, win.path)
		d.Matched, d.DefaultBackend = true, false
		d.Ingress, d.Rule, d.PathIndex = win.ing, win.rule, win.index
		d.Host, d.Path, d.PathType = win.ing.Spec.Rules[win.rule].Host, win.path.Path, pt
		d.Backend = win.path.Backend
		simulate.SetMatch(d, m)
		d.Conflict = nil
	}
	if svc := win.path.Backend.Service; svc != nil && svc.Port.Name == UseAnnotation {
		notes = append(notes, a.applyAction(d, win, r, port)...)
	}
	d.Notes = append(d.Notes, notes...)
}

// albRequestOf is the request as the listener rules see it, and the
// listener port it reaches.
func albRequestOf(d *simulate.Decision, req simulate.Request) (albRequest, string) {
	scheme := strings.ToLower(req.Scheme)
	if scheme == "" {
		scheme = "http"
	}
	port := "80"
	if scheme == "https" {
		port = "443"
	}
	if _, p, err := net.SplitHostPort(req.Host); err == nil {
		port = p
	}
	q, _ := url.ParseQuery(simulate.RawQuery(req.Path))
	r := albRequest{host: d.RequestHost, path: d.NormalizedPath, method: http.MethodGet, scheme: scheme, header: req.Header, query: q}

	return r, port
}

// applyAction applies an actions.<name> annotation to d.
func (a Profile) applyAction(d *simulate.Decision, win *albRule, r albRequest, port string) []string {
	name := win.path.Backend.Service.Name
	act, err := ParseAction(win.ing, name)
	switch {
	case err != nil:
		return []string{err.Error() + "; the controller fails to build the group"}
	case act == nil:
		return []string{fmt.Sprintf("servicePort use-annotation but no %sactions.%s annotation: the controller fails to build the group", AnnotationPrefix, name)}
	}
	switch act.Type {
	case "redirect":
		if act.RedirectConfig == nil {
			return []string{"redirect action without redirectConfig"}
		}
		d.Redirect, d.RedirectCode = act.redirectLocation(r, port)
		return []string{fmt.Sprintf("action %s: redirect %d", name, d.RedirectCode)}
	case "fixed-response":
		if act.FixedResponseConfig == nil {
			return []string{"fixed-response action without fixedResponseConfig"}
		}
		return []string{fmt.Sprintf("action %s: fixed response %d", name, act.fixedStatus())}
	}
	// forward
	switch {
	case act.TargetGroupARN != nil:
		return []string{fmt.Sprintf("action %s: forward to target group %s (outside the cluster)", name, *act.TargetGroupARN)}
	case act.TargetGroupName != nil:
		return []string{fmt.Sprintf("action %s: forward to target group %s (outside the cluster)", name, *act.TargetGroupName)}
	case act.ForwardConfig == nil:
		return []string{fmt.Sprintf("action %s: forward without a target", name)}
	}
	var parts []string
	chosen := false
	total := 0
	for _, tg := range act.ForwardConfig.TargetGroups {
		if tg.Weight != nil {
			total += int(*tg.Weight)
		}
	}
	for _, tg := range act.ForwardConfig.TargetGroups {
		w := 1
		if tg.Weight != nil {
			w = int(*tg.Weight)
		}
		label := ""
		switch {
		case tg.ServiceName != nil:
			label = *tg.ServiceName
			if tg.ServicePort != nil {
				label += ":" + tg.ServicePort.String()
			}
			if !chosen && w > 0 && tg.ServicePort != nil {
				b := networkingv1.IngressBackend{Service: &networkingv1.IngressServiceBackend{Name: *tg.ServiceName}}
				if tg.ServicePort.Type == 0 {
					b.Service.Port.Number = tg.ServicePort.IntVal
				} else {
					b.Service.Port.Name = tg.ServicePort.StrVal
				}
				d.Backend = b
				chosen = true
			}
		case tg.TargetGroupARN != nil:
			label = *tg.TargetGroupARN
		case tg.TargetGroupName != nil:
			label = *tg.TargetGroupName
		}
		parts = append(parts, fmt.Sprintf("%s weight %d/%d", label, w, total))
		if len(act.ForwardConfig.TargetGroups) > 1 {
			d.Backends = append(d.Backends, a.targetGroup(win.ing.Namespace, tg.ServiceName, tg.ServicePort, tg.TargetGroupARN, tg.TargetGroupName, int32(w)))
		}
	}
	return []string{fmt.Sprintf("action %s: forward to %s; the backend shown is the first one with weight", name, strings.Join(parts, ", "))}
}

// albGlob matches s against an ALB wildcard pattern: "*" any run of
// characters, "?" exactly one; fold compares case-insensitively (hosts
// and header values), else case-sensitively (paths).
func albGlob(pattern, s string, fold bool) bool {
	if fold {
		pattern, s = strings.ToLower(pattern), strings.ToLower(s)
	}
	// Iterative matching with one backtrack point for the last "*". A
	// "*" of the pattern is always a wildcard, also where the subject
	// holds a literal "*" (a request for /assets/*.js): taking it as a
	// literal there would lose the backtrack point, and the Prefix
	// pattern /assets/* would not match /assets/*.js.
	p, i, star, mark := 0, 0, -1, 0
	for i < len(s) {
		switch {
		case p < len(pattern) && pattern[p] == '*':
			star, mark = p, i
			p++
		case p < len(pattern) && (pattern[p] == '?' || pattern[p] == s[i]):
			p++
			i++
		case star >= 0:
			p = star + 1
			mark++
			i = mark
		default:
			return false
		}
	}
	for p < len(pattern) && pattern[p] == '*' {
		p++
	}
	return p == len(pattern)
}

func albAnyGlob(patterns []string, s string, fold bool) bool {
	for _, p := range patterns {
		if albGlob(p, s, fold) {
			return true
		}
	}
	return false
}

func albAnyRegex(patterns []string, s string) bool {
	for _, p := range patterns {
		if re, err := regexp.Compile(p); err == nil && re.MatchString(s) {
			return true
		}
	}
	return false
}

func httpCanonical(name string) string { return http.CanonicalHeaderKey(name) }

// targetGroup is one target group of a weighted forward action as a
// weighted backend (the ALB splits requests by the weights;
// annotations.md "actions", forward-multiple-tg): a Service with its port
// number (a named port resolved through the Service), or a target group
// outside the cluster by ARN or name.
func (a Profile) targetGroup(ns string, svc *string, port *intstr.IntOrString, arn, tgName *string, w int32) simulate.WeightedBackend {
	switch {
	case svc != nil:
		b := simulate.WeightedBackend{Kind: "Service", Namespace: ns, Name: *svc, Weight: w}
		if port == nil {
			return b
		}
		if port.Type == intstr.Int {
			b.Port = port.IntVal
			return b
		}
		if st := a.st; st != nil && st.set != nil {
			if s := st.set.Service(ns, *svc); s != nil {
				for _, sp := range s.Spec.Ports {
					if sp.Name == port.StrVal {
						b.Port = sp.Port
					}
				}
			}
		}
		return b
	case arn != nil:
		return simulate.WeightedBackend{Kind: "TargetGroup", Name: *arn, Weight: w}
	case tgName != nil:
		return simulate.WeightedBackend{Kind: "TargetGroup", Name: *tgName, Weight: w}
	}
	return simulate.WeightedBackend{Weight: w}
}
