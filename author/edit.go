package author

import (
	"fmt"
	"strconv"
	"strings"

	yaml "go.yaml.in/yaml/v3"
	networkingv1 "k8s.io/api/networking/v1"
)

// An edit changes one object of a manifest file through its YAML node
// tree: the lines of the fields it changes are rewritten, and every other
// byte of the file stays as it was. Each returns the new file.

// AddRule adds the path of r to the Ingress t in data: to the rule of its
// host when there is one, else as a new rule at the end of spec.rules,
// as kubectl create ingress groups them. A TLS request adds the host to
// spec.tls as AddTLS does. A path the host already routes with the same
// type is an error: change it with SetBackend.
func AddRule(file string, data []byte, t Target, r Rule) ([]byte, error) {
	d, err := openDoc(file, data, t)
	if err != nil {
		return nil, err
	}
	item := d.pathItem(r)
	if d.emptySpec() {
		pairs := []yp{{"rules", seq(d.ruleItem(r.Host, item))}}
		if r.TLS && (r.Host != "" || r.Secret != "") {
			pairs = append(pairs, yp{"tls", seq(tlsEntry(r.Secret, []string{r.Host}))})
		}
		return d.writeSpec(pairs)
	}
	spec, err := d.spec()
	if err != nil {
		return nil, err
	}
	rk, rules := pair(spec, "rules")
	var hostRule *yaml.Node
	if rules != nil {
		if err := d.block(rules, "spec.rules"); err != nil {
			return nil, err
		}
		for _, ir := range children(rules) {
			if scalar(ir, "host") != r.Host {
				continue
			}
			paths := get(get(ir, "http"), "paths")
			if paths == nil {
				continue
			}
			for _, p := range paths.Content {
				if scalar(p, "path") == r.Path && pathTypeOf(p) == string(r.PathType) {
					return nil, d.errorf(p, "host %q already routes %s (%s); change its backend with set-backend", r.Host, r.Path, r.PathType)
				}
			}
			hostRule = ir
			break
		}
	}
	switch {
	case hostRule != nil:
		paths := get(get(hostRule, "http"), "paths")
		pk, _ := pair(get(hostRule, "http"), "paths")
		if err := d.appendItem(paths, col(pk), item, "http.paths"); err != nil {
			return nil, err
		}
	case rules != nil && len(rules.Content) > 0:
		ruleItem := d.ruleItem(r.Host, item)
		if err := d.appendItem(rules, col(rk), ruleItem, "spec.rules"); err != nil {
			return nil, err
		}
	default:
		p := yp{"rules", seq(d.ruleItem(r.Host, item))}
		if rk != nil {
			d.replacePair(rk, rules, p)
		} else if err := d.appendPair(spec, p, "spec"); err != nil {
			return nil, err
		}
	}
	if r.TLS {
		if err := d.addTLS(spec, r.Secret, []string{r.Host}); err != nil {
			return nil, err
		}
	}
	return d.apply(), nil
}

// RemoveRule removes the path of host; a path ending in "*" names the
// Prefix path, any other the path of whatever type when only one has
// it. A rule left without paths is removed with it, and spec.rules when
// it is left empty.
func RemoveRule(file string, data []byte, t Target, host, path string) ([]byte, error) {
	d, err := openDoc(file, data, t)
	if err != nil {
		return nil, err
	}
	spec, err := d.spec()
	if err != nil {
		return nil, err
	}
	ir, p, err := d.findPath(spec, host, path)
	if err != nil {
		return nil, err
	}
	rk, rules := pair(spec, "rules")
	paths := get(get(ir, "http"), "paths")
	switch {
	case len(paths.Content) > 1:
		err = d.deleteItem(p)
	case len(rules.Content) > 1:
		err = d.deleteItem(ir)
	default:
		d.deletePair(rk, rules)
	}
	if err != nil {
		return nil, err
	}
	return d.apply(), nil
}

