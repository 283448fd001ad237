// Package cluster reads Ingresses and the objects they reference from a live
// Kubernetes cluster into a *manifest.Set, so that every command that works on
// files also works on what is deployed.
//
// Lists are paginated, Secrets are read as metadata only unless their data is
// asked for, and a list the caller is not allowed to make becomes a Warning
// that says which checks cannot run, never an error or a guess. Objects read
// from the cluster carry a manifest.Pos whose File is namespace/Kind/name, so
// messages about them name the object instead of a file and line.
//
// client-go lives here and only here: the manifest package and the file
// loading path never link it.
package cluster

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"slices"
	"sort"

	corev1 "k8s.io/api/core/v1"
	discoveryv1 "k8s.io/api/discovery/v1"
	networkingv1 "k8s.io/api/networking/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/fields"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/metadata"
	"k8s.io/client-go/rest"
	gwclient "sigs.k8s.io/gateway-api/pkg/client/clientset/versioned"

	"github.com/ingresskit/ingresskit/manifest"
)

// DefaultPageSize is the number of objects asked for per list request when
// Options.PageSize is zero. kubectl get uses the same chunk size
// (kubernetes/kubectl pkg/cmd/get/get.go, --chunk-size default 500).
const DefaultPageSize = 500

// Resources the package reads, as the API server names them.
var (
	IngressesResource      = networkingv1.SchemeGroupVersion.WithResource("ingresses")
	IngressClassesResource = networkingv1.SchemeGroupVersion.WithResource("ingressclasses")
	ServicesResource       = corev1.SchemeGroupVersion.WithResource("services")
	SecretsResource        = corev1.SchemeGroupVersion.WithResource("secrets")
	EndpointSlicesResource = discoveryv1.SchemeGroupVersion.WithResource("endpointslices")
	PodsResource           = corev1.SchemeGroupVersion.WithResource("pods")
)

// Clients are the API clients the package uses. Metadata is used for Secrets
// when their data is not needed, so no key material crosses the wire.
type Clients struct {
	// Kube is the typed client.
	Kube kubernetes.Interface
	// Metadata is the metadata-only client (PartialObjectMetadata).
	Metadata metadata.Interface
	// Gateway is the Gateway API client; nil reads no Gateway API
	// objects. Which kinds are read is decided by Kube's discovery.
	Gateway gwclient.Interface
	// Dynamic reads the Istio networking objects (Istio publishes no
	// client in a Kubernetes-ecosystem module this one uses); nil reads
	// none. Which kinds and versions are read is decided by discovery.
	Dynamic dynamic.Interface
	// Config is the REST configuration the clients were made from; it is
	// needed only for port-forwarding and may be nil otherwise.
	Config *rest.Config
	// Server names the cluster in error messages, usually the API server
	// URL; empty means "the cluster".
	Server string
}

// NewClients makes the clients for cfg.
func NewClients(cfg *rest.Config) (*Clients, error) {
	kube, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		return nil, &Error{Server: cfg.Host, Err: err}
	}
	md, err := metadata.NewForConfig(cfg)
	if err != nil {
		return nil, &Error{Server: cfg.Host, Err: err}
	}
	gw, err := gwclient.NewForConfig(cfg)
	if err != nil {
		return nil, &Error{Server: cfg.Host, Err: err}
	}
	dyn, err := dynamic.NewForConfig(cfg)
	if err != nil {
		return nil, &Error{Server: cfg.Host, Err: err}
	}
	return &Clients{Kube: kube, Metadata: md, Gateway: gw, Dynamic: dyn, Config: cfg, Server: cfg.Host}, nil
}

// Options control what Read and Resolve read.
type Options struct {
	// Namespace limits the namespaced lists to one namespace; empty reads
	// all namespaces (kubectl's -A).
	Namespace string
	// SecretData reads Secrets with their data so certificates can be
	// checked. Without it only metadata is read: the Secrets in the Set
	// then have no Data, and Type is kubernetes.io/tls for TLS Secrets and
	// empty (unknown) for the others.
	SecretData bool
	// EndpointSlices also reads EndpointSlices into Snapshot.EndpointSlices.
	EndpointSlices bool
	// PageSize is the number of objects per list request; zero means
	// DefaultPageSize.
	PageSize int64
	// LabelSelector (kubectl's -l, such as app=shop,tier!=db) is sent
	// with the list calls of the objects that declare routes: Ingresses,
	// HTTPRoutes and GRPCRoutes. The objects they refer to are read
	// whatever their labels, so their references resolve.
	LabelSelector string
}

