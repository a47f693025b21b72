package github

import (
	"strings"
	"testing"
	"unicode/utf8"
)

const testNote = "> cut, see the summary"

func TestFit(t *testing.T) {
	for _, tc := range []struct {
		name, md  string
		limit     int
		want      string
		truncated bool
	}{
		{"fits", "a\nb\n", 4, "a\nb\n", false},
		{"cut at a line", "aaaa\nbbbb\ncccc\n", 40, "aaaa\nbbbb\ncccc\n", false},
		{"keeps whole lines", "aaaa\nbbbb\ncccc\ndddd\n" + strings.Repeat("e", 40) + "\n", 50,
			"aaaa\nbbbb\ncccc\ndddd\n\n" + testNote + "\n", true},
		{"closes the fence", "x\n```diff\n- a\n+ b\n" + strings.Repeat("z", 60) + "\n```\n", 46,
			"x\n```diff\n- a\n+ b\n```\n\n" + testNote + "\n", true},
		{"longer fence and tildes", "````\n```\ninner\n" + strings.Repeat("z", 60) + "\n", 45,
			"````\n```\ninner\n````\n\n" + testNote + "\n", true},
		{"closes details", "<details><summary>P</summary>\n\nline\n" + strings.Repeat("z", 60) + "\n</details>\n", 72,
			"<details><summary>P</summary>\n\nline\n\n</details>\n\n" + testNote + "\n", true},
		{"details inside a fence do not count", "```\n<details>\n" + strings.Repeat("z", 60) + "\n", 42,
			"```\n<details>\n```\n\n" + testNote + "\n", true},
		{"counts characters not bytes", "ééé\nüüü\n" + strings.Repeat("z", 30) + "\n", 34,
			"ééé\nüüü\n\n" + testNote + "\n", true},
		{"one huge line", strings.Repeat("z", 100), 30, "\n" + testNote + "\n", true},
		{"no room for the note", strings.Repeat("z", 100), 5, "", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, truncated := fit(tc.md, tc.limit, runeLen, testNote)
			if got != tc.want || truncated != tc.truncated {
				t.Errorf("fit = %q, %v\nwant  %q, %v", got, truncated, tc.want, tc.truncated)
			}
			if runeLen(got) > tc.limit {
				t.Errorf("%d characters over the limit %d", runeLen(got), tc.limit)
			}
		})
	}
}

func FuzzFit(f *testing.F) {
	f.Add("## Plan\n<details><summary>a</summary>\n\n```diff\n- x\n+ y\n```\n</details>\n", 30, false)
	f.Add("~~~~\n```\n</details>\n<DETAILS open>\nü\n", 12, true)
	f.Add("\xff\xfe invalid\n", 3, false)
	f.Fuzz(func(t *testing.T, md string, limit int, inBytes bool) {
		limit = max(limit%2000, 0)
		size := runeLen
		if inBytes {
			size = byteLen
		}
		got, truncated := fit(md, limit, size, testNote)
		if !utf8.ValidString(got) {
			t.Fatalf("invalid UTF-8: %q", got)
		}
		if size(got) > limit {
			t.Fatalf("size %d over the limit %d", size(got), limit)
		}
		if !truncated {
			if got != strings.ToValidUTF8(md, "\uFFFD") {
				t.Fatalf("not truncated but changed: %q", got)
			}
			return
		}
		var st mdState
		for line := range strings.Lines(got) {
			st.advance(line)
		}
		if st.fence != "" || st.details != 0 {
			t.Fatalf("open structures after the cut %+v: %q", st, got)
		}
	})
}

func BenchmarkFitComment(b *testing.B) {
	var sb strings.Builder
	for sb.Len() < 200_000 {
		sb.WriteString("<details><summary>Policy «x»</summary>\n\n```diff\n- retentionPeriod: 90\n+ retentionPeriod: 180\n```\n</details>\n\n")
	}
	md := sb.String()
	b.SetBytes(int64(len(md)))
	for b.Loop() {
		fit(md, commentLimit, runeLen, testNote)
	}
}
