package main

import (
	"io"
	"os"

	"golang.org/x/term"

	"github.com/ingresskit/ingresskit/printer"
)

// IO holds the streams a command reads and writes, and decides how output
// is styled.
type IO struct {
	In     io.Reader
	Out    io.Writer
	ErrOut io.Writer

	// NoColor is set by --no-color.
	NoColor bool
	// tty overrides terminal detection of Out in tests.
	tty *bool
	// getenv reads the environment; tests replace it.
	getenv func(string) string
}

func newIO(in io.Reader, out, errOut io.Writer) *IO {
	return &IO{In: in, Out: out, ErrOut: errOut, getenv: os.Getenv}
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// IsTTY reports whether Out is a terminal.
func (o *IO) IsTTY() bool {
	if o.tty != nil {
		return *o.tty
	}
	return isTerminal(o.Out)
}

// colorFor decides styling for a writer, following cli/go-gh pkg/term:
// CLICOLOR_FORCE forces colour, NO_COLOR and --no-color turn it off, else
// only terminals get it, and not a TERM=dumb one (terminfo's "dumb" entry
// has no colour or cursor capabilities).
func (o *IO) colorFor(tty bool) bool {
	if o.NoColor || o.getenv("NO_COLOR") != "" {
		return false
	}
	if v := o.getenv("CLICOLOR_FORCE"); v != "" && v != "0" {
		return true
	}
	return tty && o.getenv("TERM") != "dumb"
}

// Styles returns the styles for Out.
func (o *IO) Styles() *printer.Styles {
	return printer.NewStyles(o.Out, o.colorFor(o.IsTTY()))
}

// ErrStyles returns the styles for ErrOut.
func (o *IO) ErrStyles() *printer.Styles {
	tty := isTerminal(o.ErrOut)
	if o.tty != nil {
		tty = *o.tty
	}
	return printer.NewStyles(o.ErrOut, o.colorFor(tty))
}
