// Reading the journal back: Entry, Warning and ReadLog, which skip torn or
// foreign lines instead of failing.

package audit

import (
	"encoding/json"
	"fmt"
	"io"
)

// Entry is one event read back from the log.
type Entry struct {
	Line  int             // 1-based line number in the file
	Raw   json.RawMessage // the line exactly as written: what the webhook sends
	Event Event
}

// Warning is a line that was skipped, typically torn by a crash mid-write.
type Warning struct {
	Line   int
	Reason string
}

func (w Warning) String() string { return fmt.Sprintf("line %d: %s", w.Line, w.Reason) }

// ReadLog reads the log at path. A missing file is an empty log. A line that
// is not a complete event (torn write, foreign text, missing id or type) is
// skipped and reported as a Warning; only a read error fails. Duplicate ids
// keep the first occurrence.
func ReadLog(path string) ([]Entry, []Warning, error) {
	var p logParser
	if err := readLines(path, p.line); err != nil {
		return nil, nil, fmt.Errorf("audit log: %w", err)
	}
	return p.entries, p.warns, nil
}

// parseLog is ReadLog over r.
func parseLog(r io.Reader) ([]Entry, []Warning, error) {
	var p logParser
	err := scanLines(r, p.line)
	return p.entries, p.warns, err
}

type logParser struct {
	entries []Entry
	warns   []Warning
	seen    map[string]bool
}

func (p *logParser) line(n int, line []byte, tooLong bool) {
	var e Event
	reason := tooLongReason
	if !tooLong {
		e, reason = parseLine(line)
	}
	switch {
	case reason != "":
		p.warns = append(p.warns, Warning{Line: n, Reason: reason})
	case p.seen[e.ID]:
		p.warns = append(p.warns, Warning{Line: n, Reason: "duplicate event id " + e.ID + " (kept the first)"})
	default:
		if p.seen == nil {
			p.seen = map[string]bool{}
		}
		p.seen[e.ID] = true
		p.entries = append(p.entries, Entry{Line: n, Raw: json.RawMessage(line), Event: e})
	}
}

// tooLongReason is the warning for a line longer than MaxLine.
var tooLongReason = fmt.Sprintf("longer than %d MiB: not an event retainctl wrote; skipped", MaxLine>>20)

func parseLine(line []byte) (Event, string) {
	var e Event
	if !json.Valid(line) {
		return e, "not a complete JSON line (torn by a crash mid-write?); skipped"
	}
	if err := json.Unmarshal(line, &e); err != nil {
		return e, "not an audit event: " + err.Error() + "; skipped"
	}
	if e.ID == "" || e.Type == "" {
		return e, "audit event without id or type; skipped"
	}
	return e, ""
}
