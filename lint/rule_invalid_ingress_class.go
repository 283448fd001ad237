package lint

import (
	networkingv1 "k8s.io/api/networking/v1"
	"k8s.io/apimachinery/pkg/api/validate/content"
	apimachineryvalidation "k8s.io/apimachinery/pkg/api/validation"
	"k8s.io/apimachinery/pkg/util/validation"
	"k8s.io/apimachinery/pkg/util/validation/field"
)

// maxLenIngressClassController is the API server's limit on
// spec.controller (validation.go, maxLenIngressClassController).
const maxLenIngressClassController = 250

var invalidIngressClass = &Rule{
	ID:       "invalid-ingress-class",
	Severity: Error,
	Default:  true,
	Summary:  "An IngressClass has no valid controller name, an invalid name, or invalid parameters.",
	Doc: `The API server rejects an IngressClass whose name is not an RFC 1123
subdomain, whose ` + "`spec.controller`" + ` is missing, longer than 250 characters or
not a domain-prefixed path (` + "`example.com/ingress-controller`" + `), and whose
` + "`spec.parameters`" + ` lack a kind or name, use an unknown scope, or give a
namespace that does not fit the scope (ValidateIngressClass,
validateIngressClassSpec and validateIngressClassParametersReference in
kubernetes/kubernetes pkg/apis/networking/validation/validation.go; a missing
scope defaults to Cluster, pkg/apis/networking/v1/defaults.go).

**What to do:** use the controller name the controller's documentation gives
(` + "`k8s.io/ingress-nginx`" + `, ` + "`ingress.k8s.aws/alb`" + `), and fix the parameters the message
names.`,
	Check: checkInvalidIngressClass,
}

func checkInvalidIngressClass(p *Pass) {
	for _, c := range p.Set.IngressClasses {
		o := IngressClassObject(c)
		errs := validateObjectMeta(createMeta(&c.ObjectMeta), false, apimachineryvalidation.NameIsDNSSubdomain)
		errs = append(errs, ingressClassSpecErrors(&c.Spec)...)
		reportFieldErrors(p, o, errs, "the API server rejects this IngressClass")
	}
}

func ingressClassSpecErrors(spec *networkingv1.IngressClassSpec) field.ErrorList {
	var errs field.ErrorList
	path := field.NewPath("spec")
	switch ctrl := spec.Controller; {
	case ctrl == "":
		errs = append(errs, field.Required(path.Child("controller"), "name the controller, such as k8s.io/ingress-nginx"))
	case len(ctrl) > maxLenIngressClassController:
		errs = append(errs, field.TooLong(path.Child("controller"), "", maxLenIngressClassController))
	default:
		errs = append(errs, validation.IsDomainPrefixedPath(path.Child("controller"), ctrl)...)
	}
	params := spec.Parameters
	if params == nil {
		return errs
	}
	pp := path.Child("parameters")
	if params.APIGroup != nil {
		for _, msg := range validation.IsDNS1123Subdomain(*params.APIGroup) {
			errs = append(errs, field.Invalid(pp.Child("apiGroup"), *params.APIGroup, msg))
		}
	}
	for _, f := range []struct{ name, value string }{{"kind", params.Kind}, {"name", params.Name}} {
		if f.value == "" {
			errs = append(errs, field.Required(pp.Child(f.name), ""))
			continue
		}
		for _, msg := range content.IsPathSegmentName(f.value) {
			errs = append(errs, field.Invalid(pp.Child(f.name), f.value, msg))
		}
	}
	scope := networkingv1.IngressClassParametersReferenceScopeCluster
	if params.Scope != nil {
		scope = *params.Scope
	}
	switch scope {
	case networkingv1.IngressClassParametersReferenceScopeNamespace:
		if params.Namespace == nil {
			errs = append(errs, field.Required(pp.Child("namespace"), "`parameters.scope` is set to 'Namespace'"))
		} else {
			for _, msg := range apimachineryvalidation.ValidateNamespaceName(*params.Namespace, false) {
				errs = append(errs, field.Invalid(pp.Child("namespace"), *params.Namespace, msg))
			}
		}
	case networkingv1.IngressClassParametersReferenceScopeCluster:
		if params.Namespace != nil {
			errs = append(errs, field.Forbidden(pp.Child("namespace"), "`parameters.scope` is set to 'Cluster'"))
		}
	default:
		errs = append(errs, field.NotSupported(pp.Child("scope"), scope, []string{
			networkingv1.IngressClassParametersReferenceScopeCluster, networkingv1.IngressClassParametersReferenceScopeNamespace}))
	}
	return errs
}
