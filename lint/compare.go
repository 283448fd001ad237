package lint

import (
	"context"
	"fmt"

	"github.com/ingresskit/ingresskit/manifest"
	"github.com/ingresskit/ingresskit/simulate"
)

// CompareID is the rule ID of the findings Compare returns; the
// ingresskit.dev/ignore annotation suppresses them by it.
const CompareID = "controller-difference"

// CompareOptions configures Compare.
type CompareOptions struct {
	// Controller is the profile in force (spec, nginx, gce or alb); ""
	// infers it from the input's IngressClasses
	// (simulate.InferProfileName).
	Controller string
	// Against is the profile to compare with; required.
	Against string
	// IngressClass selects the Ingresses of one class; "" compares every
	// Ingress.
	IngressClass string
	// Severity of the findings; zero means Warning.
	Severity Severity
}

// Compare is the migration check of `ingresskit lint --controller nginx
// --compare spec`: it sends probe requests generated from the rules
// themselves (simulate.Probes) through both profiles and reports every
// request that one routes differently from the other, at the path that
// answers under opts.Controller (else under opts.Against). Findings are
// sorted; suppressed ones are dropped and counted.
func Compare(ctx context.Context, set *manifest.Set, opts CompareOptions) (findings []Finding, suppressed int, err error) {
	if set == nil {
		return nil, 0, fmt.Errorf("compare: nil manifest set")
	}
	name := opts.Controller
	if name == "" {
		name = simulate.InferProfileName(set, nil)
	}
	from, err := simulate.ParseProfile(name)
	if err != nil {
		return nil, 0, fmt.Errorf("compare: %w", err)
	}
	to, err := simulate.ParseProfile(opts.Against)
	if err != nil {
		return nil, 0, fmt.Errorf("compare: %w", err)
	}
	if err := ctx.Err(); err != nil {
		return nil, 0, err
	}
	diffs, err := simulate.Compare(set, from, to, simulate.CompareOptions{IngressClass: opts.IngressClass})
	if err != nil {
		return nil, 0, fmt.Errorf("compare: %w", err)
	}
	sev := opts.Severity
	if sev == 0 {
		sev = Warning
	}
	for _, d := range diffs {
		at := d.From
		if at.Ingress == nil {
			at = d.To
		}
		ing := at.Ingress
		if ing == nil {
			continue
		}
		if ignored(ing.Annotations)[CompareID] {
			suppressed++
			continue
		}
		field := ""
		switch {
		case at.Rule >= 0:
			field = fmt.Sprintf("spec.rules[%d].http.paths[%d].path", at.Rule, at.PathIndex)
		case at.DefaultBackend:
			field = "spec.defaultBackend"
		}
		o := IngressObject(ing)
		pos := o.Source.Pos
		if field != "" {
			pos = o.Source.FieldPos(field)
		}
		f := Finding{
			Rule:     CompareID,
			Severity: sev,
			Pos:      pos,
			Field:    field,
			Object:   o.String(),
			Message: fmt.Sprintf("%s routes differently: %s %s, %s %s; check the %s behaviour before migrating",
				d.Request.String(), from.Name(), describeOutcome(d.From, d.FromOutcome), to.Name(), describeOutcome(d.To, d.ToOutcome), from.Name()),
		}
		if other := d.To; other.Ingress != nil && (other.Ingress != ing || other.Rule != at.Rule || other.PathIndex != at.PathIndex) {
			fld := fmt.Sprintf("spec.rules[%d].http.paths[%d].path", other.Rule, other.PathIndex)
			if other.Rule < 0 {
				fld = "spec.defaultBackend"
			}
			f.Related = append(f.Related, Related{Pos: other.Ingress.Source.FieldPos(fld), Message: "answers under " + to.Name()})
		}
		findings = append(findings, f)
	}
	SortFindings(findings)
	return findings, suppressed, nil
}

// describeOutcome says where a decision sends a request, with the rule;
// out is its simulate.Outcome.
func describeOutcome(d simulate.Decision, out string) string {
	switch {
	case d.Redirect != "":
		return "answers " + out
	case !d.Matched:
		return "matches no rule"
	case d.DefaultBackend:
		return "sends it to " + out + " (spec.defaultBackend of " + d.Ingress.Key() + ")"
	}
	return fmt.Sprintf("sends it to %s (%s %q of %s)", out, d.PathType, d.Path, d.Ingress.Key())
}
