// Session: the journal, the request statistics and the webhook of one apply
// or enforce run, from StartSession to Finish.

package audit

import (
	"context"
	"fmt"
	"io"
)

// Session is the audit side of one apply or enforce run: the durable log,
// the request statistics for the report, and the webhook, if configured.
type Session struct {
	log   *Log
	stats requestStats
	hook  *Deliverer // nil when no webhook is configured
	warn  io.Writer
}

// StartSession opens the log at path and first delivers what earlier runs
// left pending, so a webhook outage is healed by the next run. hook may be
// nil; warn receives the notes a run prints on the side.
func StartSession(ctx context.Context, path string, hook *Deliverer, warn io.Writer, opts ...Option) (*Session, error) {
	opts = append(opts, WithWarnings(func(msg string) { fmt.Fprintln(warn, "retainctl: audit:", msg) }))
	l, err := Open(path, opts...)
	if err != nil {
		return nil, fmt.Errorf("opening the audit log %s: %w", path, err)
	}
	s := &Session{log: l, hook: hook, warn: warn}
	if hook != nil {
		if res, err := hook.Flush(ctx, l.Path(), l.RunID(), nil); err != nil {
			fmt.Fprintf(warn, "retainctl: audit webhook: %v (%d events pending; they are sent later)\n", err, res.Pending)
		} else if res.Delivered > 0 {
			fmt.Fprintf(warn, "retainctl: audit webhook: delivered %d events left pending by earlier runs\n", res.Delivered)
		}
	}
	return s, nil
}

// RecordRequest adds one API attempt to the run's statistics.
func (s *Session) RecordRequest(r RequestStat) { s.stats.add(r) }

// Record appends an event durably.
func (s *Session) Record(ctx context.Context, e Event) error { return s.log.Record(ctx, e) }

// Finish prints and saves the run's report and ships the events. It
// returns the report and how many events still wait for the webhook.
func (s *Session) Finish(ctx context.Context) (rep Report, pending int, err error) {
	defer s.log.Close()
	runID := s.log.RunID()
	rep = buildReport(runID, s.log.Events(), s.stats.snapshot())
	if err := rep.WriteText(s.warn); err != nil {
		return rep, 0, err
	}
	if err := writeReportFile(reportPath(s.log.Path(), runID), rep, s.log.Masker()); err != nil {
		return rep, 0, err
	}
	if s.hook == nil {
		fmt.Fprintf(s.warn, "retainctl: audit events are in %s (no %s set)\n", s.log.Path(), EnvWebhookURL)
		return rep, 0, nil
	}
	res, err := s.hook.Flush(ctx, s.log.Path(), runID, &rep)
	fmt.Fprintf(s.warn, "retainctl: audit webhook: %d events delivered, %d pending\n", res.Delivered, res.Pending)
	if err != nil {
		fmt.Fprintf(s.warn, "retainctl: audit webhook: %v: run `retainctl audit flush` once the receiver is back\n", err)
	}
	return rep, res.Pending, nil
}