// Snapshot is what was read from a cluster.
type Snapshot struct {
	// Set holds the objects, each with Source.Pos.File set to
	// namespace/Kind/name (Kind/name for cluster-scoped objects).
	Set *manifest.Set
	// EndpointSlices holds the EndpointSlices when Options.EndpointSlices
	// was set.
	EndpointSlices []*discoveryv1.EndpointSlice
	// Warnings lists the lists that were forbidden, sorted by resource and
	// namespace.
	Warnings []Warning
	// SecretData reports whether Secrets were read with their data.
	SecretData bool
	// GatewayAPI reports whether the cluster serves the Gateway API
	// (its CRDs are installed) and its objects were read. It is false
	// when Clients.Gateway is nil.
	GatewayAPI bool
	// Istio reports whether the cluster serves Istio's networking API
	// (networking.istio.io) and its objects were read. It is false when
	// Clients.Dynamic is nil.
	Istio bool
	// ServerVersion is the API server's version as /version reports it
	// (v1.37.1), or empty when it could not be read.
	ServerVersion string
	// unread holds the resources that could not be read (fully).
	unread map[schema.GroupVersionResource]bool
}

// Complete reports whether every object of resource in scope was read, that
// is the list was made and not forbidden. A check that concludes "missing"
// from an object's absence must only do so when Complete is true.
func (s *Snapshot) Complete(resource schema.GroupVersionResource) bool {
	if s == nil {
		return false
	}
	return !s.unread[resource]
}

// Warning says that a list was forbidden and which checks cannot run
// because of it.
type Warning struct {
	// Verb is the API verb that was refused, such as "list".
	Verb string
	// Resource is the refused resource, such as "secrets".
	Resource string
	// Group is the API group of Resource; empty for the core group.
	Group string
	// Namespace is the namespace asked for; empty means all namespaces or
	// a cluster-scoped resource.
	Namespace string
	// Skipped says which checks cannot run without the resource.
	Skipped string
	// Reason is the API server's message.
	Reason string
}

// String formats the warning as one line.
func (w Warning) String() string {
	res := w.Resource
	if w.Group != "" {
		res += "." + w.Group
	}
	where := ""
	if w.Namespace != "" {
		where = fmt.Sprintf(" in namespace %q", w.Namespace)
	}
	return fmt.Sprintf("cannot %s %s%s (forbidden): %s", w.Verb, res, where, w.Skipped)
}

// skipped says, per resource, what a forbidden list costs. The checks are
// named by what they look at, so the text stays true as rules are added.
var skipped = map[schema.GroupVersionResource]string{
	ServicesResource:       "backend Service and port checks are skipped",
	SecretsResource:        "TLS Secret checks are skipped",
	IngressClassesResource: "IngressClass checks are skipped and the default class is unknown",
	EndpointSlicesResource: "ready-endpoint checks are skipped",
	PodsResource:           "named target ports cannot be resolved",
}

// Error is a failure to reach or use the cluster: bad configuration, an
// unreachable server, rejected credentials. Its message is one line.
type Error struct {
	// Server names the cluster, usually its URL.
	Server string
	// Err is the underlying error.
	Err error
}

func (e *Error) Error() string {
	server := "the cluster"
	if e.Server != "" {
		server = e.Server
	}
	switch {
	case apierrors.IsUnauthorized(e.Err):
		return fmt.Sprintf("cluster %s rejected the credentials: %v", server, firstLine(e.Err))
	case isNetwork(e.Err):
		return fmt.Sprintf("cannot reach cluster %s: %v", server, firstLine(e.Err))
	default:
		return fmt.Sprintf("cluster %s: %v", server, firstLine(e.Err))
	}
}

func (e *Error) Unwrap() error { return e.Err }

// isNetwork reports whether err is a transport failure: the request did not
// get an answer from an API server (refused, timed out, TLS, DNS).
func isNetwork(err error) bool {
	var ue *url.Error
	var ne net.Error
	return errors.As(err, &ue) || errors.As(err, &ne)
}

// firstLine keeps messages to one line: some API and transport errors embed
// a response body.
func firstLine(err error) string {
	s := err.Error()
	for i, r := range s {
		if r == '\n' || r == '\r' {
			return s[:i]
		}
	}
	return s
}

