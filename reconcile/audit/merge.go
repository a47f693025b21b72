// Merging two copies of one append-only log (a local one and the audit
// branch's), without rewriting either: pure, no I/O.

package audit

import "bytes"

// MergeLog returns base followed by the events of extra that base lacks, in
// extra's order, and how many it appended. base is kept byte for byte (its
// torn lines too); from extra only complete events are taken, so a copy
// that is a prefix of the other merges into the longer one. Two copies that
// forked (two runs that wrote at once) merge into a log whose chain breaks
// where the second begins, which Verify reports: merging never hides it.
func MergeLog(base, extra []byte) ([]byte, int) {
	have := map[string]bool{}
	_ = scanLines(bytes.NewReader(base), func(_ int, line []byte, tooLong bool) {
		if e, reason := parseLine(line); !tooLong && reason == "" {
			have[e.ID] = true
		}
	})
	out := endLine(bytes.Clone(base))
	n := 0
	_ = scanLines(bytes.NewReader(extra), func(_ int, line []byte, tooLong bool) {
		if tooLong {
			return
		}
		if e, reason := parseLine(line); reason == "" && !have[e.ID] {
			have[e.ID] = true
			out = append(append(out, line...), '\n')
			n++
		}
	})
	return out, n
}

// MergeLines returns base followed by the lines of extra that base does not
// hold, for the delivery records: a record is a fact, and a set of facts
// merges by union.
func MergeLines(base, extra []byte) ([]byte, int) {
	have := map[string]bool{}
	_ = scanLines(bytes.NewReader(base), func(_ int, line []byte, tooLong bool) {
		if !tooLong {
			have[string(line)] = true
		}
	})
	out := endLine(bytes.Clone(base))
	n := 0
	_ = scanLines(bytes.NewReader(extra), func(_ int, line []byte, tooLong bool) {
		if !tooLong && !have[string(line)] {
			have[string(line)] = true
			out = append(append(out, line...), '\n')
			n++
		}
	})
	return out, n
}

func endLine(b []byte) []byte {
	if len(b) > 0 && b[len(b)-1] != '\n' {
		b = append(b, '\n')
	}
	return b
}
