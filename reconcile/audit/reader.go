package audit

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
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

// ParseLog reads JSON-lines events from r. A line that is not a complete
// event (torn write, foreign text, missing id or type) is skipped and
// reported as a Warning; only a read error fails. Duplicate ids keep the
// first occurrence.
func ParseLog(r io.Reader) ([]Entry, []Warning, error) {
	var (
		entries []Entry
		warns   []Warning
		seen    = map[string]bool{}
		br      = bufio.NewReaderSize(r, 64<<10)
	)
	for n := 1; ; n++ {
		line, err := br.ReadBytes('\n')
		if len(bytes.TrimSpace(line)) > 0 {
			e, reason := parseLine(line)
			switch {
			case reason != "":
				warns = append(warns, Warning{Line: n, Reason: reason})
			case seen[e.ID]:
				warns = append(warns, Warning{Line: n, Reason: "duplicate event id " + e.ID + " (kept the first)"})
			default:
				seen[e.ID] = true
				entries = append(entries, Entry{Line: n, Raw: json.RawMessage(bytes.TrimSpace(line)), Event: e})
			}
		}
		if errors.Is(err, io.EOF) {
			return entries, warns, nil
		}
		if err != nil {
			return entries, warns, err
		}
	}
}

func parseLine(line []byte) (Event, string) {
	line = bytes.TrimSpace(line)
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

// ReadLog reads the log at path. A missing file is an empty log.
func ReadLog(path string) ([]Entry, []Warning, error) {
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil, nil
	}
	if err != nil {
		return nil, nil, fmt.Errorf("audit log: %w", err)
	}
	defer f.Close()
	entries, warns, err := ParseLog(f)
	if err != nil {
		return nil, nil, fmt.Errorf("audit log: read %s: %w", path, err)
	}
	return entries, warns, nil
}