// ObjectPos is the position given to an object read from the cluster:
// namespace/Kind/name, or Kind/name for a cluster-scoped object. A kind
// that two API groups share is written Kind.group for the group that is
// not the Kubernetes one (Gateway.networking.istio.io beside the Gateway
// API's Gateway), as kubectl names resources of several groups.
func ObjectPos(namespace, kind, name string) manifest.Pos {
	if namespace == "" {
		return manifest.Pos{File: kind + "/" + name}
	}
	return manifest.Pos{File: namespace + "/" + kind + "/" + name}
}

// Read lists the Ingresses, Services, Secrets and IngressClasses (and
// EndpointSlices when asked) in opts.Namespace, or in all namespaces, and
// the Gateway API objects when the cluster serves them (see
// Snapshot.GatewayAPI and gatewayObjects).
//
// A forbidden list of a referenced kind becomes a Warning; a forbidden list
// of Ingresses is an error, since nothing could be checked. Any other failure
// is an *Error.
func Read(ctx context.Context, c *Clients, opts Options) (*Snapshot, error) {
	r := &reader{c: c, opts: opts, snap: newSnapshot(opts)}
	r.serverVersion()
	ings, err := r.ingresses(ctx, opts.Namespace)
	if err != nil {
		return nil, err
	}
	sortByKey(ings, func(o *manifest.Ingress) string { return o.Key() })
	r.snap.Set.Ingresses = ings
	namespaces := []string{opts.Namespace}
	if c.Gateway != nil {
		refs, err := r.gatewayObjects(ctx, opts.Namespace)
		if err != nil {
			return nil, err
		}
		// In one namespace, the routes' backends and the listeners'
		// certificates may live in others; read those too.
		if opts.Namespace != "" {
			for _, ns := range refs {
				if ns != opts.Namespace {
					namespaces = append(namespaces, ns)
				}
			}
		}
	}
	if c.Dynamic != nil {
		refs, err := r.istioObjects(ctx, opts.Namespace, true)
		if err != nil {
			return nil, err
		}
		if opts.Namespace != "" {
			for _, ns := range refs {
				if ns != opts.Namespace && !slices.Contains(namespaces, ns) {
					namespaces = append(namespaces, ns)
				}
			}
		}
	}
	if err := r.referenced(ctx, namespaces); err != nil {
		return nil, err
	}
	r.snap.finish()
	return r.snap, nil
}

// Resolve reads from the cluster what the objects of files (usually
// loaded from files) reference: the Services, Secrets and EndpointSlices
// of the namespaces of their Ingresses and routes and of those the routes
// point into, the IngressClasses, and, when files hold Gateway API routes
// or Gateways, the cluster's GatewayClasses, Gateways and ReferenceGrants
// (a route attaches to a Gateway that is usually deployed, not in the
// change), and when files hold VirtualServices, the cluster's Istio
// Gateways. The Snapshot's Set holds the Ingresses, Gateway API and Istio
// objects of files unchanged plus the cluster's objects; an object of
// files replaces the cluster's of the same kind and namespace/name. A
// Service that exists only in the files is missing from it: the question
// "will this change work against what is deployed?". opts.Namespace is
// ignored.
func Resolve(ctx context.Context, c *Clients, files *manifest.Set, opts Options) (*Snapshot, error) {
	r := &reader{c: c, opts: opts, snap: newSnapshot(opts)}
	r.serverVersion()
	set := r.snap.Set
	set.Ingresses = append([]*manifest.Ingress(nil), files.Ingresses...)
	fg, fi := &files.GatewayObjects, &files.IstioObjects
	seen := map[string]bool{}
	for _, ing := range files.Ingresses {
		ns := ing.Namespace
		if ns == "" {
			ns = manifest.DefaultNamespace
		}
		seen[ns] = true
	}
	if c.Gateway != nil && len(fg.Gateways)+len(fg.HTTPRoutes)+len(fg.GRPCRoutes) > 0 {
		if err := r.gatewayKinds(ctx, "", false); err != nil {
			return nil, err
		}
	}
	g := &set.GatewayObjects
	g.GatewayClasses = replaced(g.GatewayClasses, fg.GatewayClasses, func(o *manifest.GatewayClass) string { return o.Name })
	g.Gateways = replaced(g.Gateways, fg.Gateways, (*manifest.Gateway).Key)
	g.ReferenceGrants = replaced(g.ReferenceGrants, fg.ReferenceGrants, (*manifest.ReferenceGrant).Key)
	g.HTTPRoutes = append(g.HTTPRoutes, fg.HTTPRoutes...)
	g.GRPCRoutes = append(g.GRPCRoutes, fg.GRPCRoutes...)
	g.BackendTLSPolicies = append(g.BackendTLSPolicies, fg.BackendTLSPolicies...)
	for _, ns := range referencedNamespaces(g) {
		seen[ns] = true
	}
	if c.Dynamic != nil && len(fi.VirtualServices) > 0 {
		if _, err := r.istioObjects(ctx, "", false); err != nil {
			return nil, err
		}
	}
	is := &set.IstioObjects
	is.IstioGateways = replaced(is.IstioGateways, fi.IstioGateways, (*manifest.IstioGateway).Key)
	is.VirtualServices = append(is.VirtualServices, fi.VirtualServices...)
	is.DestinationRules = append(is.DestinationRules, fi.DestinationRules...)
	is.ServiceEntries = replaced(is.ServiceEntries, fi.ServiceEntries, (*manifest.ServiceEntry).Key)
	for _, ns := range istioNamespaces(is) {
		seen[ns] = true
	}
	if err := r.referenced(ctx, sortedKeys(seen)); err != nil {
		return nil, err
	}
	r.snap.finish()
	return r.snap, nil
}

