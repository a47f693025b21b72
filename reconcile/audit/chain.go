// The hash chain: every event carries its place in the log (logSeq, from 1)
// and the SHA-256 of the line before it (prevHash), so that a line altered,
// deleted, inserted or moved breaks the chain where it happened. A run's
// first event anchors to the last event of the run before: Open reads the
// log's tail, and writes continue the chain under the journal's lock.

package audit

import (
	"crypto/sha256"
	"encoding/hex"
	"io"
	"strings"
)

const hashPrefix = "sha256:"

// LineHash is the chain hash of one log line: "sha256:" and the hex SHA-256
// of its bytes exactly as written, without the newline. A webhook receiver
// computes it over each element of a payload's events, byte for byte.
func LineHash(line []byte) string {
	sum := sha256.Sum256(line)
	return hashPrefix + hex.EncodeToString(sum[:])
}

// validHash reports whether h has the form LineHash returns.
func validHash(h string) bool {
	hexSum, ok := strings.CutPrefix(h, hashPrefix)
	if !ok || len(hexSum) != 2*sha256.Size {
		return false
	}
	_, err := hex.DecodeString(hexSum)
	return err == nil && strings.ToLower(hexSum) == hexSum
}

// anchor is where the next event joins the chain.
type anchor struct {
	next  int64  // its logSeq
	prev  string // the hash of the log's last event line; "" for an empty log
	chain string // the log's chain id; "" until the first chained event
}

// anchorOf reads a log and returns where its next event goes: after the last
// complete event line (torn and foreign lines are skipped, as readers skip
// them). A log written before the chain existed anchors its first chained
// event after its events, counted: logSeq is their number plus one.
func anchorOf(r io.Reader) (anchor, error) {
	var (
		count int64
		last  []byte
		tail  Event
	)
	err := scanLines(r, func(_ int, line []byte, tooLong bool) {
		if tooLong {
			return
		}
		e, reason := parseLine(line)
		if reason != "" {
			return
		}
		count++
		last, tail = line, e
	})
	if err != nil || last == nil {
		return anchor{next: 1}, err
	}
	a := anchor{next: count + 1, prev: LineHash(last), chain: tail.Chain}
	if tail.LogSeq > 0 {
		a.next = tail.LogSeq + 1
	}
	return a, nil
}
