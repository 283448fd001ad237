package convert

import (
	"fmt"
	"net"
	"strings"

	networkingv1 "k8s.io/api/networking/v1"
	apivalidation "k8s.io/apimachinery/pkg/api/validation"
	"k8s.io/apimachinery/pkg/api/validation/path"
	"k8s.io/apimachinery/pkg/util/validation"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/ingresskit/ingresskit/manifest"
)

// validateIngressCreate ports the rules the API server applies to a new
// networking.k8s.io/v1 Ingress, from kubernetes/kubernetes
// pkg/apis/networking/validation/validation.go (ValidateIngressCreate,
// ValidateIngressSpec, validateIngressTLS, validateIngressRules,
// validateHTTPIngressPath, validateIngressBackend), using the checks
// k8s.io/apimachinery exports. The relaxed service-name feature gate is
// off, as it is by default.
func validateIngressCreate(ing *networkingv1.Ingress) field.ErrorList {
	allErrs := apivalidation.ValidateObjectMeta(&ing.ObjectMeta, true, apivalidation.NameIsDNSSubdomain, field.NewPath("metadata"))
	spec, fld := &ing.Spec, field.NewPath("spec")
	if len(spec.Rules) == 0 && spec.DefaultBackend == nil {
		allErrs = append(allErrs, field.Invalid(fld, spec.Rules, "either `defaultBackend` or `rules` must be specified"))
	}
	if spec.DefaultBackend != nil {
		allErrs = append(allErrs, validateBackend(spec.DefaultBackend, fld.Child("defaultBackend"))...)
	}
	for i, r := range spec.Rules {
		rp := fld.Child("rules").Index(i)
		if r.Host != "" {
			if net.ParseIP(r.Host) != nil {
				allErrs = append(allErrs, field.Invalid(rp.Child("host"), r.Host, "must be a DNS name, not an IP address"))
			}
			check := validation.IsDNS1123Subdomain
			if strings.Contains(r.Host, "*") {
				check = validation.IsWildcardDNS1123Subdomain
			}
			for _, msg := range check(r.Host) {
				allErrs = append(allErrs, field.Invalid(rp.Child("host"), r.Host, msg))
			}
		}
		if r.HTTP == nil {
			continue
		}
		if len(r.HTTP.Paths) == 0 {
			allErrs = append(allErrs, field.Required(rp.Child("http", "paths"), ""))
		}
		for j, p := range r.HTTP.Paths {
			allErrs = append(allErrs, validatePath(&p, rp.Child("http", "paths").Index(j))...)
		}
	}
	for i, t := range spec.TLS {
		tp := fld.Child("tls").Index(i)
		for j, h := range t.Hosts {
			check := validation.IsDNS1123Subdomain
			if strings.Contains(h, "*") {
				check = validation.IsWildcardDNS1123Subdomain
			}
			for _, msg := range check(h) {
				allErrs = append(allErrs, field.Invalid(tp.Child("hosts").Index(j), h, msg))
			}
		}
		if t.SecretName != "" {
			for _, msg := range apivalidation.NameIsDNSSubdomain(t.SecretName, false) {
				allErrs = append(allErrs, field.Invalid(tp.Child("secretName"), t.SecretName, msg))
			}
		}
	}
	if spec.IngressClassName != nil {
		for _, msg := range apivalidation.NameIsDNSSubdomain(*spec.IngressClassName, false) {
			allErrs = append(allErrs, field.Invalid(fld.Child("ingressClassName"), *spec.IngressClassName, msg))
		}
	}
	if v, ok := ing.Annotations[manifest.AnnotationIngressClass]; ok && spec.IngressClassName != nil && v != *spec.IngressClassName {
		allErrs = append(allErrs, field.Invalid(field.NewPath("annotations").Child(manifest.AnnotationIngressClass), v, "must match `ingressClassName` when both are specified"))
	}
	return allErrs
}

var (
	invalidPathSequences = []string{"//", "/./", "/../", "%2f", "%2F"}
	invalidPathSuffixes  = []string{"/..", "/."}
)

