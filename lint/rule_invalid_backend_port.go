package lint

import (
	"strings"

	"k8s.io/apimachinery/pkg/util/validation"
)

var invalidBackendPort = &Rule{
	ID:       "invalid-backend-port",
	Severity: Error,
	Default:  true,
	Summary:  "A Service backend's port is missing, out of range, not a valid port name, or both a name and a number.",
	Doc: `A Service backend needs exactly one of ` + "`port.number`" + ` (1 to 65535) or
` + "`port.name`" + ` (an IANA service name: at most 15 lowercase letters, digits and
dashes, with at least one letter). The API server rejects anything else
(validateIngressBackend in kubernetes/kubernetes
pkg/apis/networking/validation/validation.go, using IsValidPortNum and
IsValidPortName from k8s.io/apimachinery/pkg/util/validation).

**What to do:** give the Service port's number, or the name of one of the
Service's ports.`,
	Check: checkInvalidBackendPort,
}

func checkInvalidBackendPort(p *Pass) {
	for _, ing := range p.Set.Ingresses {
		for _, b := range p.backends(ing) {
			svc := b.backend.Service
			if svc == nil || b.backend.Resource != nil {
				continue
			}
			port := svc.Port
			switch {
			case port.Name != "" && port.Number != 0:
				p.Reportf(ing, b.field()+".service.port", "%s.service.port sets both name %q and number %d, so the API server rejects it; keep one", b.field(), port.Name, port.Number)
			case port.Name != "":
				if msgs := validation.IsValidPortName(port.Name); len(msgs) > 0 {
					p.Reportf(ing, b.field()+".service.port.name", "port name %q is invalid: %s; use the name of one of the Service's ports or a number", port.Name, strings.Join(msgs, "; "))
				}
			case port.Number != 0:
				if msgs := validation.IsValidPortNum(int(port.Number)); len(msgs) > 0 {
					p.Reportf(ing, b.field()+".service.port.number", "port number %d is invalid: %s; use the Service's port", port.Number, strings.Join(msgs, "; "))
				}
			default:
				p.Reportf(ing, b.field()+".service", "%s.service has no port, so the API server rejects it; add port.number or port.name", b.field())
			}
		}
	}
}
