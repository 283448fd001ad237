package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/spf13/cobra"

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
func shellWords(s string) (words []string, combined bool, redirect string, ok bool) {
	if rest, found := strings.CutSuffix(s, " 2>&1"); found {
		s, combined = rest, true
	}
	if i := strings.LastIndex(s, " > "); i >= 0 && !strings.ContainsAny(s[i+3:], " '\"") {
		s, redirect = s[:i], s[i+3:]
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
			return nil, false, "", false
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
		return nil, false, "", false
	}
	if in {
		words = append(words, w.String())
	}
	return words, combined, redirect, true
}

// tmpPath moves a /tmp path the docs use into the test's directory.
func tmpPath(work, p string) string {
	if rest, ok := strings.CutPrefix(p, "/tmp/"); ok {
		return filepath.Join(work, "tmp", rest)
	}
	return p
}

// docCopy runs the "cp [-R] <src> <dst>" the docs show to set up a copy.
func docCopy(work string, args []string) error {
	if len(args) > 0 && args[0] == "-R" {
		args = args[1:]
	}
	if len(args) != 2 {
		return fmt.Errorf("want cp [-R] <src> <dst>")
	}
	src, dst := tmpPath(work, args[0]), tmpPath(work, args[1])
	st, err := os.Stat(src)
	if err != nil {
		return err
	}
	if st.IsDir() {
		return copyTree(src, dst)
	}
	data, err := os.ReadFile(src)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		return err
	}
	return os.WriteFile(dst, data, 0o644)
}

// TestDocExamples runs every ingresskit command that README.md and
// docs/*.md show reading examples/ and compares the output a console
// block shows (stdout and stderr, as on a terminal; a "..." line
// elides any number of lines) with the real one; commands shown without output must not
// fail with a usage or input error (exit 2). They run in a copy of
// examples/, so commands that write leave the repository alone. With
// -update the console blocks are rewritten with the real output. The
// blocks are found by parsing, so a new page is covered without a list
// to keep.
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
	// The --help examples are shown too: one pseudo-page per command.
	helps := map[string][]byte{}
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		if c.Example != "" {
			helps[c.CommandPath()+" --help"] = []byte("```sh\n" + c.Example + "\n```\n")
		}
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(newRootCmd(newIO(strings.NewReader(""), io.Discard, io.Discard)))
	for name := range helps {
		files = append(files, name)
	}
	slices.Sort(files[len(files)-len(helps):])
	work := t.TempDir()
	if err := copyTree(filepath.Join(root, "examples"), filepath.Join(work, "examples")); err != nil {
		t.Fatal(err)
	}
	t.Chdir(work)
	t.Setenv("NO_COLOR", "1")
	// The local CA of certgen and proxy lives in the work directory.
	t.Setenv("INGRESSKIT_CA_DIR", filepath.Join(work, "ca"))
	ran := 0
	examples := filepath.Join(work, "examples")
	for _, path := range files {
		src, isHelp := helps[path]
		rel := path
		if !isHelp {
			src, err = os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			rel, _ = filepath.Rel(root, path)
		}
		lines := strings.Split(string(src), "\n")
		type rewrite struct {
			from, n int
			got     []string
		}
		var rewrites []rewrite
		for _, c := range parseDocCommands(rel, src) {
			if rest, isCp := strings.CutPrefix(c.cmd, "cp "); isCp {
				// Setting up a copy to work on.
				if args, _, _, ok := shellWords(rest); ok {
					if err := docCopy(work, args); err != nil {
						t.Errorf("%s:%d: %s: %v", rel, c.line, c.cmd, err)
					}
				}
				continue
			}
			rest, isOurs := strings.CutPrefix(c.cmd, "ingresskit ")
			if !isOurs || !readsExamples.MatchString(rest) && !strings.Contains(rest, "/tmp/") {
				continue
			}
			args, combined, redirect, ok := shellWords(rest)
			if !ok || len(args) > 0 && args[0] == "proxy" {
				// Pipes, placeholders; the proxy serves until stopped.
				continue
			}
			for i := range args {
				args[i] = tmpPath(work, args[i])
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
				before := treeDigest(t, examples)
				code := run(args, strings.NewReader(""), &stdout, errw)
				if redirect != "" {
					if err := os.WriteFile(tmpPath(work, redirect), stdout.Bytes(), 0o644); err != nil {
						t.Fatal(err)
					}
				}
				if treeDigest(t, examples) != before {
					// A reader who copies the command would rewrite the
					// clone's examples, and make test would then fail.
					t.Errorf("%s changes files in examples/: show it on a copy", c.cmd)
					if err := os.RemoveAll(examples); err != nil {
						t.Fatal(err)
					}
					if err := copyTree(filepath.Join(root, "examples"), examples); err != nil {
						t.Fatal(err)
					}
				}
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
						rewrites = append(rewrites, rewrite{c.outFrom, len(want), got})
						return
					}
					t.Errorf("%s shows output that is not the real one (-shown +real); go test ./cmd/ingresskit -run TestDocExamples -update rewrites it:\n%s", c.cmd, diff)
				}
			})
		}
		if len(rewrites) > 0 && !isHelp {
			// From the last, so that earlier line numbers hold.
			for i := len(rewrites) - 1; i >= 0; i-- {
				r := rewrites[i]
				lines = append(lines[:r.from], append(r.got, lines[r.from+r.n:]...)...)
			}
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

// treeDigest sums the names, modes and contents of the files under dir.
func treeDigest(t *testing.T, dir string) string {
	t.Helper()
	h := sha256.New()
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		fmt.Fprintf(h, "%s %v\n", p, info.Mode())
		if d.Type().IsRegular() {
			data, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			h.Write(data)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return hex.EncodeToString(h.Sum(nil))
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
		redirect string
		ok       bool
	}{
		{`lint -f examples/ --fix`, []string{"lint", "-f", "examples/", "--fix"}, false, "", true},
		{`edit --rule 'a.com/x*=svc:80' "b c"`, []string{"edit", "--rule", "a.com/x*=svc:80", "b c"}, false, "", true},
		{`lint -f examples/ 2>&1`, []string{"lint", "-f", "examples/"}, true, "", true},
		{`convert -f examples/x.yaml > /tmp/y.yaml`, []string{"convert", "-f", "examples/x.yaml"}, false, "/tmp/y.yaml", true},
		{`certgen -f x | kubectl apply -f -`, nil, false, "", false},
		{`lint -f <file>`, nil, false, "", false},
	} {
		got, combined, redirect, ok := shellWords(tt.in)
		if ok != tt.ok || combined != tt.combined || redirect != tt.redirect || !cmp.Equal(got, tt.want) {
			t.Errorf("shellWords(%q) = %q %v %q %v, want %q %v %q %v", tt.in, got, combined, redirect, ok, tt.want, tt.combined, tt.redirect, tt.ok)
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
