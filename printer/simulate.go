package printer

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"sort"
	"strings"

	networkingv1 "k8s.io/api/networking/v1"

	"github.com/ingresskit/ingresskit/manifest"
	"github.com/ingresskit/ingresskit/simulate"
	"github.com/ingresskit/ingresskit/simulate/istio"
)

// DecisionJSON is the machine form of one simulated request (simulate -o
// json), one object per line. The members url, matched, defaultBackend,
// ingress, rule, backend and tls are a contract other tools read
// (docs/simulate.md); the others may grow.
type DecisionJSON struct {
	URL            string `json:"url"`
	Matched        bool   `json:"matched"`
	DefaultBackend bool   `json:"defaultBackend,omitempty"`
	// DefaultBackendIgnored: no rule matches, and the profile ignores a
	// spec.defaultBackend that would answer (simulate.Decision).
	DefaultBackendIgnored bool                         `json:"defaultBackendIgnored,omitempty"`
	Ingress               *ObjectRefJSON               `json:"ingress,omitempty"`
	Rule                  *RuleJSON                    `json:"rule,omitempty"`
	Backend               *networkingv1.IngressBackend `json:"backend,omitempty"`
	// TLS is present for https requests only: the entry's Secret, or null;
	// for an Istio Gateway the server's credentialName, or null.
	TLS            json.RawMessage `json:"tls,omitempty"`
	NormalizedPath string          `json:"normalizedPath"`
	Profile        string          `json:"profile"`
	Conflicts      []ConflictJSON  `json:"conflicts,omitempty"`
	// MoreConflicts counts the conflicts left out of Conflicts
	// (simulate.Decision.MoreConflicts).
	MoreConflicts int             `json:"moreConflicts,omitempty"`
	Redirect      string          `json:"redirect,omitempty"`
	RedirectCode  int             `json:"redirectCode,omitempty"`
	Status        int             `json:"status,omitempty"`
	Refused       string          `json:"refused,omitempty"`
	RewritePath   string          `json:"rewritePath,omitempty"`
	Notes         []string        `json:"notes,omitempty"`
	Candidates    []CandidateJSON `json:"candidates,omitempty"`
	Source        string          `json:"source,omitempty"`
	// DataPlane names the data plane that answered (one object per URL
	// and data plane that serves its host).
	DataPlane string `json:"dataPlane,omitempty"`
	// The members below describe Gateway API answers.
	Route           *RouteRefJSON    `json:"route,omitempty"`
	Listener        string           `json:"listener,omitempty"`
	Backends        []BackendJSON    `json:"backends,omitempty"`
	RewriteHost     string           `json:"rewriteHost,omitempty"`
	RequestHeaders  http.Header      `json:"requestHeaders,omitempty"`
	ResponseHeaders *HeaderEditsJSON `json:"responseHeaders,omitempty"`
	Mirrors         []MirrorJSON     `json:"mirrors,omitempty"`
}

// RouteRefJSON names the Gateway API rule that answers: the route, the
// rule and the match within it (-1 for a rule without matches).
type RouteRefJSON struct {
	Kind      string `json:"kind"`
	Namespace string `json:"namespace"`
	Name      string `json:"name"`
	Rule      int    `json:"rule"`
	Match     int    `json:"match"`
}

// BackendJSON is one weighted backend of a Gateway API rule.
type BackendJSON struct {
	Kind      string      `json:"kind"`
	Namespace string      `json:"namespace"`
	Name      string      `json:"name"`
	Port      int32       `json:"port,omitempty"`
	Weight    int32       `json:"weight"`
	Problem   string      `json:"problem,omitempty"`
	Headers   http.Header `json:"requestHeaders,omitempty"`
}

// HeaderEditsJSON are a filter's changes to headers.
type HeaderEditsJSON struct {
	Set    http.Header `json:"set,omitempty"`
	Add    http.Header `json:"add,omitempty"`
	Remove []string    `json:"remove,omitempty"`
}

// MirrorJSON is a backend that receives a copy of the request.
type MirrorJSON struct {
	Backend BackendJSON `json:"backend"`
	Percent float64     `json:"percent"`
}

