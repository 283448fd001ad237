package convert

import (
	"fmt"
	"strings"

	yaml "go.yaml.in/yaml/v3"
	"k8s.io/apimachinery/pkg/util/validation"

	"github.com/ingresskit/ingresskit/manifest"
)

// The mapping below is the API server's, in kubernetes/kubernetes
// pkg/apis/networking/v1beta1/conversion.go and
// pkg/apis/extensions/v1beta1/conversion.go
// (Convert_v1beta1_IngressBackend_To_networking_IngressBackend: a backend
// with a serviceName or servicePort becomes service.name plus
// service.port.number for an integer port or service.port.name for a
// string; Convert_v1beta1_IngressSpec_To_networking_IngressSpec: backend
// becomes defaultBackend), with the defaults of
// pkg/apis/networking/v1beta1/defaults.go and
// pkg/apis/extensions/v1beta1/defaults.go (SetDefaults_HTTPIngressPath: a
// missing pathType becomes ImplementationSpecific). It agrees with
// manifest.ConvertBackend, which the loader uses for the object model.

const pathTypeDefault = "ImplementationSpecific"

func oldIngressAPI(v string) bool {
	return v == manifest.ExtensionsV1beta1 || v == manifest.NetworkingV1beta1
}

// get returns the index of key in mapping m and its value, or -1.
func get(m *yaml.Node, key string) (int, *yaml.Node) {
	if m == nil || m.Kind != yaml.MappingNode {
		return -1, nil
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		if k := m.Content[i]; k.Kind == yaml.ScalarNode && k.Value == key {
			return i, m.Content[i+1]
		}
	}
	return -1, nil
}

func scalar(m *yaml.Node, key string) (string, *yaml.Node) {
	_, v := get(m, key)
	if v == nil || v.Kind != yaml.ScalarNode {
		return "", v
	}
	return v.Value, v
}

func isNull(n *yaml.Node) bool {
	return n == nil || n.Kind == yaml.ScalarNode && n.ShortTag() == "!!null"
}

func newScalar(value string, like *yaml.Node) *yaml.Node {
	n := &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: value}
	if like != nil && like.Style&(yaml.DoubleQuotedStyle|yaml.SingleQuotedStyle) != 0 {
		n.Style = like.Style & (yaml.DoubleQuotedStyle | yaml.SingleQuotedStyle)
	}
	return n
}

// object converts one object, or the items of a List.
func (c *chunkConv) object(m *yaml.Node) {
	if m.Kind != yaml.MappingNode {
		return
	}
	apiVersion, av := scalar(m, "apiVersion")
	kind, _ := scalar(m, "kind")
	switch {
	case kind == "List" || strings.HasSuffix(kind, "List"):
		if kind == "IngressList" && oldIngressAPI(apiVersion) {
			c.setScalar(av, manifest.NetworkingV1)
		}
		if _, items := get(m, "items"); items != nil && items.Kind == yaml.SequenceNode {
			for _, item := range items.Content {
				c.object(item)
			}
		}
	case kind == "Ingress":
		before := len(c.errs)
		if oldIngressAPI(apiVersion) {
			c.ingress(m, av)
		}
		if c.opts.IngressClassAnnotation == MoveClassAnnotation && len(c.errs) == before {
			c.moveClass(m)
		}
	case kind == "IngressClass" && apiVersion == manifest.NetworkingV1beta1:
		// networking.k8s.io/v1beta1 IngressClass has the same fields as v1
		// (k8s.io/api/networking/v1beta1/types.go IngressClassSpec).
		c.setScalar(av, manifest.NetworkingV1)
	}
}

func (c *chunkConv) setScalar(n *yaml.Node, value string) {
	c.e.replaceScalar(n, value)
	n.Value = value
	n.Tag = "!!str"
	c.changed = true
}

func (c *chunkConv) renameKey(k *yaml.Node, name string) {
	c.e.replaceScalar(k, name)
	k.Value = name
	c.changed = true
}

