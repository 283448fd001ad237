package lint

import "fmt"

var invalidPathType = &Rule{
	ID:       "invalid-path-type",
	Severity: Error,
	Default:  true,
	Summary:  "A path has no pathType, or one other than Exact, Prefix or ImplementationSpecific.",
	Doc: `networking.k8s.io/v1 requires ` + "`pathType`" + ` on every path and accepts only
` + "`Exact`" + `, ` + "`Prefix`" + ` and ` + "`ImplementationSpecific`" + ` (validateHTTPIngressPath in
kubernetes/kubernetes pkg/apis/networking/validation/validation.go). The
older API versions defaulted it to ImplementationSpecific, so manifests
converted by hand often lose it.

**What to do:** add ` + "`pathType: Prefix`" + ` for a path and everything below it,
` + "`Exact`" + ` for that path only. Keep ` + "`ImplementationSpecific`" + ` only for
controller-specific syntax such as regular expressions.`,
	Check: checkInvalidPathType,
}

func checkInvalidPathType(p *Pass) {
	for _, ing := range p.Set.Ingresses {
		for _, b := range p.backends(ing) {
			if b.path == nil {
				continue
			}
			switch pt := pathType(b.path); pt {
			case "":
				// The loader defaults v1beta1 paths, as the API server does;
				// only networking.k8s.io/v1 input can lack it.
				p.Reportf(ing, b.pathField()+".pathType", "path %q has no pathType, which networking.k8s.io/v1 requires; add pathType: Prefix (or Exact)", b.path.Path)
			case "Exact", "Prefix", "ImplementationSpecific":
			default:
				p.Report(ing, b.pathField()+".pathType", fmt.Sprintf("pathType %q is not supported; use %s", pt, suggestPathType(pt)))
			}
		}
	}
}

func suggestPathType(pt string) string {
	if s := Suggest(pt, []string{"Exact", "ImplementationSpecific", "Prefix"}); s != "" {
		return s
	}
	return "Exact, ImplementationSpecific or Prefix"
}