func backendJSON(b simulate.WeightedBackend) BackendJSON {
	return BackendJSON{Kind: b.Kind, Namespace: b.Namespace, Name: b.Name, Port: b.Port, Weight: b.Weight, Problem: b.Problem, Headers: b.RequestHeaders}
}

// gatewayJSON fills the Gateway API members of j.
func gatewayJSON(j *DecisionJSON, d simulate.Decision) {
	j.DataPlane, j.Listener, j.RewriteHost, j.RequestHeaders = d.DataPlane, d.Listener, d.RewriteHost, d.RequestHeaders
	j.TLS = nil // a Gateway's TLS is its listener's, named by Listener
	if d.Matched {
		ns, name, _ := strings.Cut(d.Object, "/")
		j.Route = &RouteRefJSON{Kind: d.Kind, Namespace: ns, Name: name, Rule: d.Rule, Match: d.MatchIndex}
		j.Rule = &RuleJSON{Host: d.Host, Path: d.Path, PathType: string(d.PathType)}
		j.Source = d.Pos.String()
	}
	for _, b := range d.Backends {
		j.Backends = append(j.Backends, backendJSON(b))
	}
	if e := d.ResponseHeaders; !e.Empty() {
		j.ResponseHeaders = &HeaderEditsJSON{Set: e.Set, Add: e.Add, Remove: e.Remove}
	}
	for _, m := range d.Mirrors {
		j.Mirrors = append(j.Mirrors, MirrorJSON{Backend: backendJSON(m.Backend), Percent: m.Percent})
	}
}

// istioPlanePrefix starts the name of an Istio Gateway's data plane
// (istio.Plane.Name) and of the answer no Istio Gateway takes
// (istio.PluralName).
const istioPlanePrefix = "istio gateway"

// gatewaysPlane names the answer that no Gateway of several takes.
const gatewaysPlane = "gateways"

// isIstio reports whether d is an Istio Gateway's answer, or says that
// no Istio Gateway takes the request.
func isIstio(d simulate.Decision) bool { return strings.HasPrefix(d.DataPlane, istioPlanePrefix) }

// isGateway reports whether d is a Gateway API or Istio Gateway answer,
// whose rules are routes rather than Ingress rules.
func isGateway(d simulate.Decision) bool {
	return d.Kind != "" || strings.HasPrefix(d.DataPlane, "gateway ") || d.DataPlane == gatewaysPlane || isIstio(d)
}

// ObjectRefJSON names an object.
type ObjectRefJSON struct {
	Namespace string `json:"namespace"`
	Name      string `json:"name"`
}

// RuleJSON is the winning rule's host, path and pathType as written.
type RuleJSON struct {
	Host     string `json:"host"`
	Path     string `json:"path"`
	PathType string `json:"pathType"`
}

// ConflictJSON is a rule declaring the same host, path and pathType with
// another backend.
type ConflictJSON struct {
	Ingress ObjectRefJSON               `json:"ingress"`
	Backend networkingv1.IngressBackend `json:"backend"`
}

// CandidateJSON is one rule considered (--explain): an Ingress rule, or
// a Gateway API rule's match (route).
type CandidateJSON struct {
	Ingress        *ObjectRefJSON              `json:"ingress,omitempty"`
	Route          *RouteRefJSON               `json:"route,omitempty"`
	Rule           *RuleJSON                   `json:"rule,omitempty"`
	DefaultBackend bool                        `json:"defaultBackend,omitempty"`
	Backend        networkingv1.IngressBackend `json:"backend"`
	Reason         string                      `json:"reason"`
	Detail         string                      `json:"detail"`
}

func ref(ing *manifest.Ingress) ObjectRefJSON {
	return ObjectRefJSON{Namespace: ing.Namespace, Name: ing.Name}
}