// SetBackend points the path of host at b (path as for RemoveRule); with
// host and path both empty it sets spec.defaultBackend.
func SetBackend(file string, data []byte, t Target, host, path string, b networkingv1.IngressBackend) ([]byte, error) {
	d, err := openDoc(file, data, t)
	if err != nil {
		return nil, err
	}
	if host == "" && path == "" && d.emptySpec() {
		return d.writeSpec([]yp{{"defaultBackend", backendValue(b)}})
	}
	spec, err := d.spec()
	if err != nil {
		return nil, err
	}
	if host == "" && path == "" {
		p := yp{"defaultBackend", backendValue(b)}
		if k, v := pair(spec, "defaultBackend"); k != nil {
			d.replacePair(k, v, p)
		} else if err := d.appendPair(spec, p, "spec"); err != nil {
			return nil, err
		}
		return d.apply(), nil
	}
	_, p, err := d.findPath(spec, host, path)
	if err != nil {
		return nil, err
	}
	k, v := pair(p, "backend")
	if k == nil {
		return nil, d.errorf(p, "this path has no backend to replace")
	}
	d.replacePair(k, v, yp{"backend", backendValue(b)})
	return d.apply(), nil
}

// AddTLS adds hosts to the spec.tls entry naming secret, or a new entry at
// the end of spec.tls. Hosts the entry already lists are skipped.
func AddTLS(file string, data []byte, t Target, secret string, hosts []string) ([]byte, error) {
	d, err := openDoc(file, data, t)
	if err != nil {
		return nil, err
	}
	spec, err := d.spec()
	if err != nil {
		return nil, err
	}
	if err := d.addTLS(spec, secret, hosts); err != nil {
		return nil, err
	}
	return d.apply(), nil
}

// emptySpec reports whether the object has no spec, or an empty one
// ("spec:" or "spec: {}"), as removing its last rule leaves it.
func (d *doc) emptySpec() bool {
	v := get(d.obj, "spec")
	return v == nil || v.Kind == yaml.ScalarNode && v.ShortTag() == "!!null" || v.Kind == yaml.MappingNode && len(v.Content) == 0
}

// writeSpec writes pairs as the whole spec of an object whose spec is
// empty.
func (d *doc) writeSpec(pairs []yp) ([]byte, error) {
	p := yp{"spec", mapping(pairs...)}
	if k, v := pair(d.obj, "spec"); k != nil {
		d.replacePair(k, v, p)
	} else if err := d.appendPair(d.obj, p, "the object"); err != nil {
		return nil, err
	}
	return d.apply(), nil
}

func (d *doc) spec() (*yaml.Node, error) {
	spec := get(d.obj, "spec")
	if spec == nil || spec.Kind != yaml.MappingNode || len(spec.Content) == 0 {
		return nil, d.errorf(d.obj, "the %s has no spec to edit", scalar(d.obj, "kind"))
	}
	if err := d.block(spec, "spec"); err != nil {
		return nil, err
	}
	return spec, nil
}

func pathTypeOf(p *yaml.Node) string {
	if t := scalar(p, "pathType"); t != "" {
		return t
	}
	return string(networkingv1.PathTypeImplementationSpecific)
}

// findPath returns the rule and path item of host and path.
func (d *doc) findPath(spec *yaml.Node, host, path string) (*yaml.Node, *yaml.Node, error) {
	wantType := ""
	if strings.HasSuffix(path, "*") {
		wantType, path = string(networkingv1.PathTypePrefix), strings.TrimSuffix(path, "*")
	}
	type hit struct{ rule, path *yaml.Node }
	var hits []hit
	var have []string
	for _, ir := range children(get(spec, "rules")) {
		for _, p := range children(get(get(ir, "http"), "paths")) {
			h, pp, pt := scalar(ir, "host"), scalar(p, "path"), pathTypeOf(p)
			have = append(have, fmt.Sprintf("%s%s (%s)", h, pp, pt))
			if h == host && pp == path && (wantType == "" || pt == wantType) {
				hits = append(hits, hit{ir, p})
			}
		}
	}
	switch len(hits) {
	case 1:
		return hits[0].rule, hits[0].path, nil
	case 0:
		msg := fmt.Sprintf("no path %s%s", host, path)
		if wantType != "" {
			msg += " of type " + wantType
		}
		if len(have) > 0 {
			msg += "; the Ingress has " + strings.Join(have, ", ")
		}
		return nil, nil, d.errorf(get(spec, "rules"), "%s", msg)
	default:
		return nil, nil, d.errorf(hits[1].path, "%s%s is routed by %d paths of different types; end it with * to name the Prefix one", host, path, len(hits))
	}
}

