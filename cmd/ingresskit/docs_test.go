package main

import (
	"bytes"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/ingresskit/ingresskit/internal/golden"
)

// docCommand is one command shown in a fenced block of a Markdown file,
// with the output shown under it (console blocks only).
type docCommand struct {
	file    string
	line    int    // of the command, 1-based
	block   string // the block's language
	cmd     string // as shown, without the "$ " prompt
	want    []string
	outFrom int // first output line (0-based), for -update
	outTo   int // one past the last output line
}

// readsExamples matches a command that reads the repository's examples/.
var readsExamples = regexp.MustCompile(`(^|[\s=])examples/`)

// parseDocCommands returns the ingresskit commands of the fenced blocks
// of one Markdown file: in console blocks the lines after "$ ", with
// the output under each; in sh, shell and bash blocks every command
// line (comments dropped, continuations joined).
func parseDocCommands(file string, src []byte) []docCommand {
	lines := strings.Split(string(src), "\n")
	var out []docCommand
	lang := ""
	inBlock := false
	var cur *docCommand
	flush := func(end int) {
		if cur != nil {
			cur.outTo = end
			out = append(out, *cur)
			cur = nil
		}
	}
	for i := 0; i < len(lines); i++ {
		l := lines[i]
		if strings.HasPrefix(l, "```") {
			if inBlock {
				flush(i)
				inBlock = false
				continue
			}
			inBlock, lang = true, strings.TrimSpace(strings.TrimPrefix(l, "```"))
			continue
		}
		if !inBlock {
			continue
		}
		switch lang {
		case "console":
			if cmd, ok := strings.CutPrefix(l, "$ "); ok {
				flush(i)
				cur = &docCommand{file: file, line: i + 1, block: lang, cmd: cmd, outFrom: i + 1}
				continue
			}
			if cur != nil {
				cur.want = append(cur.want, l)
			}
		case "sh", "shell", "bash":
			start := i
			cmd := l
			for strings.HasSuffix(cmd, "\\") && i+1 < len(lines) {
				i++
				cmd = strings.TrimSuffix(cmd, "\\") + " " + strings.TrimSpace(lines[i])
			}
			cmd = stripComment(strings.TrimSpace(cmd))
			if cmd != "" {
				out = append(out, docCommand{file: file, line: start + 1, block: lang, cmd: cmd})
			}
		}
	}
	return out
}

// stripComment drops a shell comment outside quotes.
func stripComment(s string) string {
	quote := byte(0)
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case c == '\'' || c == '"':
			quote = c
		case c == '#' && (i == 0 || s[i-1] == ' '):
			return strings.TrimSpace(s[:i])
		}
	}
	return s
}

// shellWords splits a command as sh would, for the quoting the docs use;
// ok is false when the command uses shell features beyond words (pipes,
// redirections other than a final 2>&1, variables, placeholders).
func shellWords(s string) (words []string, combined, ok bool) {
	if rest, found := strings.CutSuffix(s, " 2>&1"); found {
		s, combined = rest, true
	}
	var w strings.Builder
	in := false
	quote := byte(0)
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case quote != 0:
			if c == quote {
				quote = 0
				continue
			}
			w.WriteByte(c)
		case c == '\'' || c == '"':
			quote, in = c, true
		case c == ' ' || c == '\t':
			if in {
				words = append(words, w.String())
				w.Reset()
				in = false
			}
		case strings.IndexByte("|&;<>$`()*?[", c) >= 0:
			return nil, false, false
		case c == '\\' && i+1 < len(s):
			i++
			w.WriteByte(s[i])
			in = true
		default:
			w.WriteByte(c)
			in = true
		}
	}
	if quote != 0 {
		return nil, false, false
	}
	if in {
		words = append(words, w.String())
	}
	return words, combined, true
}

