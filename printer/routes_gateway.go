package printer

import (
	"fmt"
	"io"
	"strings"

	"github.com/ingresskit/ingresskit/manifest"
	"github.com/ingresskit/ingresskit/simulate"
	"github.com/ingresskit/ingresskit/simulate/gateway"
	"github.com/ingresskit/ingresskit/simulate/istio"
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
	j := RouteJSON{Namespace: r.Namespace, Kind: r.Kind, Name: r.Name, DataPlane: r.DataPlane, Profile: gateway.Kind, Gateway: r.Gateway,
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

// AllRoutes is the input of the routes listing across data planes:
// Ingress routes (simulate.IngressRoutes), Gateway API rules and Istio
// routes.
type AllRoutes struct {
	Ingress []manifest.Route
	Gateway []gateway.Rule
	Istio   []istio.Rule
}

// RoutesMixedTable writes Ingress routes, Gateway API rules and Istio
// routes in one table, with a kind column, the data plane (the
// IngressClass with its profile, the Gateway, or the Istio gateway) and
// the computed status of Gateway API routes. wide adds the listeners, the
// status message, the API version and the source.
func RoutesMixedTable(w io.Writer, s *Styles, all AllRoutes, opts RoutesTableOptions) error {
	wide := opts.Wide
	routes, rules := all.Ingress, all.Gateway
	header := []string{"KIND", "NAME", "DATA PLANE", "HOST", "PATH", "PATHTYPE", "BACKEND", "TLS", "STATUS"}
	if wide {
		header = append(header, "LISTENERS", "MESSAGE", "API VERSION", "SOURCE")
	}
	rows := make([][]string, 0, len(routes)+len(rules)+len(all.Istio))
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
		plane := r.DataPlane
		if plane == "" {
			plane = "ingress class " + class
		}
		if r.Profile != "" {
			plane += " (" + r.Profile + ")"
		}
		row := []string{"Ingress", r.Ingress.Key(), plane, host, path, pt, manifest.BackendString(r.Backend), tls, "-"}
		if wide {
			row = append(row, "-", "-", r.Ingress.Source.APIVersion, r.Pos.String())
		}
		rows = append(rows, row)
	}
	for _, r := range rules {
		host, path := hostPathCells(r.Hostnames, r.Path, r.Conditions)
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
	for _, r := range all.Istio {
		host, path := hostPathCells(r.Hosts, r.Path, r.Conditions)
		backend := r.Action
		if backend == "" {
			backend = simulate.DescribeBackends(r.Backends)
		}
		for _, m := range r.Mirrors {
			backend += fmt.Sprintf(", mirror %g%% to %s", m.Percent, simulate.DescribeBackends([]simulate.WeightedBackend{m.Backend}))
		}
		row := []string{"VirtualService", r.Namespace + "/" + r.Name, r.DataPlane, host, path, r.PathType, backend, "-", "-"}
		if wide {
			row = append(row, "-", "-", r.APIVersion, r.Pos.String())
		}
		rows = append(rows, row)
	}
	if opts.NoHeaders {
		header = nil
	}
	return Table(w, s, header, rows)
}

// RoutesAllJSON writes Ingress routes, Gateway API rules and Istio
// routes as one JSON array, in that order.
func RoutesAllJSON(w io.Writer, all AllRoutes) error {
	return writeJSON(w, allRoutes(all))
}

// RoutesAllYAML is RoutesAllJSON as YAML.
func RoutesAllYAML(w io.Writer, all AllRoutes) error {
	return writeYAML(w, allRoutes(all))
}

func allRoutes(all AllRoutes) []RouteJSON {
	out := routeJSON(all.Ingress)
	for _, r := range all.Gateway {
		out = append(out, gatewayRouteJSON(r))
	}
	for _, r := range all.Istio {
		out = append(out, istioRouteJSON(r))
	}
	return out
}

// istioRouteJSON is the machine form of an Istio route.
func istioRouteJSON(r istio.Rule) RouteJSON {
	j := RouteJSON{Namespace: r.Namespace, Kind: "VirtualService", Name: r.Name, DataPlane: r.DataPlane, Profile: istio.Kind,
		Gateway: r.Gateway, Hostnames: r.Hosts, Path: r.Path, PathType: r.PathType, Conditions: r.Conditions,
		Redirect: r.Action, APIVersion: r.APIVersion, Source: r.Pos.String()}
	rule, match := r.Route, r.Match
	j.Rule, j.Match = &rule, &match
	for _, b := range r.Backends {
		j.Backends = append(j.Backends, backendJSON(b))
	}
	for _, m := range r.Mirrors {
		j.Mirrors = append(j.Mirrors, MirrorJSON{Backend: backendJSON(m.Backend), Percent: m.Percent})
	}
	return j
}

// hostPathCells are the host and path cells of a Gateway API or Istio
// route: its hosts joined, "*" for none, and its path with the rule's
// other conditions in brackets.
func hostPathCells(hosts []string, path string, conditions []string) (string, string) {
	host := strings.Join(hosts, ",")
	if host == "" {
		host = "*"
	}
	if len(conditions) > 0 {
		path += " [" + strings.Join(conditions, ", ") + "]"
	}
	return host, path
}