// NewDecisionJSON converts a decision to its machine form.
func NewDecisionJSON(d simulate.Decision) DecisionJSON {
	j := DecisionJSON{URL: d.URL, Matched: d.Matched, DefaultBackend: d.DefaultBackend, DefaultBackendIgnored: d.DefaultBackendIgnored,
		NormalizedPath: d.NormalizedPath, Profile: d.Profile, DataPlane: d.DataPlane, Redirect: d.Redirect,
		RedirectCode: d.RedirectCode, Status: d.Status, Refused: d.Refused, RewritePath: d.RewritePath, Notes: d.Notes}
	if d.Matched && d.Ingress != nil {
		r := ref(d.Ingress)
		j.Ingress = &r
		b := d.Backend
		j.Backend = &b
		if !d.DefaultBackend {
			j.Rule = &RuleJSON{Host: d.Host, Path: d.Path, PathType: string(d.PathType)}
		}
		j.Source = sourceOf(d.Ingress, d.Rule, d.PathIndex).String()
	}
	if strings.EqualFold(schemeOf(d.URL), "https") {
		j.TLS = json.RawMessage("null")
		if d.TLS != nil {
			b, _ := json.Marshal(struct {
				SecretName string `json:"secretName"`
			}{d.TLS.SecretName})
			j.TLS = b
		}
	}
	for _, c := range d.Conflict {
		j.Conflicts = append(j.Conflicts, ConflictJSON{Ingress: ref(c.Ingress), Backend: c.Backend})
	}
	j.MoreConflicts = d.MoreConflicts
	if isGateway(d) {
		gatewayJSON(&j, d)
	}
	if isIstio(d) && strings.EqualFold(schemeOf(d.URL), "https") {
		// An Istio server's certificate: its tls.credentialName, or
		// null when no HTTPS server takes the host.
		j.TLS = json.RawMessage("null")
		if d.Listener != "" {
			b, _ := json.Marshal(struct {
				CredentialName string `json:"credentialName"`
			}{d.Credential})
			j.TLS = b
		}
	}
	for _, c := range d.Candidates {
		if c.Ingress == nil {
			ns, name, _ := strings.Cut(c.Object, "/")
			j.Candidates = append(j.Candidates, CandidateJSON{
				Route:  &RouteRefJSON{Kind: c.Kind, Namespace: ns, Name: name, Rule: c.Rule, Match: c.MatchIndex},
				Rule:   &RuleJSON{Host: c.Host, Path: c.Path, PathType: string(c.PathType)},
				Reason: string(c.Reason), Detail: c.Detail})
			continue
		}
		r := ref(c.Ingress)
		cj := CandidateJSON{Ingress: &r, DefaultBackend: c.DefaultBackend, Backend: c.Backend,
			Reason: string(c.Reason), Detail: c.Detail}
		if !c.DefaultBackend {
			cj.Rule = &RuleJSON{Host: c.Host, Path: c.Path, PathType: string(c.PathType)}
		}
		j.Candidates = append(j.Candidates, cj)
	}
	return j
}

// schemeOf returns the scheme of a URL as the user wrote it ("http" when
// it has none).
func schemeOf(u string) string {
	if s, _, ok := strings.Cut(u, "://"); ok {
		return s
	}
	return "http"
}

// sourceOf is the position of a rule's path, or of the defaultBackend.
func sourceOf(ing *manifest.Ingress, rule, path int) manifest.Pos {
	if rule < 0 {
		return ing.Source.FieldPos("spec.defaultBackend")
	}
	return ing.Source.FieldPos(fmt.Sprintf("spec.rules[%d].http.paths[%d]", rule, path))
}

// SimulateJSON writes one decision as one line of JSON.
func SimulateJSON(w io.Writer, d simulate.Decision) error {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(NewDecisionJSON(d)); err != nil {
		return err
	}
	_, err := w.Write(buf.Bytes())
	return err
}

