package manifest

import (
	"strings"

	yaml "go.yaml.in/yaml/v3"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// IstioGroup is the API group of Istio's networking resources
// (istio.io/api networking/v1; the CRDs in manifests/charts/base).
const IstioGroup = "networking.istio.io"

// Istio networking versions served: v1, and v1beta1 and v1alpha3 with the
// same schema (istio.io/api networking/v1alpha3 is the source of the
// others).
var istioVersions = []string{IstioGroup + "/v1", IstioGroup + "/v1beta1", IstioGroup + "/v1alpha3"}

// The Istio types below hold the fields of the networking.istio.io
// resources that decide routing, with their JSON names
// (istio.io/api networking/v1alpha3 gateway.proto, virtual_service.proto,
// destination_rule.proto). Fields the model does not read are left out;
// decoding keeps their positions all the same.

// IstioGateway is a networking.istio.io Gateway: the servers (ports,
// hosts, TLS) of an ingress gateway deployment.
type IstioGateway struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`
	Spec              IstioGatewaySpec `json:"spec"`
	Source            Source           `json:"-"`
}

// IstioGatewaySpec is Gateway.spec.
type IstioGatewaySpec struct {
	Selector map[string]string `json:"selector,omitempty"`
	Servers  []IstioServer     `json:"servers,omitempty"`
}

// IstioServer is one server of a Gateway.
type IstioServer struct {
	Port  IstioPort       `json:"port"`
	Hosts []string        `json:"hosts,omitempty"`
	TLS   *IstioServerTLS `json:"tls,omitempty"`
	Name  string          `json:"name,omitempty"`
	Bind  string          `json:"bind,omitempty"`
}

// IstioPort is a server's port.
type IstioPort struct {
	Number     uint32 `json:"number"`
	Protocol   string `json:"protocol"`
	Name       string `json:"name,omitempty"`
	TargetPort uint32 `json:"targetPort,omitempty"`
}

// IstioServerTLS is a server's TLS settings.
type IstioServerTLS struct {
	HTTPSRedirect  bool   `json:"httpsRedirect,omitempty"`
	Mode           string `json:"mode,omitempty"`
	CredentialName string `json:"credentialName,omitempty"`
}

// VirtualService is a networking.istio.io VirtualService.
type VirtualService struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`
	Spec              VirtualServiceSpec `json:"spec"`
	Source            Source             `json:"-"`
}

// VirtualServiceSpec is VirtualService.spec.
type VirtualServiceSpec struct {
	Hosts    []string         `json:"hosts,omitempty"`
	Gateways []string         `json:"gateways,omitempty"`
	HTTP     []IstioHTTPRoute `json:"http,omitempty"`
	ExportTo []string         `json:"exportTo,omitempty"`
}

// IstioHTTPRoute is one http route of a VirtualService.
type IstioHTTPRoute struct {
	Name           string               `json:"name,omitempty"`
	Match          []IstioHTTPMatch     `json:"match,omitempty"`
	Route          []IstioRouteDest     `json:"route,omitempty"`
	Redirect       *IstioRedirect       `json:"redirect,omitempty"`
	DirectResponse *IstioDirectResponse `json:"directResponse,omitempty"`
	Delegate       *IstioDelegate       `json:"delegate,omitempty"`
	Rewrite        *IstioRewrite        `json:"rewrite,omitempty"`
	Headers        *IstioHeaders        `json:"headers,omitempty"`
	Mirror         *IstioDestination    `json:"mirror,omitempty"`
	// MirrorPercentage is the share of requests mirrored to Mirror;
	// MirrorPercent is its deprecated integer form.
	MirrorPercentage *IstioPercent          `json:"mirrorPercentage,omitempty"`
	MirrorPercent    *uint32                `json:"mirrorPercent,omitempty"`
	Mirrors          []IstioMirrorPolicy    `json:"mirrors,omitempty"`
	Timeout          string                 `json:"timeout,omitempty"`
	Retries          map[string]interface{} `json:"retries,omitempty"`
}

