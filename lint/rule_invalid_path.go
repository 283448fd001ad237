package lint

import (
	"fmt"
	"strings"
)

var invalidPath = &Rule{
	ID:       "invalid-path",
	Severity: Error,
	Default:  true,
	Summary:  "A path does not start with a slash, or an Exact or Prefix path holds a sequence the API server rejects.",
	Doc: `Every path must be absolute (start with ` + "`/`" + `); an ImplementationSpecific
path may also be empty. Exact and Prefix paths must not contain ` + "`//`" + `,
` + "`/./`" + `, ` + "`/../`" + `, ` + "`%2f`" + ` or ` + "`%2F`" + `, and must not end in ` + "`/..`" + ` or ` + "`/.`" + `
(validateHTTPIngressPath with invalidPathSequences and invalidPathSuffixes in
kubernetes/kubernetes pkg/apis/networking/validation/validation.go). The API
server rejects the Ingress otherwise.

**What to do:** write the path as the client sends it after normalization:
absolute, without empty, ` + "`.`" + ` or ` + "`..`" + ` segments and without encoded slashes.`,
	Check: checkInvalidPath,
}

func checkInvalidPath(p *Pass) {
	for _, ing := range p.Set.Ingresses {
		for _, b := range p.backends(ing) {
			if b.path == nil {
				continue
			}
			path := b.path.Path
			field := func() string { return b.pathField() + ".path" }
			switch pathType(b.path) {
			case "Exact", "Prefix":
				if !strings.HasPrefix(path, "/") {
					p.Reportf(ing, field(), "path %q must be an absolute path; start it with /", path)
				}
				for _, seq := range invalidPathSequences {
					if strings.Contains(path, seq) {
						p.Report(ing, field(), fmt.Sprintf("%s path %q must not contain %q; normalize the path", pathType(b.path), path, seq))
					}
				}
				for _, suf := range invalidPathSuffixes {
					if strings.HasSuffix(path, suf) {
						p.Report(ing, field(), fmt.Sprintf("%s path %q cannot end with %q; normalize the path", pathType(b.path), path, suf))
					}
				}
			case "ImplementationSpecific":
				if path != "" && !strings.HasPrefix(path, "/") {
					p.Reportf(ing, field(), "path %q must be an absolute path; start it with /", path)
				}
			}
		}
	}
}
