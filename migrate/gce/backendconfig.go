package gce

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	networkingv1 "k8s.io/api/networking/v1"

	"github.com/ingresskit/ingresskit/manifest"
	"github.com/ingresskit/ingresskit/migrate"
)

// backendConfigs is the Service annotation naming BackendConfigs
// (pkg/annotations/service.go, BackendConfigs): one for every port, and
// one per port by number or name.
type backendConfigs struct {
	Default string            `json:"default,omitempty"`
	Ports   map[string]string `json:"ports,omitempty"`
}

// backendConfig reports the BackendConfig of a backend's Service port
// (the ports entry for the port's number or name, else default): no
// standard Gateway API field carries what it configures, so each setting
// is a finding with what to use instead. Each Service port is reported
// once per Ingress.
func (r *reader) backendConfig(b networkingv1.IngressBackend, field string) {
	if b.Service == nil {
		return
	}
	tr, ing := r.t.tr, r.ing
	svc := tr.Set().Service(ing.Namespace, b.Service.Name)
	if svc == nil {
		return
	}
	var raw, key string
	for _, k := range manifest.BackendConfigAnnotations {
		if v, ok := svc.Annotations[k]; ok {
			raw, key = v, k
			break
		}
	}
	if key == "" {
		return
	}
	seen := svc.Namespace + "/" + svc.Name + ":" + b.Service.Port.Name + strconv.Itoa(int(b.Service.Port.Number))
	if r.seen[seen] {
		return
	}
	r.seen[seen] = true
	var cfg backendConfigs
	if err := json.Unmarshal([]byte(raw), &cfg); err != nil {
		tr.Report(ing, field, migrate.Warning, fmt.Sprintf("Service %s/%s annotation %s is not valid JSON (%v): ingress-gce rejects it", svc.Namespace, svc.Name, key, err))
		return
	}
	name := cfg.Default
	for _, sp := range svc.Spec.Ports {
		if sp.Name == b.Service.Port.Name && sp.Name != "" || sp.Port == b.Service.Port.Number {
			if n, ok := cfg.Ports[strconv.Itoa(int(sp.Port))]; ok {
				name = n
			}
			if n, ok := cfg.Ports[sp.Name]; ok && sp.Name != "" {
				name = n
			}
		}
	}
	if name == "" {
		return
	}
	bc := tr.Set().BackendConfig(svc.Namespace, name)
	if bc == nil {
		tr.Report(ing, field, migrate.Warning, fmt.Sprintf("Service %s/%s names BackendConfig %s, which is not in the input, so what it configures is not translated: add its manifest (-f)", svc.Namespace, svc.Name, name))
		return
	}
	var lost []string
	s := bc.Spec
	add := func(set bool, what string) {
		if set {
			lost = append(lost, what)
		}
	}
	add(s.TimeoutSec != nil, fmt.Sprintf("timeoutSec %d (a backend response timeout: set timeouts.backendRequest on the rules that send to it)", deref(s.TimeoutSec)))
	add(s.CustomRequestHeaders != nil && len(s.CustomRequestHeaders.Headers) > 0, fmt.Sprintf("customRequestHeaders %s (a RequestHeaderModifier filter sets fixed values; the load balancer's {variables} have no equivalent)", headers(s.CustomRequestHeaders)))
	add(s.CustomResponseHeaders != nil && len(s.CustomResponseHeaders.Headers) > 0, fmt.Sprintf("customResponseHeaders %s (a ResponseHeaderModifier filter)", headers(s.CustomResponseHeaders)))
	add(s.SessionAffinity != nil && s.SessionAffinity.AffinityType != "" && s.SessionAffinity.AffinityType != "NONE", "sessionAffinity (sessionPersistence is experimental; on GKE's Gateway a GCPBackendPolicy's sessionAffinity)")
	add(s.ConnectionDraining != nil, "connectionDraining (on GKE's Gateway a GCPBackendPolicy's connectionDraining)")
	add(s.Iap != nil && s.Iap.Enabled, "iap (on GKE's Gateway a GCPBackendPolicy's iap)")
	add(s.Cdn != nil && s.Cdn.Enabled, "cdn (no Gateway API equivalent; an implementation setting)")
	add(s.SecurityPolicy != nil, "securityPolicy (on GKE's Gateway a GCPBackendPolicy's securityPolicy)")
	add(s.HealthCheck != nil, "healthCheck (on GKE's Gateway a HealthCheckPolicy)")
	add(s.Logging != nil, "logging (on GKE's Gateway a GCPBackendPolicy's logging)")
	if len(lost) == 0 {
		return
	}
	tr.Report(ing, field, migrate.Warning, fmt.Sprintf("Service %s/%s's %s annotation (%s) names BackendConfig %s (%s), whose settings no standard Gateway API field carries: %s", svc.Namespace, svc.Name, key, svc.Source.FieldPos("metadata.annotations."+key), bc.Key(), bc.Source.Pos, strings.Join(lost, "; ")))
}

func deref(p *int64) int64 {
	if p == nil {
		return 0
	}
	return *p
}

func headers(h *manifest.BackendConfigHeaders) string {
	if h == nil {
		return ""
	}
	return strings.Join(h.Headers, ", ")
}