// SimulateText writes one decision for people:
//
//	http://example.com/foo -> default/service-foo:80
//	  by default/demo-ingress: host example.com, path /foo (Prefix), examples/nginx-tls.yaml:21:9
//
// With explain, every candidate follows with the reason it won or lost.
func SimulateText(w io.Writer, s *Styles, d simulate.Decision, explain bool) error {
	var b strings.Builder
	b.WriteString(s.Bold(d.URL))
	b.WriteString(" -> ")
	switch {
	case d.Refused != "":
		b.WriteString(s.Error("configuration refused"))
		b.WriteString(s.Dim(" (the controller keeps its previous configuration)"))
	case d.Status != 0:
		b.WriteString(s.Warning(fmt.Sprintf("%d %s", d.Status, http.StatusText(d.Status))))
		b.WriteString(s.Dim(" (answered by the controller itself)"))
	case !d.Matched && d.DefaultBackendIgnored:
		b.WriteString(s.Error("no match"))
		b.WriteString(s.Dim(fmt.Sprintf(" (no rule matches and the %s profile ignores spec.defaultBackend; a controller answers 404)", d.Profile)))
	case !d.Matched:
		b.WriteString(s.Error("no match"))
		b.WriteString(s.Dim(" (no rule and no defaultBackend; a controller answers 404)"))
	default:
		b.WriteString(s.OK(simulate.DescribeBackend(d)))
	}
	b.WriteString("\n")
	if d.Matched && d.Ingress == nil {
		gatewayText(&b, s, d)
	} else if d.Matched {
		pos := sourceOf(d.Ingress, d.Rule, d.PathIndex)
		if d.DefaultBackend {
			fmt.Fprintf(&b, "  by %s: spec.defaultBackend, %s\n", d.Ingress.Key(), pos)
		} else {
			host := d.Host
			if host == "" {
				host = "* (every host)"
			}
			fmt.Fprintf(&b, "  by %s: host %s, path %s (%s), %s\n", d.Ingress.Key(), host, d.Path, d.PathType, pos)
		}
	}
	if d.Profile != "" {
		fmt.Fprintf(&b, "  profile: %s\n", d.Profile)
	}
	istioAnswer := isIstio(d)
	gatewayAnswer := isGateway(d)
	if d.DataPlane != "" {
		fmt.Fprintf(&b, "  data plane: %s", d.DataPlane)
		if d.Listener != "" && istioAnswer {
			fmt.Fprintf(&b, ", server %s", d.Listener)
		} else if d.Listener != "" {
			fmt.Fprintf(&b, ", listener %s", d.Listener)
		}
		b.WriteString("\n")
	}
	if istioAnswer && strings.EqualFold(schemeOf(d.URL), "https") {
		// An Istio Gateway's certificate is its server's
		// tls.credentialName (istio.io Gateway reference,
		// ServerTLSSettings), not an Ingress's spec.tls.
		switch {
		case d.Listener == "" && d.DataPlane == istio.PluralName:
			fmt.Fprintf(&b, "  tls: %s\n", s.Warning("no HTTPS server of any Istio Gateway lists host "+d.RequestHost+": no server tls.credentialName names a Secret for it"))
		case d.Listener == "":
			fmt.Fprintf(&b, "  tls: %s\n", s.Warning("no HTTPS server of the Gateway lists host "+d.RequestHost+": no server tls.credentialName names a Secret for it"))
		case d.Credential == "":
			fmt.Fprintf(&b, "  tls: %s\n", s.Warning("server "+d.Listener+" has no tls.credentialName"))
		default:
			// The Secret is read in the namespace of the gateway
			// deployment, taken to be the Gateway's (lint's
			// istio-missing-credential says the same).
			ns, _, _ := strings.Cut(strings.TrimPrefix(d.DataPlane, istioPlanePrefix+" "), "/")
			fmt.Fprintf(&b, "  tls: server %s tls.credentialName %s (Secret %s/%s, in the gateway's namespace)\n", d.Listener, d.Credential, ns, d.Credential)
		}
	}
	if !gatewayAnswer && strings.EqualFold(schemeOf(d.URL), "https") {
		if d.TLS != nil {
			fmt.Fprintf(&b, "  tls: secret %s (%s spec.tls[%d])\n", d.TLS.SecretName, d.TLS.Ingress.Key(), d.TLS.Index)
		} else {
			fmt.Fprintf(&b, "  tls: %s\n", s.Warning("no spec.tls entry covers host "+d.RequestHost))
		}
	}
	if reqPath := requestPath(d.URL); reqPath != d.NormalizedPath {
		fmt.Fprintf(&b, "  path: %s normalized to %s\n", reqPath, d.NormalizedPath)
	}
	for _, c := range d.Conflict {
		what := "declares the same host, path and pathType"
		if d.DefaultBackend {
			what = "declares a spec.defaultBackend too"
		}
		order := "oldest creationTimestamp, then namespace/name"
		if d.Profile == "nginx" {
			// internal/ingress/controller/store/store.go sortIngressSlice
			order += " in descending order"
		}
		fmt.Fprintf(&b, "  %s %s %s with backend %s; %s wins (%s)\n",
			s.Warning("conflict:"), c.Ingress.Key(), what, manifest.BackendString(c.Backend), d.Ingress.Key(), order)
	}
	if d.MoreConflicts > 0 {
		fmt.Fprintf(&b, "  %s %d more not listed: only those that could answer this request are, at most %d; ingresskit lint reports the ones that are defects\n",
			s.Warning("conflict:"), d.MoreConflicts, simulate.MaxConflicts)
	}
	if d.Redirect != "" {
		fmt.Fprintf(&b, "  redirect: %d %s\n", d.RedirectCode, d.Redirect)
	}
	if d.Refused != "" {
		fmt.Fprintf(&b, "  %s %s\n", s.Error("refused:"), d.Refused)
	}
	if d.RewritePath != "" {
		fmt.Fprintf(&b, "  rewrite: the backend receives %s\n", d.RewritePath)
	}
	if d.RewriteHost != "" {
		fmt.Fprintf(&b, "  rewrite: the backend receives Host %s\n", d.RewriteHost)
	}
	if d.RequestHeaders != nil {
		fmt.Fprintf(&b, "  request headers: the backend receives %s\n", headerString(d.RequestHeaders))
	}
	for _, wb := range d.Backends {
		if wb.Problem != "" {
			name := wb.Name
			if wb.Namespace != "" {
				// an external host (an Istio ServiceEntry's) has none
				name = wb.Namespace + "/" + name
			}
			fmt.Fprintf(&b, "  %s %s: %s\n", s.Warning("unresolved:"), name, wb.Problem)
		}
	}
	for _, wb := range d.Backends {
		if wb.RequestHeaders != nil {
			fmt.Fprintf(&b, "  request headers to %s/%s: %s\n", wb.Namespace, wb.Name, headerString(wb.RequestHeaders))
		}
	}
	if e := d.ResponseHeaders; !e.Empty() {
		fmt.Fprintf(&b, "  response headers: %s\n", editsString(e))
	}
	for _, m := range d.Mirrors {
		fmt.Fprintf(&b, "  mirror: %g%% of requests copied to %s\n", m.Percent, simulate.DescribeBackends([]simulate.WeightedBackend{m.Backend}))
	}
	for _, n := range d.Notes {
		fmt.Fprintf(&b, "  %s %s\n", s.Info("note:"), n)
	}
	if _, err := io.WriteString(w, b.String()); err != nil {
		return err
	}
	if !explain {
		return nil
	}
	if d.Ingress == nil && isGateway(d) {
		return gatewayCandidates(w, s, d)
	}
	rows := make([][]string, 0, len(d.Candidates))
	for _, c := range d.Candidates {
		host, path, pt := c.Host, c.Path, string(c.PathType)
		if host == "" {
			host = "*"
		}
		if c.DefaultBackend {
			path, pt = "(default backend)", "-"
		}
		reason := string(c.Reason)
		if c.Reason == simulate.ReasonWon {
			reason = s.OK(reason)
		} else {
			reason = s.Dim(reason)
		}
		rows = append(rows, []string{reason, c.Ingress.Key(), host, path, pt, manifest.BackendString(c.Backend), c.Detail})
	}
	var tb bytes.Buffer
	if err := Table(&tb, s, []string{"RESULT", "INGRESS", "HOST", "PATH", "PATHTYPE", "BACKEND", "WHY"}, rows); err != nil {
		return err
	}
	var out strings.Builder
	out.WriteString("  candidates:\n")
	for _, line := range strings.SplitAfter(tb.String(), "\n") {
		if line != "" {
			out.WriteString("    " + line)
		}
	}
	_, err := io.WriteString(w, out.String())
	return err
}

