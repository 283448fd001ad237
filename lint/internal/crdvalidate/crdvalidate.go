// Package crdvalidate validates Gateway API objects as the API server does
// when the standard-channel CRDs are installed: it runs the apiextensions
// apiserver's own code (OpenAPI schema validation, list-type invariants and
// the CEL x-kubernetes-validations rules) on the CRD YAML of the required
// sigs.k8s.io/gateway-api module, embedded in crds/.
//
// The steps follow a create through the API server
// (k8s.io/apiextensions-apiserver pkg/apiserver/customresource_handler.go,
// schemaCoercingConverter and the unstructured defaulter: prune unknown
// fields, drop nulls, apply defaults; then
// pkg/registry/customresource/strategy.go, Validate: schema, embedded object
// metadata, list sets and maps, and CEL unless an earlier error blocks it).
package crdvalidate

import (
	"context"
	"embed"
	"fmt"
	"maps"
	"sort"
	"sync"

	apiextensionsinternal "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions"
	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	structuralschema "k8s.io/apiextensions-apiserver/pkg/apiserver/schema"
	"k8s.io/apiextensions-apiserver/pkg/apiserver/schema/cel"
	structuraldefaulting "k8s.io/apiextensions-apiserver/pkg/apiserver/schema/defaulting"
	structurallisttype "k8s.io/apiextensions-apiserver/pkg/apiserver/schema/listtype"
	schemaobjectmeta "k8s.io/apiextensions-apiserver/pkg/apiserver/schema/objectmeta"
	structuralpruning "k8s.io/apiextensions-apiserver/pkg/apiserver/schema/pruning"
	apiservervalidation "k8s.io/apiextensions-apiserver/pkg/apiserver/validation"
	"k8s.io/apimachinery/pkg/util/validation/field"
	celconfig "k8s.io/apiserver/pkg/apis/cel"
	"sigs.k8s.io/yaml"
)

//go:embed crds/*.yaml
var crdFiles embed.FS

// version is what the API server holds for one served version of a CRD.
type version struct {
	structural *structuralschema.Structural
	validator  apiservervalidation.SchemaValidator
	cel        *cel.Validator
}

// crdFile is one embedded CRD, read and compiled when first needed: the
// six take about 0.3 s of CPU together (the HTTPRoute one, half the YAML,
// most of it), which a run that validates one kind should not pay for the
// others.
type crdFile struct {
	plural   string
	once     sync.Once
	versions map[string]*version // "group/version Kind"
	err      error
}

// crdFor holds each kind's CRD, by the plural that names its file
// (update-crds.sh).
var crdFor = map[string]*crdFile{
	"BackendTLSPolicy": {plural: "backendtlspolicies"},
	"GatewayClass":     {plural: "gatewayclasses"},
	"Gateway":          {plural: "gateways"},
	"GRPCRoute":        {plural: "grpcroutes"},
	"HTTPRoute":        {plural: "httproutes"},
	"ReferenceGrant":   {plural: "referencegrants"},
}

// loadKind returns the served versions of kind's CRD, reading and
// compiling it on first use. CEL programs are compiled here, as the API
// server compiles them when it starts serving a CRD.
func loadKind(kind string) (map[string]*version, error) {
	f := crdFor[kind]
	if f == nil {
		return nil, nil
	}
	f.once.Do(func() { f.versions, f.err = loadFile("crds/gateway.networking.k8s.io_" + f.plural + ".yaml") })
	return f.versions, f.err
}

