package printer

import (
	"bytes"
	"io"

	"github.com/olekukonko/tablewriter"
	"github.com/olekukonko/tablewriter/renderer"
	"github.com/olekukonko/tablewriter/tw"
)

// Table writes rows under a header as aligned columns without borders, as
// kubectl prints them; on a terminal the header is styled. A nil header
// writes the rows alone (--no-headers).
func Table(w io.Writer, s *Styles, header []string, rows [][]string) error {
	h := make([]any, len(header))
	for i, c := range header {
		h[i] = s.Header(c)
	}
	var buf bytes.Buffer
	t := tablewriter.NewTable(&buf,
		tablewriter.WithRenderer(renderer.NewBlueprint(tw.Rendition{
			Borders: tw.BorderNone,
			Symbols: tw.NewSymbols(tw.StyleNone),
			Settings: tw.Settings{
				Separators: tw.Separators{BetweenRows: tw.Off, BetweenColumns: tw.Off},
				Lines:      tw.Lines{ShowHeaderLine: tw.Off, ShowFooterLine: tw.Off},
			},
		})),
		tablewriter.WithHeaderAutoFormat(tw.Off),
		tablewriter.WithHeaderAlignment(tw.AlignLeft),
		tablewriter.WithRowAlignment(tw.AlignLeft),
		tablewriter.WithRowAutoWrap(tw.WrapNone),
		tablewriter.WithHeaderAutoWrap(tw.WrapNone),
		tablewriter.WithPadding(tw.Padding{Left: "", Right: "   ", Overwrite: true}),
		tablewriter.WithTrimSpace(tw.Off),
	)
	if header != nil {
		t.Header(h...)
	}
	for _, r := range rows {
		if err := t.Append(r); err != nil {
			return err
		}
	}
	if err := t.Render(); err != nil {
		return err
	}
	// Padding leaves spaces after the last column; pipes and goldens should
	// not carry them.
	lines := bytes.SplitAfter(buf.Bytes(), []byte("\n"))
	for _, l := range lines {
		trimmed := bytes.TrimRight(l, " \n")
		if len(trimmed) == 0 && len(l) == 0 {
			continue
		}
		if _, err := w.Write(append(trimmed, '\n')); err != nil {
			return err
		}
	}
	return nil
}