// replaced returns the objects read from the cluster that files does not
// redefine (by key), followed by those of files.
func replaced[T any](cluster, files []T, key func(T) string) []T {
	if len(files) == 0 {
		return cluster
	}
	mine := make(map[string]bool, len(files))
	for _, o := range files {
		mine[key(o)] = true
	}
	out := make([]T, 0, len(cluster)+len(files))
	for _, o := range cluster {
		if !mine[key(o)] {
			out = append(out, o)
		}
	}
	return append(out, files...)
}

// serverVersion records the API server's version, which decides the
// validation rules that apply (lint --kube-version). /version is readable
// by every client (the system:public-info-viewer role); when it fails all
// the same, the version stays unknown and the reads that follow report the
// failure that matters.
func (r *reader) serverVersion() {
	if r.c.Kube == nil {
		return
	}
	if v, err := r.c.Kube.Discovery().ServerVersion(); err == nil {
		r.snap.ServerVersion = v.GitVersion
	}
}

func newSnapshot(opts Options) *Snapshot {
	return &Snapshot{
		Set:        &manifest.Set{},
		SecretData: opts.SecretData,
		unread:     map[schema.GroupVersionResource]bool{},
	}
}

// finish sorts the objects by namespace and name, the order the API server
// lists them in, and the warnings by resource and namespace, so output does
// not depend on the order of requests.
func (s *Snapshot) finish() {
	set := s.Set
	sortByKey(set.Services, func(o *manifest.Service) string { return o.Key() })
	sortByKey(set.Secrets, func(o *manifest.Secret) string { return o.Key() })
	sortByKey(set.IngressClasses, func(o *manifest.IngressClass) string { return o.Name })
	sortByKey(s.EndpointSlices, func(o *discoveryv1.EndpointSlice) string { return o.Namespace + "/" + o.Name })
	sortByKey(set.GatewayClasses, func(o *manifest.GatewayClass) string { return o.Name })
	sortByKey(set.Gateways, (*manifest.Gateway).Key)
	sortByKey(set.HTTPRoutes, (*manifest.HTTPRoute).Key)
	sortByKey(set.GRPCRoutes, (*manifest.GRPCRoute).Key)
	sortByKey(set.ReferenceGrants, (*manifest.ReferenceGrant).Key)
	sortByKey(set.BackendTLSPolicies, (*manifest.BackendTLSPolicy).Key)
	sortByKey(set.IstioGateways, (*manifest.IstioGateway).Key)
	sortByKey(set.VirtualServices, (*manifest.VirtualService).Key)
	sortByKey(set.DestinationRules, (*manifest.DestinationRule).Key)
	sortByKey(set.ServiceEntries, (*manifest.ServiceEntry).Key)
	sort.SliceStable(s.Warnings, func(i, j int) bool {
		a, b := s.Warnings[i], s.Warnings[j]
		if a.Resource != b.Resource {
			return a.Resource < b.Resource
		}
		return a.Namespace < b.Namespace
	})
}

func sortByKey[T any](items []T, key func(T) string) {
	sort.SliceStable(items, func(i, j int) bool { return key(items[i]) < key(items[j]) })
}

type reader struct {
	c    *Clients
	opts Options
	snap *Snapshot
}

func (r *reader) pageSize() int64 {
	if r.opts.PageSize > 0 {
		return r.opts.PageSize
	}
	return DefaultPageSize
}

