package simulate

// Unexported helpers the external tests of the package check.
var (
	ProbePaths    = probePaths
	IsUnreserved  = isUnreserved
	PlainLocation = plainLocation
	ParseLocation = parseLocation
)
