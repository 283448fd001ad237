package main

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/ingresskit/ingresskit/manifest"
)

// Exit codes, documented in README.md.
const (
	exitOK       = 0
	exitFindings = 1
	exitError    = 2
)

// findingsError says that a command ran and found problems (failed lint
// findings, failed route tests, files needing conversion). The command has
// already printed them; it maps to exit code 1.
type findingsError struct{ msg string }

func (e *findingsError) Error() string { return e.msg }

func errFindings(format string, args ...any) error {
	return &findingsError{msg: fmt.Sprintf(format, args...)}
}

// usageError is a problem with the command line; it is printed with a hint
// to --help.
type usageError struct{ err error }

func (e *usageError) Error() string { return e.err.Error() }
func (e *usageError) Unwrap() error { return e.err }

func usageErrorf(format string, args ...any) error {
	return &usageError{err: fmt.Errorf(format, args...)}
}

// silentError carries an exit code for a failure the command already
// reported on stderr.
type silentError struct{ code int }

func (e *silentError) Error() string { return fmt.Sprintf("exit %d", e.code) }

// exitCode maps an error to the process exit code: the one place that
// decides it.
func exitCode(err error) int {
	var fe *findingsError
	var se *silentError
	switch {
	case err == nil:
		return exitOK
	case errors.As(err, &fe):
		return exitFindings
	case errors.As(err, &se):
		return se.code
	default:
		return exitError
	}
}

// printError writes err to w: one "error: " line per input problem, and a
// help hint for usage errors.
func printError(w io.Writer, err error, cmdPath string) {
	var fe *findingsError
	var se *silentError
	if err == nil || errors.As(err, &fe) || errors.As(err, &se) {
		if fe != nil && fe.msg != "" {
			fmt.Fprintln(w, fe.msg)
		}
		return
	}
	var le *manifest.LoadError
	if errors.As(err, &le) {
		for _, e := range le.Errors {
			fmt.Fprintf(w, "error: %s\n", e)
		}
		return
	}
	msg := strings.TrimSpace(err.Error())
	fmt.Fprintf(w, "error: %s\n", msg)
	var ue *usageError
	if errors.As(err, &ue) {
		fmt.Fprintf(w, "Run '%s --help' for usage.\n", cmdPath)
	}
}
