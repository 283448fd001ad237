package author

import (
	"fmt"
	"strconv"
	"strings"

	yaml "go.yaml.in/yaml/v3"
	networkingv1 "k8s.io/api/networking/v1"
)

// HTTPRoute rules are edited with the same rule syntax as Ingress rules.
// An HTTPRoute has no per-rule host: its spec.hostnames apply to every
// rule (Gateway API apis/v1 httproute_types.go, HTTPRouteSpec.Hostnames),
// so a rule's host must be empty or the route's only hostname. Exact
// paths become Exact matches and Prefix paths PathPrefix matches
// (HTTPPathMatch); a backend becomes a backendRef.

// routePathType maps an Ingress path type to an HTTPRoute path match type.
func routePathType(d *doc, r Rule) (string, error) {
	switch r.PathType {
	case networkingv1.PathTypeExact:
		return "Exact", nil
	case networkingv1.PathTypePrefix:
		return "PathPrefix", nil
	}
	return "", d.errorf(d.obj, "an HTTPRoute path is Exact or a prefix (end the path with *); %s has no HTTPRoute equivalent", r.PathType)
}

// routeHost checks that host can be edited on the route: empty, or its
// only hostname.
func (d *doc) routeHost(host string) error {
	if host == "" {
		return nil
	}
	hs := get(get(d.obj, "spec"), "hostnames")
	if hs != nil && len(hs.Content) == 1 && hs.Content[0].Value == host {
		return nil
	}
	var names []string
	for _, h := range children(hs) {
		names = append(names, h.Value)
	}
	if len(names) == 0 {
		return d.errorf(d.obj, "the HTTPRoute has no hostnames, so its rules serve every host; write the rule without a host (/path=service:port)")
	}
	return d.errorf(hs, "the HTTPRoute's rules serve all its hostnames (%s), not %s alone; write the rule without a host, or edit an HTTPRoute for %s", strings.Join(names, ", "), host, host)
}

func backendRefValue(d *doc, b networkingv1.IngressBackend) (yv, error) {
	if b.Resource != nil {
		var pairs []yp
		if b.Resource.APIGroup != nil {
			pairs = append(pairs, yp{"group", str(*b.Resource.APIGroup)})
		}
		pairs = append(pairs, yp{"kind", str(b.Resource.Kind)}, yp{"name", str(b.Resource.Name)})
		return seq(mapping(pairs...)), nil
	}
	if b.Service.Port.Name != "" {
		// BackendRef.Port is a PortNumber (apis/v1 shared_types.go
		// BackendObjectReference).
		return yv{}, d.errorf(d.obj, "an HTTPRoute backendRef takes a port number, not the port name %q", b.Service.Port.Name)
	}
	return seq(mapping(yp{"name", str(b.Service.Name)}, yp{"port", raw(strconv.Itoa(int(b.Service.Port.Number)))})), nil
}

// AddRouteRule adds a rule matching the path of r and sending to its
// backend at the end of the HTTPRoute's spec.rules. A rule that already
// matches the same path is an error: change it with SetRouteBackend.
func AddRouteRule(file string, data []byte, t Target, r Rule) ([]byte, error) {
	t.Kind = "HTTPRoute"
	d, err := openDoc(file, data, t)
	if err != nil {
		return nil, err
	}
	if r.TLS {
		return nil, d.errorf(d.obj, "an HTTPRoute has no TLS of its own: TLS is set on the Gateway listener it attaches to")
	}
	spec, err := d.spec()
	if err != nil {
		return nil, err
	}
	if err := d.routeHost(r.Host); err != nil {
		return nil, err
	}
	pt, err := routePathType(d, r)
	if err != nil {
		return nil, err
	}
	refs, err := backendRefValue(d, r.Backend)
	if err != nil {
		return nil, err
	}
	rk, rules := pair(spec, "rules")
	if _, m, err := d.findMatch(spec, r.Path, pt); err == nil {
		return nil, d.errorf(m, "the HTTPRoute already matches %s (%s); change its backend with set-backend", r.Path, pt)
	}
	item := mapping(
		yp{"matches", seq(mapping(yp{"path", mapping(yp{"type", str(pt)}, yp{"value", str(r.Path)})}))},
		yp{"backendRefs", refs},
	)
	switch {
	case rules != nil && len(rules.Content) > 0:
		if err := d.appendItem(rules, col(rk), item, "spec.rules"); err != nil {
			return nil, err
		}
	case rk != nil:
		d.replacePair(rk, rules, yp{"rules", seq(item)})
	default:
		if err := d.appendPair(spec, yp{"rules", seq(item)}, "spec"); err != nil {
			return nil, err
		}
	}
	return d.apply(), nil
}

