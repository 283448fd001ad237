package lint

import (
	"context"
	"strings"

	"k8s.io/apimachinery/pkg/api/meta"
	apimachineryvalidation "k8s.io/apimachinery/pkg/api/validation"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/ingresskit/ingresskit/lint/internal/crdvalidate"
	"github.com/ingresskit/ingresskit/manifest"
)

var gatewayAPIValidation = &Rule{
	ID:       "gateway-api-validation",
	Severity: Error,
	Default:  true,
	Summary:  "A Gateway API object breaks its CRD's schema or CEL validation rules, so the API server rejects it.",
	Doc: `The Gateway API kinds are CustomResourceDefinitions; the API server
checks every object against the CRD's OpenAPI schema (types, enums, patterns,
lengths, list invariants) and its CEL ` + "`x-kubernetes-validations`" + ` rules
(for example: a PathPrefix value starts with a slash, listener names are
unique, a Service backendRef has a port). lint runs the API server's own
validation code (k8s.io/apiextensions-apiserver: pruning, defaulting, schema,
list types, CEL) on the standard-channel CRDs of
sigs.k8s.io/gateway-api v1.6.0, so it reports what ` + "`kubectl apply`" + ` would refuse,
with the API server's message. Object metadata is checked as for every
object (a lowercase RFC 1123 subdomain name).

**What to do:** fix the field the message names.`,
	Check: checkGatewayAPIValidation,
}

func checkGatewayAPIValidation(p *Pass) {
	ctx := context.Background()
	for _, g := range gatewayObjects(p.Set) {
		m, err := meta.Accessor(g.typed)
		if err != nil {
			continue
		}
		errs := apimachineryvalidation.ValidateObjectMetaAccessor(m, g.namespaced, apimachineryvalidation.NameIsDNSSubdomain, field.NewPath("metadata"))
		u, err := runtime.DefaultUnstructuredConverter.ToUnstructured(g.typed)
		if err != nil {
			p.ReportObject(g.obj, "", "cannot convert the object for validation: "+err.Error())
			continue
		}
		apiVersion := g.obj.Source.APIVersion
		if apiVersion == "" {
			apiVersion = manifest.GatewayV1
		}
		// Objects read from files know which fields were written;
		// objects read from a cluster hold what the API server stored.
		var written crdvalidate.Written
		if g.obj.Source.Pos.Line > 0 {
			written = g.obj.Source.HasField
		}
		crdErrs, known, err := crdvalidate.Validate(ctx, apiVersion, g.obj.Kind, u, written)
		if err != nil {
			p.ReportObject(g.obj, "", "cannot load the Gateway API CRDs: "+err.Error())
			return
		}
		if !known {
			// The loader reads only served versions; a version
			// without a schema has nothing to check.
			continue
		}
		errs = append(errs, crdErrs...)
		advice := "the API server rejects this " + g.obj.Kind
		for _, e := range errs {
			if e.Field == "<nil>" {
				// The note that the CEL rules did not run: the
				// object as a whole, no value.
				p.ReportObject(g.obj, "", e.Detail)
				continue
			}
			msg := e.Field + ": " + strings.TrimSuffix(e.ErrorBody(), ".")
			p.ReportObject(g.obj, e.Field, msg+"; "+advice)
		}
	}
}
