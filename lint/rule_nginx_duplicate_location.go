package lint

import (
	"fmt"

	"github.com/ingresskit/ingresskit/manifest"
)

var nginxDuplicateLocation = &Rule{
	ID:       "nginx-duplicate-location",
	Severity: Error,
	Default:  true,
	Summary:  "Two paths of one host render the same nginx location, and nginx refuses the whole configuration.",
	Doc: `ingress-nginx writes a Prefix path ` + "`/foo`" + ` as the locations ` + "`\"/foo/\"`" + ` and
` + "`= \"/foo\"`" + `, and a Prefix path ` + "`/foo/`" + ` as ` + "`\"/foo/\"`" + ` and ` + "`= \"/foo/\"`" + `
(kubernetes/ingress-nginx internal/ingress/controller/location.go,
updateServerLocations and normalizePrefixPath); ImplementationSpecific is read as
Prefix (internal/k8s/main.go, SetDefaultNGINXPathType). The controller drops a
second path only when its path string and pathType equal the first one's
(controller.go getBackendServers), so ` + "`/foo`" + ` and ` + "`/foo/`" + ` in two Ingresses of
one host both write ` + "`location \"/foo/\"`" + `. nginx refuses two prefix or exact
locations of the same path in one server (` + "`nginx -t`" + `: "duplicate location"): the
reload fails, and the controller keeps serving its previous configuration, so no
change to any Ingress takes effect until the duplicate is gone.
` + "`ingresskit simulate --controller nginx`" + ` answers "configuration refused".

**What to do:** keep one of the two paths, or write both the same way
(` + "`/foo`" + ` covers ` + "`/foo/`" + ` and everything below it).`,
	Check:      checkNginxDuplicateLocation,
	nginxModel: true,
}

func checkNginxDuplicateLocation(p *Pass) {
	nginxSet := &manifest.Set{IngressClasses: p.Set.IngressClasses}
	for _, ing := range p.Set.Ingresses {
		if p.controllerOf(ing) == controllerNginx {
			nginxSet.Ingresses = append(nginxSet.Ingresses, ing)
		}
	}
	if len(nginxSet.Ingresses) == 0 {
		return
	}
	for _, d := range p.shared.nginxModel(nginxSet).DuplicateLocations() {
		host := "rules without a host"
		if d.Host != "" {
			host = "host " + d.Host
		}
		first := fmt.Sprintf("spec.rules[%d].http.paths[%d].path", d.FirstRule, d.FirstPath)
		p.Report(d.Ingress, fmt.Sprintf("spec.rules[%d].http.paths[%d].path", d.Rule, d.Path),
			fmt.Sprintf("this path renders location %s in the server of %s, as path %q of %s does; nginx refuses the duplicate and the controller keeps its previous configuration: remove one of the two paths",
				d.Location, host, d.First.Spec.Rules[d.FirstRule].HTTP.Paths[d.FirstPath].Path, d.First.Key()),
			Related{Pos: d.First.Source.FieldPos(first), Message: "renders " + d.Location + " first"})
	}
}
