package render

import (
	"fmt"
	"strings"

	"github.com/sergi/go-diff/diffmatchpatch"
)

// contextLines is how many unchanged lines surround each change, as diff -u.
const contextLines = 3

// line is one line of a line diff: ' ', '-' or '+', and its text.
type line struct {
	op   byte
	text string
}

// UnifiedDiff returns a line-oriented unified diff of a and b (as diff -u,
// with headers named from and to), or "" when they are equal. go-diff's own
// patch text counts characters and escapes newlines, so hunks are built here.
func UnifiedDiff(from, to, a, b string) string {
	if a == b {
		return ""
	}
	lines := lineDiff(ensureNewline(a), ensureNewline(b))
	var sb strings.Builder
	fmt.Fprintf(&sb, "--- %s\n+++ %s\n", from, to)
	for _, h := range hunks(lines) {
		writeHunk(&sb, lines, h)
	}
	return sb.String()
}

func ensureNewline(s string) string {
	if s != "" && !strings.HasSuffix(s, "\n") {
		return s + "\n"
	}
	return s
}

func lineDiff(a, b string) []line {
	dmp := diffmatchpatch.New()
	dmp.DiffTimeout = 0 // deterministic output
	ca, cb, table := dmp.DiffLinesToRunes(a, b)
	diffs := dmp.DiffCharsToLines(dmp.DiffMainRunes(ca, cb, false), table)
	var out []line
	for _, d := range diffs {
		op := byte(' ')
		switch d.Type {
		case diffmatchpatch.DiffDelete:
			op = '-'
		case diffmatchpatch.DiffInsert:
			op = '+'
		}
		for _, t := range strings.SplitAfter(d.Text, "\n") {
			if t != "" {
				out = append(out, line{op, t})
			}
		}
	}
	return out
}

// span is a hunk: lines[start:end].
type span struct{ start, end int }

// hunks groups changed lines with their context, merging hunks whose
// context would touch.
func hunks(lines []line) []span {
	var out []span
	for i, l := range lines {
		if l.op == ' ' {
			continue
		}
		start, end := max(0, i-contextLines), min(len(lines), i+1+contextLines)
		if n := len(out); n > 0 && start <= out[n-1].end {
			out[n-1].end = max(out[n-1].end, end)
			continue
		}
		out = append(out, span{start, end})
	}
	return out
}

func writeHunk(sb *strings.Builder, lines []line, h span) {
	oldStart, newStart := 1, 1
	for _, l := range lines[:h.start] {
		if l.op != '+' {
			oldStart++
		}
		if l.op != '-' {
			newStart++
		}
	}
	oldN, newN := 0, 0
	for _, l := range lines[h.start:h.end] {
		if l.op != '+' {
			oldN++
		}
		if l.op != '-' {
			newN++
		}
	}
	fmt.Fprintf(sb, "@@ -%s +%s @@\n", rangeOf(oldStart, oldN), rangeOf(newStart, newN))
	for _, l := range lines[h.start:h.end] {
		sb.WriteByte(l.op)
		sb.WriteString(l.text)
	}
}

// rangeOf formats a hunk range as diff -u does: an empty range starts one
// line earlier.
func rangeOf(start, n int) string {
	switch n {
	case 0:
		return fmt.Sprintf("%d,0", start-1)
	case 1:
		return fmt.Sprint(start)
	}
	return fmt.Sprintf("%d,%d", start, n)
}
