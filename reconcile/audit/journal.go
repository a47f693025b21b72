// The journal: Log, an append-only JSON-lines file where Record returns only
// once the event is masked and fsynced; Open and its options.

package audit

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"sync"
	"time"

	"github.com/google/uuid"

	"github.com/retainctl/retainctl/reconcile/redact"
)

// Log is an append-only JSON-lines audit log. Record returns only once the
// event is on disk (fsynced), so a step recorded before a crash is never lost.
// A Log is safe for concurrent use.
type Log struct {
	path  string
	runID string
	cfg   config

	mu      sync.Mutex // guards f writes, seq, chain, written, events, err
	f       *os.File
	seq     int64
	chain   anchor // where the next event joins the hash chain
	written int64  // lines written
	events  []Event
	err     error // sticky: once a write or sync fails, nothing more is recorded

	syncMu sync.Mutex // one fsync at a time; it covers every line written before it
	synced int64
}

type config struct {
	runID  string
	masker *redact.Masker
	ci     *CI
	ciSet  bool
	tool   string
	org    string
	now    func() time.Time
	warn   func(string)
}

// Option configures Open and StartSession.
type Option func(*config)

// withRunID sets the run id (default: a new UUID).
func withRunID(id string) Option { return func(c *config) { c.runID = id } }

// WithMasker sets the secrets masked in every event (default:
// redact.FromEnv(os.Getenv)). Share the CLI's masker so tokens added at run
// time are masked here too.
func WithMasker(m *redact.Masker) Option { return func(c *config) { c.masker = m } }

// WithCI sets the CI context stamped on events that carry none (default:
// CIFromEnv(os.Getenv)); nil stamps none.
func WithCI(ci *CI) Option { return func(c *config) { c.ci, c.ciSet = ci, true } }

// WithTool sets the tool and version stamped on every event, e.g. "retainctl v1.2.0".
func WithTool(tool string) Option { return func(c *config) { c.tool = tool } }

// WithOrg sets the organisation (API base URL or region) stamped on every event.
func WithOrg(org string) Option { return func(c *config) { c.org = org } }

// withClock sets the clock (tests).
func withClock(now func() time.Time) Option { return func(c *config) { c.now = now } }

// WithWarnings receives warnings such as a torn last line found on open.
func WithWarnings(warn func(string)) Option { return func(c *config) { c.warn = warn } }

// Open opens or creates the log at path, creating its directory. A last line
// torn by a crash mid-write is terminated so later events start on a line of
// their own; readers skip it with a warning.
func Open(path string, opts ...Option) (*Log, error) {
	cfg := config{now: time.Now, warn: func(string) {}}
	for _, o := range opts {
		o(&cfg)
	}
	if cfg.runID == "" {
		cfg.runID = uuid.NewString()
	}
	if cfg.masker == nil {
		cfg.masker = redact.FromEnv(os.Getenv)
	}
	if !cfg.ciSet {
		cfg.ci = CIFromEnv(os.Getenv)
	}
	f, err := openAppend(path)
	if err != nil {
		return nil, err
	}
	l := &Log{path: path, runID: cfg.runID, cfg: cfg, f: f}
	if err := l.repairTail(); err != nil {
		f.Close()
		return nil, err
	}
	if err := l.readAnchor(); err != nil {
		f.Close()
		return nil, err
	}
	return l, nil
}

func (l *Log) repairTail() error {
	repaired, err := terminateTail(l.f)
	if err != nil {
		return fmt.Errorf("audit log: repair torn last line of %s: %w", l.path, err)
	}
	if repaired {
		l.cfg.warn(fmt.Sprintf("audit log %s ended with an incomplete line (a crash mid-write?); it is kept and skipped when read", l.path))
	}
	return nil
}

// readAnchor reads the log from the start to find the event this run's
// first event chains to. One writer at a time: runs on one log must be
// serialised (GitHub Actions concurrency), as for delivery.
func (l *Log) readAnchor() error {
	st, err := l.f.Stat()
	if err != nil {
		return fmt.Errorf("audit log: %s: %w", l.path, err)
	}
	a, err := anchorOf(io.NewSectionReader(l.f, 0, st.Size()))
	if err != nil {
		return fmt.Errorf("audit log: read %s to continue its hash chain: %w", l.path, err)
	}
	l.chain = a
	return nil
}

