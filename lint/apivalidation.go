package lint

import (
	"strings"

	"k8s.io/apimachinery/pkg/util/validation/field"
)

// The API validity rules port the checks of the API server's Ingress
// validation, kubernetes/kubernetes
// pkg/apis/networking/validation/validation.go (ValidateIngressCreate and
// the functions it calls), using the same k8s.io/apimachinery validators
// so that the messages and limits agree with what kubectl apply prints.

// reportFieldErrors reports every error of errs, each at its own field,
// with advice appended.
func reportFieldErrors(p *Pass, o Object, errs field.ErrorList, advice string) {
	for _, e := range errs {
		msg := e.Field + ": " + e.ErrorBody()
		msg = strings.TrimSuffix(msg, ".")
		if advice != "" {
			msg += "; " + advice
		}
		f := e.Field
		// Key errors name the map; point at the key itself.
		if k, ok := e.BadValue.(string); ok && (f == "metadata.annotations" || f == "metadata.labels") && o.Source.HasField(f+"."+k) {
			f += "." + k
		}
		p.ReportObject(o, f, msg)
	}
}

// invalidPathSequences and invalidPathSuffixes are the API server's, from
// validation.go (invalidPathSequences, invalidPathSuffixes); they apply to
// Exact and Prefix paths only.
var (
	invalidPathSequences = []string{"//", "/./", "/../", "%2f", "%2F"}
	invalidPathSuffixes  = []string{"/..", "/."}
)