// duplicate returns the second key of a name in mapping m, or nil. The
// loader keeps the last value of a duplicated key while these edits would
// take the first, so such objects are refused.
func duplicate(m *yaml.Node) *yaml.Node {
	if m == nil || m.Kind != yaml.MappingNode {
		return nil
	}
	seen := map[string]bool{}
	for i := 0; i+1 < len(m.Content); i += 2 {
		k := m.Content[i]
		if seen[k.Value] {
			return k
		}
		seen[k.Value] = true
	}
	return nil
}

// ingress converts an Ingress of an old API version.
func (c *chunkConv) ingress(m, av *yaml.Node) {
	before := len(c.errs)
	if k := duplicate(m); k != nil {
		c.errorf(k, "%s is given twice; keep one", k.Value)
		return
	}
	_, spec := get(m, "spec")
	_, status := get(m, "status")
	c.checkFields(spec, "spec", specFields)
	c.checkFields(status, "status", statusFields)
	if len(c.errs) > before {
		return
	}
	c.setScalar(av, manifest.NetworkingV1)
	if spec == nil || spec.Kind != yaml.MappingNode {
		return
	}
	if i, b := get(spec, "backend"); i >= 0 {
		c.backend(b)
		c.renameKey(spec.Content[i], "defaultBackend")
	}
	_, rules := get(spec, "rules")
	if rules == nil || rules.Kind != yaml.SequenceNode {
		return
	}
	for _, r := range rules.Content {
		_, http := get(r, "http")
		_, paths := get(http, "paths")
		if paths == nil || paths.Kind != yaml.SequenceNode {
			continue
		}
		for _, p := range paths.Content {
			if p.Kind != yaml.MappingNode {
				continue
			}
			c.pathType(p)
			if _, b := get(p, "backend"); b != nil {
				c.backend(b)
			}
		}
	}
}

// pathType gives a path without one the server's default.
func (c *chunkConv) pathType(p *yaml.Node) {
	i, v := get(p, "pathType")
	if i >= 0 {
		if isNull(v) {
			c.setScalar(v, pathTypeDefault)
		}
		return
	}
	k := newScalar("pathType", nil)
	val := newScalar(pathTypeDefault, nil)
	if len(p.Content) == 0 {
		// "- {}": a path that matches everything, with an empty backend.
		if o := c.e.off(p); p.Style&yaml.FlowStyle != 0 && o >= 0 && o < len(c.e.src) && c.e.src[o] == '{' {
			c.e.add(o+1, o+1, k.Value+": "+val.Value)
		} else {
			c.e.fail()
		}
		p.Content = []*yaml.Node{k, val}
		c.changed = true
		return
	}
	after, _ := get(p, "path")
	if after < 0 {
		after = len(p.Content) - 2
	}
	keyLike := p.Content[after]
	k, val = newScalar("pathType", keyLike), newScalar(pathTypeDefault, keyLike)
	if p.Style&yaml.FlowStyle != 0 {
		c.e.flowInsertAfter(p, after, quoteLike(k.Style, k.Value)+c.e.colonAfter(keyLike)+quoteLike(val.Style, val.Value))
	} else if _, last, ok := c.e.pairLines(p, after); ok && c.e.col(keyLike) >= 0 {
		c.e.insertAfterLine(last, strings.Repeat(" ", c.e.col(keyLike))+quoteLike(k.Style, k.Value)+": "+val.Value+c.e.eol)
	} else {
		c.e.fail()
	}
	p.Content = append(p.Content[:after+2], append([]*yaml.Node{k, val}, p.Content[after+2:]...)...)
	c.changed = true
}

