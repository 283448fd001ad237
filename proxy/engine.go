package proxy

import (
	"net/http"

	networkingv1 "k8s.io/api/networking/v1"

	"github.com/ingresskit/ingresskit/manifest"
)

// engineRequest is what the routing engine is asked.
type engineRequest struct {
	Scheme, Host, Path string
	Header             http.Header
}

// engineTLS names the spec.tls entry covering a host.
type engineTLS struct {
	Ingress    *manifest.Ingress
	Index      int
	SecretName string
}

// engineDecision is the routing engine's answer.
type engineDecision struct {
	Matched        bool
	DefaultBackend bool
	Ingress        *manifest.Ingress
	Rule           int
	PathIndex      int
	Host           string
	Path           string
	PathType       string
	Backend        networkingv1.IngressBackend
	NormalizedPath string
	TLS            *engineTLS
}

// engineRoute is one path of one rule, as the engine lists them.
type engineRoute struct {
	Ingress  *manifest.Ingress
	Host     string
	Path     string
	PathType string
	Backend  networkingv1.IngressBackend
}

// router is the part of the routing engine the proxy uses.
type router interface {
	Lookup(engineRequest) engineDecision
	Routes() []engineRoute
}

// compileFunc builds a router from a manifest set.
type compileFunc func(set *manifest.Set, class, profile string) (router, error)
