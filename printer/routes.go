package printer

import (
	"encoding/json"
	"fmt"
	"io"

	networkingv1 "k8s.io/api/networking/v1"
	"sigs.k8s.io/yaml"

	"github.com/ingresskit/ingresskit/manifest"
)

// RouteJSON is the machine form of one route (-o json, -o yaml).
type RouteJSON struct {
	Namespace      string                      `json:"namespace"`
	Ingress        string                      `json:"ingress"`
	Class          string                      `json:"class"`
	Host           string                      `json:"host"`
	Path           string                      `json:"path"`
	PathType       string                      `json:"pathType"`
	Backend        networkingv1.IngressBackend `json:"backend"`
	TLS            *RouteTLS                   `json:"tls"`
	DefaultBackend bool                        `json:"defaultBackend"`
	APIVersion     string                      `json:"apiVersion"`
	Source         string                      `json:"source"`
	// The members below describe Gateway API rules (kind HTTPRoute or
	// GRPCRoute) and Istio routes (kind VirtualService); Ingress routes
	// have only the data plane and its profile.
	Kind         string         `json:"kind,omitempty"`
	Name         string         `json:"name,omitempty"`
	DataPlane    string         `json:"dataPlane,omitempty"`
	Profile      string         `json:"profile,omitempty"`
	Gateway      string         `json:"gateway,omitempty"`
	Listeners    []string       `json:"listeners,omitempty"`
	Hostnames    []string       `json:"hostnames,omitempty"`
	Rule         *int           `json:"rule,omitempty"`
	Match        *int           `json:"match,omitempty"`
	Conditions   []string       `json:"conditions,omitempty"`
	Backends     []BackendJSON  `json:"backends,omitempty"`
	Mirrors      []MirrorJSON   `json:"mirrors,omitempty"`
	Redirect     string         `json:"redirect,omitempty"`
	Accepted     *ConditionJSON `json:"accepted,omitempty"`
	ResolvedRefs *ConditionJSON `json:"resolvedRefs,omitempty"`
}

// RouteTLS names the Secret that serves a route's host over https.
type RouteTLS struct {
	SecretName string `json:"secretName"`
}

func routeJSON(routes []manifest.Route) []RouteJSON {
	out := make([]RouteJSON, 0, len(routes))
	for _, r := range routes {
		j := RouteJSON{
			Namespace: r.Ingress.Namespace, Ingress: r.Ingress.Name, Class: r.Class,
			Host: r.Host, Path: r.Path, PathType: r.PathType, Backend: r.Backend,
			DefaultBackend: r.DefaultBackend, APIVersion: r.Ingress.Source.APIVersion,
			Source: r.Pos.String(), DataPlane: r.DataPlane, Profile: r.Profile,
		}
		if r.TLSSecret != "" {
			j.TLS = &RouteTLS{SecretName: r.TLSSecret}
		}
		out = append(out, j)
	}
	return out
}

// RoutesJSON writes the routes as a JSON array.
func RoutesJSON(w io.Writer, routes []manifest.Route) error {
	return writeJSON(w, routeJSON(routes))
}

// RoutesYAML writes the routes as a YAML sequence.
func RoutesYAML(w io.Writer, routes []manifest.Route) error {
	return writeYAML(w, routeJSON(routes))
}

func writeJSON(w io.Writer, v []RouteJSON) error {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(w, "%s\n", b)
	return err
}

func writeYAML(w io.Writer, v []RouteJSON) error {
	b, err := yaml.Marshal(v)
	if err != nil {
		return err
	}
	_, err = w.Write(b)
	return err
}

// RoutesTableOptions shape the routes tables.
type RoutesTableOptions struct {
	// Wide adds the columns of -o wide.
	Wide bool
	// NoHeaders leaves the header row out (--no-headers).
	NoHeaders bool
}

// RoutesTable writes the routes as a table, with the profile of each
// route's data plane; wide adds the API version and the source position
// of each route.
func RoutesTable(w io.Writer, s *Styles, routes []manifest.Route, opts RoutesTableOptions) error {
	wide := opts.Wide
	header := []string{"INGRESS", "CLASS", "PROFILE", "HOST", "PATH", "PATHTYPE", "BACKEND", "TLS"}
	if wide {
		header = append(header, "API VERSION", "SOURCE")
	}
	rows := make([][]string, 0, len(routes))
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
		row := []string{r.Ingress.Key(), class, dash(r.Profile), host, path, pt, manifest.BackendString(r.Backend), tls}
		if wide {
			row = append(row, r.Ingress.Source.APIVersion, r.Pos.String())
		}
		rows = append(rows, row)
	}
	if opts.NoHeaders {
		header = nil
	}
	return Table(w, s, header, rows)
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
