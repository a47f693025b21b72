package enforce

import (
	"time"

	"github.com/retainctl/retainctl/reconcile/genesys"
)

// Outcome is how one job of the run ended.
type Outcome string

// Outcomes. Only Fulfilled and DryRun count as success.
const (
	Fulfilled   Outcome = "fulfilled"
	Failed      Outcome = "failed"      // the job ended FAILED
	Cancelled   Outcome = "cancelled"   // the job ended CANCELLED by someone else
	DryRun      Outcome = "dry-run"     // READY, totals read, cancelled on purpose
	TimedOut    Outcome = "timed-out"   // --timeout passed; the job was cancelled
	Interrupted Outcome = "interrupted" // the run was stopped; the job was cancelled
	Errored     Outcome = "error"       // an API call failed; see Error
	NotStarted  Outcome = "not-started" // never created (no free job slot before the end)
)

// Result is one job's end.
type Result struct {
	Policy        string        `json:"policy"`
	Action        string        `json:"action"`
	Interval      string        `json:"interval"`
	JobID         string        `json:"jobId,omitempty"`
	State         string        `json:"state,omitempty"` // last state Genesys reported
	Outcome       Outcome       `json:"outcome"`
	Conversations int           `json:"conversations"`
	Recordings    int           `json:"recordings"`
	Processed     int           `json:"processed"`
	Failed        int           `json:"failed"`
	Skipped       int           `json:"skipped"`
	Error         string        `json:"error,omitempty"`
	Duration      time.Duration `json:"-"`
	DurationMs    float64       `json:"durationMs"`
}

// OK reports whether the job did what the run asked.
func (r Result) OK() bool { return r.Outcome == Fulfilled || r.Outcome == DryRun }

func (r *Result) take(j genesys.RecordingJob) {
	if j.ID != "" {
		r.JobID = j.ID
	}
	r.State = j.State
	r.Conversations, r.Recordings = j.TotalConversations, j.TotalRecordings
	r.Processed, r.Failed, r.Skipped = j.TotalProcessedRecordings, j.TotalFailedRecordings, j.TotalSkippedRecordings
	if j.ErrorMessage != "" {
		r.Error = j.ErrorMessage
	}
}

// Totals sums the run's jobs.
type Totals struct {
	Jobs          int `json:"jobs"`
	Succeeded     int `json:"succeeded"`
	Unsuccessful  int `json:"unsuccessful"`
	Conversations int `json:"conversations"`
	Recordings    int `json:"recordings"`
	Processed     int `json:"processed"`
	Failed        int `json:"failed"`
	Skipped       int `json:"skipped"`
}

// Report is the outcome of a run (`retainctl enforce --format json`).
type Report struct {
	Now        time.Time      `json:"now"`
	Horizon    time.Time      `json:"horizon"` // the oldest conversation a job reaches
	DryRun     bool           `json:"dryRun"`
	Policies   []PolicyReport `json:"policies"`
	Jobs       []Result       `json:"jobs"`
	Totals     Totals         `json:"totals"`
	ActiveJobs []string       `json:"activeJobsAtStart,omitempty"` // other jobs holding org slots
	Errors     []string       `json:"errors,omitempty"`            // run-level problems (audit, listing)
}

// OK reports whether every job succeeded and the run had no error.
func (r Report) OK() bool { return len(r.Errors) == 0 && r.Totals.Unsuccessful == 0 }

func totals(rs []Result) Totals {
	t := Totals{Jobs: len(rs)}
	for _, r := range rs {
		if r.OK() {
			t.Succeeded++
		} else {
			t.Unsuccessful++
		}
		t.Conversations += r.Conversations
		t.Recordings += r.Recordings
		t.Processed += r.Processed
		t.Failed += r.Failed
		t.Skipped += r.Skipped
	}
	return t
}
