// Verifying a log: the hash chain, each event's schema and the delivery
// records, read as hostile input (lines capped, nothing trusted).

package audit

import (
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"time"

	"github.com/google/uuid"
)

// maxProblems bounds how many problems Verify lists; the first is the one
// that matters, the rest are context.
const maxProblems = 20

// Problem is one thing wrong with a log or its delivery records.
type Problem struct {
	File   string // "log" or "delivered"
	Line   int    // 1-based line of that file
	Reason string
}

func (p Problem) String() string { return fmt.Sprintf("%s line %d: %s", p.File, p.Line, p.Reason) }

// Verification is what Verify found.
type Verification struct {
	Events     int    // complete event lines
	Legacy     int    // events written before the chain (no chain fields)
	ChainStart int    // line of the first chained event; 0 when none
	Chain      string // the chain id
	HeadSeq    int64  // logSeq of the last event
	Head       string // hash of the last event line: compare it with a receiver's or the branch's copy
	Deliveries int    // delivery records read
	Warnings   []Warning
	Problems   []Problem // the first is the first line altered, missing or out of order
	Truncated  bool      // more problems than maxProblems
}

// OK reports whether the log verified.
func (v Verification) OK() bool { return len(v.Problems) == 0 }

// Verify checks a log (and, when delivered is not nil, its delivery records):
// every line is a complete event of the schema; each chained event follows
// the one before (logSeq one more, prevHash the SHA-256 of its line) and
// within its run seq counts up by one; no event id repeats; every delivery
// record is a 2xx acknowledgement of events that are in the log. Lines torn
// by a crash are warnings, as for readers: a torn line never got a logSeq,
// so the chain passes over it. Events written before the chain existed are
// counted (Legacy) and bound only by the first chained event, which anchors
// to the last of them. Only a read error fails.
func Verify(log, delivered io.Reader) (Verification, error) {
	c := chainCheck{runSeq: map[string]int64{}, ids: map[string]int{}}
	if err := scanLines(log, c.line); err != nil {
		return c.v, fmt.Errorf("audit log: %w", err)
	}
	c.v.HeadSeq, c.v.Head = c.seq, c.prev
	if delivered != nil {
		if err := scanLines(delivered, c.delivery); err != nil {
			return c.v, fmt.Errorf("audit delivery state: %w", err)
		}
	}
	return c.v, nil
}

type chainCheck struct {
	v       Verification
	started bool
	seq     int64  // logSeq of the last event (or the legacy count before the chain)
	prev    string // hash of the last event line
	prevAt  int    // its line
	skipped []int  // lines skipped since it
	runSeq  map[string]int64
	ids     map[string]int // event id -> line
}

func (c *chainCheck) problem(file string, line int, format string, args ...any) {
	if len(c.v.Problems) == maxProblems {
		c.v.Truncated = true
		return
	}
	c.v.Problems = append(c.v.Problems, Problem{File: file, Line: line, Reason: fmt.Sprintf(format, args...)})
}

func (c *chainCheck) line(n int, line []byte, tooLong bool) {
	var e Event
	reason := tooLongReason
	if !tooLong {
		e, reason = parseLine(line)
	}
	if reason != "" {
		c.v.Warnings = append(c.v.Warnings, Warning{Line: n, Reason: reason})
		c.skipped = append(c.skipped, n)
		return
	}
	c.v.Events++
	if first, dup := c.ids[e.ID]; dup {
		c.problem("log", n, "repeats event %s of line %d: a copied line", e.ID, first)
	} else {
		c.ids[e.ID] = n
	}
	if why := schemaProblem(e); why != "" {
		c.problem("log", n, "not a valid %q event: %s", e.Type, why)
	}
	c.chain(n, e)
	c.runOrder(n, e)
	c.prev, c.prevAt, c.skipped = LineHash(line), n, nil
}