func loadFile(path string) (map[string]*version, error) {
	data, err := crdFiles.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var crd apiextensionsv1.CustomResourceDefinition
	if err := yaml.Unmarshal(data, &crd); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	versions := map[string]*version{}
	for _, v := range crd.Spec.Versions {
		if !v.Served || v.Schema == nil {
			continue
		}
		in := &apiextensionsinternal.CustomResourceValidation{}
		if err := apiextensionsv1.Convert_v1_CustomResourceValidation_To_apiextensions_CustomResourceValidation(v.Schema, in, nil); err != nil {
			return nil, fmt.Errorf("%s %s: %w", path, v.Name, err)
		}
		s, err := structuralschema.NewStructural(in.OpenAPIV3Schema)
		if err != nil {
			return nil, fmt.Errorf("%s %s: %w", path, v.Name, err)
		}
		s = s.DeepCopy()
		if err := structuraldefaulting.PruneDefaults(s); err != nil {
			return nil, fmt.Errorf("%s %s: %w", path, v.Name, err)
		}
		val, _, err := apiservervalidation.NewSchemaValidator(in.OpenAPIV3Schema)
		if err != nil {
			return nil, fmt.Errorf("%s %s: %w", path, v.Name, err)
		}
		versions[crd.Spec.Group+"/"+v.Name+" "+crd.Spec.Names.Kind] = &version{
			structural: s,
			validator:  val,
			cel:        cel.NewValidator(s, true, celconfig.PerCallLimit),
		}
	}
	return versions, nil
}

// load reads every embedded CRD.
func load() (map[string]*version, error) {
	all := map[string]*version{}
	for kind := range crdFor {
		vs, err := loadKind(kind)
		if err != nil {
			return nil, err
		}
		maps.Copy(all, vs)
	}
	return all, nil
}

// Kinds returns the "apiVersion Kind" pairs that have a schema, sorted.
func Kinds() ([]string, error) {
	vs, err := load()
	if err != nil {
		return nil, err
	}
	out := make([]string, 0, len(vs))
	for k := range vs {
		out = append(out, k)
	}
	sort.Strings(out)
	return out, nil
}

// Validate returns what the API server reports when obj, an object in its
// unstructured form (as runtime.DefaultUnstructuredConverter gives it), is
// created as apiVersion and kind. obj is modified: unknown fields are
// pruned and defaults applied, as the API server does before validating.
// known is false when no embedded CRD serves apiVersion and kind. written,
// when not nil, says which fields the input held (see restore).
func Validate(ctx context.Context, apiVersion, kind string, obj map[string]any, written Written) (errs field.ErrorList, known bool, err error) {
	vs, err := loadKind(kind)
	if err != nil {
		return nil, false, err
	}
	v := vs[apiVersion+" "+kind]
	if v == nil {
		return nil, false, nil
	}
	obj["apiVersion"], obj["kind"] = apiVersion, kind
	// A create cannot set status (strategy.go, PrepareForCreate).
	delete(obj, "status")
	if written != nil {
		restore(obj, v.structural, written)
	}
	structuralpruning.Prune(obj, v.structural, true)
	structuraldefaulting.PruneNonNullableNullsWithoutDefaults(obj, v.structural)
	structuraldefaulting.Default(obj, v.structural)

	errs = append(errs, apiservervalidation.ValidateCustomResource(nil, obj, v.validator)...)
	errs = append(errs, schemaobjectmeta.Validate(ctx, nil, obj, v.structural, false)...)
	errs = append(errs, structurallisttype.ValidateListSetsAndMaps(nil, v.structural, obj)...)
	if blocked := blocking(errs); blocked != nil {
		errs = append(errs, blocked)
	} else {
		celErrs, _ := v.cel.Validate(ctx, nil, v.structural, obj, nil, celconfig.RuntimeCELCostBudget)
		errs = append(errs, celErrs...)
	}
	return errs, true, nil
}

// blocking returns the error the API server adds instead of running the CEL
// rules when an earlier error means the object is not what the rules
// expect (strategy.go, hasBlockingErr), or nil.
func blocking(errs field.ErrorList) *field.Error {
	for _, e := range errs {
		switch e.Type {
		case field.ErrorTypeNotSupported, field.ErrorTypeRequired, field.ErrorTypeTooLong, field.ErrorTypeTooMany, field.ErrorTypeTypeInvalid:
			return field.Invalid(nil, nil, "the CEL validation rules were not run because of the other errors; fix those and check again")
		}
	}
	return nil
}
