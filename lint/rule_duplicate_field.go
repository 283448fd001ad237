package lint

import "fmt"

var duplicateField = &Rule{
	ID:       "duplicate-field",
	Severity: Warning,
	Default:  true,
	Summary:  "A field or map key is written twice in one mapping, so only the later value counts.",
	Doc: `YAML lets a mapping repeat a key, but only one value survives: kubectl
(sigs.k8s.io/yaml) keeps the later one and drops the earlier without a word,
and the API server, given the YAML itself, warns of a "duplicate field"
(strict decoding in k8s.io/apimachinery pkg/runtime/serializer/json; kubectl
apply --validate=strict rejects it). A repeated ` + "`annotations`" + ` or ` + "`paths`" + `
key usually means half of what was written is lost.

Keys brought in by a YAML merge key (` + "`<<: *base`" + `) are not duplicates: a key
written beside the merge is meant to replace the merged one.

**What to do:** keep one of the two keys, merging their values by hand.`,
	Check: checkDuplicateField,
}

func checkDuplicateField(p *Pass) {
	report := func(o Object) {
		for _, d := range o.Source.Duplicates {
			p.ReportObject(o, d.Field, fmt.Sprintf("%s is written twice; only this later value counts, the one at line %d is dropped; keep one", d.Field, d.First.Line),
				Related{Pos: d.First, Message: "the earlier " + d.Field + ", dropped"})
			// A duplicate's position is the later key's, which the
			// field index may not hold for the normalized path.
			p.findings[len(p.findings)-1].f.Pos = d.Pos
		}
	}
	for _, o := range p.Set.Ingresses {
		report(IngressObject(o))
	}
	for _, o := range p.Set.Services {
		report(ServiceObject(o))
	}
	for _, o := range p.Set.Secrets {
		report(SecretObject(o))
	}
	for _, o := range p.Set.IngressClasses {
		report(IngressClassObject(o))
	}
}
