package gce

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	networkingv1 "k8s.io/api/networking/v1"
	gwv1 "sigs.k8s.io/gateway-api/apis/v1"

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

// backendConfigOf resolves the BackendConfig of a backend's Service port
// (the ports entry for the port's number or name, else default). bc is
// nil when none applies; problem, when not empty, says why the one named
// cannot be read.
func (r *reader) backendConfigOf(b networkingv1.IngressBackend) (svc *manifest.Service, key string, bc *manifest.BackendConfig, problem string) {
	if b.Service == nil {
		return nil, "", nil, ""
	}
	tr, ing := r.t.tr, r.ing
	svc = tr.Set().Service(ing.Namespace, b.Service.Name)
	if svc == nil {
		return nil, "", nil, ""
	}
	var raw string
	for _, k := range manifest.BackendConfigAnnotations {
		if v, ok := svc.Annotations[k]; ok {
			raw, key = v, k
			break
		}
	}
	if key == "" {
		return svc, "", nil, ""
	}
	var cfg backendConfigs
	if err := json.Unmarshal([]byte(raw), &cfg); err != nil {
		return svc, key, nil, fmt.Sprintf("Service %s/%s annotation %s is not valid JSON (%v): ingress-gce rejects it", svc.Namespace, svc.Name, key, err)
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
		return svc, key, nil, ""
	}
	bc = tr.Set().BackendConfig(svc.Namespace, name)
	if bc == nil {
		return svc, key, nil, fmt.Sprintf("Service %s/%s names BackendConfig %s, which is not in the input, so what it configures is not translated: add its manifest (-f)", svc.Namespace, svc.Name, name)
	}
	return svc, key, bc, ""
}

// backendConfig reports the BackendConfig of a backend's Service port.
// On the rules of the Ingress's paths (Rule), timeoutSec becomes
// timeouts.backendRequest and fixed custom headers become header
// modifier filters, each said once as an info finding; on the
// defaultBackend (a rule the core makes) and for every other setting, no
// standard Gateway API field carries it, so it is reported with what to
// use instead. Each Service port is reported once per Ingress.
func (r *reader) backendConfig(b networkingv1.IngressBackend, field string) {
	svc, key, bc, problem := r.backendConfigOf(b)
	if svc == nil || key == "" {
		return
	}
	seen := svc.Namespace + "/" + svc.Name + ":" + b.Service.Port.Name + strconv.Itoa(int(b.Service.Port.Number))
	if r.seen[seen] {
		return
	}
	r.seen[seen] = true
	tr, ing := r.t.tr, r.ing
	if problem != "" {
		tr.Report(ing, field, migrate.Warning, problem)
		return
	}
	if bc == nil {
		return
	}
	onRule := field != "spec.defaultBackend"
	var lost, kept []string
	s := bc.Spec
	add := func(set bool, what string) {
		if set {
			lost = append(lost, what)
		}
	}
	if s.TimeoutSec != nil {
		if d, ok := backendTimeout(*s.TimeoutSec); ok && onRule {
			kept = append(kept, fmt.Sprintf("timeoutSec %d as timeouts.backendRequest %s (the load balancer's wait for the backend's whole response; for WebSockets it bounds the connection instead)", *s.TimeoutSec, d))
		} else {
			add(true, fmt.Sprintf("timeoutSec %d (a backend response timeout: set timeouts.backendRequest on the rules that send to it)", *s.TimeoutSec))
		}
	}
	for _, h := range []struct {
		name string
		cfg  *manifest.BackendConfigHeaders
	}{{"customRequestHeaders", s.CustomRequestHeaders}, {"customResponseHeaders", s.CustomResponseHeaders}} {
		if h.cfg == nil || len(h.cfg.Headers) == 0 {
			continue
		}
		fixed, other := splitHeaders(h.cfg.Headers)
		if len(fixed) > 0 && onRule {
			kept = append(kept, fmt.Sprintf("%s %s as a %s filter adding them", h.name, strings.Join(fixed, ", "), modifierOf(h.name)))
		} else {
			other = append(fixed, other...)
		}
		add(len(other) > 0, fmt.Sprintf("%s %s (a %s filter adds fixed values; the load balancer's {variables} and malformed headers have no equivalent)", h.name, strings.Join(other, ", "), modifierOf(h.name)))
	}
	add(s.SessionAffinity != nil && s.SessionAffinity.AffinityType != "" && s.SessionAffinity.AffinityType != "NONE", "sessionAffinity (sessionPersistence is experimental; on GKE's Gateway a GCPBackendPolicy's sessionAffinity)")
	add(s.ConnectionDraining != nil, "connectionDraining (on GKE's Gateway a GCPBackendPolicy's connectionDraining)")
	add(s.Iap != nil && s.Iap.Enabled, "iap (on GKE's Gateway a GCPBackendPolicy's iap)")
	add(s.Cdn != nil && s.Cdn.Enabled, "cdn (no Gateway API equivalent; an implementation setting)")
	add(s.SecurityPolicy != nil, "securityPolicy (on GKE's Gateway a GCPBackendPolicy's securityPolicy)")
	add(s.HealthCheck != nil, "healthCheck (on GKE's Gateway a HealthCheckPolicy)")
	add(s.Logging != nil, "logging (on GKE's Gateway a GCPBackendPolicy's logging)")
	where := fmt.Sprintf("Service %s/%s's %s annotation (%s) names BackendConfig %s (%s)", svc.Namespace, svc.Name, key, svc.Source.FieldPos("metadata.annotations."+key), bc.Key(), bc.Source.Pos)
	if len(kept) > 0 {
		tr.Report(ing, field, migrate.Info, fmt.Sprintf("%s; translated on the rules that send to it: %s", where, strings.Join(kept, "; ")))
	}
	if len(lost) > 0 {
		tr.Report(ing, field, migrate.Warning, fmt.Sprintf("%s, whose settings no standard Gateway API field carries: %s", where, strings.Join(lost, "; ")))
	}
}

