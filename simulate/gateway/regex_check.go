package gateway

// CheckRegex reports whether expr is a RegularExpression path, header or
// query value the engine can compile, and the compiler's error when not.
// lint uses it so that an expression it passes is one simulate and proxy
// match with (the flavour is Go's RE2 syntax, which the Gateway API leaves
// implementation-specific: HTTPPathMatch in apis/v1 httproute_types.go).
func CheckRegex(expr string) error {
	_, err := compileRE(expr)
	return err
}
