package lint

import (
	"fmt"
	"sort"
	"strings"
)

var missingServicePort = &Rule{
	ID:       "missing-service-port",
	Severity: Error,
	Default:  true,
	Summary:  "A backend names a port that its Service does not expose.",
	Doc: `A Service backend's ` + "`port.number`" + ` must equal one of the Service's
` + "`spec.ports[].port`" + ` (not its targetPort or nodePort), and ` + "`port.name`" + ` one of
` + "`spec.ports[].name`" + `. Otherwise the controller finds no endpoints for the
backend and answers with an error (ServiceBackendPort in k8s.io/api
networking/v1/types.go: the number and the name refer to a port of the
Service, not of its Pods).

**What to do:** use the Service's port, or add the port to the Service.`,
	Check: checkMissingServicePort,
}

func checkMissingServicePort(p *Pass) {
	for _, ing := range p.Set.Ingresses {
		for _, b := range p.backends(ing) {
			s := b.backend.Service
			if s == nil || s.Name == "" || b.backend.Resource != nil {
				continue
			}
			svc := p.Set.Service(ing.Namespace, s.Name)
			if svc == nil || (s.Port.Name == "" && s.Port.Number == 0) {
				continue
			}
			found := false
			var have []string
			for _, sp := range svc.Spec.Ports {
				if s.Port.Name != "" && sp.Name == s.Port.Name || s.Port.Name == "" && sp.Port == s.Port.Number {
					found = true
					break
				}
				if s.Port.Name != "" {
					if sp.Name != "" {
						have = append(have, sp.Name)
					}
				} else {
					have = append(have, fmt.Sprint(sp.Port))
				}
			}
			if found {
				continue
			}
			sort.Strings(have)
			what := "port " + portString(s.Port)
			if s.Port.Name != "" {
				what = "port named " + s.Port.Name
			}
			exposes := "no ports"
			if len(have) > 0 {
				exposes = strings.Join(have, ", ")
			}
			p.Report(ing, servicePortField(b), fmt.Sprintf("Service %s has no %s (it exposes %s); use one of its ports or add the port to the Service", svc.Key(), what, exposes),
				Related{Pos: svc.Source.FieldPos("spec.ports"), Message: "Service " + svc.Key() + " ports"})
		}
	}
}