func validatePath(p *networkingv1.HTTPIngressPath, fld *field.Path) field.ErrorList {
	var allErrs field.ErrorList
	if p.PathType == nil {
		return append(allErrs, field.Required(fld.Child("pathType"), "pathType must be specified"))
	}
	switch *p.PathType {
	case networkingv1.PathTypeExact, networkingv1.PathTypePrefix:
		if !strings.HasPrefix(p.Path, "/") {
			allErrs = append(allErrs, field.Invalid(fld.Child("path"), p.Path, "must be an absolute path"))
		}
		for _, s := range invalidPathSequences {
			if strings.Contains(p.Path, s) {
				allErrs = append(allErrs, field.Invalid(fld.Child("path"), p.Path, fmt.Sprintf("must not contain '%s'", s)))
			}
		}
		for _, s := range invalidPathSuffixes {
			if strings.HasSuffix(p.Path, s) {
				allErrs = append(allErrs, field.Invalid(fld.Child("path"), p.Path, fmt.Sprintf("cannot end with '%s'", s)))
			}
		}
	case networkingv1.PathTypeImplementationSpecific:
		if p.Path != "" && !strings.HasPrefix(p.Path, "/") {
			allErrs = append(allErrs, field.Invalid(fld.Child("path"), p.Path, "must be an absolute path"))
		}
	default:
		allErrs = append(allErrs, field.NotSupported(fld.Child("pathType"), *p.PathType, []string{"Exact", "ImplementationSpecific", "Prefix"}))
	}
	return append(allErrs, validateBackend(&p.Backend, fld.Child("backend"))...)
}

func validateBackend(b *networkingv1.IngressBackend, fld *field.Path) field.ErrorList {
	var allErrs field.ErrorList
	switch {
	case b.Resource != nil && b.Service != nil:
		allErrs = append(allErrs, field.Invalid(fld, "", "cannot set both resource and service backends"))
	case b.Resource != nil:
		r, rp := b.Resource, fld.Child("resource")
		if r.APIGroup != nil {
			for _, msg := range validation.IsDNS1123Subdomain(*r.APIGroup) {
				allErrs = append(allErrs, field.Invalid(rp.Child("apiGroup"), *r.APIGroup, msg))
			}
		}
		if r.Kind == "" {
			allErrs = append(allErrs, field.Required(rp.Child("kind"), ""))
		}
		for _, msg := range path.IsValidPathSegmentName(r.Kind) {
			allErrs = append(allErrs, field.Invalid(rp.Child("kind"), r.Kind, msg))
		}
		if r.Name == "" {
			allErrs = append(allErrs, field.Required(rp.Child("name"), ""))
		}
		for _, msg := range path.IsValidPathSegmentName(r.Name) {
			allErrs = append(allErrs, field.Invalid(rp.Child("name"), r.Name, msg))
		}
	case b.Service != nil:
		s := b.Service
		if s.Name == "" {
			allErrs = append(allErrs, field.Required(fld.Child("service", "name"), ""))
		}
		// ValidateServiceName is NameIsDNS1035Label
		// (pkg/apis/core/validation/validation.go).
		for _, msg := range apivalidation.NameIsDNS1035Label(s.Name, false) {
			if s.Name != "" {
				allErrs = append(allErrs, field.Invalid(fld.Child("service", "name"), s.Name, msg))
			}
		}
		switch {
		case s.Port.Name != "" && s.Port.Number != 0:
			allErrs = append(allErrs, field.Invalid(fld, "", "cannot set both port name & port number"))
		case s.Port.Name != "":
			for _, msg := range validation.IsValidPortName(s.Port.Name) {
				allErrs = append(allErrs, field.Invalid(fld.Child("service", "port", "name"), s.Port.Name, msg))
			}
		case s.Port.Number != 0:
			for _, msg := range validation.IsValidPortNum(int(s.Port.Number)) {
				allErrs = append(allErrs, field.Invalid(fld.Child("service", "port", "number"), s.Port.Number, msg))
			}
		default:
			allErrs = append(allErrs, field.Required(fld, "port name or number is required"))
		}
	default:
		allErrs = append(allErrs, field.Invalid(fld, "", "resource or service backend is required"))
	}
	return allErrs
}
