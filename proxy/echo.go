package proxy

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/ingresskit/ingresskit/simulate"
)

// Echo is the JSON body of an --echo answer: the routing decision and
// the request that would have been sent upstream.
type Echo struct {
	Request EchoRequest `json:"request"`
	// DataPlane names the data plane that answered ("ingress class
	// nginx", "gateway infra/prod").
	DataPlane string `json:"dataPlane,omitempty"`
	// Matched is true when a rule matched; DefaultBackend when the
	// request fell through to spec.defaultBackend.
	Matched        bool `json:"matched"`
	DefaultBackend bool `json:"defaultBackend"`
	// Ingress is namespace/name; Source is where the matched path (or
	// the Ingress) was written.
	Ingress        string       `json:"ingress,omitempty"`
	Source         string       `json:"source,omitempty"`
	Rule           *int         `json:"rule,omitempty"`
	PathIndex      *int         `json:"pathIndex,omitempty"`
	Host           string       `json:"host,omitempty"`
	Path           string       `json:"path,omitempty"`
	PathType       string       `json:"pathType,omitempty"`
	NormalizedPath string       `json:"normalizedPath,omitempty"`
	Backend        *EchoBackend `json:"backend,omitempty"`
	// TLSSecret is the Secret of the TLS entry covering the host.
	TLSSecret string `json:"tlsSecret,omitempty"`
	// Upstream is where the request would go; Missing names the
	// NS/SERVICE:PORT that has no --upstream.
	Upstream string `json:"upstream,omitempty"`
	Missing  string `json:"missingUpstream,omitempty"`
	// Redirect is where the controller would send the client instead.
	Redirect string `json:"redirect,omitempty"`
	// Profile names the controller semantics that answered; Notes are its
	// remarks on this answer.
	Profile string   `json:"profile"`
	Notes   []string `json:"notes,omitempty"`
	// Forward is the request line and headers the upstream would get.
	Forward *EchoForward `json:"forward,omitempty"`

	// The fields below describe the answers of Gateway API and Istio
	// data planes.

	// Kind and Object name the route that answered ("HTTPRoute",
	// namespace/name); Listener the Gateway listener that took the
	// request; Rule and Match index the route's rules and the rule's
	// matches (Rule above).
	Kind     string `json:"kind,omitempty"`
	Object   string `json:"object,omitempty"`
	Listener string `json:"listener,omitempty"`
	Match    *int   `json:"match,omitempty"`
	// Status is the status the data plane answers itself with (404,
	// 500, a redirect's, an Istio directResponse's).
	Status int `json:"status,omitempty"`
	// Backends are the rule's backends with their weights; Picked
	// indexes the one this request went to, by weight.
	Backends []EchoWeighted `json:"backends,omitempty"`
	Picked   *int           `json:"picked,omitempty"`
	// ResponseHeaders are the changes made to the response's headers.
	ResponseHeaders *EchoHeaderEdits `json:"responseHeaders,omitempty"`
	// Mirrors are the backends that get a copy of the request.
	Mirrors []EchoMirror `json:"mirrors,omitempty"`
}

// EchoWeighted is one backend of a rule that splits traffic.
type EchoWeighted struct {
	Backend string `json:"backend"`
	Weight  int32  `json:"weight"`
	// Problem says why the reference does not resolve: its share is
	// answered 500.
	Problem string `json:"problem,omitempty"`
	// Upstream is where its requests go; Missing is set when it has
	// none.
	Upstream string `json:"upstream,omitempty"`
	Missing  bool   `json:"missingUpstream,omitempty"`
}

// EchoHeaderEdits are header changes: Set and Add by name, Remove names.
type EchoHeaderEdits struct {
	Set    map[string]string `json:"set,omitempty"`
	Add    map[string]string `json:"add,omitempty"`
	Remove []string          `json:"remove,omitempty"`
}

// EchoMirror is a backend that receives a copy of the request.
type EchoMirror struct {
	Backend string  `json:"backend"`
	Percent float64 `json:"percent"`
	Problem string  `json:"problem,omitempty"`
	// Note says when the copy is not sent.
	Note string `json:"note,omitempty"`
}

