// Package linediff computes line diffs and writes them as unified hunks,
// the format of `diff -u` (GNU diffutils manual, "Detailed Description of
// Unified Format"), which `patch` and `git apply` read.
//
// The diff anchors on lines that occur once in each side (patience
// diffing), so that a large file whose documents change in many small
// places gives many small hunks rather than one hunk over the whole file,
// and aligns what lies between anchors by longest common subsequence.
package linediff

import (
	"fmt"
	"strings"
)

// Op is one line of an edit script.
type Op struct {
	// Kind is ' ' for a line both sides share, '-' for a line only in
	// the old text, '+' for one only in the new text.
	Kind byte
	// A and B index the line in the old and the new text; the side a
	// line is not in holds the index the line would have there.
	A, B int
}

// Lines splits text into lines, each with its "\n" (the last one without
// when the text does not end in a newline).
func Lines(text string) []string {
	if text == "" {
		return nil
	}
	out := strings.SplitAfter(text, "\n")
	if out[len(out)-1] == "" {
		out = out[:len(out)-1]
	}
	return out
}

// maxGrid bounds the longest-common-subsequence table between two
// anchors; a larger gap is written as removed and added lines.
const maxGrid = 4 << 20

// Diff returns the edit script turning a into b.
func Diff(a, b []string) []Op {
	d := &differ{a: a, b: b}
	d.diff(0, len(a), 0, len(b))
	return d.ops
}

type differ struct {
	a, b []string
	ops  []Op
}

func (d *differ) equal(i, j int) { d.ops = append(d.ops, Op{' ', i, j}) }

// diff appends the script for a[a0:a1] against b[b0:b1].
func (d *differ) diff(a0, a1, b0, b1 int) {
	for a0 < a1 && b0 < b1 && d.a[a0] == d.b[b0] {
		d.equal(a0, b0)
		a0++
		b0++
	}
	var tail int
	for a1-tail > a0 && b1-tail > b0 && d.a[a1-tail-1] == d.b[b1-tail-1] {
		tail++
	}
	d.middle(a0, a1-tail, b0, b1-tail)
	for k := tail; k > 0; k-- {
		d.equal(a1-k, b1-k)
	}
}

// middle diffs ranges that differ at both ends: around the lines unique
// to both ranges, in the longest run that keeps their order; else by
// longest common subsequence.
func (d *differ) middle(a0, a1, b0, b1 int) {
	if a0 == a1 || b0 == b1 {
		d.replace(a0, a1, b0, b1)
		return
	}
	anchors := d.anchors(a0, a1, b0, b1)
	if len(anchors) == 0 {
		d.lcs(a0, a1, b0, b1)
		return
	}
	for _, m := range anchors {
		d.diff(a0, m[0], b0, m[1])
		d.equal(m[0], m[1])
		a0, b0 = m[0]+1, m[1]+1
	}
	d.diff(a0, a1, b0, b1)
}

// anchors returns pairs (i, j) with a[i] == b[j], each line occurring
// once in a[a0:a1] and once in b[b0:b1], increasing in both i and j: the
// longest such sequence (patience sorting).
func (d *differ) anchors(a0, a1, b0, b1 int) [][2]int {
	type count struct{ na, nb, ia, ib int }
	seen := map[string]*count{}
	for i := a0; i < a1; i++ {
		c := seen[d.a[i]]
		if c == nil {
			c = &count{}
			seen[d.a[i]] = c
		}
		c.na++
		c.ia = i
	}
	for j := b0; j < b1; j++ {
		if c := seen[d.b[j]]; c != nil {
			c.nb++
			c.ib = j
		}
	}
	// The unique pairs in order of a.
	var pairs [][2]int
	for i := a0; i < a1; i++ {
		if c := seen[d.a[i]]; c.na == 1 && c.nb == 1 {
			pairs = append(pairs, [2]int{i, c.ib})
		}
	}
	if len(pairs) == 0 {
		return nil
	}
	// Longest increasing subsequence in b, by patience sorting.
	tops := []int{}                 // index into pairs of the top of each pile
	prev := make([]int, len(pairs)) // back links
	for k, p := range pairs {
		lo, hi := 0, len(tops)
		for lo < hi {
			mid := (lo + hi) / 2
			if pairs[tops[mid]][1] < p[1] {
				lo = mid + 1
			} else {
				hi = mid
			}
		}
		prev[k] = -1
		if lo > 0 {
			prev[k] = tops[lo-1]
		}
		if lo == len(tops) {
			tops = append(tops, k)
		} else {
			tops[lo] = k
		}
	}
	out := make([][2]int, len(tops))
	for k, n := tops[len(tops)-1], len(tops)-1; k >= 0; k, n = prev[k], n-1 {
		out[n] = pairs[k]
	}
	return out
}