// IstioHTTPMatch is one match of an http route: its conditions all hold.
type IstioHTTPMatch struct {
	Name           string                      `json:"name,omitempty"`
	URI            *IstioStringMatch           `json:"uri,omitempty"`
	Scheme         *IstioStringMatch           `json:"scheme,omitempty"`
	Method         *IstioStringMatch           `json:"method,omitempty"`
	Authority      *IstioStringMatch           `json:"authority,omitempty"`
	Headers        map[string]IstioStringMatch `json:"headers,omitempty"`
	QueryParams    map[string]IstioStringMatch `json:"queryParams,omitempty"`
	Port           uint32                      `json:"port,omitempty"`
	Gateways       []string                    `json:"gateways,omitempty"`
	IgnoreURICase  bool                        `json:"ignoreUriCase,omitempty"`
	WithoutHeaders map[string]IstioStringMatch `json:"withoutHeaders,omitempty"`
}

// IstioStringMatch is one of exact, prefix or regex (RE2, full match).
type IstioStringMatch struct {
	Exact  string `json:"exact,omitempty"`
	Prefix string `json:"prefix,omitempty"`
	Regex  string `json:"regex,omitempty"`
}

// IstioRouteDest is a weighted destination.
type IstioRouteDest struct {
	Destination IstioDestination `json:"destination"`
	Weight      int32            `json:"weight,omitempty"`
	Headers     *IstioHeaders    `json:"headers,omitempty"`
}

// IstioDestination names a Service (host), a subset and a port.
type IstioDestination struct {
	Host   string    `json:"host"`
	Subset string    `json:"subset,omitempty"`
	Port   *IstioNum `json:"port,omitempty"`
}

// IstioNum is a port selector.
type IstioNum struct {
	Number uint32 `json:"number,omitempty"`
}

// IstioPercent is a percentage, 0 to 100.
type IstioPercent struct {
	Value float64 `json:"value"`
}

// IstioMirrorPolicy is one entry of an http route's mirrors.
type IstioMirrorPolicy struct {
	Destination IstioDestination `json:"destination"`
	Percentage  *IstioPercent    `json:"percentage,omitempty"`
}

// IstioRedirect is an http redirect.
type IstioRedirect struct {
	URI          string `json:"uri,omitempty"`
	Authority    string `json:"authority,omitempty"`
	Port         uint32 `json:"port,omitempty"`
	Scheme       string `json:"scheme,omitempty"`
	RedirectCode uint32 `json:"redirectCode,omitempty"`
}

// IstioDirectResponse answers without a backend.
type IstioDirectResponse struct {
	Status uint32         `json:"status"`
	Body   map[string]any `json:"body,omitempty"`
}

// IstioDelegate names a VirtualService whose routes are used in place.
type IstioDelegate struct {
	Name      string `json:"name"`
	Namespace string `json:"namespace,omitempty"`
}

// IstioRewrite rewrites the upstream request.
type IstioRewrite struct {
	URI             string             `json:"uri,omitempty"`
	Authority       string             `json:"authority,omitempty"`
	URIRegexRewrite *IstioRegexRewrite `json:"uriRegexRewrite,omitempty"`
}

// IstioRegexRewrite is rewrite.uriRegexRewrite.
type IstioRegexRewrite struct {
	Match   string `json:"match,omitempty"`
	Rewrite string `json:"rewrite,omitempty"`
}

// IstioHeaders are header edits.
type IstioHeaders struct {
	Request  *IstioHeaderOps `json:"request,omitempty"`
	Response *IstioHeaderOps `json:"response,omitempty"`
}

// IstioHeaderOps sets, adds and removes headers.
type IstioHeaderOps struct {
	Set    map[string]string `json:"set,omitempty"`
	Add    map[string]string `json:"add,omitempty"`
	Remove []string          `json:"remove,omitempty"`
}

// DestinationRule is a networking.istio.io DestinationRule; its subsets
// name the versions weighted routes go to.
type DestinationRule struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`
	Spec              DestinationRuleSpec `json:"spec"`
	Source            Source              `json:"-"`
}

// DestinationRuleSpec is DestinationRule.spec.
type DestinationRuleSpec struct {
	Host    string        `json:"host"`
	Subsets []IstioSubset `json:"subsets,omitempty"`
}

// IstioSubset is one subset of a DestinationRule.
type IstioSubset struct {
	Name   string            `json:"name"`
	Labels map[string]string `json:"labels,omitempty"`
}

// ServiceEntry is a networking.istio.io ServiceEntry: hosts added to
// the mesh's service registry, which route destinations may name like
// Services (istio.io/api networking/v1alpha3 service_entry.proto).
type ServiceEntry struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`
	Spec              ServiceEntrySpec `json:"spec"`
	Source            Source           `json:"-"`
}

