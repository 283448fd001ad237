package lint

// The IDs of the findings a migration to the Gateway API reports in the
// lint formats (`convert --to gateway-api --verify`, `compare`).
const (
	MigrationDifferenceID  = "migration-difference"
	MigrationUnverifiedID  = "migration-unverified"
	MigrationTranslationID = "migration-translation"
)

// MigrationDifferenceRule describes a probe request answered differently
// by an Ingress controller and by the Gateway API objects made from its
// Ingresses. Like CompareRule it is not in the Registry: its findings come
// from the migration check, not from a Check.
var MigrationDifferenceRule = &Rule{
	ID:       MigrationDifferenceID,
	Severity: Error,
	Summary:  "A request is answered differently by the Ingress controller and by the Gateway API objects that replace its Ingresses.",
	Doc: `ingresskit convert --to gateway-api --verify, and ingresskit compare for a
translation made by hand or by another tool, send probe requests made from both
rule sets (every path with its boundaries, case and encoding variants, dot
segments and double slashes, every host and an unknown one, http and https, the
headers and cookies of canaries) through the Ingresses, each under its
controller's profile, and through the Gateway that replaces them. Each request
answered differently (another backend or weights, a redirect, a rewritten path,
a status) is one finding, on the Ingress path that answered it before, or on the
Ingress the Gateway was made from when no path did. The message gives both
answers; the JSON output gives both explanations.

**What to do:** change the HTTPRoute so that it answers the request as the
controller did, or, when the old answer was a controller quirk nobody relies
on, accept the difference knowingly. docs/migrate.md, "Reading the
verification", lists the quirks ingresskit finds most often.`,
	Check: func(*Pass) {},
}

// MigrationUnverifiedRule describes a behaviour of the Ingresses that the
// migration check does not model, so that "no difference" never says more
// than was checked.
var MigrationUnverifiedRule = &Rule{
	ID:       MigrationUnverifiedID,
	Severity: Info,
	Summary:  "A behaviour of the Ingresses is outside what the migration check routes, so it was not verified.",
	Doc: `The migration check compares where each request is sent, redirected or
refused. Some controller features change responses or headers instead (CORS,
x-forwarded-prefix, upstream-vhost, and every annotation the model does not
route); the check lists each one it met, at the annotation, so that a run with
no difference is read as "no routing difference", not "no difference".

**What to do:** check these behaviours by hand or with a test against the new
implementation (ingresskit test runs route tests against both).`,
	Check: func(*Pass) {},
}

// MigrationTranslationRule describes a behaviour the translation to the
// Gateway API could not carry over exactly.
var MigrationTranslationRule = &Rule{
	ID:       MigrationTranslationID,
	Severity: Warning,
	Summary:  "A behaviour of an Ingress could not be translated exactly into the Gateway API.",
	Doc: `ingresskit convert --to gateway-api reports every annotation, path or field
whose behaviour no standard Gateway API field expresses: what the controller did,
what the translation does instead, and what you can do (an implementation's
policy resource, a redesign). A warning is a behaviour lost or changed; an info
finding is one that does not change which backend answers. docs/migrate.md has
the table of every annotation and its translation.

**What to do:** follow the advice of the message, then run the translation with
--verify to see which requests still differ.`,
	Check: func(*Pass) {},
}