// RemoveRouteRule removes the match of path (a trailing "*" names the
// PathPrefix one) from its rule, and the rule when it has no other match.
func RemoveRouteRule(file string, data []byte, t Target, host, path string) ([]byte, error) {
	t.Kind = "HTTPRoute"
	d, err := openDoc(file, data, t)
	if err != nil {
		return nil, err
	}
	spec, err := d.spec()
	if err != nil {
		return nil, err
	}
	if err := d.routeHost(host); err != nil {
		return nil, err
	}
	pt := ""
	if strings.HasSuffix(path, "*") {
		pt, path = "PathPrefix", strings.TrimSuffix(path, "*")
	}
	rule, m, err := d.findMatch(spec, path, pt)
	if err != nil {
		return nil, err
	}
	rk, rules := pair(spec, "rules")
	switch {
	case len(get(rule, "matches").Content) > 1:
		err = d.deleteItem(m)
	case len(rules.Content) > 1:
		err = d.deleteItem(rule)
	default:
		d.deletePair(rk, rules)
	}
	if err != nil {
		return nil, err
	}
	return d.apply(), nil
}

// SetRouteBackend replaces the backendRefs of the rule matching path.
func SetRouteBackend(file string, data []byte, t Target, host, path string, b networkingv1.IngressBackend) ([]byte, error) {
	t.Kind = "HTTPRoute"
	d, err := openDoc(file, data, t)
	if err != nil {
		return nil, err
	}
	spec, err := d.spec()
	if err != nil {
		return nil, err
	}
	if err := d.routeHost(host); err != nil {
		return nil, err
	}
	pt := ""
	if strings.HasSuffix(path, "*") {
		pt, path = "PathPrefix", strings.TrimSuffix(path, "*")
	}
	rule, _, err := d.findMatch(spec, path, pt)
	if err != nil {
		return nil, err
	}
	refs, err := backendRefValue(d, b)
	if err != nil {
		return nil, err
	}
	if k, v := pair(rule, "backendRefs"); k != nil {
		d.replacePair(k, v, yp{"backendRefs", refs})
	} else if err := d.appendPair(rule, yp{"backendRefs", refs}, "the rule"); err != nil {
		return nil, err
	}
	return d.apply(), nil
}

// findMatch returns the rule and the match item whose path is path (of
// type pt when set). A match without a path is PathPrefix / (apis/v1
// httproute_types.go, HTTPRouteMatch.Path default).
func (d *doc) findMatch(spec *yaml.Node, path, pt string) (*yaml.Node, *yaml.Node, error) {
	type hit struct{ rule, match *yaml.Node }
	var hits []hit
	var have []string
	for _, r := range children(get(spec, "rules")) {
		for _, m := range children(get(r, "matches")) {
			p := get(m, "path")
			typ, val := scalar(p, "type"), scalar(p, "value")
			if typ == "" {
				typ = "PathPrefix"
			}
			if val == "" {
				val = "/"
			}
			have = append(have, fmt.Sprintf("%s (%s)", val, typ))
			if val == path && (pt == "" || typ == pt) {
				hits = append(hits, hit{r, m})
			}
		}
	}
	switch len(hits) {
	case 1:
		return hits[0].rule, hits[0].match, nil
	case 0:
		msg := "the HTTPRoute matches no path " + path
		if len(have) > 0 {
			msg += "; it matches " + strings.Join(have, ", ")
		}
		return nil, nil, d.errorf(get(spec, "rules"), "%s", msg)
	}
	return nil, nil, d.errorf(hits[1].match, "%d matches have the path %s; end it with * to name the PathPrefix one", len(hits), path)
}
