package enforce

import (
	"context"
	"errors"
	"reflect"
	"testing"

	"github.com/retainctl/retainctl/reconcile/audit"
	"github.com/retainctl/retainctl/reconcile/audit/audittest"
	"github.com/retainctl/retainctl/reconcile/genesys"
	"github.com/retainctl/retainctl/reconcile/genesys/genesystest"
)

// A job is open from its creation until an event says it ended.
func TestOpenJobs(t *testing.T) {
	ev := func(typ audit.Type, job string) audit.Entry {
		return audit.Entry{Event: audit.Event{Type: typ, JobID: job, Policy: "P", Action: "DELETE", RunID: "r", Org: "https://api.example"}}
	}
	entries := []audit.Entry{
		ev(audit.JobCreated, "a"), ev(audit.JobCreated, "b"), ev(audit.JobReady, "b"), ev(audit.JobCreated, "c"),
		ev(audit.JobFulfilled, "a"), ev(audit.JobCancelled, "c"), ev(audit.EnforceFinished, ""),
	}
	elsewhere := ev(audit.JobCreated, "d")
	elsewhere.Event.Org = "simulated organisation (sim.json)"
	entries = append(entries, elsewhere)
	if got := OpenJobs(entries, "https://api.example"); !reflect.DeepEqual(got, []OpenJob{{ID: "b", Policy: "P", Action: "DELETE", RunID: "r"}}) {
		t.Errorf("open jobs %+v", got)
	}
}

// entriesOf reads recorded events back as the log would hold them.
func entriesOf(rec *audittest.Recorder) []audit.Entry {
	var out []audit.Entry
	for _, e := range rec.Events() {
		out = append(out, audit.Entry{Event: e})
	}
	return out
}

// A job whose cancel failed is still running in the organisation, so the
// log keeps it open for the next run to settle.
func TestAFailedCancelLeavesTheJobOpen(t *testing.T) {
	api := fakeJobs()
	api.CancelRecordingJobFunc = func(context.Context, string) error { return errors.New("503 service unavailable") }
	rec := &audittest.Recorder{}
	r := runner(api, rec)
	r.DryRun = true
	rep := r.Run(context.Background(), Plan{Jobs: []JobSpec{{Policy: "P", Action: genesys.JobDelete}}})
	if rep.Jobs[0].Outcome != Errored {
		t.Errorf("outcome %s", rep.Jobs[0].Outcome)
	}
	if open := OpenJobs(entriesOf(rec), ""); len(open) != 1 || open[0].ID != rep.Jobs[0].JobID {
		t.Errorf("open jobs %+v, want the job whose cancel failed", open)
	}
}

// Recovery goes on past a job it cannot check or cancel now, leaving it
// open in the log; a dry run cancels nothing and records nothing.
func TestRecoverLeavesOpenWhatItCannotSettle(t *testing.T) {
	states := map[string]string{"unreachable": "", "stuck": genesys.JobReady, "running": genesys.JobProcessing}
	var cancelled []string
	api := &genesystest.Fake{
		GetRecordingJobFunc: func(_ context.Context, id string) (genesys.RecordingJob, error) {
			if states[id] == "" {
				return genesys.RecordingJob{}, &genesys.APIError{Status: 503}
			}
			return genesys.RecordingJob{ID: id, State: states[id]}, nil
		},
		CancelRecordingJobFunc: func(_ context.Context, id string) error {
			if id == "stuck" {
				return &genesys.APIError{Status: 503}
			}
			cancelled = append(cancelled, id)
			return nil
		},
	}
	open := []OpenJob{{ID: "unreachable", RunID: "r1"}, {ID: "stuck", RunID: "r1"}, {ID: "running", RunID: "r1"}}
	for _, dry := range []bool{true, false} {
		cancelled = nil
		rec := &audittest.Recorder{}
		notes, err := Recover(context.Background(), api, rec, open, dry)
		if err != nil || len(notes) != 3 {
			t.Fatalf("dry run %v: %v %v", dry, err, notes)
		}
		still := OpenJobs(append(openEntries(open), entriesOf(rec)...), "")
		want := map[bool]int{true: 3, false: 2}[dry]
		if len(still) != want || (dry && len(cancelled) > 0) || (!dry && len(cancelled) != 1) {
			t.Errorf("dry run %v: still open %+v, cancelled %v, notes %v", dry, still, cancelled, notes)
		}
	}
}

func openEntries(open []OpenJob) []audit.Entry {
	var out []audit.Entry
	for _, o := range open {
		out = append(out, audit.Entry{Event: audit.Event{Type: audit.JobCreated, JobID: o.ID, RunID: o.RunID}})
	}
	return out
}
