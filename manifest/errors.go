package manifest

import (
	"errors"
	"strings"
)

// InputError is a problem with the input at a position.
type InputError struct {
	Pos Pos
	Msg string
}

func (e *InputError) Error() string {
	if e.Pos.IsZero() {
		return e.Msg
	}
	return e.Pos.String() + ": " + e.Msg
}

// LoadError collects every InputError of a load. The objects that were
// valid are still returned beside it.
type LoadError struct {
	Errors []*InputError
}

func (e *LoadError) Error() string {
	msgs := make([]string, len(e.Errors))
	for i, err := range e.Errors {
		msgs[i] = err.Error()
	}
	return strings.Join(msgs, "\n")
}

// Unwrap returns the individual errors.
func (e *LoadError) Unwrap() []error {
	errs := make([]error, len(e.Errors))
	for i, err := range e.Errors {
		errs[i] = err
	}
	return errs
}

// IsInputError reports whether err is, or wraps, an input problem.
func IsInputError(err error) bool {
	var ie *InputError
	var le *LoadError
	return errors.As(err, &ie) || errors.As(err, &le)
}