// forbidden records a refused list as a Warning and reports whether err was
// a refusal. Other errors are the caller's.
func (r *reader) forbidden(err error, res schema.GroupVersionResource, namespace string) bool {
	if !apierrors.IsForbidden(err) {
		return false
	}
	r.snap.unread[res] = true
	reason := ""
	var st apierrors.APIStatus
	if errors.As(err, &st) {
		reason = st.Status().Message
	}
	r.snap.Warnings = append(r.snap.Warnings, Warning{
		Verb: "list", Resource: res.Resource, Group: res.Group, Namespace: namespace,
		Skipped: skipped[res], Reason: reason,
	})
	return true
}

func (r *reader) fail(err error) error {
	var ce *Error
	if errors.As(err, &ce) {
		return err
	}
	return &Error{Server: r.c.Server, Err: err}
}

// served returns the resources the cluster serves in the group versions
// gvs, by plural name, as discovery lists them; a resource served in
// several versions is taken in the last of gvs that lists it. A group
// version that is not served gives nothing and no error.
func (r *reader) served(gvs ...schema.GroupVersion) (map[string]schema.GroupVersionResource, error) {
	served := map[string]schema.GroupVersionResource{}
	for _, gv := range gvs {
		rl, err := r.c.Kube.Discovery().ServerResourcesForGroupVersion(gv.String())
		if err != nil {
			if apierrors.IsNotFound(err) {
				continue
			}
			return nil, r.fail(err)
		}
		for _, res := range rl.APIResources {
			served[res.Name] = gv.WithResource(res.Name)
		}
	}
	return served, nil
}

// referenced reads the Services, Secrets, EndpointSlices and IngressClasses
// of namespaces ("" is all namespaces).
func (r *reader) referenced(ctx context.Context, namespaces []string) error {
	for _, ns := range namespaces {
		if err := r.services(ctx, ns); err != nil {
			return err
		}
		if err := r.secrets(ctx, ns); err != nil {
			return err
		}
		if r.opts.EndpointSlices {
			if err := r.endpointSlices(ctx, ns); err != nil {
				return err
			}
		}
	}
	return r.ingressClasses(ctx)
}

func (r *reader) ingresses(ctx context.Context, ns string) ([]*manifest.Ingress, error) {
	items, err := paginate(ctx, r.pageSize(), func(ctx context.Context, lo metav1.ListOptions) ([]networkingv1.Ingress, string, error) {
		lo.LabelSelector = r.opts.LabelSelector
		l, err := r.c.Kube.NetworkingV1().Ingresses(ns).List(ctx, lo)
		if err != nil {
			return nil, "", err
		}
		return l.Items, l.Continue, nil
	})
	if err != nil {
		// Nothing can be checked without the Ingresses, so a refusal
		// here is an error, worded like the warnings.
		if apierrors.IsForbidden(err) {
			w := Warning{Verb: "list", Resource: "ingresses", Group: networkingv1.GroupName, Namespace: ns, Skipped: "no Ingress can be read"}
			return nil, &Error{Server: r.c.Server, Err: fmt.Errorf("%s: %w", w, err)}
		}
		return nil, r.fail(err)
	}
	out := make([]*manifest.Ingress, len(items))
	for i := range items {
		o := &manifest.Ingress{Ingress: items[i]}
		o.TypeMeta = metav1.TypeMeta{APIVersion: manifest.NetworkingV1, Kind: "Ingress"}
		o.Source = manifest.Source{Pos: ObjectPos(o.Namespace, "Ingress", o.Name), APIVersion: manifest.NetworkingV1}
		out[i] = o
	}
	return out, nil
}

func (r *reader) services(ctx context.Context, ns string) error {
	items, err := paginate(ctx, r.pageSize(), func(ctx context.Context, lo metav1.ListOptions) ([]corev1.Service, string, error) {
		l, err := r.c.Kube.CoreV1().Services(ns).List(ctx, lo)
		if err != nil {
			return nil, "", err
		}
		return l.Items, l.Continue, nil
	})
	if err != nil && !r.forbidden(err, ServicesResource, ns) {
		return r.fail(err)
	}
	for i := range items {
		o := &manifest.Service{Service: items[i]}
		o.TypeMeta = metav1.TypeMeta{APIVersion: "v1", Kind: "Service"}
		o.Source = manifest.Source{Pos: ObjectPos(o.Namespace, "Service", o.Name), APIVersion: "v1"}
		r.snap.Set.Services = append(r.snap.Set.Services, o)
	}
	return nil
}

