package printer

import (
	"fmt"
	"io"
	"path/filepath"
	"strings"

	udiff "github.com/aymanbagabas/go-udiff"
)

// ConvertDiff writes a unified diff (three lines of context) from before
// to after, labelled a/<name> and b/<name> so that `patch -p1` and `git
// apply` take it. Nothing is written when they are equal. On a styled
// writer removed lines are red, added lines green and hunk headers cyan.
func ConvertDiff(w io.Writer, s *Styles, name string, before, after []byte) error {
	label := strings.TrimPrefix(filepath.ToSlash(name), "./")
	edits := udiff.Lines(string(before), string(after))
	if len(edits) == 0 {
		return nil
	}
	d, err := udiff.ToUnified("a/"+label, "b/"+label, string(before), edits, udiff.DefaultContextLines)
	if err != nil {
		return fmt.Errorf("diff %s: %w", name, err)
	}
	for i, line := range strings.SplitAfter(d, "\n") {
		if line == "" {
			continue
		}
		text, nl := strings.CutSuffix(line, "\n")
		switch {
		case i < 2: // the --- and +++ file headers
			text = s.Bold(text)
		case strings.HasPrefix(text, "@@"):
			text = s.Info(text)
		case strings.HasPrefix(text, "-"):
			text = s.Error(text)
		case strings.HasPrefix(text, "+"):
			text = s.OK(text)
		}
		if nl {
			text += "\n"
		}
		if _, err := io.WriteString(w, text); err != nil {
			return err
		}
	}
	return nil
}
