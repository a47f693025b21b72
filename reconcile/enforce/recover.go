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

// OpenJobs reads the audit log's entries for jobs created in org with no
// fulfilled, failed or cancelled event after. A log shared by runs against
// several organisations (a simulator, another region) holds jobs that only
// their own organisation can answer for, so the others are left out.
func OpenJobs(entries []audit.Entry, org string) []OpenJob {
	var order []string
	open := map[string]OpenJob{}
	for _, e := range entries {
		ev := e.Event
		if ev.JobID == "" || ev.Org != org {
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
// so the log closes the job; a job that cannot be checked or cancelled now
// stays open for the next run, and this run goes on. A dry run changes
// nothing: it only says what a real run would settle. Only jobs from this
// tool's own log are ever touched. It returns one line per job for the
// report, and an error only when the audit log cannot be written.
func Recover(ctx context.Context, api JobAPI, rec Recorder, open []OpenJob, dryRun bool) ([]string, error) {
	var notes []string
	for _, o := range open {
		e, settled := settle(ctx, api, o, dryRun)
		notes = append(notes, fmt.Sprintf("job %s (%s %s): %s", o.ID, o.Policy, o.Action, e.Message))
		if !settled || rec == nil {
			continue
		}
		if err := rec.Record(ctx, e); err != nil {
			return notes, fmt.Errorf("audit: %w", err)
		}
	}
	return notes, nil
}

// settle finds out what became of one open job and, unless dryRun, ends it;
// settled is false when the log must keep it open.
func settle(ctx context.Context, api JobAPI, o OpenJob, dryRun bool) (e audit.Event, settled bool) {
	e = audit.Event{JobID: o.ID, Policy: o.Policy, Action: o.Action}
	by := "left open by run " + o.RunID
	j, err := api.GetRecordingJob(ctx, o.ID)
	switch {
	case genesys.IsNotFound(err):
		e.Type, e.Outcome, e.Message = audit.JobFailed, audit.Failure, by+"; the organisation no longer has it"
	case err != nil:
		e.Message = fmt.Sprintf("%s; checking it failed (%v): it stays open for the next run", by, err)
		return e, false
	case j.Terminal():
		e.Type, e.Outcome, e.Message = endType(j.State), audit.Success, by+"; it ended "+j.State
	case dryRun:
		e.Message = fmt.Sprintf("left %s by run %s; a run that is not a dry run cancels it", j.State, o.RunID)
		return e, false
	default:
		if err := api.CancelRecordingJob(ctx, o.ID); err != nil {
			e.Message = fmt.Sprintf("left %s by run %s; cancelling it failed (%v): it stays open for the next run", j.State, o.RunID, err)
			return e, false
		}
		e.Type, e.Outcome, e.Message = audit.JobCancelled, audit.Success, "left "+j.State+" by run "+o.RunID+"; cancelled, the next due run creates it again"
	}
	if dryRun {
		e.Message += " (dry run: not recorded)"
		return e, false
	}
	return e, true
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
