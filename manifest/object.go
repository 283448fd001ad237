package manifest

import (
	"reflect"
	"strings"

	yaml "go.yaml.in/yaml/v3"
	networkingv1beta1 "k8s.io/api/networking/v1beta1"
)

// Kinds and API versions the loader understands.
const (
	ExtensionsV1beta1 = "extensions/v1beta1"
	NetworkingV1beta1 = "networking.k8s.io/v1beta1"
	NetworkingV1      = "networking.k8s.io/v1"
)

// objects is what the documents of one chunk hold, in document order.
type objects struct {
	Ingresses      []*Ingress
	Services       []*Service
	Secrets        []*Secret
	IngressClasses []*IngressClass
	GatewayObjects
	IstioObjects
	GCEObjects
	Skipped map[string]int // by kind; nil until one is skipped
}

type docLoader struct {
	file    string
	line    int
	doc     int
	opts    Options
	set     *objects
	errs    []*InputError
	objects int
	// w is the worker's: the field positions of the object being
	// decoded (the index built from them is a copy, so their memory is
	// reused), the decoder's scratch memory and the string arena.
	w *loadWorker
}

// worker returns l.w, making one for a loader that has none.
func (l *docLoader) worker() *loadWorker {
	if l.w == nil {
		l.w = &loadWorker{}
	}
	return l.w
}

func (l *docLoader) limit() int {
	if l.opts.MaxNodes > 0 {
		return l.opts.MaxNodes
	}
	return DefaultMaxNodes
}

func (l *docLoader) pos(n *yaml.Node) Pos {
	return Pos{File: l.file, Line: n.Line + l.line, Col: n.Column}
}

func (l *docLoader) errorf(n *yaml.Node, msg string) {
	l.errs = append(l.errs, &InputError{Pos: l.pos(n), Msg: msg})
}

// scalarField returns the value of key in mapping n when it is a scalar.
func scalarField(n *yaml.Node, key string) (string, *yaml.Node) {
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			v := n.Content[i+1]
			if v.Kind == yaml.ScalarNode {
				return v.Value, v
			}
			return "", v
		}
	}
	return "", nil
}

// object loads one object, or the items of a List. where describes the
// list item for messages.
func (l *docLoader) object(n *yaml.Node, where string) {
	for n.Kind == yaml.AliasNode && n.Alias != nil {
		n = n.Alias
	}
	if n.Kind == yaml.ScalarNode && n.ShortTag() == "!!null" {
		return
	}
	if n.Kind != yaml.MappingNode {
		l.errorf(n, where+"expected a Kubernetes object (a mapping with apiVersion and kind), got "+describe(n))
		return
	}
	apiVersion, _ := scalarField(n, "apiVersion")
	kind, _ := scalarField(n, "kind")
	switch {
	case kind == "" && apiVersion == "":
		l.errorf(n, where+"not a Kubernetes object: apiVersion and kind are missing")
		return
	case kind == "":
		l.errorf(n, where+"kind is missing")
		return
	case apiVersion == "":
		l.errorf(n, where+"apiVersion is missing for kind "+kind)
		return
	}
	if strings.HasSuffix(kind, "List") && kind != "List" || kind == "List" {
		_, items := scalarField(n, "items")
		if items == nil {
			return
		}
		if items.Kind != yaml.SequenceNode {
			l.errorf(items, where+kind+": items must be a list")
			return
		}
		for _, item := range items.Content {
			l.object(item, "")
		}
		return
	}
	// Both outlive the input they were read from (Source.APIVersion, the
	// Kind of a Gateway API object, Set.Skipped).
	apiVersion, kind = l.worker().strs.clone(apiVersion), l.worker().strs.clone(kind)
	src := Source{Pos: l.pos(n), APIVersion: apiVersion, Doc: l.doc, relocate: l.opts.Relocate}
	if src.relocate != nil {
		src.Pos = src.relocate(src.Pos)
	}
	if isGatewayAPI(apiVersion) {
		l.gatewayObject(n, kind, apiVersion, src)
		return
	}
	if isIstio(apiVersion) {
		l.istioObject(n, kind, apiVersion, src)
		return
	}
	switch kind {
	case "Namespace":
		l.namespaceObject(n, apiVersion, src)
	case "Ingress":
		l.ingress(n, apiVersion, src)
	case "IngressClass":
		switch apiVersion {
		case NetworkingV1, NetworkingV1beta1:
			// v1beta1 IngressClass has the same shape as v1.
			// Every field position is kept: lint reports the API
			// server's IngressClass errors at the field.
			ic := &IngressClass{Source: src}
			if l.decode(n, &ic.IngressClass, &ic.Source, true) {
				ic.APIVersion, ic.Kind = NetworkingV1, "IngressClass"
				ic.Namespace = ""
				l.set.IngressClasses = append(l.set.IngressClasses, ic)
			}
		default:
			l.unsupported(n, kind, apiVersion, NetworkingV1, NetworkingV1beta1)
		}
	case "Service":
		if apiVersion != "v1" {
			l.unsupported(n, kind, apiVersion, "v1")
			return
		}
		svc := &Service{Source: src}
		if l.decode(n, &svc.Service, &svc.Source, false) {
			svc.Namespace = l.namespace(svc.Namespace)
			l.set.Services = append(l.set.Services, svc)
		}
	case "Secret":
		if apiVersion != "v1" {
			l.unsupported(n, kind, apiVersion, "v1")
			return
		}
		sec := &Secret{Source: src}
		if l.decode(n, &sec.Secret, &sec.Source, false) {
			sec.Namespace = l.namespace(sec.Namespace)
			// stringData is merged into data by the API server on write.
			for k, v := range sec.StringData {
				if sec.Data == nil {
					sec.Data = map[string][]byte{}
				}
				sec.Data[k] = []byte(v)
			}
			l.set.Secrets = append(l.set.Secrets, sec)
		}
	default:
		if !l.gceObject(n, kind, apiVersion, src) {
			l.skip(kind)
		}
	}
}