// backend rewrites serviceName and servicePort as service.name and
// service.port.number or service.port.name.
func (c *chunkConv) backend(b *yaml.Node) {
	if b == nil || b.Kind != yaml.MappingNode {
		return
	}
	ni, name := get(b, "serviceName")
	pi, port := get(b, "servicePort")
	if ni < 0 && pi < 0 {
		return
	}
	c.changed = true
	keyLike := b.Content[0]
	q := func(s string) string { return quoteLike(keyLike.Style, s) }
	// servicePort reads as kubectl reads it (manifest.IntOrStringScalar):
	// 80, 080 and 80.0 are numbers, yes is no name but a boolean.
	portKey := "name"
	portIsInt, portNumber, _, _, _ := manifest.IntOrStringScalar(port)
	if portIsInt {
		portKey = "number"
	}
	first, second := ni, pi
	if first < 0 || (second >= 0 && second < first) {
		first, second = second, first
	}
	// The server makes a service backend only from a non-empty name, a
	// string port or a non-zero port number; otherwise both fields go.
	dropName, dropPort := isNull(name), isNull(port)
	hasName := !dropName && name.Value != ""
	hasPort := !dropPort && (!portIsInt || portNumber != 0)
	if !hasName && !hasPort {
		dropName, dropPort = true, true
	}
	// The new mapping, built from the original value nodes in their order.
	svc := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
	for _, i := range []int{first, second} {
		switch {
		case i < 0:
		case i == ni && !dropName:
			svc.Content = append(svc.Content, newScalar("name", keyLike), name)
		case i == pi && !dropPort:
			pm := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map", Content: []*yaml.Node{newScalar(portKey, keyLike), port}}
			svc.Content = append(svc.Content, newScalar("port", keyLike), pm)
		}
	}
	if b.Style&yaml.FlowStyle != 0 {
		c.flowBackend(b, svc, first, second, q)
	} else {
		c.blockBackend(b, ni, first, second, len(svc.Content) == 0, dropName, dropPort, portKey, q)
	}
	// Edit the tree: service takes the place of the first pair.
	var content []*yaml.Node
	for i := 0; i+1 < len(b.Content); i += 2 {
		switch i {
		case first:
			if len(svc.Content) > 0 {
				content = append(content, newScalar("service", keyLike), svc)
			}
		case second:
		default:
			content = append(content, b.Content[i], b.Content[i+1])
		}
	}
	b.Content = content
}

func (c *chunkConv) flowBackend(b, svc *yaml.Node, first, second int, q func(string) string) {
	e := c.e
	var es []entry
	for i := 0; i+1 < len(svc.Content); i += 2 {
		en := entry{key: q(svc.Content[i].Value)}
		v := svc.Content[i+1]
		if v.Kind == yaml.MappingNode {
			t, ok := e.text(v.Content[1])
			if !ok {
				e.fail()
				return
			}
			en.sub = []entry{{key: q(v.Content[0].Value), val: t}}
		} else {
			t, ok := e.text(v)
			if !ok {
				e.fail()
				return
			}
			en.val = t
		}
		es = append(es, en)
	}
	start, end := e.off(b.Content[first]), e.nodeEnd(b.Content[first+1])
	if start < 0 || end < 0 {
		e.fail()
		return
	}
	switch {
	case len(es) == 0 && second >= 0:
		e.flowDeletePairs(b, first, second)
	case len(es) == 0:
		e.flowDeletePairs(b, first)
	default:
		l := e.layoutOf(b)
		e.add(start, end, q("service")+l.colon+renderFlow(es, l, 1))
		if second >= 0 {
			e.flowDeletePairs(b, second)
		}
	}
}

func (c *chunkConv) blockBackend(b *yaml.Node, ni, first, second int, empty, nameNull, portNull bool, portKey string, q func(string) string) {
	e := c.e
	col := e.col(b.Content[first])
	if col < 0 {
		e.fail()
		return
	}
	pad := func(n int) string { return strings.Repeat(" ", n) }
	// text returns the new lines for the pair at index i.
	text := func(i int) (string, int, int, bool) {
		if i == ni {
			if nameNull {
				f, l, ok := e.pairLines(b, i)
				return "", f, l, ok
			}
			return e.pairText(b, i, 2, q("name"))
		}
		if portNull {
			f, l, ok := e.pairLines(b, i)
			return "", f, l, ok
		}
		t, f, l, ok := e.pairText(b, i, 4, q(portKey))
		return pad(col+2) + q("port") + ":" + e.eol + t, f, l, ok
	}
	t1, f1, l1, ok := text(first)
	if !ok {
		e.fail()
		return
	}
	header := pad(col) + q("service") + ":" + e.eol
	switch {
	case empty && (second < 0 && len(b.Content) == 2 || second >= 0 && len(b.Content) == 4):
		// Nothing is left of the mapping: it stays an empty mapping, not
		// null, as the server keeps an empty backend.
		header = pad(col) + "{}" + e.eol
	case empty:
		header = ""
	}
	if second < 0 {
		e.replaceLines(f1, l1, header+t1)
		return
	}
	t2, f2, l2, ok := text(second)
	if !ok {
		e.fail()
		return
	}
	between := true
	for l := l1 + 1; l < f2; l++ {
		if !blankOrComment(e.lineText(l)) {
			between = false
		}
	}
	if between {
		e.replaceLines(f1, l1, header+t1)
		e.replaceLines(f2, l2, t2)
		return
	}
	e.replaceLines(f1, l1, header+t1+t2)
	e.replaceLines(f2, l2, "")
}

