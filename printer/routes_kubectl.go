package printer

import (
	"encoding/json"
	"fmt"
	"io"
	"reflect"
	"regexp"
	"strings"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/cli-runtime/pkg/printers"
	"k8s.io/client-go/util/jsonpath"
)

// The kubectl output conventions of routes: -o name, -o jsonpath=... and
// -o custom-columns=..., run by kubectl's own libraries (cli-runtime's
// printers and client-go's jsonpath) on the document -o json prints.

// RoutesDocument returns the document routes -o json prints: the Ingress
// routes, then the Gateway API rules and the Istio routes.
func RoutesDocument(all AllRoutes) []RouteJSON {
	return allRoutes(all)
}

// RoutesNames writes each object that declares a route once, in the order
// of its first route, as kubectl -o name does: kind.group/name
// (cli-runtime pkg/printers/name.go), the group from the object's own
// apiVersion.
func RoutesNames(w io.Writer, all AllRoutes) error {
	p := &printers.NamePrinter{}
	seen := map[string]bool{}
	for _, r := range allRoutes(all) {
		kind, name := r.Kind, r.Name
		if kind == "" {
			kind, name = "Ingress", r.Ingress
		}
		gv, err := schema.ParseGroupVersion(r.APIVersion)
		if err != nil {
			return fmt.Errorf("%s %s/%s: %w", kind, r.Namespace, name, err)
		}
		key := gv.Group + "/" + kind + "/" + r.Namespace + "/" + name
		if seen[key] {
			continue
		}
		seen[key] = true
		u := &unstructured.Unstructured{}
		u.SetGroupVersionKind(gv.WithKind(kind))
		u.SetNamespace(r.Namespace)
		u.SetName(name)
		if err := p.PrintObj(u, w); err != nil {
			return err
		}
	}
	return nil
}

// ParseJSONPath checks a -o jsonpath template, so that a bad one is a
// usage error before anything is loaded.
func ParseJSONPath(tmpl string) error {
	if err := jsonpath.New("out").Parse(tmpl); err != nil {
		return fmt.Errorf("jsonpath template %q: %w", tmpl, err)
	}
	return nil
}

// RoutesJSONPath runs a kubectl jsonpath template (client-go
// util/jsonpath, as kubectl's -o jsonpath does through cli-runtime's
// JSONPathPrinter) on the JSON array -o json prints. As kubectl's
// --allow-missing-template-keys defaults to true, a key a route lacks
// prints nothing rather than failing.
func RoutesJSONPath(w io.Writer, all AllRoutes, tmpl string) error {
	doc, err := routesJSONValue(all)
	if err != nil {
		return err
	}
	jp := jsonpath.New("out").AllowMissingKeys(true)
	if err := jp.Parse(tmpl); err != nil {
		return fmt.Errorf("jsonpath template %q: %w", tmpl, err)
	}
	if err := jp.Execute(w, doc); err != nil {
		return fmt.Errorf("jsonpath template %q: %w", tmpl, err)
	}
	return nil
}

// CustomColumn is one column of -o custom-columns.
type CustomColumn struct {
	// Header is the column's heading.
	Header string
	// Path is the jsonpath template, in braces.
	Path string
}

// relaxedJSONPath accepts what kubectl's custom-columns accept for a
// field: a.b, .a.b, {a.b} or {.a.b} (kubectl pkg/cmd/get/customcolumn.go,
// RelaxedJSONPathExpression).
var relaxedJSONPath = regexp.MustCompile(`^\{\.?([^{}]+)\}$|^\.?([^{}]+)$`)

// ParseCustomColumns reads a kubectl custom-columns spec,
// HEADER:FIELD[,HEADER:FIELD]..., each FIELD a jsonpath such as .host or
// .backends[*].name.
func ParseCustomColumns(spec string) ([]CustomColumn, error) {
	if spec == "" {
		return nil, fmt.Errorf("custom-columns needs at least one column, as in custom-columns=HOST:.host,PATH:.path")
	}
	var cols []CustomColumn
	for _, part := range strings.Split(spec, ",") {
		header, field, ok := strings.Cut(part, ":")
		if !ok {
			return nil, fmt.Errorf("custom-columns %q: want <header>:<field>, as in HOST:.host", part)
		}
		m := relaxedJSONPath.FindStringSubmatch(field)
		if m == nil {
			return nil, fmt.Errorf("custom-columns %q: the field is a.b, .a.b, {a.b} or {.a.b}", part)
		}
		path := "{." + m[1] + m[2] + "}"
		if err := jsonpath.New(header).AllowMissingKeys(true).Parse(path); err != nil {
			return nil, fmt.Errorf("custom-columns %q: %w", part, err)
		}
		cols = append(cols, CustomColumn{Header: header, Path: path})
	}
	return cols, nil
}

// RoutesCustomColumns writes one row per element of the -o json array
// with the given columns, as kubectl's custom-columns printer does: a
// field with several values joins them with commas, one with none is
// <none>, and values are escaped for the terminal (cli-runtime
// printers.EscapeTerminal). The columns are aligned by kubectl's own tab
// writer (printers.GetNewTabWriter).
func RoutesCustomColumns(w io.Writer, all AllRoutes, cols []CustomColumn, noHeaders bool) error {
	doc, err := routesJSONValue(all)
	if err != nil {
		return err
	}
	parsers := make([]*jsonpath.JSONPath, len(cols))
	headers := make([]string, len(cols))
	for i, c := range cols {
		parsers[i] = jsonpath.New(c.Header).AllowMissingKeys(true)
		if err := parsers[i].Parse(c.Path); err != nil {
			return err
		}
		headers[i] = c.Header
	}
	tw := printers.GetNewTabWriter(w)
	if !noHeaders {
		fmt.Fprintln(tw, strings.Join(headers, "\t"))
	}
	items, _ := doc.([]any)
	for _, item := range items {
		row := make([]string, len(cols))
		for i, p := range parsers {
			results, err := p.FindResults(item)
			if err != nil {
				return fmt.Errorf("custom-columns %s:%s: %w", cols[i].Header, cols[i].Path, err)
			}
			var vals []string
			for _, rs := range results {
				for _, v := range rs {
					vals = append(vals, printers.EscapeTerminal(fmt.Sprint(jsonValue(v))))
				}
			}
			if len(vals) == 0 {
				vals = []string{"<none>"}
			}
			row[i] = strings.Join(vals, ",")
		}
		fmt.Fprintln(tw, strings.Join(row, "\t"))
	}
	return tw.Flush()
}

// jsonValue unwraps a jsonpath result to the value it holds.
func jsonValue(v reflect.Value) any {
	if !v.IsValid() {
		return nil
	}
	return v.Interface()
}

// routesJSONValue is the -o json document decoded into plain JSON values,
// the form kubectl's printers query.
func routesJSONValue(all AllRoutes) (any, error) {
	b, err := json.Marshal(allRoutes(all))
	if err != nil {
		return nil, err
	}
	var v any
	if err := json.Unmarshal(b, &v); err != nil {
		return nil, err
	}
	return v, nil
}