// requestPath is the path of a URL as written, without query or fragment.
func requestPath(u string) string {
	if _, rest, ok := strings.Cut(u, "://"); ok {
		u = rest
	}
	i := strings.IndexAny(u, "/?#")
	if i < 0 || u[i] != '/' {
		return "/"
	}
	p := u[i:]
	if j := strings.IndexAny(p, "?#"); j >= 0 {
		p = p[:j]
	}
	return p
}

// gatewayText writes the rule of a Gateway API answer.
func gatewayText(b *strings.Builder, s *Styles, d simulate.Decision) {
	host := d.Host
	if host == "" {
		host = "* (every host)"
	}
	match := d.Path
	if match == "" && isIstio(d) {
		match = "any (no uri match)"
	}
	if d.PathType != "" {
		match = fmt.Sprintf("%s (%s)", d.Path, d.PathType)
	}
	if isIstio(d) && d.Kind == "Gateway" {
		// An Istio Gateway answers by itself only with a server's
		// tls.httpsRedirect; Rule indexes spec.servers.
		fmt.Fprintf(b, "  by Gateway %s spec.servers[%d].tls.httpsRedirect: host %s, %s\n", d.Object, d.Rule, host, d.Pos)
		return
	}
	rule := fmt.Sprintf("rule %d", d.Rule)
	if d.MatchIndex >= 0 {
		rule += fmt.Sprintf(" match %d", d.MatchIndex)
	}
	fmt.Fprintf(b, "  by %s %s %s: host %s, path %s, %s\n", d.Kind, d.Object, rule, host, match, d.Pos)
}

