package github

import (
	"strings"
	"unicode/utf8"
)

// runeLen measures text the way GitHub limits comment bodies: in characters.
func runeLen(s string) int { return utf8.RuneCountInString(s) }

// byteLen measures text the way GitHub limits step summaries.
func byteLen(s string) int { return len(s) }

// fit returns md unchanged when size(md) <= limit. Otherwise it keeps the
// longest run of whole lines that fits together with what is needed to close
// the code fence and <details> blocks open at the cut, followed by note, so
// the result still renders. size must be additive over concatenation. Invalid
// UTF-8 is replaced first: GitHub would reject or mangle it anyway.
func fit(md string, limit int, size func(string) int, note string) (string, bool) {
	md = strings.ToValidUTF8(md, "\uFFFD")
	if size(md) <= limit {
		return md, false
	}
	tail := "\n" + strings.ToValidUTF8(note, "\uFFFD") + "\n"
	if size(tail) > limit {
		tail = ""
	}
	budget := limit - size(tail)
	var (
		st        mdState
		used      int
		cut       int
		closeTags string
	)
	for off := 0; off < len(md); {
		n := strings.IndexByte(md[off:], '\n')
		if n < 0 {
			break // the unterminated last line: md as a whole did not fit
		}
		line := md[off : off+n+1]
		used += size(line)
		if used > budget {
			break
		}
		off += len(line)
		st.advance(line)
		if c := st.closers(); used+size(c) <= budget {
			cut, closeTags = off, c
		}
	}
	return md[:cut] + closeTags + tail, true
}

// mdState tracks the Markdown structures open after a line: a fenced code
// block (its opening run of ``` or ~~~) and the depth of <details> blocks.
type mdState struct {
	fence   string
	details int
}

func (s *mdState) advance(line string) {
	t := strings.TrimRight(line, "\r\n")
	if run, rest, ok := fenceLine(t); ok {
		switch {
		case s.fence == "":
			s.fence = run
			return
		case run[0] == s.fence[0] && len(run) >= len(s.fence) && strings.TrimSpace(rest) == "":
			s.fence = ""
			return
		}
	}
	if s.fence != "" || !strings.Contains(t, "<") {
		return
	}
	t = strings.ToLower(t)
	s.details += strings.Count(t, "<details") - strings.Count(t, "</details>")
	s.details = max(s.details, 0)
}

// closers is the text that ends every structure open in s.
func (s *mdState) closers() string {
	var b strings.Builder
	if s.fence != "" {
		b.WriteString(s.fence + "\n")
	}
	if s.details > 0 {
		b.WriteString("\n" + strings.Repeat("</details>\n", s.details))
	}
	return b.String()
}

// fenceLine reports whether t is a CommonMark code fence line (up to three
// spaces, then three or more backticks or tildes, and no backtick after a
// backtick run) and splits off its run.
func fenceLine(t string) (run, rest string, ok bool) {
	body := strings.TrimLeft(t, " ")
	if len(t)-len(body) > 3 || len(body) < 3 || (body[0] != '`' && body[0] != '~') {
		return "", "", false
	}
	n := len(body) - len(strings.TrimLeft(body, body[:1]))
	if n < 3 || (body[0] == '`' && strings.Contains(body[n:], "`")) {
		return "", "", false
	}
	return body[:n], body[n:], true
}