// ServiceEntrySpec is ServiceEntry.spec.
type ServiceEntrySpec struct {
	Hosts      []string      `json:"hosts,omitempty"`
	Ports      []IstioSEPort `json:"ports,omitempty"`
	Location   string        `json:"location,omitempty"`
	Resolution string        `json:"resolution,omitempty"`
	ExportTo   []string      `json:"exportTo,omitempty"`
	Addresses  []string      `json:"addresses,omitempty"`
}

// IstioSEPort is one port of a ServiceEntry.
type IstioSEPort struct {
	Number     uint32 `json:"number"`
	Protocol   string `json:"protocol,omitempty"`
	Name       string `json:"name,omitempty"`
	TargetPort uint32 `json:"targetPort,omitempty"`
}

// Key returns namespace/name.
func (e *ServiceEntry) Key() string { return e.Namespace + "/" + e.Name }

// Key returns namespace/name.
func (g *IstioGateway) Key() string { return g.Namespace + "/" + g.Name }

// Key returns namespace/name.
func (v *VirtualService) Key() string { return v.Namespace + "/" + v.Name }

// Key returns namespace/name.
func (d *DestinationRule) Key() string { return d.Namespace + "/" + d.Name }

// IstioObjects are the Istio networking objects of a load, in input order.
// Set embeds it.
type IstioObjects struct {
	IstioGateways    []*IstioGateway
	VirtualServices  []*VirtualService
	DestinationRules []*DestinationRule
	ServiceEntries   []*ServiceEntry
}

// Len returns how many objects i holds.
func (i *IstioObjects) Len() int {
	return len(i.IstioGateways) + len(i.VirtualServices) + len(i.DestinationRules) + len(i.ServiceEntries)
}

func (i *IstioObjects) appendAll(o *IstioObjects) {
	i.IstioGateways = append(i.IstioGateways, o.IstioGateways...)
	i.VirtualServices = append(i.VirtualServices, o.VirtualServices...)
	i.DestinationRules = append(i.DestinationRules, o.DestinationRules...)
	i.ServiceEntries = append(i.ServiceEntries, o.ServiceEntries...)
}

func (i *IstioObjects) applied() (IstioObjects, bool) {
	var out IstioObjects
	var a, b, c bool
	out.IstioGateways, a = lastOf(i.IstioGateways, (*IstioGateway).Key)
	out.VirtualServices, b = lastOf(i.VirtualServices, (*VirtualService).Key)
	out.DestinationRules, c = lastOf(i.DestinationRules, (*DestinationRule).Key)
	var d bool
	out.ServiceEntries, d = lastOf(i.ServiceEntries, (*ServiceEntry).Key)
	return out, a || b || c || d
}

func isIstio(apiVersion string) bool {
	return strings.HasPrefix(apiVersion, IstioGroup+"/")
}

// istioObject loads one networking.istio.io object, every field with its
// position.
func (l *docLoader) istioObject(n *yaml.Node, kind, apiVersion string, src Source) {
	served := false
	for _, v := range istioVersions {
		served = served || apiVersion == v
	}
	switch kind {
	case "Gateway", "VirtualService", "DestinationRule", "ServiceEntry":
		if !served {
			l.unsupported(n, kind, apiVersion, istioVersions...)
			return
		}
	default:
		l.skip(kind)
		return
	}
	is := &l.set.IstioObjects
	switch kind {
	case "Gateway":
		o := &IstioGateway{Source: src}
		decodeNamespaced(l, n, o, &o.Source, &is.IstioGateways)
	case "VirtualService":
		o := &VirtualService{Source: src}
		decodeNamespaced(l, n, o, &o.Source, &is.VirtualServices)
	case "DestinationRule":
		o := &DestinationRule{Source: src}
		decodeNamespaced(l, n, o, &o.Source, &is.DestinationRules)
	case "ServiceEntry":
		o := &ServiceEntry{Source: src}
		decodeNamespaced(l, n, o, &o.Source, &is.ServiceEntries)
	}
}