// lcs aligns two ranges by their longest common subsequence, or writes
// them as a replacement when the table would be too large.
func (d *differ) lcs(a0, a1, b0, b1 int) {
	n, m := a1-a0, b1-b0
	if n*m > maxGrid {
		d.replace(a0, a1, b0, b1)
		return
	}
	// t[i][j] is the LCS length of a[a0+i:a1] and b[b0+j:b1].
	t := make([][]int32, n+1)
	for i := range t {
		t[i] = make([]int32, m+1)
	}
	for i := n - 1; i >= 0; i-- {
		for j := m - 1; j >= 0; j-- {
			switch {
			case d.a[a0+i] == d.b[b0+j]:
				t[i][j] = t[i+1][j+1] + 1
			case t[i+1][j] >= t[i][j+1]:
				t[i][j] = t[i+1][j]
			default:
				t[i][j] = t[i][j+1]
			}
		}
	}
	i, j := 0, 0
	for i < n || j < m {
		switch {
		case i < n && j < m && d.a[a0+i] == d.b[b0+j]:
			d.equal(a0+i, b0+j)
			i++
			j++
		case j == m || i < n && t[i+1][j] >= t[i][j+1]:
			d.ops = append(d.ops, Op{'-', a0 + i, b0 + j})
			i++
		default:
			d.ops = append(d.ops, Op{'+', a0 + i, b0 + j})
			j++
		}
	}
}

// replace writes a[a0:a1] as removed and b[b0:b1] as added.
func (d *differ) replace(a0, a1, b0, b1 int) {
	for i := a0; i < a1; i++ {
		d.ops = append(d.ops, Op{'-', i, b0})
	}
	for j := b0; j < b1; j++ {
		d.ops = append(d.ops, Op{'+', a1, j})
	}
}

// Unified returns the unified diff from before to after with context
// lines around each change, under the file headers "--- from" and "+++
// to"; "" when the texts are equal. Hunks closer than twice the context
// are joined, as diff -u does.
func Unified(from, to, before, after string, context int) string {
	if before == after {
		return ""
	}
	a, b := Lines(before), Lines(after)
	ops := Diff(a, b)
	var sb strings.Builder
	fmt.Fprintf(&sb, "--- %s\n+++ %s\n", from, to)
	for start := 0; start < len(ops); {
		// the next change
		for start < len(ops) && ops[start].Kind == ' ' {
			start++
		}
		if start == len(ops) {
			break
		}
		lo := max(0, start-context)
		// extend over changes whose gap is at most 2*context
		end := start
		for {
			for end < len(ops) && ops[end].Kind != ' ' {
				end++
			}
			gap := end
			for gap < len(ops) && ops[gap].Kind == ' ' {
				gap++
			}
			if gap < len(ops) && gap-end <= 2*context {
				end = gap
				continue
			}
			break
		}
		hi := min(len(ops), end+context)
		writeHunk(&sb, a, b, ops[lo:hi])
		start = hi
	}
	return sb.String()
}

func writeHunk(sb *strings.Builder, a, b []string, ops []Op) {
	var na, nb int
	for _, op := range ops {
		if op.Kind != '+' {
			na++
		}
		if op.Kind != '-' {
			nb++
		}
	}
	fmt.Fprintf(sb, "@@ -%s +%s @@\n", rangeOf(ops[0].A, na), rangeOf(ops[0].B, nb))
	for _, op := range ops {
		line := ""
		switch op.Kind {
		case '+':
			line = b[op.B]
		default:
			line = a[op.A]
		}
		sb.WriteByte(op.Kind)
		sb.WriteString(line)
		if !strings.HasSuffix(line, "\n") {
			sb.WriteString("\n\\ No newline at end of file\n")
		}
	}
}

// rangeOf formats a hunk range as diff -u does: "start,count", the
// count left out when it is 1, and for an empty range the line before.
func rangeOf(first, n int) string {
	switch n {
	case 0:
		return fmt.Sprintf("%d,0", first)
	case 1:
		return fmt.Sprintf("%d", first+1)
	}
	return fmt.Sprintf("%d,%d", first+1, n)
}
