package printer

import (
	"io"
	"strings"

	"github.com/ingresskit/ingresskit/manifest"
	"github.com/ingresskit/ingresskit/simulate"
	"github.com/ingresskit/ingresskit/simulate/gateway"
)

// ConditionJSON is a computed route condition.
type ConditionJSON struct {
	Status  bool   `json:"status"`
	Reason  string `json:"reason"`
	Message string `json:"message,omitempty"`
}

func conditionJSON(c gateway.Condition) *ConditionJSON {
	return &ConditionJSON{Status: c.Status, Reason: c.Reason, Message: c.Message}
}

// gatewayRouteJSON is the machine form of a Gateway API rule: the
// members of RouteJSON that apply, and those of the Gateway API.
func gatewayRouteJSON(r gateway.Rule) RouteJSON {
	j := RouteJSON{Namespace: r.Namespace, Kind: r.Kind, Name: r.Name, DataPlane: r.DataPlane, Gateway: r.Gateway,
		Listeners: r.Listeners, Hostnames: r.Hostnames, Path: r.Path, PathType: r.PathType, Conditions: r.Conditions,
		Redirect: r.Redirect, APIVersion: r.APIVersion, Source: r.Pos.String(),
		Accepted: conditionJSON(r.Accepted), ResolvedRefs: conditionJSON(r.ResolvedRefs)}
	rule, match := r.Rule, r.Match
	j.Rule, j.Match = &rule, &match
	for _, b := range r.Backends {
		j.Backends = append(j.Backends, backendJSON(b))
	}
	return j
}

// statusCell is "Accepted" when the route is accepted and its references
// resolve, else the false condition with its reason.
func statusCell(s *Styles, r gateway.Rule) string {
	switch {
	case !r.Accepted.Status:
		return s.Error("Accepted=False (" + r.Accepted.Reason + ")")
	case !r.ResolvedRefs.Status:
		return s.Warning("ResolvedRefs=False (" + r.ResolvedRefs.Reason + ")")
	}
	return "Accepted"
}

// RoutesMixedTable writes Ingress routes and Gateway API rules in one
// table, with a kind column, the data plane (the IngressClass, or the
// Gateway) and the computed status of Gateway API routes. wide adds the
// listeners, the status message, the API version and the source.
func RoutesMixedTable(w io.Writer, s *Styles, routes []manifest.Route, rules []gateway.Rule, wide bool) error {
	header := []string{"KIND", "NAME", "DATA PLANE", "HOST", "PATH", "PATHTYPE", "BACKEND", "TLS", "STATUS"}
	if wide {
		header = append(header, "LISTENERS", "MESSAGE", "API VERSION", "SOURCE")
	}
	rows := make([][]string, 0, len(routes)+len(rules))
	for _, r := range routes {
		host, path, pt := r.Host, r.Path, r.PathType
		if host == "" {
			host = "*"
		}
		if r.DefaultBackend {
			path, pt = "(default backend)", "-"
		}
		class := r.Class
		if class == "" {
			class = "<none>"
		}
		tls := r.TLSSecret
		if tls == "" {
			tls = "-"
		}
		row := []string{"Ingress", r.Ingress.Key(), "class " + class, host, path, pt, manifest.BackendString(r.Backend), tls, "-"}
		if wide {
			row = append(row, "-", "-", r.Ingress.Source.APIVersion, r.Pos.String())
		}
		rows = append(rows, row)
	}
	for _, r := range rules {
		host := strings.Join(r.Hostnames, ",")
		if host == "" {
			host = "*"
		}
		path := r.Path
		if len(r.Conditions) > 0 {
			path += " [" + strings.Join(r.Conditions, ", ") + "]"
		}
		backend := simulate.DescribeBackends(r.Backends)
		if r.Redirect != "" {
			backend = r.Redirect
		}
		plane := r.DataPlane
		if plane == "" {
			plane = "gateway " + r.Gateway + " (missing)"
			if r.Gateway == "" {
				plane = "-"
			}
		}
		row := []string{r.Kind, r.Namespace + "/" + r.Name, plane, host, path, r.PathType, backend, "-", statusCell(s, r)}
		if wide {
			msg := "-"
			switch {
			case !r.Accepted.Status:
				msg = r.Accepted.Message
			case !r.ResolvedRefs.Status:
				msg = r.ResolvedRefs.Message
			}
			listeners := strings.Join(r.Listeners, ",")
			if listeners == "" {
				listeners = "-"
			}
			row = append(row, listeners, msg, r.APIVersion, r.Pos.String())
		}
		rows = append(rows, row)
	}
	return Table(w, s, header, rows)
}

// RoutesAllJSON writes Ingress routes and Gateway API rules as one JSON
// array: Ingress routes first, in the order of RoutesJSON.
func RoutesAllJSON(w io.Writer, routes []manifest.Route, rules []gateway.Rule) error {
	return writeJSON(w, allRoutes(routes, rules))
}

// RoutesAllYAML is RoutesAllJSON as YAML.
func RoutesAllYAML(w io.Writer, routes []manifest.Route, rules []gateway.Rule) error {
	return writeYAML(w, allRoutes(routes, rules))
}

func allRoutes(routes []manifest.Route, rules []gateway.Rule) []RouteJSON {
	out := routeJSON(routes)
	for _, r := range rules {
		out = append(out, gatewayRouteJSON(r))
	}
	return out
}
