package lint

import (
	"sort"
	"strings"

	apimachineryvalidation "k8s.io/apimachinery/pkg/api/validation"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	metav1validation "k8s.io/apimachinery/pkg/apis/meta/v1/validation"
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

// generatedSuffix stands for the five random characters the API server
// appends to metadata.generateName (k8s.io/apiserver
// pkg/storage/names/generate.go, SimpleNameGenerator, with characters from
// k8s.io/apimachinery pkg/util/rand alphanums): any five of them validate
// alike.
const generatedSuffix = "bcdfg"

// maxGeneratedPrefix is how much of generateName the API server keeps
// (MaxGeneratedNameLength in pkg/storage/names/generate.go).
const maxGeneratedPrefix = 58

// createMeta returns a copy of m as the API server validates it on
// create: the generic store names the object from generateName when it
// has no name (k8s.io/apiserver pkg/registry/generic/registry/store.go,
// Create), and the strategies' PrepareForCreate set generation to 1
// (kubernetes/kubernetes pkg/registry/networking/ingress/strategy.go and
// ingressclass/strategy.go), so neither a missing name nor a negative
// generation is an error then.
func createMeta(m *metav1.ObjectMeta) *metav1.ObjectMeta {
	c := m.DeepCopy()
	if c.Name == "" && c.GenerateName != "" {
		prefix := c.GenerateName
		if len(prefix) > maxGeneratedPrefix {
			prefix = prefix[:maxGeneratedPrefix]
		}
		c.Name = prefix + generatedSuffix
	}
	c.Generation = 1
	return c
}

// standardFinalizers are the finalizer names that need no domain prefix
// (kubernetes/kubernetes pkg/apis/core/helper/helpers.go,
// standardFinalizers: core's FinalizerKubernetes and metav1's
// FinalizerOrphanDependents and FinalizerDeleteDependents).
var standardFinalizers = map[string]bool{"kubernetes": true, "orphan": true, "foregroundDeletion": true}

// validateObjectMeta is the API server's ValidateObjectMeta
// (kubernetes/kubernetes pkg/apis/core/validation/validation.go): the
// apimachinery checks, then every finalizer without a "/" must be a
// standard one (validateKubeFinalizerName). Label errors name the label's
// key in their field, so that they point at it.
func validateObjectMeta(m *metav1.ObjectMeta, requiresNamespace bool, nameFn apimachineryvalidation.ValidateNameFunc) field.ErrorList {
	fld := field.NewPath("metadata")
	labels := m.Labels
	m.Labels = nil
	errs := apimachineryvalidation.ValidateObjectMeta(m, requiresNamespace, nameFn, fld)
	m.Labels = labels
	// ValidateLabels (k8s.io/apimachinery pkg/apis/meta/v1/validation)
	// checks each key and value; the key's own path points at the line.
	keys := make([]string, 0, len(labels))
	for k := range labels {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		errs = append(errs, metav1validation.ValidateLabels(map[string]string{k: labels[k]}, fld.Child("labels").Child(k))...)
	}
	for i, f := range m.Finalizers {
		if !strings.Contains(f, "/") && !standardFinalizers[f] {
			errs = append(errs, field.Invalid(fld.Child("finalizers").Index(i), f, "name is neither a standard finalizer name nor is it fully qualified"))
		}
	}
	return errs
}
