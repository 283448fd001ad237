package lint

import (
	"fmt"
	"strings"
)

var duplicatePath = &Rule{
	ID:       "duplicate-path",
	Severity: Warning,
	Default:  true,
	Summary:  "One rule lists the same path and pathType twice.",
	Doc: `The API server accepts two identical paths in one rule (validation.go in
kubernetes/kubernetes pkg/apis/networking/validation checks each path on its
own), but a controller routes one path to one backend, so only one of the
two entries can ever receive traffic, and which one wins when their backends
differ is up to the controller.

**What to do:** delete the duplicate, or give it the path you meant.`,
	Check: checkDuplicatePath,
}

func checkDuplicatePath(p *Pass) {
	for _, ing := range p.Set.Ingresses {
		for ri, r := range ing.Spec.Rules {
			if r.HTTP == nil {
				continue
			}
			first := map[string]int{}
			for pi := range r.HTTP.Paths {
				path := &r.HTTP.Paths[pi]
				key := pathType(path) + "\x00" + path.Path
				if j, ok := first[key]; ok {
					pf := fmt.Sprintf("spec.rules[%d].http.paths[%d]", ri, pi)
					prev := fmt.Sprintf("spec.rules[%d].http.paths[%d]", ri, j)
					p.Report(ing, pf+".path", fmt.Sprintf("path %q (%s) repeats %s, so one of them never receives traffic; delete the duplicate",
						path.Path, strings.ToLower(pathType(path)), prev),
						Related{Pos: ing.Source.FieldPos(prev + ".path"), Message: "first listed here"})
					continue
				}
				first[key] = pi
			}
		}
	}
}