// chain checks that e, at line n, follows the last event.
func (c *chainCheck) chain(n int, e Event) {
	if e.LogSeq == 0 {
		if c.started {
			c.problem("log", n, "has no chain fields, inside the chain that starts at line %d: an inserted line", c.v.ChainStart)
		} else {
			c.v.Legacy++
			c.seq++
		}
		return
	}
	want := c.seq + 1
	if !c.started {
		c.started, c.v.ChainStart, c.v.Chain = true, n, e.Chain
		if e.Chain == "" || (c.v.Legacy == 0 && e.LogSeq == 1 && e.Chain != e.ID) {
			c.problem("log", n, "the log's first chained event must name its chain by its own id")
		}
	} else if e.Chain != c.v.Chain {
		c.problem("log", n, "belongs to chain %q, not to this log's chain %q: a line from another log", e.Chain, c.v.Chain)
	}
	defer func() { c.seq = e.LogSeq }()
	switch {
	case e.LogSeq < want:
		c.problem("log", n, "event #%d comes after #%d: out of order (moved or copied)", e.LogSeq, c.seq)
		return
	case e.LogSeq > want && len(c.skipped) > 0:
		c.problem("log", c.skipped[0], "is not a complete event, but event #%d was there (line %d chains past it): altered or truncated", want, n)
		return
	case e.LogSeq > want && c.seq == 0 && c.v.Legacy == 0:
		c.problem("log", n, "the log starts at event #%d: events #1 to #%d are missing (its start was cut)", e.LogSeq, want-1)
		return
	case e.LogSeq > want:
		c.problem("log", n, "event #%d follows #%d (line %d): %s missing here (deleted or moved)", e.LogSeq, c.seq, c.prevAt, count(e.LogSeq-want, "event"))
		return
	}
	switch {
	case e.PrevHash == c.prev:
	case c.prevAt == 0:
		c.problem("log", n, "the first event of the log chains to a line that is not there (prevHash %s): its start was cut", e.PrevHash)
	default:
		c.problem("log", c.prevAt, "was altered: its SHA-256 is not the prevHash line %d recorded", n)
	}
}

// schemaProblem says what in e breaks the event schema, or "".
func schemaProblem(e Event) string {
	switch {
	case uuid.Validate(e.ID) != nil:
		return "id is not a UUID"
	case !slices.Contains(eventTypes, e.Type):
		return "unknown type"
	case e.Time.IsZero() || e.Time.Location() != time.UTC:
		return "time is not an RFC 3339 UTC time"
	case e.RunID == "":
		return "no runId"
	case e.Seq < 1:
		return "seq is not positive"
	case e.LogSeq < 0:
		return "logSeq is negative"
	case e.PrevHash != "" && !validHash(e.PrevHash):
		return "prevHash is not sha256:<64 lowercase hex>"
	case e.LogSeq > 1 && e.PrevHash == "":
		return "a chained event after the first has no prevHash"
	case e.Outcome != "" && !slices.Contains([]Outcome{Success, Failure, Skipped, DryRun}, e.Outcome):
		return "unknown outcome"
	case e.Risk != "" && !slices.Contains([]string{"safe", "review", "destructive"}, e.Risk):
		return "unknown risk"
	case e.Provenance != nil && !slices.Contains([]string{ApprovedOnPullRequest, ApprovedPlanFile, ApprovedAutomatically}, e.Provenance.Approval):
		return "unknown provenance approval"
	}
	return ""
}

// runs: within a run, seq counts up by one (checked once the chain started:
// older logs are not held to it).
func (c *chainCheck) runOrder(n int, e Event) {
	if e.LogSeq == 0 {
		return
	}
	switch last, ok := c.runSeq[e.RunID]; {
	case ok && e.Seq != last+1:
		c.problem("log", n, "seq %d of run %s follows its seq %d: an event of the run is missing or out of order", e.Seq, e.RunID, last)
	case !ok && e.Seq != 1:
		c.problem("log", n, "run %s starts at seq %d: its first events are missing", e.RunID, e.Seq)
	}
	c.runSeq[e.RunID] = e.Seq
}

func (c *chainCheck) delivery(n int, line []byte, tooLong bool) {
	var rec deliveryRecord
	if tooLong || json.Unmarshal(line, &rec) != nil {
		c.v.Warnings = append(c.v.Warnings, Warning{Line: n, Reason: "delivered: not a complete delivery record (torn by a crash?); skipped"})
		return
	}
	c.v.Deliveries++
	switch {
	case rec.DeliveryID == "" || len(rec.EventIDs) == 0:
		c.problem("delivered", n, "a delivery record without deliveryId or eventIds")
	case rec.Status < 200 || rec.Status > 299:
		c.problem("delivered", n, "records status %d: only a 2xx answer acknowledges", rec.Status)
	}
	for _, id := range rec.EventIDs {
		if _, ok := c.ids[id]; !ok {
			c.problem("delivered", n, "acknowledges event %s, which is not in the log: the log lost lines it had (truncated or deleted)", id)
			return
		}
	}
}

func count(n int64, what string) string {
	if n == 1 {
		return "1 " + what + " is"
	}
	return fmt.Sprintf("%d %ss are", n, what)
}
