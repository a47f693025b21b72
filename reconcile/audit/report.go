// The run report: Report and buildReport, which sums up a run's events and
// request statistics.

package audit

import (
	"cmp"
	"slices"
	"time"
)

// Report sums up one run for reviewers and auditors. Rates are null when
// there was nothing to divide by (no changes, no creates).
type Report struct {
	RunID      string          `json:"runId"`
	Start      time.Time       `json:"start"`
	End        time.Time       `json:"end"`
	DurationMs float64         `json:"durationMs"`
	Events     map[Type]int    `json:"events"`   // totals per event type
	Outcomes   map[Outcome]int `json:"outcomes"` // totals per outcome
	Errors     int             `json:"errors"`   // "error" events
	Changes    ChangeStats     `json:"changes"`
	Conflicts  ConflictStats   `json:"conflicts"`
	Requests   RequestSummary  `json:"requests"`
	Jobs       JobStats        `json:"jobs"`
}

// ChangeStats counts policy changes (created, updated, deleted, adopted,
// renamed, overlap merged) by outcome.
type ChangeStats struct {
	Applied     int      `json:"applied"`
	Failed      int      `json:"failed"`
	Skipped     int      `json:"skipped"`
	DryRun      int      `json:"dryRun"`
	SuccessRate *float64 `json:"successRate"` // applied / (applied + failed)
}

// ConflictStats relates 409 conflicts resolved to creates attempted.
type ConflictStats struct {
	Creates  int      `json:"creates"`
	Resolved int      `json:"resolved"`
	Rate     *float64 `json:"rate"` // resolved / creates
}

// RequestSummary describes the HTTP attempts made to the Genesys API.
type RequestSummary struct {
	Total           int     `json:"total"`
	Failed          int     `json:"failed"`  // transport errors and 5xx
	Retries         int     `json:"retries"` // attempts after the first
	RateLimited     int     `json:"rateLimited"`
	RateLimitWaitMs float64 `json:"rateLimitWaitMs"`
	PaceWaitMs      float64 `json:"paceWaitMs"` // held back by the client's own rate limit, summed over requests
	AvgMs           float64 `json:"avgMs"`
	P50Ms           float64 `json:"p50Ms"`
	P95Ms           float64 `json:"p95Ms"`
	MaxMs           float64 `json:"maxMs"`
}

// JobStats describes recording bulk jobs, from job.created to their end.
type JobStats struct {
	Created   int           `json:"created"`
	Fulfilled int           `json:"fulfilled"`
	Failed    int           `json:"failed"`
	Cancelled int           `json:"cancelled"`
	AvgMs     float64       `json:"avgMs"` // over fulfilled jobs
	MaxMs     float64       `json:"maxMs"`
	Durations []JobDuration `json:"durations,omitempty"`
}

// JobDuration is one job's life from job.created to its final state.
type JobDuration struct {
	JobID      string  `json:"jobId"`
	Policy     string  `json:"policy,omitempty"`
	State      Type    `json:"state"` // job.fulfilled | job.failed | job.cancelled
	DurationMs float64 `json:"durationMs"`
}

// buildReport computes the report of run runID from its events and the
// Genesys request stats. It is pure: same input, same report.
func buildReport(runID string, events []Event, stats []RequestStat) Report {
	r := Report{RunID: runID, Events: map[Type]int{}, Outcomes: map[Outcome]int{}}
	for _, e := range events {
		r.count(e)
	}
	r.Changes.SuccessRate = ratio(r.Changes.Applied, r.Changes.Applied+r.Changes.Failed)
	r.Conflicts.Rate = ratio(r.Conflicts.Resolved, r.Conflicts.Creates)
	r.Jobs = jobStats(events)
	r.Requests = summarize(stats)
	return r
}

func (r *Report) count(e Event) {
	r.Events[e.Type]++
	if e.Outcome != "" {
		r.Outcomes[e.Outcome]++
	}
	if r.Start.IsZero() || e.Time.Before(r.Start) {
		r.Start = e.Time
	}
	if e.Time.After(r.End) {
		r.End = e.Time
	}
	r.DurationMs = ms(r.End.Sub(r.Start))
	switch e.Type {
	case Error:
		r.Errors++
	case ConflictResolved:
		r.Conflicts.Resolved++
	case ChangeStarted:
		if e.Action == "create" {
			r.Conflicts.Creates++
		}
	}
	if !e.Type.isChange() && !failedChange(e) {
		return
	}
	switch e.Outcome {
	case Success:
		r.Changes.Applied++
	case Failure:
		r.Changes.Failed++
	case Skipped:
		r.Changes.Skipped++
	case DryRun:
		r.Changes.DryRun++
	}
}

// failedChange reports whether e is the error event of a policy change
// (apply records a failed change as an error with the plan action).
func failedChange(e Event) bool {
	switch e.Action {
	case "create", "update", "adopt", "delete":
		return e.Type == Error
	}
	return false
}

func jobStats(events []Event) JobStats {
	var js JobStats
	created := map[string]Event{}
	var total float64
	var timed int
	for _, e := range events {
		switch e.Type {
		case JobCreated:
			js.Created++
			if e.JobID != "" {
				created[e.JobID] = e
			}
			continue
		case JobFulfilled:
			js.Fulfilled++
		case JobFailed:
			js.Failed++
		case JobCancelled:
			js.Cancelled++
		default:
			continue
		}
		start, ok := created[e.JobID]
		if !ok {
			continue
		}
		d := JobDuration{JobID: e.JobID, Policy: cmp.Or(e.Policy, start.Policy), State: e.Type, DurationMs: ms(e.Time.Sub(start.Time))}
		js.Durations = append(js.Durations, d)
		if e.Type == JobFulfilled {
			total += d.DurationMs
			timed++
			js.MaxMs = max(js.MaxMs, d.DurationMs)
		}
	}
	if timed > 0 {
		js.AvgMs = total / float64(timed)
	}
	return js
}

func summarize(stats []RequestStat) RequestSummary {
	s := RequestSummary{Total: len(stats)}
	if len(stats) == 0 {
		return s
	}
	lat := make([]time.Duration, 0, len(stats))
	var sum time.Duration
	for _, st := range stats {
		lat = append(lat, st.Latency)
		sum += st.Latency
		if st.Err != nil || st.Status >= 500 {
			s.Failed++
		}
		if st.Attempt > 1 {
			s.Retries++
		}
		s.PaceWaitMs += ms(st.PaceWait)
		if st.RateLimited || st.Status == 429 {
			s.RateLimited++
			s.RateLimitWaitMs += ms(st.RetryWait)
		}
	}
	slices.Sort(lat)
	s.AvgMs = ms(sum) / float64(len(lat))
	s.P50Ms = ms(percentile(lat, 50))
	s.P95Ms = ms(percentile(lat, 95))
	s.MaxMs = ms(lat[len(lat)-1])
	return s
}

// percentile is the nearest-rank percentile of sorted, non-empty values.
func percentile(sorted []time.Duration, p int) time.Duration {
	rank := (p*len(sorted) + 99) / 100 // ceil(p/100 * n)
	return sorted[max(rank, 1)-1]
}

func ratio(n, d int) *float64 {
	if d == 0 {
		return nil
	}
	r := float64(n) / float64(d)
	return &r
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
