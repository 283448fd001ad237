package manifest

import (
	yaml "go.yaml.in/yaml/v3"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// The GKE Ingress configuration resources (kubernetes/ingress-gce
// pkg/apis/frontendconfig/v1beta1/types.go and
// pkg/apis/backendconfig/v1/types.go), with the fields that change what a
// request gets or that a migration must carry elsewhere. Fields the model
// does not read are left out; decoding keeps their positions all the same.

// FrontendConfigAPIVersion is the version FrontendConfig is served in.
const FrontendConfigAPIVersion = "networking.gke.io/v1beta1"

// BackendConfig versions served: cloud.google.com v1 and v1beta1.
var backendConfigVersions = []string{"cloud.google.com/v1", "cloud.google.com/v1beta1"}

// FrontendConfigAnnotation names an Ingress's FrontendConfig
// (pkg/annotations/ingress.go, FrontendConfigKey).
const FrontendConfigAnnotation = "networking.gke.io/v1beta1.FrontendConfig"

// BackendConfigAnnotations name a Service's BackendConfigs, the GA one
// first, which wins when both are set (pkg/annotations/service.go,
// BackendConfigKey and BetaBackendConfigKey).
var BackendConfigAnnotations = []string{"cloud.google.com/backend-config", "beta.cloud.google.com/backend-config"}

// FrontendConfig is a networking.gke.io FrontendConfig.
type FrontendConfig struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`
	Spec              FrontendConfigSpec `json:"spec,omitempty"`
	Source            Source             `json:"-"`
}

// FrontendConfigSpec is FrontendConfig.spec.
type FrontendConfigSpec struct {
	SslPolicy       *string              `json:"sslPolicy,omitempty"`
	RedirectToHttps *HTTPSRedirectConfig `json:"redirectToHttps,omitempty"`
}

// HTTPSRedirectConfig is spec.redirectToHttps.
type HTTPSRedirectConfig struct {
	Enabled bool `json:"enabled"`
	// ResponseCodeName is MOVED_PERMANENTLY_DEFAULT (301, also when
	// empty), FOUND (302), SEE_OTHER (303), TEMPORARY_REDIRECT (307) or
	// PERMANENT_REDIRECT (308).
	ResponseCodeName string `json:"responseCodeName,omitempty"`
}

// BackendConfig is a cloud.google.com BackendConfig.
type BackendConfig struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`
	Spec              BackendConfigSpec `json:"spec,omitempty"`
	Source            Source            `json:"-"`
}

// BackendConfigSpec is BackendConfig.spec; each field is kept only as
// far as a migration reports it.
type BackendConfigSpec struct {
	Iap                   *BackendConfigEnabled `json:"iap,omitempty"`
	Cdn                   *BackendConfigEnabled `json:"cdn,omitempty"`
	SecurityPolicy        *BackendConfigName    `json:"securityPolicy,omitempty"`
	TimeoutSec            *int64                `json:"timeoutSec,omitempty"`
	ConnectionDraining    *ConnectionDraining   `json:"connectionDraining,omitempty"`
	SessionAffinity       *SessionAffinity      `json:"sessionAffinity,omitempty"`
	CustomRequestHeaders  *BackendConfigHeaders `json:"customRequestHeaders,omitempty"`
	CustomResponseHeaders *BackendConfigHeaders `json:"customResponseHeaders,omitempty"`
	HealthCheck           *HealthCheck          `json:"healthCheck,omitempty"`
	Logging               *BackendConfigLogging `json:"logging,omitempty"`
}

// BackendConfigEnabled is a switched feature (iap, cdn).
type BackendConfigEnabled struct {
	Enabled bool `json:"enabled"`
}

// BackendConfigName names a Cloud Armor policy.
type BackendConfigName struct {
	Name string `json:"name"`
}

// ConnectionDraining is spec.connectionDraining.
type ConnectionDraining struct {
	DrainingTimeoutSec int64 `json:"drainingTimeoutSec,omitempty"`
}

// SessionAffinity is spec.sessionAffinity.
type SessionAffinity struct {
	AffinityType         string `json:"affinityType,omitempty"`
	AffinityCookieTtlSec *int64 `json:"affinityCookieTtlSec,omitempty"`
}

// BackendConfigHeaders are custom request or response headers, each
// "Name:Value".
type BackendConfigHeaders struct {
	Headers []string `json:"headers,omitempty"`
}

// HealthCheck is spec.healthCheck.
type HealthCheck struct {
	RequestPath *string `json:"requestPath,omitempty"`
	Port        *int64  `json:"port,omitempty"`
	Type        *string `json:"type,omitempty"`
}

// BackendConfigLogging is spec.logging.
type BackendConfigLogging struct {
	Enable bool `json:"enable,omitempty"`
}

// Key returns "namespace/name".
func (f *FrontendConfig) Key() string { return f.Namespace + "/" + f.Name }

// Key returns "namespace/name".
func (b *BackendConfig) Key() string { return b.Namespace + "/" + b.Name }

// GCEObjects are the GKE Ingress configuration objects of a load, in
// input order.
type GCEObjects struct {
	FrontendConfigs []*FrontendConfig
	BackendConfigs  []*BackendConfig
}

// Len returns how many objects g holds.
func (g *GCEObjects) Len() int { return len(g.FrontendConfigs) + len(g.BackendConfigs) }

func (g *GCEObjects) appendAll(o *GCEObjects) {
	g.FrontendConfigs = append(g.FrontendConfigs, o.FrontendConfigs...)
	g.BackendConfigs = append(g.BackendConfigs, o.BackendConfigs...)
}

// FrontendConfig returns the FrontendConfig namespace/name, the last one
// given, or nil.
func (g *GCEObjects) FrontendConfig(namespace, name string) *FrontendConfig {
	return lastNamed(g.FrontendConfigs, namespace, name)
}

// BackendConfig returns the BackendConfig namespace/name, the last one
// given, or nil.
func (g *GCEObjects) BackendConfig(namespace, name string) *BackendConfig {
	return lastNamed(g.BackendConfigs, namespace, name)
}

// gceObject loads a FrontendConfig or BackendConfig; it reports whether
// the kind and group are one of them.
func (l *docLoader) gceObject(n *yaml.Node, kind, apiVersion string, src Source) bool {
	switch {
	case kind == "FrontendConfig" && apiVersion == FrontendConfigAPIVersion:
		o := &FrontendConfig{Source: src}
		decodeNamespaced(l, n, o, &o.Source, &l.set.FrontendConfigs)
		return true
	case kind == "BackendConfig" && (apiVersion == backendConfigVersions[0] || apiVersion == backendConfigVersions[1]):
		o := &BackendConfig{Source: src}
		decodeNamespaced(l, n, o, &o.Source, &l.set.BackendConfigs)
		return true
	}
	return false
}