// skip counts an object of a kind the loader does not read.
func (l *docLoader) skip(kind string) {
	l.objects++
	if l.set.Skipped == nil {
		l.set.Skipped = map[string]int{}
	}
	l.set.Skipped[kind]++
}

func (l *docLoader) unsupported(n *yaml.Node, kind, apiVersion string, want ...string) {
	_, v := scalarField(n, "apiVersion")
	if v == nil {
		v = n
	}
	l.errorf(v, "apiVersion "+apiVersion+" is not served for kind "+kind+"; use "+strings.Join(want, " or "))
}

func (l *docLoader) namespace(ns string) string {
	if ns != "" {
		return ns
	}
	if l.opts.Namespace != "" {
		return l.opts.Namespace
	}
	return DefaultNamespace
}

// decode fills out from n; positions go into src when withFields is set,
// else only the metadata's.
func (l *docLoader) decode(n *yaml.Node, out any, src *Source, withFields bool) bool {
	w := l.worker()
	fields := &w.fields
	fields.reset()
	d := &nodeDecoder{file: l.file, line: l.line, budget: l.limit(), fields: fields, ents: w.ents[:0], strs: &w.strs}
	if !withFields {
		d.keep = metadataField
	}
	d.decode(n, reflect.ValueOf(out).Elem(), l.limit())
	w.ents = d.ents[:0]
	if d.err != nil {
		l.errs = append(l.errs, d.err)
		return false
	}
	src.fields = fields.index(l.file)
	src.Duplicates = d.dups
	if src.relocate != nil {
		for i := range src.Duplicates {
			dup := &src.Duplicates[i]
			dup.Pos, dup.First = src.relocate(dup.Pos), src.relocate(dup.First)
		}
	}
	l.objects++
	return true
}

// decodeNamespaced decodes n, with every field's position, into o, a
// namespaced object whose positions go into src, sets its namespace as
// loaded, and appends it to list.
func decodeNamespaced[T interface {
	GetNamespace() string
	SetNamespace(string)
}](l *docLoader, n *yaml.Node, o T, src *Source, list *[]T) {
	if l.decode(n, o, src, true) {
		o.SetNamespace(l.namespace(o.GetNamespace()))
		*list = append(*list, o)
	}
}

// metadataField picks the fields whose positions are kept for objects
// other than Ingresses: what messages about Services, Secrets and
// IngressClasses point at.
func metadataField(k []byte) bool {
	for _, p := range [...]string{"metadata.name", "metadata.namespace", "metadata.annotations", "spec.ports", "spec.type", "spec.controller"} {
		if len(k) >= len(p) && string(k[:len(p)]) == p {
			return true
		}
	}
	switch string(k) {
	case "metadata", "kind", "apiVersion", "type":
		return true
	}
	return false
}

func (l *docLoader) ingress(n *yaml.Node, apiVersion string, src Source) {
	ing := &Ingress{Source: src}
	switch apiVersion {
	case NetworkingV1:
		if !l.decode(n, &ing.Ingress, &ing.Source, true) {
			return
		}
	case NetworkingV1beta1, ExtensionsV1beta1:
		// The two versions share every Ingress field (k8s.io/api
		// extensions/v1beta1 and networking/v1beta1 types.go).
		var old networkingv1beta1.Ingress
		if !l.decode(n, &old, &ing.Source, true) {
			return
		}
		ing.Ingress = ingressFromNetworkingV1beta1(&old)
		ing.Source.fields = renameV1beta1Fields(ing.Source.fields)
	default:
		l.unsupported(n, "Ingress", apiVersion, NetworkingV1)
		return
	}
	ing.APIVersion, ing.Kind = NetworkingV1, "Ingress"
	ing.Namespace = l.namespace(ing.Namespace)
	l.set.Ingresses = append(l.set.Ingresses, ing)
}

// renameV1beta1Fields adds the networking.k8s.io/v1 field paths for the
// positions recorded under their v1beta1 names, so that messages about the
// normalized object point at what the user wrote.
func renameV1beta1Fields(fields *fieldIndex) *fieldIndex {
	add := map[string]Pos{}
	fields.each(func(k string, p Pos) {
		n := k
		if strings.HasPrefix(n, "spec.backend") {
			n = "spec.defaultBackend" + strings.TrimPrefix(n, "spec.backend")
		}
		n = strings.Replace(n, "backend.serviceName", "backend.service.name", 1)
		if strings.Contains(n, "backend.servicePort") {
			n = strings.Replace(n, "backend.servicePort", "backend.service.port", 1)
			add[n+".number"] = p
			add[n+".name"] = p
		}
		if strings.HasSuffix(n, "backend.service.name") {
			add[strings.TrimSuffix(n, ".name")] = p
		}
		if n != k {
			add[n] = p
		}
	})
	return fields.with(add)
}