// Rule forwards to the path's backend with what its BackendConfig
// configures that a rule carries (backendConfig reports it).
func (r *reader) Rule(hr *migrate.HostRoute, p networkingv1.HTTPIngressPath, field string, match gwv1.HTTPPathMatch) (gwv1.HTTPRouteRule, bool) {
	rule, ok := r.Base.Rule(hr, p, field, match)
	if !ok {
		return rule, false
	}
	_, _, bc, _ := r.backendConfigOf(p.Backend)
	if bc == nil {
		return rule, true
	}
	s := bc.Spec
	if s.TimeoutSec != nil {
		if d, ok := backendTimeout(*s.TimeoutSec); ok {
			rule.Timeouts = &gwv1.HTTPRouteTimeouts{BackendRequest: &d}
		}
	}
	if s.CustomRequestHeaders != nil {
		if add := headerValues(s.CustomRequestHeaders.Headers); len(add) > 0 {
			rule.Filters = append(rule.Filters, gwv1.HTTPRouteFilter{Type: gwv1.HTTPRouteFilterRequestHeaderModifier,
				RequestHeaderModifier: &gwv1.HTTPHeaderFilter{Add: add}})
		}
	}
	if s.CustomResponseHeaders != nil {
		if add := headerValues(s.CustomResponseHeaders.Headers); len(add) > 0 {
			rule.Filters = append(rule.Filters, gwv1.HTTPRouteFilter{Type: gwv1.HTTPRouteFilterResponseHeaderModifier,
				ResponseHeaderModifier: &gwv1.HTTPHeaderFilter{Add: add}})
		}
	}
	return rule, true
}

// backendTimeout writes seconds as a Gateway API Duration (GEP-2257: at
// most four parts of at most five digits each, h, m, s or ms). The
// Compute API accepts timeoutSec up to 2^31-1; above 99,999 hours there
// is no Duration, and false has it reported.
func backendTimeout(sec int64) (gwv1.Duration, bool) {
	if sec <= 0 {
		return "", false
	}
	h, m, sc := sec/3600, sec%3600/60, sec%60
	var b strings.Builder
	if h > 0 {
		if h > 99999 {
			return "", false
		}
		fmt.Fprintf(&b, "%dh", h)
	}
	if m > 0 {
		fmt.Fprintf(&b, "%dm", m)
	}
	if sc > 0 {
		fmt.Fprintf(&b, "%ds", sc)
	}
	return gwv1.Duration(b.String()), true
}

// headerName is a valid Gateway API HTTPHeaderName (RFC 7230 token).
var headerName = regexp.MustCompile("^[A-Za-z0-9!#$%&'*+\\-.^_`|~]+$")

// splitHeaders splits BackendConfig headers ("Name:Value", the Compute
// API's customRequestHeaders format) into those with a fixed value and
// the others: a {variable} the load balancer fills in, or no valid name.
func splitHeaders(hs []string) (fixed, other []string) {
	for _, h := range hs {
		if _, ok := fixedHeader(h); ok {
			fixed = append(fixed, h)
		} else {
			other = append(other, h)
		}
	}
	return fixed, other
}

func fixedHeader(h string) (gwv1.HTTPHeader, bool) {
	name, value, ok := strings.Cut(h, ":")
	name, value = strings.TrimSpace(name), strings.TrimSpace(value)
	if !ok || !headerName.MatchString(name) || strings.ContainsAny(value, "{}") {
		return gwv1.HTTPHeader{}, false
	}
	return gwv1.HTTPHeader{Name: gwv1.HTTPHeaderName(name), Value: value}, true
}

// headerValues are the fixed headers of hs.
func headerValues(hs []string) []gwv1.HTTPHeader {
	var out []gwv1.HTTPHeader
	for _, h := range hs {
		if v, ok := fixedHeader(h); ok {
			out = append(out, v)
		}
	}
	return out
}

func modifierOf(setting string) string {
	if setting == "customResponseHeaders" {
		return "ResponseHeaderModifier"
	}
	return "RequestHeaderModifier"
}