// gatewayCandidates writes the --explain table of a Gateway API answer.
func gatewayCandidates(w io.Writer, s *Styles, d simulate.Decision) error {
	rows := make([][]string, 0, len(d.Candidates))
	for _, c := range d.Candidates {
		reason := string(c.Reason)
		if c.Reason == simulate.ReasonWon {
			reason = s.OK(reason)
		} else {
			reason = s.Dim(reason)
		}
		match := "-"
		if c.MatchIndex >= 0 {
			match = fmt.Sprint(c.MatchIndex)
		}
		rows = append(rows, []string{reason, c.Kind + " " + c.Object, fmt.Sprint(c.Rule), match, c.Path, c.Detail})
	}
	var tb bytes.Buffer
	if err := Table(&tb, s, []string{"RESULT", "ROUTE", "RULE", "MATCH", "PATH", "WHY"}, rows); err != nil {
		return err
	}
	var out strings.Builder
	out.WriteString("  candidates:\n")
	for _, line := range strings.SplitAfter(tb.String(), "\n") {
		if line != "" {
			out.WriteString("    " + line)
		}
	}
	_, err := io.WriteString(w, out.String())
	return err
}

// headerString writes a header as Name: value pairs, sorted by name.
func headerString(h http.Header) string {
	keys := make([]string, 0, len(h))
	for k := range h {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, 0, len(keys))
	for _, k := range keys {
		parts = append(parts, k+": "+strings.Join(h[k], ","))
	}
	if len(parts) == 0 {
		return "no headers"
	}
	return strings.Join(parts, "; ")
}

// editsString writes header edits as set, add and remove lists.
func editsString(e *simulate.HeaderEdits) string {
	var parts []string
	if len(e.Set) > 0 {
		parts = append(parts, "set "+headerString(e.Set))
	}
	if len(e.Add) > 0 {
		parts = append(parts, "add "+headerString(e.Add))
	}
	if len(e.Remove) > 0 {
		r := append([]string(nil), e.Remove...)
		sort.Strings(r)
		parts = append(parts, "remove "+strings.Join(r, ", "))
	}
	return strings.Join(parts, "; ")
}
