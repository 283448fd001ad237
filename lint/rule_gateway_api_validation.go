package lint

import (
	"context"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"

	"k8s.io/apimachinery/pkg/api/meta"
	apimachineryvalidation "k8s.io/apimachinery/pkg/api/validation"
	k8sruntime "k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/util/validation/field"
	gwv1 "sigs.k8s.io/gateway-api/apis/v1"

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

That code takes about a millisecond per route. An HTTPRoute, GRPCRoute
or Gateway is first checked against the same rules written in Go, which
takes about a microsecond; only what that check cannot pass as valid (an
error, filters, timeouts, addresses, a field written empty or null) goes
to the API server's code, which then gives the message. The two are
compared on every fixture and by fuzzing.

**What to do:** fix the field the message names.`,
	Check: checkGatewayAPIValidation,
}

func checkGatewayAPIValidation(p *Pass) {
	// The API server's validation, CEL above all, costs about a
	// millisecond per route: the objects are validated on every CPU, each
	// on its own (the validators are shared by the API server's
	// concurrent requests too), and reported in input order.
	objs := gatewayObjects(p.Set)
	results := make([]validationResult, len(objs))
	var next atomic.Int64
	var wg sync.WaitGroup
	for w := 0; w < min(runtime.GOMAXPROCS(0), len(objs)); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := int(next.Add(1) - 1); i < len(objs); i = int(next.Add(1) - 1) {
				results[i] = validateGatewayObject(objs[i])
			}
		}()
	}
	wg.Wait()
	for i, g := range objs {
		r := results[i]
		switch {
		case r.convertErr != nil:
			p.ReportObject(g.obj, "", "cannot convert the object for validation: "+r.convertErr.Error())
			continue
		case r.loadErr != nil:
			p.ReportObject(g.obj, "", "cannot load the Gateway API CRDs: "+r.loadErr.Error())
			return
		case r.skip:
			continue
		}
		advice := "the API server rejects this " + g.obj.Kind
		for _, e := range r.errs {
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

// validationResult is what validating one Gateway API object gave.
type validationResult struct {
	errs                field.ErrorList
	convertErr, loadErr error
	skip                bool // no embedded CRD serves the version
}

func validateGatewayObject(g gatewayObject) validationResult {
	m, err := meta.Accessor(g.typed)
	if err != nil {
		return validationResult{skip: true}
	}
	errs := apimachineryvalidation.ValidateObjectMetaAccessor(m, g.namespaced, apimachineryvalidation.NameIsDNSSubdomain, field.NewPath("metadata"))
	if nativeValid(g) {
		return validationResult{errs: errs}
	}
	return apiServerValidation(g, errs)
}

// apiServerValidation adds to errs what the API server's validation of
// the CRD reports for g.
func apiServerValidation(g gatewayObject, errs field.ErrorList) validationResult {
	u, err := k8sruntime.DefaultUnstructuredConverter.ToUnstructured(g.typed)
	if err != nil {
		return validationResult{convertErr: err}
	}
	apiVersion := g.obj.Source.APIVersion
	if apiVersion == "" {
		apiVersion = manifest.GatewayV1
	}
	// Objects read from files know which fields were written; objects
	// read from a cluster hold what the API server stored.
	var written crdvalidate.Written
	if g.obj.Source.Pos.Line > 0 {
		written = g.obj.Source.HasField
	}
	crdErrs, known, err := crdvalidate.Validate(context.Background(), apiVersion, g.obj.Kind, u, written)
	if err != nil {
		return validationResult{loadErr: err}
	}
	if !known {
		// The loader reads only served versions; a version without a
		// schema has nothing to check.
		return validationResult{skip: true}
	}
	return validationResult{errs: append(errs, crdErrs...)}
}

// nativeValid reports whether the native check of the CRD's rules
// (crdvalidate.HTTPRouteSpec, GRPCRouteSpec, GatewaySpec) finds the object valid, which is what the
// API server's validation would find at a thousandth of the cost. Every
// other verdict, and every object the check does not cover (other kinds
// and versions, keys written twice), goes to the API server's
// validation, which gives the messages.
func nativeValid(g gatewayObject) bool {
	src := g.obj.Source
	n := crdvalidate.AsConverted
	// Objects read from files are validated with the fields as
	// written (apiServerValidation), the others as they convert.
	if src.Pos.Line > 0 {
		var written bool
		n, written = src.FieldCount("spec")
		if !written || len(src.Duplicates) > 0 {
			return false
		}
	}
	switch r := g.typed.(type) {
	case *gwv1.HTTPRoute:
		// v1beta1 serves the same schema as v1
		// (crdvalidate.TestSameSchemas).
		if src.APIVersion == manifest.GatewayV1 || src.APIVersion == manifest.GatewayV1beta1 {
			return crdvalidate.HTTPRouteSpec(&r.Spec, n) == crdvalidate.Valid
		}
	case *gwv1.GRPCRoute:
		if src.APIVersion == manifest.GatewayV1 {
			return crdvalidate.GRPCRouteSpec(&r.Spec, n) == crdvalidate.Valid
		}
	case *gwv1.Gateway:
		if src.APIVersion == manifest.GatewayV1 {
			return crdvalidate.GatewaySpec(&r.Spec, n) == crdvalidate.Valid
		}
	}
	return false
}
