package enforce

import (
	"github.com/retainctl/retainctl/reconcile/genesys"
	"github.com/retainctl/retainctl/reconcile/outcome"
)

// The report documents live in package outcome (pure, for rendering);
// these names keep them at hand here.
type (
	Outcome      = outcome.JobOutcome
	Result       = outcome.Job
	PolicyReport = outcome.Policy
	Totals       = outcome.Totals
	Report       = outcome.Enforce
	HoldKept     = outcome.HoldKept
	NotDue       = outcome.NotDue
)

// Job outcomes. Only Fulfilled and DryRun count as success.
const (
	Fulfilled   = outcome.JobFulfilled
	Failed      = outcome.JobFailed
	Cancelled   = outcome.JobCancelled
	DryRun      = outcome.JobDryRun
	TimedOut    = outcome.JobTimedOut
	Interrupted = outcome.JobInterrupted
	Errored     = outcome.JobErrored
	NotStarted  = outcome.JobNotStarted
)

// take copies what Genesys reported on j into r.
func take(r *Result, j genesys.RecordingJob) {
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

func totals(rs []Result) Totals { return outcome.TotalsOf(rs) }