// moveClass moves the kubernetes.io/ingress.class annotation to
// spec.ingressClassName. The API server rejects an Ingress whose
// annotation and ingressClassName differ (kubernetes/kubernetes
// pkg/apis/networking/validation/validation.go ValidateIngressCreate), so
// such an Ingress is an error.
func (c *chunkConv) moveClass(m *yaml.Node) {
	_, meta := get(m, "metadata")
	ai, ann := get(meta, "annotations")
	for _, n := range []*yaml.Node{m, meta, ann} {
		if n != nil && n.Kind == yaml.AliasNode {
			c.errorf(n, "cannot move the %s annotation: metadata uses the YAML alias *%s; expand it first", manifest.AnnotationIngressClass, n.Value)
			return
		}
		if k := duplicate(n); k != nil {
			c.errorf(k, "cannot move the %s annotation: %s is given twice; keep one", manifest.AnnotationIngressClass, k.Value)
			return
		}
	}
	ci, val := get(ann, manifest.AnnotationIngressClass)
	if ci < 0 {
		return
	}
	if val.Kind != yaml.ScalarNode || val.ShortTag() != "!!str" || val.Value == "" {
		c.errorf(val, "cannot move the %s annotation: its value must be a class name", manifest.AnnotationIngressClass)
		return
	}
	if msgs := validation.IsDNS1123Subdomain(val.Value); len(msgs) > 0 {
		c.errorf(val, "cannot move the %s annotation: %q is not a valid IngressClass name: %s", manifest.AnnotationIngressClass, val.Value, strings.Join(msgs, "; "))
		return
	}
	si, spec := get(m, "spec")
	if spec == nil || spec.Kind != yaml.MappingNode || len(spec.Content) == 0 {
		c.errorf(m, "cannot move the %s annotation: the Ingress has no spec", manifest.AnnotationIngressClass)
		return
	}
	ki, cur := get(spec, "ingressClassName")
	switch {
	case ki >= 0 && !isNull(cur) && cur.Value != val.Value:
		c.errorf(cur, "spec.ingressClassName %q and the %s annotation %q differ; the API server rejects this, choose one", cur.Value, manifest.AnnotationIngressClass, val.Value)
		return
	case ki >= 0 && !isNull(cur):
		// Already there: only the annotation goes.
	case ki >= 0:
		c.setScalar(cur, val.Value)
	default:
		c.insertFirst(m.Content[si], spec, "ingressClassName", val, c.e.trailingComment(val))
	}
	// Remove the annotation, and the annotations field when it empties.
	if len(ann.Content) == 2 {
		c.deletePair(meta, ai)
	} else {
		c.deletePair(ann, ci)
	}
	c.changed = true
}

// insertFirst adds key: value (a copy of the value's text) as the first
// pair of mapping m, whose own key is parentKey; a block mapping's new line
// ends with comment.
func (c *chunkConv) insertFirst(parentKey, m *yaml.Node, key string, value *yaml.Node, comment string) {
	e := c.e
	first := m.Content[0]
	k := newScalar(key, first)
	t, ok := e.text(value)
	switch {
	case !ok:
		e.fail()
	case m.Style&yaml.FlowStyle != 0:
		e.flowInsertFirst(m, quoteLike(k.Style, key)+e.colonAfter(first)+t)
	case parentKey.Line > 0 && parentKey.Line < first.Line && e.col(first) >= 0:
		e.insertAfterLine(parentKey.Line-1, strings.Repeat(" ", e.col(first))+quoteLike(k.Style, key)+": "+t+comment+e.eol)
	default:
		e.fail()
	}
	v := *value
	v.HeadComment, v.LineComment, v.FootComment = "", "", ""
	m.Content = append([]*yaml.Node{k, &v}, m.Content...)
	c.changed = true
}