// EchoRequest is the request as received.
type EchoRequest struct {
	Method string `json:"method"`
	Scheme string `json:"scheme"`
	Host   string `json:"host"`
	URI    string `json:"uri"`
	Proto  string `json:"proto"`
}

// EchoBackend names the backend of the decision.
type EchoBackend struct {
	Service  string `json:"service,omitempty"`
	Port     string `json:"port,omitempty"`
	Resource string `json:"resource,omitempty"`
}

// EchoForward is the request the upstream would receive.
type EchoForward struct {
	URI string `json:"uri"`
	// Header holds each header's values joined with ", ".
	Header map[string]string `json:"header"`
}

// newEcho starts the echo of d, the answer to r as e received it, with
// what every data plane's answer has; missing names the backend without
// an upstream.
func newEcho(r *http.Request, d simulate.Decision, e *Entry, missing string) Echo {
	return Echo{
		DataPlane: d.DataPlane,
		Request: EchoRequest{
			Method: r.Method, Scheme: e.Scheme, Host: e.Host,
			URI: r.URL.RequestURI(), Proto: r.Proto,
		},
		Matched:        d.Matched,
		NormalizedPath: d.NormalizedPath,
		Missing:        missing,
		Redirect:       d.Redirect,
		Profile:        d.Profile,
		Notes:          d.Notes,
	}
}

// echoForward is the request line and headers the upstream would get for
// r: path with r's query, and the headers h. A fresh X-Request-ID would
// make every description differ; the echo says where it goes instead.
func echoForward(r *http.Request, path string, h http.Header) *EchoForward {
	uri := outboundPath(path)
	if r.URL.RawQuery != "" {
		uri += "?" + r.URL.RawQuery
	}
	if r.Header.Get("X-Request-ID") == "" {
		h.Set("X-Request-ID", "(generated)")
	}
	return &EchoForward{URI: uri, Header: flatHeader(h)}
}

func writeEcho(w http.ResponseWriter, r *http.Request, d simulate.Decision, f *forward, missing string, e *Entry) {
	out := newEcho(r, d, e, missing)
	out.DefaultBackend = d.DefaultBackend
	if d.Ingress != nil {
		out.Ingress = d.Ingress.Key()
		out.Source = d.Ingress.Source.Pos.String()
		if !d.DefaultBackend {
			rule, idx := d.Rule, d.PathIndex
			out.Rule, out.PathIndex = &rule, &idx
			out.Host, out.Path, out.PathType = d.Host, d.Path, string(d.PathType)
			out.Source = d.Ingress.Source.FieldPos(fmt.Sprintf("spec.rules[%d].http.paths[%d]", rule, idx)).String()
		} else {
			out.Source = d.Ingress.Source.FieldPos("spec.defaultBackend").String()
		}
	}
	if s := d.Backend.Service; s != nil {
		port := s.Port.Name
		if port == "" {
			port = strconv.Itoa(int(s.Port.Number))
		}
		out.Backend = &EchoBackend{Service: s.Name, Port: port}
	} else if res := d.Backend.Resource; res != nil {
		out.Backend = &EchoBackend{Resource: res.Kind + "/" + res.Name}
	}
	if d.TLS != nil {
		out.TLSSecret = d.TLS.SecretName
	}
	status := http.StatusOK
	switch {
	case d.Refused != "":
		status = http.StatusServiceUnavailable
	case d.Status != 0:
		status = d.Status
	case !d.Matched:
		status = http.StatusNotFound
	}
	if d.Redirect != "" {
		status = d.RedirectCode
		// A 3xx without Location is no redirect (RFC 9110 section 15.4);
		// the echo describes it and still behaves as one.
		w.Header().Set("Location", d.Redirect)
	}
	if d.Redirect == "" && (d.Backend.Service != nil || d.Backend.Resource != nil) {
		out.Forward = echoForward(r, forwardPath(d, requestPath(r)), outboundHeader(r))
	}
	if f != nil {
		out.Upstream = f.target.String()
	}
	writeEchoJSON(w, out, status)
}

