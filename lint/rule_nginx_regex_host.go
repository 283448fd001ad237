package lint

import (
	"fmt"
	"strings"

	networkingv1 "k8s.io/api/networking/v1"

	"github.com/ingresskit/ingresskit/manifest"
)

var nginxRegexHost = &Rule{
	ID:       "nginx-regex-host",
	Severity: Warning,
	Default:  true,
	Summary:  "An ingress-nginx host is switched to regex matching by another Ingress's use-regex or rewrite-target.",
	Doc: `When ` + "`nginx.ingress.kubernetes.io/use-regex`" + ` or ` + "`nginx.ingress.kubernetes.io/rewrite-target`" + `
is set on any Ingress of a host, ingress-nginx writes every location of that
host, from every Ingress, as a case-insensitive regular expression
` + "`~* \"^path\"`" + ` and nginx takes the first one that matches, longest path first
(kubernetes/ingress-nginx docs/user-guide/ingress-path-matching.md;
internal/ingress/controller/template/template.go, enforceRegexModifier and
buildLocation). The other Ingresses of the host change meaning without a
change of their own:

- a path becomes case-insensitive, and "." and other regex characters in it
  match more than themselves;
- an Exact path matches every path that starts with it (ingress-nginx
  #8208), and is no longer preferred over a Prefix path of the same length
  (#9405);
- an ImplementationSpecific path that is not a valid regular expression
  breaks the nginx configuration.

` + "`ingresskit simulate --controller nginx`" + ` shows the regex each path became.

**What to do:** move the Ingress that needs regex paths or rewrites to a host
of its own, or make every Ingress of the host regex-aware (set use-regex on
them and write their paths as anchored expressions).`,
	Check:      checkNginxRegexHost,
	nginxModel: true,
}

func checkNginxRegexHost(p *Pass) {
	nginxSet := &manifest.Set{IngressClasses: p.Set.IngressClasses}
	for _, ing := range p.Set.Ingresses {
		if p.controllerOf(ing) == controllerNginx {
			nginxSet.Ingresses = append(nginxSet.Ingresses, ing)
		}
	}
	if len(nginxSet.Ingresses) == 0 {
		return
	}
	hosts := p.shared.nginxModel(nginxSet).RegexHosts()
	for _, ing := range nginxSet.Ingresses {
		for ri, r := range ing.Spec.Rules {
			causes := hosts[strings.ToLower(r.Host)]
			if len(causes) == 0 || r.HTTP == nil {
				continue
			}
			self := false
			for _, c := range causes {
				self = self || c == ing
			}
			host := r.Host
			if host == "" {
				host = "rules without a host"
			} else {
				host = "host " + host
			}
			cause := causes[0]
			related := []Related{{Pos: cause.Source.FieldPos("metadata.annotations"), Message: "Ingress " + cause.Key() + " sets use-regex or rewrite-target"}}
			for pi, hp := range r.HTTP.Paths {
				field := fmt.Sprintf("spec.rules[%d].http.paths[%d].path", ri, pi)
				pt := networkingv1.PathTypeImplementationSpecific
				if hp.PathType != nil {
					pt = *hp.PathType
				}
				switch {
				case !self:
					p.Report(ing, field, fmt.Sprintf("Ingress %s turns every path of %s into a case-insensitive regex, so %s path %q now matches as ~* \"^%s\"; give the regex Ingress a host of its own", cause.Key(), host, pt, hp.Path, hp.Path), related...)
				case pt == networkingv1.PathTypeExact:
					p.Report(ing, field, fmt.Sprintf("on a regex host the Exact path %q becomes ~* \"^%s\" and matches every path that starts with it; anchor it as %s$ with ImplementationSpecific, or move it to another host", hp.Path, hp.Path, hp.Path), related...)
				}
			}
		}
	}
}
