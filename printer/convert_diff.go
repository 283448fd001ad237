package printer

import (
	"io"
	"path/filepath"
	"strings"

	"github.com/ingresskit/ingresskit/internal/linediff"
)

// ConvertDiff writes a unified diff (three lines of context, hunks as
// diff -u writes them; see internal/linediff) from before to after, labelled a/<name> and b/<name> so that `patch -p1` and `git
// apply` take it. Nothing is written when they are equal. On a styled
// writer removed lines are red, added lines green and hunk headers cyan.
func ConvertDiff(w io.Writer, s *Styles, name string, before, after []byte) error {
	label := strings.TrimPrefix(filepath.ToSlash(name), "./")
	d := linediff.Unified("a/"+label, "b/"+label, string(before), string(after), 3)
	if d == "" {
		return nil
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