// writeEchoJSON writes out as the JSON body of an answer of status.
func writeEchoJSON(w http.ResponseWriter, out Echo, status int) {
	body, err := json.MarshalIndent(out, "", "  ")
	if err != nil {
		textPage(w, http.StatusInternalServerError, err.Error()+"\n")
		return
	}
	body = append(body, '\n')
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

// writeRouteEcho describes the answer of a Gateway API or Istio data
// plane: the route, the backends with the one picked, and the request
// that backend would get.
func writeRouteEcho(w http.ResponseWriter, r *http.Request, t *table, d simulate.Decision, c routeChoice, f *forward, e *Entry) {
	out := newEcho(r, d, e, c.missing)
	out.Kind, out.Object, out.Listener = d.Kind, d.Object, d.Listener
	out.Host, out.Path, out.PathType = d.Host, d.Path, string(d.PathType)
	out.Status = d.Status
	if d.Matched {
		rule, match := d.Rule, d.MatchIndex
		out.Rule, out.Match = &rule, &match
		if d.Pos.File != "" {
			out.Source = d.Pos.String()
		}
	}
	for _, b := range d.Backends {
		ref := backendRef{ns: b.Namespace, svc: b.Name, port: strconv.Itoa(int(b.Port))}
		eb := EchoWeighted{Backend: ref.String(), Weight: b.Weight, Problem: b.Problem}
		if b.Problem == "" {
			if u, ok := t.upstreams.resolve(t.set, ref); ok {
				eb.Upstream = u.URL.String()
			} else {
				eb.Missing = true
			}
		}
		out.Backends = append(out.Backends, eb)
	}
	if c.picked >= 0 {
		picked := c.picked
		out.Picked = &picked
		b := d.Backends[picked]
		out.Backend = &EchoBackend{Service: b.Namespace + "/" + b.Name, Port: strconv.Itoa(int(b.Port))}
	}
	if e := d.ResponseHeaders; !e.Empty() {
		out.ResponseHeaders = &EchoHeaderEdits{Set: flatHeader(e.Set), Add: flatHeader(e.Add), Remove: e.Remove}
	}
	for _, m := range d.Mirrors {
		em := EchoMirror{Backend: backendRef{ns: m.Backend.Namespace, svc: m.Backend.Name, port: strconv.Itoa(int(m.Backend.Port))}.String(),
			Percent: m.Percent, Problem: m.Backend.Problem}
		if r.ContentLength != 0 || len(r.TransferEncoding) > 0 {
			em.Note = "not sent: the proxy mirrors requests without a body only"
		}
		out.Mirrors = append(out.Mirrors, em)
	}
	status := http.StatusOK
	switch {
	case d.Redirect != "":
		status = d.RedirectCode
		w.Header().Set("Location", d.Redirect)
	case d.Status != 0:
		status = d.Status
	case !d.Matched:
		status = http.StatusNotFound
	case c.picked < 0 || d.Backends[c.picked].Problem != "":
		status = http.StatusInternalServerError
		out.Status = status
	}
	if status == http.StatusOK {
		h := outboundHeader(r)
		if d.RewriteHost != "" {
			h.Set("Host", d.RewriteHost)
		}
		if f != nil {
			editHeader(h, f.header)
		} else {
			editHeader(h, requestHeaderEdits(&d, c.picked, r.Header))
		}
		out.Forward = echoForward(r, routePath(d, requestPath(r)), h)
	}
	if f != nil {
		out.Upstream = f.target.String()
	}
	writeEchoJSON(w, out, status)
}

// flatHeader joins each header's values with ", "; nil for no headers.
func flatHeader(h http.Header) map[string]string {
	if len(h) == 0 {
		return nil
	}
	flat := make(map[string]string, len(h))
	for k, v := range h {
		flat[k] = strings.Join(v, ", ")
	}
	return flat
}
