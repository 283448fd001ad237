package manifest

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	yaml "go.yaml.in/yaml/v3"
)

// referenceParse parses data as parseChunk does without the fast parser:
// it returns the first document yaml.v3 reads, and whether data held
// exactly one document that yaml.v3 accepted.
func referenceParse(data []byte) (root *yaml.Node, ok bool) {
	defer func() {
		if recover() != nil {
			root, ok = nil, false
		}
	}()
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		return nil, false
	}
	var more yaml.Node
	if err := dec.Decode(&more); !errors.Is(err, io.EOF) {
		return nil, false
	}
	return &doc, true
}

// diffNodes describes the first difference between two trees in what the
// loader reads (comments are not read, so they are not compared).
func diffNodes(path string, a, b *yaml.Node) string {
	if a.Kind != b.Kind || a.Tag != b.Tag || a.Value != b.Value || a.Style != b.Style ||
		a.Line != b.Line || a.Column != b.Column || a.Anchor != b.Anchor ||
		(a.Alias == nil) != (b.Alias == nil) || len(a.Content) != len(b.Content) {
		return fmt.Sprintf("%s: fast {kind %v tag %q value %q style %v at %d:%d, %d children}, yaml.v3 {kind %v tag %q value %q style %v at %d:%d, %d children}",
			path, a.Kind, a.Tag, a.Value, a.Style, a.Line, a.Column, len(a.Content),
			b.Kind, b.Tag, b.Value, b.Style, b.Line, b.Column, len(b.Content))
	}
	if (a.Content == nil) != (b.Content == nil) {
		return path + ": nil and empty Content differ"
	}
	for i := range a.Content {
		if d := diffNodes(fmt.Sprintf("%s/%d", path, i), a.Content[i], b.Content[i]); d != "" {
			return d
		}
	}
	return ""
}

// checkFast parses data with both parsers. It fails the test when the fast
// parser accepts what yaml.v3 rejects or builds a different tree, and
// reports whether the fast parser took the input.
func checkFast(t *testing.T, data []byte) bool {
	t.Helper()
	var p fastParser
	return checkFastWith(t, &p, data)
}

// checkFastWith is checkFast with a parser that may have parsed other
// documents before, as the loader's parsers have.
func checkFastWith(t *testing.T, p *fastParser, data []byte) bool {
	t.Helper()
	got, ok := p.parse(data)
	if !ok {
		return false
	}
	want, wok := referenceParse(data)
	if !wok {
		t.Fatalf("fast parser accepted a document yaml.v3 rejects:\n%s", data)
	}
	if d := diffNodes("doc", got, want); d != "" {
		t.Fatalf("trees differ for\n%s\n%s", data, d)
	}
	if p.count != countNodes(want) {
		t.Fatalf("count %d, tree has %d nodes", p.count, countNodes(want))
	}
	return true
}

func countNodes(n *yaml.Node) int {
	c := 1
	for _, k := range n.Content {
		c += countNodes(k)
	}
	return c
}

func TestFastYAML(t *testing.T) {
	for _, tc := range []struct {
		name string
		in   string
		fast bool // the fast parser must take it
	}{
		{"kubectl style", "apiVersion: v1\nkind: Service\nmetadata:\n  name: a\n  labels:\n    app: a\nspec:\n  ports:\n  - name: http\n    port: 80\n    targetPort: 8080\n", true},
		{"leading marker", "---\napiVersion: v1\nkind: Secret\n", true},
		{"marker with trailing blanks", "---  \na: b\n", true},
		{"indented sequence", "a:\n  - x\n  - y\nb: c\n", true},
		{"nested compact sequences", "a:\n- - x\n  - y\n- z\n", true},
		{"empty values", "a:\nb:\n  c:\n  d:\n- \n", false},
		{"empty value last", "a: 1\nb:\n", true},
		{"empty entry", "a:\n- \n-\n- x\n", true},
		{"comments everywhere", "# head\na: b # line\n  # inside\nc:\n# before\n  - d # x\n#  foot\n", true},
		{"quoted scalars", "a: 'it''s'\nb: \"tab\\there \\\"q\\\" \\\\ \\'\"\n'c': \"\"\n\"d\" : ''\n", true},
		{"resolved tags", "a: 80\nb: true\nc: null\nd: ~\ne: 1.5\nf: 0x1F\ng: 2001-12-14\nh: yes\ni: .inf\nj: -1\nk: +2\nl: 1_000\nm: .5\nn: -\n", false},
		{"resolved tags without lone dash", "a: 80\nb: true\nc: null\nd: ~\ne: 1.5\nf: 0x1F\ng: 2001-12-14\nh: yes\ni: .inf\nj: -1\nk: +2\nl: 1_000\nm: .5\nn: NULL\no: False\n", true},
		{"integer keys", "80: http\n443: https\n", true},
		{"colons and hashes inside plain", "image: nginx:1.25\nurl: http://x/#y\nk:v: w\n", true},
		{"flow collections", "hosts: [a.example.com, 'b', \"c\"]\nm: {a: 1, b: [x, y], \"c\": {}}\ne: []\n", true},
		{"spaces around", "a:    b   \nc:   [ x ,  y ]   # c\n", true},
		{"block scalar", "a: |\n  x\n", false},
		{"anchor", "a: &x b\nc: *x\n", false},
		{"tag", "a: !!str 80\n", false},
		{"multi-line plain", "a: b\n  c\n", false},
		{"multi-line quoted", "a: \"b\n  c\"\n", false},
		{"tab", "a:\tb\n", false},
		{"crlf", "a: b\r\n", false},
		{"non-ascii", "a: \u00e9\n", false},
		{"second document", "a: b\n---\nc: d\n", false},
		{"document end", "a: b\n...\n", false},
		{"root sequence", "- a\n", false},
		{"root scalar", "a\n", false},
		{"empty", "# only a comment\n", false},
		{"mapping value in value", "a: b: c\n", false},
		{"bad indent", "a:\n    b: 1\n  c: 2\n", false},
		{"sequence after inline value", "a: b\n- c\n", false},
		{"merge key", "a: 1\n<<: {b: 2}\n", false},
		{"unicode escape", "a: \"\\u00e9\"\n", false},
		{"alias in flow", "a: [*x]\n", false},
		{"trailing comma", "a: [x,]\n", false},
		{"flow over lines", "a: [x,\n  y]\n", false},
		{"comment glued to quote", "a: 'b'#c\n", false},
		{"long plain key", strings.Repeat("k", 1100) + ": v\n", false},
		{"long quoted key", "\"" + strings.Repeat("k", 1100) + "\": v\n", false},
		{"long flow key", "a: {\"" + strings.Repeat("k", 1100) + "\": v}\n", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := checkFast(t, []byte(tc.in)); got != tc.fast {
				t.Errorf("fast path taken = %v, want %v", got, tc.fast)
			}
		})
	}
}

