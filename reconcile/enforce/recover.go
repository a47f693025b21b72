package enforce

import (
	"context"
	"fmt"

	"github.com/retainctl/retainctl/reconcile/audit"
	"github.com/retainctl/retainctl/reconcile/genesys"
)

// OpenJob is a recording job the audit log says this tool created and
// never saw end: a run that crashed may have left it running, holding one
// of the organisation's two job slots.
type OpenJob struct {
	ID, Policy, Action, RunID string
}

// OpenJobs reads the audit log's entries for jobs created with no
// fulfilled, failed or cancelled event after.
func OpenJobs(entries []audit.Entry) []OpenJob {
	var order []string
	open := map[string]OpenJob{}
	for _, e := range entries {
		ev := e.Event
		if ev.JobID == "" {
			continue
		}
		switch ev.Type {
		case audit.JobCreated:
			if _, seen := open[ev.JobID]; !seen {
				order = append(order, ev.JobID)
			}
			open[ev.JobID] = OpenJob{ID: ev.JobID, Policy: ev.Policy, Action: ev.Action, RunID: ev.RunID}
		case audit.JobFulfilled, audit.JobFailed, audit.JobCancelled:
			delete(open, ev.JobID)
		}
	}
	var out []OpenJob
	for _, id := range order {
		if j, ok := open[id]; ok {
			out = append(out, j)
		}
	}
	return out
}

// Recover settles the jobs an interrupted run left open: one still
// pending, ready or processing is cancelled (the next due run creates it
// again), one that ended meanwhile is recorded as it ended, one the
// organisation no longer has is recorded as gone. Each outcome is audited,
// so the log closes the job. Only jobs from this tool's own log are ever
// touched. It returns one line per job for the report.
func Recover(ctx context.Context, api JobAPI, rec Recorder, open []OpenJob) ([]string, error) {
	var notes []string
	for _, o := range open {
		e := audit.Event{JobID: o.ID, Policy: o.Policy, Action: o.Action}
		j, err := api.GetRecordingJob(ctx, o.ID)
		switch {
		case genesys.IsNotFound(err):
			e.Type, e.Outcome, e.Message = audit.JobFailed, audit.Failure, "left open by run "+o.RunID+"; the organisation no longer has it"
		case err != nil:
			return notes, fmt.Errorf("checking job %s, left open by run %s: %w", o.ID, o.RunID, err)
		case j.Terminal():
			e.Type, e.Outcome, e.Message = endType(j.State), audit.Success, "left open by run "+o.RunID+"; it ended "+j.State
		default:
			if err := api.CancelRecordingJob(ctx, o.ID); err != nil {
				return notes, fmt.Errorf("cancelling job %s, left %s by run %s: %w", o.ID, j.State, o.RunID, err)
			}
			e.Type, e.Outcome, e.Message = audit.JobCancelled, audit.Success, "left "+j.State+" by run "+o.RunID+"; cancelled, the next due run creates it again"
		}
		if rec != nil {
			if err := rec.Record(ctx, e); err != nil {
				return notes, fmt.Errorf("audit: %w", err)
			}
		}
		notes = append(notes, fmt.Sprintf("job %s (%s %s): %s", o.ID, o.Policy, o.Action, e.Message))
	}
	return notes, nil
}

func endType(state string) audit.Type {
	switch state {
	case genesys.JobFulfilled:
		return audit.JobFulfilled
	case genesys.JobCancelled:
		return audit.JobCancelled
	}
	return audit.JobFailed
}