func (r *reader) ingressClasses(ctx context.Context) error {
	items, err := paginate(ctx, r.pageSize(), func(ctx context.Context, lo metav1.ListOptions) ([]networkingv1.IngressClass, string, error) {
		l, err := r.c.Kube.NetworkingV1().IngressClasses().List(ctx, lo)
		if err != nil {
			return nil, "", err
		}
		return l.Items, l.Continue, nil
	})
	if err != nil && !r.forbidden(err, IngressClassesResource, "") {
		return r.fail(err)
	}
	for i := range items {
		o := &manifest.IngressClass{IngressClass: items[i]}
		o.TypeMeta = metav1.TypeMeta{APIVersion: manifest.NetworkingV1, Kind: "IngressClass"}
		o.Source = manifest.Source{Pos: ObjectPos("", "IngressClass", o.Name), APIVersion: manifest.NetworkingV1}
		r.snap.Set.IngressClasses = append(r.snap.Set.IngressClasses, o)
	}
	return nil
}

func (r *reader) endpointSlices(ctx context.Context, ns string) error {
	items, err := paginate(ctx, r.pageSize(), func(ctx context.Context, lo metav1.ListOptions) ([]discoveryv1.EndpointSlice, string, error) {
		l, err := r.c.Kube.DiscoveryV1().EndpointSlices(ns).List(ctx, lo)
		if err != nil {
			return nil, "", err
		}
		return l.Items, l.Continue, nil
	})
	if err != nil && !r.forbidden(err, EndpointSlicesResource, ns) {
		return r.fail(err)
	}
	for i := range items {
		r.snap.EndpointSlices = append(r.snap.EndpointSlices, &items[i])
	}
	return nil
}

// secrets reads the Secrets of ns. Without SecretData it asks the metadata
// endpoint (PartialObjectMetadata), which returns no data, and makes a
// second metadata list with the field selector type=kubernetes.io/tls to
// learn which are TLS Secrets: type is one of the Secret fields the API
// server can select on (kubernetes/kubernetes pkg/registry/core/secret/strategy.go,
// SelectableFields).
func (r *reader) secrets(ctx context.Context, ns string) error {
	if r.opts.SecretData {
		items, err := paginate(ctx, r.pageSize(), func(ctx context.Context, lo metav1.ListOptions) ([]corev1.Secret, string, error) {
			l, err := r.c.Kube.CoreV1().Secrets(ns).List(ctx, lo)
			if err != nil {
				return nil, "", err
			}
			return l.Items, l.Continue, nil
		})
		if err != nil && !r.forbidden(err, SecretsResource, ns) {
			return r.fail(err)
		}
		for i := range items {
			r.addSecret(items[i])
		}
		return nil
	}
	tlsItems, err := r.secretMeta(ctx, ns, fields.OneTermEqualSelector("type", string(corev1.SecretTypeTLS)).String())
	var items []metav1.PartialObjectMetadata
	if err == nil {
		items, err = r.secretMeta(ctx, ns, "")
	}
	if err != nil {
		if !r.forbidden(err, SecretsResource, ns) {
			return r.fail(err)
		}
		return nil
	}
	tls := make(map[string]bool, len(tlsItems))
	for _, m := range tlsItems {
		tls[m.Namespace+"/"+m.Name] = true
	}
	for _, m := range items {
		s := corev1.Secret{ObjectMeta: m.ObjectMeta}
		if tls[m.Namespace+"/"+m.Name] {
			s.Type = corev1.SecretTypeTLS
		}
		r.addSecret(s)
	}
	return nil
}

func (r *reader) secretMeta(ctx context.Context, ns, fieldSelector string) ([]metav1.PartialObjectMetadata, error) {
	return paginate(ctx, r.pageSize(), func(ctx context.Context, lo metav1.ListOptions) ([]metav1.PartialObjectMetadata, string, error) {
		lo.FieldSelector = fieldSelector
		l, err := r.c.Metadata.Resource(SecretsResource).Namespace(ns).List(ctx, lo)
		if err != nil {
			return nil, "", err
		}
		return l.Items, l.Continue, nil
	})
}

func (r *reader) addSecret(s corev1.Secret) {
	o := &manifest.Secret{Secret: s}
	o.TypeMeta = metav1.TypeMeta{APIVersion: "v1", Kind: "Secret"}
	o.Source = manifest.Source{Pos: ObjectPos(o.Namespace, "Secret", o.Name), APIVersion: "v1"}
	r.snap.Set.Secrets = append(r.snap.Set.Secrets, o)
}
