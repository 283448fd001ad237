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

func writeEcho(w http.ResponseWriter, r *http.Request, d simulate.Decision, f *forward, missing string, e *Entry) {
	out := Echo{
		Request: EchoRequest{
			Method: r.Method, Scheme: e.Scheme, Host: e.Host,
			URI: r.URL.RequestURI(), Proto: r.Proto,
		},
		Matched:        d.Matched,
		DefaultBackend: d.DefaultBackend,
		NormalizedPath: d.NormalizedPath,
		Missing:        missing,
		Redirect:       d.Redirect,
		Profile:        d.Profile,
		Notes:          d.Notes,
	}
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
		uri := outboundPath(forwardPath(d, requestPath(r)))
		if r.URL.RawQuery != "" {
			uri += "?" + r.URL.RawQuery
		}
		h := outboundHeader(r)
		// A fresh X-Request-ID would make every description differ; the
		// echo says where it goes instead.
		if r.Header.Get("X-Request-ID") == "" {
			h.Set("X-Request-ID", "(generated)")
		}
		flat := make(map[string]string, len(h))
		for k, v := range h {
			flat[k] = strings.Join(v, ", ")
		}
		out.Forward = &EchoForward{URI: uri, Header: flat}
	}
	if f != nil {
		out.Upstream = f.target.String()
	}
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