// TestPlainTag compares the shortcuts of plainTag with yaml.v3's own
// resolution.
func TestPlainTag(t *testing.T) {
	for _, v := range []string{"", "a", "nginx", "no", "yes", "on", "off", "n", "y", "true", "True", "TRUE", "tRUE",
		"false", "FALSE", "null", "Null", "NULL", "nULL", "~", "0", "00", "01", "08", "1", "80", "8080", "1_000",
		"123456789012345678", "1234567890123456789", "99999999999999999999", "1e3", "1.5", "2001-12-14", "2001",
		"0x1F", "0o17", "0b1", "-1", "+1", ".5", ".inf", "-.inf", ".nan", "1:20", "12ab", "Prefix", "ofs", "tls"} {
		got, ok := plainTag(v)
		if !ok {
			t.Errorf("plainTag(%q) gave up", v)
			continue
		}
		n := yaml.Node{Kind: yaml.ScalarNode, Value: v}
		if want := n.ShortTag(); got != want {
			t.Errorf("plainTag(%q) = %s, yaml.v3 resolves %s", v, got, want)
		}
	}
}

// TestFastYAMLFixtures runs the fast parser on every document of the
// fixtures and examples: it must agree with yaml.v3 wherever it takes one.
func TestFastYAMLFixtures(t *testing.T) {
	var files []string
	for _, glob := range []string{"testdata/*.yaml", "../examples/*.yaml", "../testdata/*/*.yaml", "../lint/testdata/rules/*/*.yaml"} {
		m, _ := filepath.Glob(glob)
		files = append(files, m...)
	}
	if len(files) == 0 {
		t.Fatal("no fixtures found")
	}
	fast := 0
	docs := 0
	// One parser for every document, as each loading goroutine has.
	var p fastParser
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		parts, _ := SplitDocuments(data)
		for _, part := range parts {
			docs++
			if checkFastWith(t, &p, part) {
				fast++
			}
		}
	}
	t.Logf("%d of %d documents took the fast path", fast, docs)
}

// TestFastYAMLCorpus checks the benchmark corpus: every document of it is
// in the subset.
func TestFastYAMLCorpus(t *testing.T) {
	parts, _ := SplitDocuments(corpus(30))
	var p fastParser
	for _, part := range parts {
		if len(bytes.TrimSpace(part)) == 0 {
			continue
		}
		if !checkFastWith(t, &p, part) {
			t.Errorf("fell back on\n%s", part)
		}
	}
}

// FuzzFastYAML checks the fast parser against yaml.v3: whatever it accepts,
// yaml.v3 must accept too and build the same tree.
func FuzzFastYAML(f *testing.F) {
	// The shapes kubectl and helm write.
	f.Add([]byte("---\napiVersion: v1\nkind: Service\nmetadata:\n  name: a\nspec:\n  ports:\n  - name: http\n    port: 80\n"))
	// A sequence at its key's indent, and one indented under it.
	f.Add([]byte("a:\n- b: 1\n  c:\n  - x\nd:\n  - y\n"))
	// Nested compact sequences and empty entries.
	f.Add([]byte("a:\n- - x\n  -\n-\n- 'q'\n"))
	// Empty values at the end of nested mappings.
	f.Add([]byte("a:\n  b:\nc:\n"))
	// Comments at every indent and after values.
	f.Add([]byte("# h\na: b # c\n # d\ne:\n# f\n  - g #h\n"))
	// Scalars whose tags yaml.v3 resolves: numbers, booleans, null,
	// timestamps, YAML 1.1 words that are strings in yaml.v3.
	f.Add([]byte("a: 0o17\nb: 0b101\nc: 1e3\nd: 2001-12-14t21:59:43.10-05:00\ne: on\nf: TRUE\ng: Null\nh: -.INF\ni: 0x_1\n"))
	// Quoted scalars with escapes, quoted keys.
	f.Add([]byte("'a''b': \"c\\\"d\\\\e\\n\"\n\"f\" : 'g'\n"))
	// Flow collections on one line.
	f.Add([]byte("a: [b, 'c', {d: e, \"f\":g}, []]\nh: {}\n"))
	// Indicators inside plain scalars.
	f.Add([]byte("a: b:c\nd: e #f\ng: h#i\nj: -k\nl: x, y [z] {w}\n"))
	// Document markers in odd places.
	f.Add([]byte("--- \na: b\n...\n---x: y\n"))
	// Odd indentation.
	f.Add([]byte("a:\n   b: 1\n  c: 2\n -\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		checkFast(t, data)
	})
}
