// Package printer renders everything ingresskit prints: tables, styled
// terminal text and the machine formats.
package printer

import (
	"io"

	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"
)

// Styles renders terminal styles for one writer. A nil or disabled Styles
// returns text unchanged, which is what pipes, NO_COLOR and --no-color get.
type Styles struct {
	enabled bool
	header  lipgloss.Style
	bold    lipgloss.Style
	dim     lipgloss.Style
	ok      lipgloss.Style
	bad     lipgloss.Style
	warn    lipgloss.Style
	info    lipgloss.Style
}

// NewStyles returns the styles for w; color turns them on. The renderer is
// made for w itself (lipgloss.NewRenderer), so styling one stream never
// depends on another.
func NewStyles(w io.Writer, color bool) *Styles {
	r := lipgloss.NewRenderer(w)
	if color {
		r.SetColorProfile(termenv.ANSI256)
	} else {
		r.SetColorProfile(termenv.Ascii)
	}
	return &Styles{
		enabled: color,
		header:  r.NewStyle().Bold(true).Foreground(lipgloss.Color("12")),
		bold:    r.NewStyle().Bold(true),
		dim:     r.NewStyle().Faint(true),
		ok:      r.NewStyle().Foreground(lipgloss.Color("10")),
		bad:     r.NewStyle().Foreground(lipgloss.Color("9")).Bold(true),
		warn:    r.NewStyle().Foreground(lipgloss.Color("11")),
		info:    r.NewStyle().Foreground(lipgloss.Color("14")),
	}
}

// Enabled reports whether styles are applied.
func (s *Styles) Enabled() bool { return s != nil && s.enabled }

func (s *Styles) render(st lipgloss.Style, text string) string {
	if !s.Enabled() || text == "" {
		return text
	}
	return st.Render(text)
}

// Header styles a table header or title.
func (s *Styles) Header(t string) string { return s.render(s.header, t) }

// Bold styles emphasised text.
func (s *Styles) Bold(t string) string { return s.render(s.bold, t) }

// Dim styles secondary text.
func (s *Styles) Dim(t string) string { return s.render(s.dim, t) }

// OK styles success.
func (s *Styles) OK(t string) string { return s.render(s.ok, t) }

// Error styles failures and errors.
func (s *Styles) Error(t string) string { return s.render(s.bad, t) }

// Warning styles warnings.
func (s *Styles) Warning(t string) string { return s.render(s.warn, t) }

// Info styles informational notes.
func (s *Styles) Info(t string) string { return s.render(s.info, t) }