// TestDocExamples runs every ingresskit command that README.md and
// docs/*.md show reading examples/ and compares the output a console
// block shows (stdout and stderr, as on a terminal; a "..." line
// elides any number of lines) with the real one; commands shown without output must not
// fail with a usage or input error (exit 2). They run in a copy of
// examples/, so commands that write leave the repository alone. With
// -update the console blocks are rewritten with the real output. The
// blocks are found by parsing, so a new page is covered without a list
// to keep (issue 19).
func TestDocExamples(t *testing.T) {
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	files, err := filepath.Glob(filepath.Join(root, "docs", "*.md"))
	if err != nil {
		t.Fatal(err)
	}
	files = append([]string{filepath.Join(root, "README.md")}, files...)
	work := t.TempDir()
	if err := copyTree(filepath.Join(root, "examples"), filepath.Join(work, "examples")); err != nil {
		t.Fatal(err)
	}
	t.Chdir(work)
	t.Setenv("NO_COLOR", "1")
	// The local CA of certgen and proxy lives in the work directory.
	t.Setenv("INGRESSKIT_CA_DIR", filepath.Join(work, "ca"))
	ran := 0
	for _, path := range files {
		src, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		rel, _ := filepath.Rel(root, path)
		lines := strings.Split(string(src), "\n")
		changed := false
		cmds := parseDocCommands(rel, src)
		// Rewritten from the last, so earlier line numbers hold.
		for i := len(cmds) - 1; i >= 0; i-- {
			c := cmds[i]
			rest, isOurs := strings.CutPrefix(c.cmd, "ingresskit ")
			if !isOurs || !readsExamples.MatchString(rest) {
				continue
			}
			args, combined, ok := shellWords(rest)
			if !ok || len(args) > 0 && args[0] == "proxy" {
				// Pipes, placeholders; the proxy serves until stopped.
				continue
			}
			ran++
			t.Run(fmt.Sprintf("%s:%d", rel, c.line), func(t *testing.T) {
				var stdout, stderr bytes.Buffer
				// A console transcript shows both streams, as a
				// terminal does.
				errw := &stderr
				if combined || c.block == "console" {
					errw = &stdout
				}
				code := run(args, strings.NewReader(""), &stdout, errw)
				if c.block != "console" || len(c.want) == 0 && !golden.Updating() {
					// Shown without output: it must run.
					if code == 2 {
						t.Errorf("%s exits 2:\n%s", c.cmd, stderr.String())
					}
					return
				}
				got := strings.Split(strings.TrimRight(stdout.String(), "\n"), "\n")
				want := c.want
				for len(want) > 0 && want[len(want)-1] == "" {
					want = want[:len(want)-1]
				}
				if !elidedMatch(want, got) {
					diff := cmp.Diff(want, got)
					if golden.Updating() {
						lines = append(lines[:c.outFrom], append(got, lines[c.outFrom+len(want):]...)...)
						changed = true
						return
					}
					t.Errorf("%s shows output that is not the real one (-shown +real); go test ./cmd/ingresskit -run TestDocExamples -update rewrites it:\n%s", c.cmd, diff)
				}
			})
		}
		if changed {
			if err := os.WriteFile(path, []byte(strings.Join(lines, "\n")), 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	if ran == 0 {
		t.Fatal("no command reading examples/ found in README.md and docs/*.md")
	}
}

// elidedMatch reports whether got is want, where a line "..." in want
// stands for any number of lines.
func elidedMatch(want, got []string) bool {
	if len(want) == 0 {
		return len(got) == 0
	}
	if want[0] == "..." {
		for i := 0; i <= len(got); i++ {
			if elidedMatch(want[1:], got[i:]) {
				return true
			}
		}
		return false
	}
	return len(got) > 0 && want[0] == got[0] && elidedMatch(want[1:], got[1:])
}

// copyTree copies the regular files under src to dst.
func copyTree(src, dst string) error {
	return filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		if d.IsDir() {
			return os.MkdirAll(filepath.Join(dst, rel), 0o755)
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dst, rel), data, 0o644)
	})
}

func TestShellWords(t *testing.T) {
	for _, tt := range []struct {
		in       string
		want     []string
		combined bool
		ok       bool
	}{
		{`lint -f examples/ --fix`, []string{"lint", "-f", "examples/", "--fix"}, false, true},
		{`edit --rule 'a.com/x*=svc:80' "b c"`, []string{"edit", "--rule", "a.com/x*=svc:80", "b c"}, false, true},
		{`lint -f examples/ 2>&1`, []string{"lint", "-f", "examples/"}, true, true},
		{`certgen -f x | kubectl apply -f -`, nil, false, false},
		{`lint -f <file>`, nil, false, false},
	} {
		got, combined, ok := shellWords(tt.in)
		if ok != tt.ok || combined != tt.combined || !cmp.Equal(got, tt.want) {
			t.Errorf("shellWords(%q) = %q %v %v, want %q %v %v", tt.in, got, combined, ok, tt.want, tt.combined, tt.ok)
		}
	}
}

func TestElidedMatch(t *testing.T) {
	for _, tt := range []struct {
		want, got []string
		ok        bool
	}{
		{[]string{"a", "...", "d"}, []string{"a", "b", "c", "d"}, true},
		{[]string{"a", "..."}, []string{"a"}, true},
		{[]string{"a", "...", "d"}, []string{"a", "b"}, false},
		{[]string{"a"}, []string{"a", "b"}, false},
	} {
		if got := elidedMatch(tt.want, tt.got); got != tt.ok {
			t.Errorf("elidedMatch(%q, %q) = %v", tt.want, tt.got, got)
		}
	}
}