// deletePair removes pair i of mapping m.
func (c *chunkConv) deletePair(m *yaml.Node, i int) {
	e := c.e
	if m.Style&yaml.FlowStyle != 0 {
		e.flowDeletePairs(m, i)
	} else if f, l, ok := e.pairLines(m, i); ok && e.cleanLine(m.Content[i]) {
		e.replaceLines(f, l, e.commentLines(f, l, e.col(m.Content[i])))
	} else {
		e.fail()
	}
	m.Content = append(m.Content[:i:i], m.Content[i+2:]...)
	c.changed = true
}

// fieldSet lists the fields of an old-API object that have a
// networking.k8s.io/v1 equivalent; nested sets describe the fields' own.
type fieldSet map[string]fieldSet

var (
	resourceFields = fieldSet{"apiGroup": nil, "kind": nil, "name": nil}
	backendFields  = fieldSet{"serviceName": nil, "servicePort": nil, "resource": resourceFields}
	// k8s.io/api/extensions/v1beta1/types.go and networking/v1beta1/types.go
	// IngressSpec, IngressTLS, IngressRule, HTTPIngressPath.
	specFields = fieldSet{
		"backend":          backendFields,
		"ingressClassName": nil,
		"tls":              {"hosts": nil, "secretName": nil},
		"rules": {"host": nil, "http": {"paths": {
			"path": nil, "pathType": nil, "backend": backendFields,
		}}},
	}
	// The old status is a core/v1 LoadBalancerStatus; v1's
	// IngressLoadBalancerIngress has no ipMode
	// (k8s.io/api/networking/v1/types.go).
	statusFields = fieldSet{"loadBalancer": {"ingress": {
		"ip": nil, "hostname": nil, "ports": {"port": nil, "protocol": nil, "error": nil},
	}}}
)

// checkFields reports aliases, fields without a v1 equivalent, empty
// paths and ports that cannot be written as a v1 port.
func (c *chunkConv) checkFields(n *yaml.Node, path string, fields fieldSet) {
	if n == nil {
		return
	}
	switch n.Kind {
	case yaml.AliasNode:
		c.errorf(n, "%s: uses the YAML alias *%s; expand it before converting", path, n.Value)
	case yaml.SequenceNode:
		for i, item := range n.Content {
			p := fmt.Sprintf("%s[%d]", path, i)
			if strings.HasSuffix(path, ".paths") && isNull(item) {
				c.errorf(item, "%s: empty path; remove it or give it a backend", p)
				continue
			}
			c.checkFields(item, p, fields)
		}
	case yaml.MappingNode:
		if fields == nil {
			return
		}
		seen := map[string]bool{}
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			if k.Kind != yaml.ScalarNode || k.Value == "<<" {
				c.errorf(k, "%s: uses a YAML merge key or complex key; expand it before converting", path)
				continue
			}
			if seen[k.Value] {
				c.errorf(k, "%s.%s is given twice; keep one", path, k.Value)
				continue
			}
			seen[k.Value] = true
			sub, ok := fields[k.Value]
			p := path + "." + k.Value
			if !ok {
				c.errorf(k, "%s has no %s equivalent; remove it or convert this object by hand", p, manifest.NetworkingV1)
				continue
			}
			if k.Value == "servicePort" && v.Kind == yaml.ScalarNode {
				if _, _, _, _, ok := manifest.IntOrStringScalar(v); !ok {
					c.errorf(v, "%s: %s is neither a port number nor a port name", p, v.Value)
					continue
				}
			}
			if v.Kind == yaml.AliasNode {
				c.errorf(v, "%s: uses the YAML alias *%s; expand it before converting", p, v.Value)
				continue
			}
			c.checkFields(v, p, sub)
		}
	}
}
