package simulate

import "net/http"

// WeightedBackend is one backend of the rule that answers, with its share
// of the traffic. Gateway API rules split traffic by weight
// (HTTPBackendRef.Weight in sigs.k8s.io/gateway-api apis/v1
// httproute_types.go); an Ingress answer has one backend of weight 1.
type WeightedBackend struct {
	// Kind is the backend's kind ("Service" unless the reference names
	// another).
	Kind string
	// Namespace and Name name the backend.
	Namespace, Name string
	// Port is the backend's port number; 0 when the reference gives none.
	Port int32
	// Weight is the backend's weight as written (1 when omitted).
	Weight int32
	// Problem, when not empty, says why the reference does not resolve;
	// the share of requests it would get is answered with 500.
	Problem string
	// RequestHeaders is the request's headers as this backend receives
	// them, when filters on this backend change them; nil otherwise.
	RequestHeaders http.Header
	// Protocol is how the data plane speaks to the backend: "" for
	// HTTP/1.1, ProtocolH2C for HTTP/2 (cleartext to an http://
	// address).
	Protocol string
}

// ProtocolH2C is the Protocol of a backend spoken to over HTTP/2, as a
// gRPC backend is: gRPC runs on HTTP/2 alone (grpc/grpc
// doc/PROTOCOL-HTTP2.md), and its responses end in trailers, which an
// HTTP/1.1 hop does not carry.
const ProtocolH2C = "h2c"

// Mirror is a backend that receives a copy of the request
// (HTTPRequestMirrorFilter in apis/v1 httproute_types.go).
type Mirror struct {
	// Backend is where the copy goes.
	Backend WeightedBackend
	// Percent is the share of requests mirrored, 0-100.
	Percent float64
}

// HeaderEdits are the changes a filter makes to a set of headers
// (HTTPHeaderFilter in apis/v1 httproute_types.go).
type HeaderEdits struct {
	// Set overwrites headers, Add appends values, Remove deletes.
	Set, Add http.Header
	Remove   []string
}

// Empty reports whether e changes nothing.
func (e *HeaderEdits) Empty() bool {
	return e == nil || (len(e.Set) == 0 && len(e.Add) == 0 && len(e.Remove) == 0)
}

// Apply returns h with the edits applied, as a new header; the order is
// set, add, remove, which is the order the Gateway API filter lists them.
func (e *HeaderEdits) Apply(h http.Header) http.Header {
	out := h.Clone()
	if out == nil {
		out = http.Header{}
	}
	if e == nil {
		return out
	}
	for k, vs := range e.Set {
		out[http.CanonicalHeaderKey(k)] = append([]string(nil), vs...)
	}
	for k, vs := range e.Add {
		out[http.CanonicalHeaderKey(k)] = append(out[http.CanonicalHeaderKey(k)], vs...)
	}
	for _, k := range e.Remove {
		delete(out, http.CanonicalHeaderKey(k))
	}
	return out
}