// Path is the log file.
func (l *Log) Path() string { return l.path }

// RunID is the id stamped on every event of this run.
func (l *Log) RunID() string { return l.runID }

// Masker is the masker applied to events.
func (l *Log) Masker() *redact.Masker { return l.cfg.masker }

// Record stamps e (id, time, run id, sequence, tool, CI), masks secrets in
// every field, appends it as one JSON line and fsyncs before returning. An
// error means the event may not be durable: the caller must not go on with
// the step. After a write or sync error every later Record fails too.
func (l *Log) Record(ctx context.Context, e Event) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("audit log: %w", err)
	}
	e, err := l.prepare(e)
	if err != nil {
		return err
	}
	n, err := l.write(e)
	if err != nil {
		return err
	}
	return l.sync(n)
}

func (l *Log) prepare(e Event) (Event, error) {
	if e.Type == "" {
		return e, errors.New("audit log: event without a type")
	}
	if e.ID == "" {
		e.ID = uuid.NewString()
	}
	if e.Time.IsZero() {
		e.Time = l.cfg.now()
	}
	e.Time = e.Time.UTC()
	e.RunID = l.runID
	if e.Tool == "" {
		e.Tool = l.cfg.tool
	}
	if e.Org == "" {
		e.Org = l.cfg.org
	}
	if e.CI == nil && l.cfg.ci != nil {
		ci := *l.cfg.ci
		e.CI = &ci
	}
	return maskEvent(l.cfg.masker, e)
}

// write appends e under the lock and returns its line number in this session.
func (l *Log) write(e Event) (int64, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.err != nil {
		return 0, l.err
	}
	e.Seq = l.seq + 1
	e.LogSeq, e.PrevHash, e.Chain = l.chain.next, l.chain.prev, l.chain.chain
	if e.Chain == "" {
		e.Chain = e.ID // the first chained event names the chain
	}
	line, err := json.Marshal(e)
	if err != nil {
		return 0, fmt.Errorf("audit log: encode %s event: %w", e.Type, err)
	}
	if len(line) > MaxLine {
		return 0, fmt.Errorf("audit log: %s event is %d bytes, more than a line may hold (%d): not recorded", e.Type, len(line), MaxLine)
	}
	if _, err := l.f.Write(append(line, '\n')); err != nil {
		l.err = fmt.Errorf("audit log: write %s: %w (later steps cannot be recorded)", l.path, err)
		return 0, l.err
	}
	l.seq++
	l.chain = anchor{next: e.LogSeq + 1, prev: LineHash(line), chain: e.Chain}
	l.written++
	l.events = append(l.events, e)
	return l.written, nil
}

// sync makes line n durable. Concurrent callers share one fsync: whoever
// syncs covers every line written before it started (group commit).
func (l *Log) sync(n int64) error {
	l.syncMu.Lock()
	defer l.syncMu.Unlock()
	if l.synced >= n {
		return nil
	}
	l.mu.Lock()
	target, broken := l.written, l.err
	l.mu.Unlock()
	if broken != nil {
		return broken
	}
	if err := l.f.Sync(); err != nil {
		l.mu.Lock()
		l.err = fmt.Errorf("audit log: sync %s: %w (later steps cannot be recorded)", l.path, err)
		l.mu.Unlock()
		return err
	}
	l.synced = target
	return nil
}

// Events returns the events recorded by this Log, as written (masked), in
// order. Before and After hold json.RawMessage.
func (l *Log) Events() []Event {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]Event(nil), l.events...)
}

// Close closes the file. Every recorded event is already durable.
func (l *Log) Close() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.f == nil {
		return nil
	}
	err := l.f.Close()
	l.f = nil
	if l.err == nil {
		l.err = errors.New("audit log: closed")
	}
	return err
}
