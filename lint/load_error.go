package lint

import (
	"errors"

	"github.com/ingresskit/ingresskit/manifest"
)

// LoadErrorID is the rule ID of the findings made from load errors.
const LoadErrorID = "load-error"

// LoadErrorRule describes the findings of LoadErrorFindings for the report
// formats that list the rules that ran (SARIF, JUnit). It is not in the
// Registry: its findings come from the loader, not from a Check, so
// --enable, --disable and the ignore annotation do not reach it (an
// object that could not be read has no annotations to read).
var LoadErrorRule = &Rule{
	ID:       LoadErrorID,
	Severity: Error,
	Summary:  "An input could not be read as Kubernetes objects, so nothing in it was checked.",
	Doc: `A file that is not valid YAML or JSON, a document that is not a Kubernetes
object, or a field whose value kubectl would not decode (` + "`number: \"80\"`" + `,
` + "`2147483648`" + ` for a 32-bit field, ` + "`80.5`" + `, a number where a string belongs)
is reported at the line and column of the problem. The objects in the same
input that could be read are still checked; lint exits 2 whatever else it
finds, as kubectl apply would refuse the input.

**What to do:** fix the value the message names; quote strings that YAML 1.1
reads as numbers or booleans (` + "`\"on\"`" + `, ` + "`\"yes\"`" + `, ` + "`\"080\"`" + `).`,
	Check: func(*Pass) {},
}

// LoadErrorFindings turns the input errors of a load (a *manifest.LoadError
// or a single *manifest.InputError, possibly wrapped) into findings of
// LoadErrorRule, so that every output format lists them. It returns nil
// for any other error.
func LoadErrorFindings(err error) []Finding {
	var errs []*manifest.InputError
	var le *manifest.LoadError
	var ie *manifest.InputError
	switch {
	case errors.As(err, &le):
		errs = le.Errors
	case errors.As(err, &ie):
		errs = []*manifest.InputError{ie}
	default:
		return nil
	}
	out := make([]Finding, 0, len(errs))
	for _, e := range errs {
		out = append(out, Finding{Rule: LoadErrorID, Severity: Error, Pos: e.Pos, Object: e.Pos.File, Message: e.Msg})
	}
	return out
}
