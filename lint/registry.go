package lint

import (
	"fmt"
	"regexp"
	"strings"
)

// rules is the registry: one explicit slice, sorted by ID. Adding a rule
// is one line here plus its rule_<id>.go file and fixtures.
var rules = []*Rule{
	albActionAnnotation,
	albInstanceServiceType,
	albUnknownAnnotation,
	backendRefNotFound,
	backendRefNotPermitted,
	backendServiceAndResource,
	classAnnotationMismatch,
	deprecatedClassAnnotation,
	duplicateField,
	duplicateObject,
	duplicatePath,
	gatewayAPIValidation,
	gcePathRegex,
	gceServiceType,
	hostIPAddress,
	hostMultipleNamespaces,
	invalidBackendPort,
	invalidHost,
	invalidIngressClass,
	invalidMetadata,
	invalidPath,
	invalidPathType,
	invalidReference,
	istioDuplicateHost,
	istioMissingCredential,
	istioMissingDestination,
	istioUndefinedSubset,
	istioUnreachableRoute,
	istioVirtualServiceUnbound,
	listenerCertificateRef,
	listenerConflict,
	missingBackend,
	missingIngressClass,
	missingService,
	missingServicePort,
	missingTLSSecret,
	multipleDefaultBackends,
	nginxCanaryNeverMatches,
	nginxCanaryWeight,
	nginxCanaryWithoutPrimary,
	nginxDuplicateLocation,
	nginxInvalidAnnotation,
	nginxMultipleCanaries,
	nginxRegexHost,
	nginxRewriteDropsPath,
	nginxRewriteWithoutRegex,
	nginxSnippetAnnotation,
	nginxStrictPathType,
	nginxUnknownAnnotation,
	noIngressClass,
	parentRefNotFound,
	pathConflict,
	removedAPIVersion,
	routeHostnameMismatch,
	routeInvalidRegex,
	routeMatchShadowed,
	routeNotAllowed,
	shadowedPath,
	tlsCertExpired,
	tlsCertExpiring,
	tlsCertHostMismatch,
	tlsHostNotServed,
	tlsSecretType,
	unusedSuppression,
}

func init() {
	// A broken registry is a programming error, caught by every test
	// run; kube-linter's pkg/templates/registry.go panics the same way.
	if err := Validate(rules); err != nil {
		panic(err)
	}
}

// Registry returns every rule, sorted by ID. The slice is a copy; the
// rules are shared and must not be modified.
func Registry() []*Rule {
	return append([]*Rule(nil), rules...)
}

// Lookup returns the rule with the ID, or nil.
func Lookup(id string) *Rule {
	for _, r := range rules {
		if r.ID == id {
			return r
		}
	}
	return nil
}

var ruleID = regexp.MustCompile(`^[a-z][a-z0-9]*(-[a-z0-9]+)*$`)

// Validate checks that rules are sorted, unique and complete.
func Validate(rules []*Rule) error {
	for i, r := range rules {
		switch {
		case r == nil:
			return fmt.Errorf("lint: rule %d is nil", i)
		case !ruleID.MatchString(r.ID):
			return fmt.Errorf("lint: rule ID %q is not kebab-case", r.ID)
		case i > 0 && rules[i-1].ID >= r.ID:
			return fmt.Errorf("lint: rule %q is duplicate or out of order after %q", r.ID, rules[i-1].ID)
		case r.Severity < Info || r.Severity > Error:
			return fmt.Errorf("lint: rule %q has no severity", r.ID)
		case r.Summary == "" || !strings.HasSuffix(r.Summary, "."):
			return fmt.Errorf("lint: rule %q needs a summary ending with a period", r.ID)
		case strings.TrimSpace(r.Doc) == "":
			return fmt.Errorf("lint: rule %q has no doc", r.ID)
		case r.Check == nil:
			return fmt.Errorf("lint: rule %q has no check", r.ID)
		}
	}
	return nil
}
