package lint

import (
	"fmt"

	"github.com/ingresskit/ingresskit/manifest"
)

var duplicateObject = &Rule{
	ID:       "duplicate-object",
	Severity: Warning,
	Default:  true,
	Summary:  "The input defines the same object twice.",
	Doc: `Two documents of the input name the same kind, namespace and name. Applied
together, the later one replaces the earlier (kubectl apply sends them in
order, and the API server keeps one object per name), so the earlier
document never takes effect, and checks that read both, such as route
conflicts, see two objects where the cluster would hold one. It usually
means a file was given twice, or a copy was left behind when a manifest
moved.

**What to do:** keep one definition; delete the other or rename it.`,
	Check: checkDuplicateObject,
}

func checkDuplicateObject(p *Pass) {
	type objectKey struct{ kind, namespace, name string }
	set := p.Set
	seen := make(map[objectKey]*manifest.Source, len(set.Ingresses)+len(set.Services)+len(set.Secrets)+len(set.IngressClasses))
	check := func(o Object) {
		key := objectKey{o.Kind, o.Namespace, o.Name}
		first, ok := seen[key]
		if !ok {
			seen[key] = o.Source
			return
		}
		p.ReportObject(o, "metadata.name", fmt.Sprintf("%s is already defined at %s; applied together, this definition replaces that one: keep one of them",
			o.String(), first.Pos), Related{Pos: first.Pos, Message: "first defined here"})
	}
	for _, i := range p.Set.Ingresses {
		check(IngressObject(i))
	}
	for _, s := range p.Set.Services {
		check(ServiceObject(s))
	}
	for _, s := range p.Set.Secrets {
		check(SecretObject(s))
	}
	for _, c := range p.Set.IngressClasses {
		check(IngressClassObject(c))
	}
}