// pathItem is the http.paths entry of r.
func (d *doc) pathItem(r Rule) yv {
	return mapping(
		yp{"path", str(r.Path)},
		yp{"pathType", str(string(r.PathType))},
		yp{"backend", backendValue(r.Backend)},
	)
}

func (d *doc) ruleItem(host string, path yv) yv {
	var pairs []yp
	if host != "" {
		pairs = append(pairs, yp{"host", str(host)})
	}
	pairs = append(pairs, yp{"http", mapping(yp{"paths", seq(path)})})
	return mapping(pairs...)
}

func backendValue(b networkingv1.IngressBackend) yv {
	if b.Resource != nil {
		var pairs []yp
		if b.Resource.APIGroup != nil {
			pairs = append(pairs, yp{"apiGroup", str(*b.Resource.APIGroup)})
		}
		pairs = append(pairs, yp{"kind", str(b.Resource.Kind)}, yp{"name", str(b.Resource.Name)})
		return mapping(yp{"resource", mapping(pairs...)})
	}
	port := yp{"number", raw(strconv.Itoa(int(b.Service.Port.Number)))}
	if b.Service.Port.Name != "" {
		port = yp{"name", str(b.Service.Port.Name)}
	}
	return mapping(yp{"service", mapping(yp{"name", str(b.Service.Name)}, yp{"port", mapping(port)})})
}

// addTLS records the edits that add hosts to the entry of secret.
func (d *doc) addTLS(spec *yaml.Node, secret string, hosts []string) error {
	var want []string
	for _, h := range hosts {
		if h != "" {
			want = append(want, h)
		}
	}
	tk, tls := pair(spec, "tls")
	if tls != nil {
		if err := d.block(tls, "spec.tls"); err != nil {
			return err
		}
		for _, e := range tls.Content {
			if scalar(e, "secretName") != secret {
				continue
			}
			hk, hs := pair(e, "hosts")
			var missing []yv
			for _, h := range want {
				if !listed(hs, h) {
					missing = append(missing, str(h))
				}
			}
			switch {
			case len(missing) == 0:
				return nil
			case hs == nil:
				return d.appendPair(e, yp{"hosts", seq(missing...)}, "spec.tls entry")
			case len(hs.Content) == 0 || hs.Style&yaml.FlowStyle != 0:
				var all []yv
				for _, c := range hs.Content {
					all = append(all, str(c.Value))
				}
				d.replacePair(hk, hs, yp{"hosts", seq(append(all, missing...)...)})
				return nil
			}
			dc := d.dashCol(hs.Content[0])
			if dc < 0 {
				return d.errorf(hs, "spec.tls hosts are laid out in a way that is not edited in place")
			}
			d.insertAfter(d.lastLine(hs.Content[len(hs.Content)-1], dc), d.st.items(missing, dc))
			return nil
		}
	}
	if len(want) == 0 && secret == "" {
		return nil
	}
	entry := tlsEntry(secret, want)
	switch {
	case tls != nil && len(tls.Content) > 0:
		return d.appendItem(tls, col(tk), entry, "spec.tls")
	case tk != nil:
		d.replacePair(tk, tls, yp{"tls", seq(entry)})
		return nil
	}
	return d.appendPair(spec, yp{"tls", seq(entry)}, "spec")
}

// tlsEntry is a spec.tls entry for the hosts (empty ones left out) and
// the Secret.
func tlsEntry(secret string, hosts []string) yv {
	var pairs []yp
	var hs []yv
	for _, h := range hosts {
		if h != "" {
			hs = append(hs, str(h))
		}
	}
	if len(hs) > 0 {
		pairs = append(pairs, yp{"hosts", seq(hs...)})
	}
	if secret != "" {
		pairs = append(pairs, yp{"secretName", str(secret)})
	}
	return mapping(pairs...)
}

func listed(hs *yaml.Node, h string) bool {
	if hs == nil {
		return false
	}
	for _, c := range hs.Content {
		if c.Value == h {
			return true
		}
	}
	return false
}
