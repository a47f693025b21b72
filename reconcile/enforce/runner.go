package enforce

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/retainctl/retainctl/reconcile/audit"
	"github.com/retainctl/retainctl/reconcile/genesys"
)

// MaxActiveJobs is the API's limit on recording jobs pending or processing
// per organisation.
const MaxActiveJobs = 2

// DefaultTimeout bounds a whole run.
const DefaultTimeout = 30 * time.Minute

// cleanupTimeout bounds the cancellation of jobs once the run is stopping.
const cleanupTimeout = 30 * time.Second

// JobAPI is the part of the Genesys client a run needs.
type JobAPI interface {
	CreateRecordingJob(ctx context.Context, q genesys.RecordingJobsQuery) (genesys.RecordingJob, error)
	GetRecordingJob(ctx context.Context, id string) (genesys.RecordingJob, error)
	ExecuteRecordingJob(ctx context.Context, id string) (genesys.RecordingJob, error)
	CancelRecordingJob(ctx context.Context, id string) error
	ListRecordingJobs(ctx context.Context, state string) ([]genesys.RecordingJob, error)
}

// Recorder takes the run's audit events; an error means the event may not
// be durable, so the step it records must not go on.
type Recorder interface {
	Record(ctx context.Context, e audit.Event) error
}

// errTimeout is the cause of a run stopped by Runner.Timeout.
var errTimeout = errors.New("enforce timeout")

// Runner runs a Plan's jobs. API is required; the rest have defaults. A
// Runner holds no state of its own runs: it may be reused, and may run
// several plans at once (give each its own Progress, which shows one run).
type Runner struct {
	API      JobAPI
	Audit    Recorder  // nil: no audit trail
	Progress *Progress // nil: silent
	DryRun   bool      // build the jobs, read their totals, cancel them
	Timeout  time.Duration

	PollInitial, PollMax time.Duration
	// Sleep waits between polls; tests inject one that returns at once.
	Sleep func(ctx context.Context, d time.Duration) error
	// Clock measures step latencies (default time.Now).
	Clock func() time.Time
}

// runState is what one Run learns as it goes. Keeping it out of Runner
// leaves a Runner only settings, so it can be reused and run several plans
// at once, each with its own audit latch and errors.
type runState struct {
	*Runner

	mu          sync.Mutex
	auditFailed bool     // an audit event failed: record refuses the rest
	errs        []string // run-level errors for the report
}

// Run creates, executes and follows the plan's jobs, never more than the
// organisation's free job slots at once, and reports each. When ctx ends or
// the timeout passes, the jobs this run created and that are still running
// are cancelled.
func (r *Runner) Run(ctx context.Context, pl Plan) Report {
	return (&runState{Runner: r}).run(ctx, pl)
}

func (r *runState) run(ctx context.Context, pl Plan) Report {
	rep := Report{Now: pl.Now, Horizon: pl.Horizon, DryRun: r.DryRun, Policies: pl.Policies, Jobs: make([]Result, len(pl.Jobs))}
	start := r.now()
	if err := r.record(ctx, audit.Event{Type: audit.EnforceStarted, Outcome: r.outcome(),
		After: map[string]any{"now": pl.Now, "dryRun": r.DryRun, "policies": pl.Policies, "jobs": len(pl.Jobs)}}); err != nil {
		return r.abort(rep, pl, fmt.Errorf("audit: %w; nothing was enforced", err))
	}
	slots, active, err := r.freeSlots(ctx)
	rep.ActiveJobs = active
	switch {
	case err != nil:
		rep = r.abort(rep, pl, err)
	case slots == 0 && len(pl.Jobs) > 0:
		rep = r.abort(rep, pl, fmt.Errorf("the organisation already has %d recording jobs pending, ready or processing (%s); "+
			"enforce needs a free slot: let them finish or cancel them (DELETE /api/v2/recording/jobs/{id})", len(active), strings.Join(active, ", ")))
	default:
		specs := pl.Jobs
		if r.DryRun {
			specs = append(slices.Clone(pl.Jobs), countJobs(pl.Counts)...)
		}
		all := r.runAll(ctx, specs, slots)
		rep.Jobs = all[:len(pl.Jobs)]
		if r.DryRun {
			rep.Holds = r.held(rep.Jobs, pl.Counts, all[len(pl.Jobs):])
		}
	}
	if r.DryRun {
		rep.HoldsNote = pl.Uncounted
	}
	rep.Totals = totals(rep.Jobs)
	_ = r.record(ctx, audit.Event{Type: audit.EnforceFinished, Outcome: r.outcomeOf(rep),
		LatencyMs: ms(r.now().Sub(start)), After: rep.Totals})
	rep.Errors = append(rep.Errors, r.errs...)
	return rep
}

// abort ends a run that cannot start: every job is reported not started.
func (r *runState) abort(rep Report, pl Plan, err error) Report {
	for i, s := range pl.Jobs {
		rep.Jobs[i] = Result{Policy: s.Policy, Action: s.Action, Interval: interval(s), Outcome: NotStarted, Error: "not started: " + err.Error()}
	}
	r.fail(err)
	_ = r.record(context.Background(), audit.Event{Type: audit.Error, Outcome: audit.Failure, Error: err.Error()})
	return rep
}

// freeSlots counts the org's jobs that hold a slot now (this tool's or
// anyone's) and returns how many this run may use.
func (r *Runner) freeSlots(ctx context.Context) (int, []string, error) {
	var active []string
	for _, st := range []string{genesys.JobPending, genesys.JobReady, genesys.JobProcessing} {
		js, err := r.API.ListRecordingJobs(ctx, st)
		if err != nil {
			return 0, nil, fmt.Errorf("listing %s recording jobs: %w", st, err)
		}
		for _, j := range js {
			active = append(active, j.ID)
		}
	}
	return max(0, MaxActiveJobs-len(active)), active, nil
}

// runAll runs the jobs with at most slots in flight.
func (r *runState) runAll(parent context.Context, specs []JobSpec, slots int) []Result {
	ctx, cancel := context.WithTimeoutCause(parent, cmpOr(r.Timeout, DefaultTimeout), errTimeout)
	defer cancel()
	r.Progress.start(specs)
	defer r.Progress.finish()
	sem := make(chan struct{}, slots)
	out := make([]Result, len(specs))
	var wg sync.WaitGroup
	for i, s := range specs {
		wg.Go(func() {
			select {
			case sem <- struct{}{}:
			case <-ctx.Done():
				out[i] = Result{Policy: s.Policy, Action: s.Action, Interval: interval(s), Outcome: NotStarted, Error: "not started: " + stopReason(ctx)}
				r.Progress.update(i, "", 0, true)
				return
			}
			var keep bool
			out[i], keep = r.runJob(ctx, i, s)
			r.Progress.update(i, out[i].State, 100, true)
			if !keep {
				<-sem
			}
		})
	}
	wg.Wait()
	return out
}

// runJob takes one job from creation to its end. keepSlot is true when a
// job may exist that this run could not follow (create outcome unknown):
// its slot stays taken, so the run never exceeds the org's limit.
func (r *runState) runJob(ctx context.Context, i int, s JobSpec) (res Result, keepSlot bool) {
	res = Result{Policy: s.Policy, Action: s.Action, Interval: interval(s)}
	start := r.now()
	defer func() { res.Duration = r.now().Sub(start); res.DurationMs = ms(res.Duration) }()
	ev := func(t audit.Type, o audit.Outcome) audit.Event {
		return audit.Event{Type: t, Policy: s.Policy, JobID: res.JobID, Action: s.Action, Outcome: o}
	}

	j, err := r.create(ctx, s)
	if err != nil {
		res.Outcome, res.Error = r.stopped(ctx, Errored), "create: "+err.Error()
		if errors.Is(err, genesys.ErrOutcomeUnknown) { // the POST may have made a job
			res.Error += "; the job may exist: check GET /api/v2/recording/jobs?state=PENDING and cancel it if so (it was not retried)"
			keepSlot = true
		}
		e := ev(audit.Error, audit.Failure)
		e.Error, e.After = res.Error, s.Query
		r.fail(r.record(ctx, e))
		return res, keepSlot
	}
	take(&res, j)
	e := ev(audit.JobCreated, r.outcome())
	e.After, e.LatencyMs = s.Query, ms(r.now().Sub(start))
	if err := r.record(ctx, e); err != nil {
		return r.cancel(ctx, res, Errored, "audit: "+err.Error()), false
	}

	seen := func(j genesys.RecordingJob) { take(&res, j); r.Progress.update(i, j.State, j.PercentProgress, false) }
	step := r.now()
	j, err = r.await(ctx, res.JobID, func(j genesys.RecordingJob) bool { return j.State == genesys.JobReady }, seen)
	if err != nil {
		return r.cancel(ctx, res, Errored, err.Error()), false
	}
	if j.Terminal() {
		return r.finish(ctx, res, ev, step), false
	}
	e = ev(audit.JobReady, r.outcome())
	e.After, e.LatencyMs = totalsOf(res), ms(r.now().Sub(step))
	if err := r.record(ctx, e); err != nil {
		return r.cancel(ctx, res, Errored, "audit: "+err.Error()), false
	}
	if r.DryRun {
		return r.cancel(ctx, res, DryRun, ""), false
	}

	step = r.now()
	if j, err = r.API.ExecuteRecordingJob(ctx, res.JobID); err != nil {
		return r.cancel(ctx, res, Errored, "execute: "+err.Error()), false
	}
	take(&res, j)
	e = ev(audit.JobExecuted, audit.Success)
	e.LatencyMs = ms(r.now().Sub(step))
	r.fail(r.record(ctx, e)) // the job runs already: note the gap, follow it anyway
	step = r.now()
	if _, err = r.await(ctx, res.JobID, func(genesys.RecordingJob) bool { return false }, seen); err != nil {
		return r.cancel(ctx, res, Errored, err.Error()), false
	}
	return r.finish(ctx, res, ev, step), false
}

// finish reports a job that reached a terminal state.
func (r *runState) finish(ctx context.Context, res Result, ev func(audit.Type, audit.Outcome) audit.Event, step time.Time) Result {
	var e audit.Event
	switch res.State {
	case genesys.JobFulfilled:
		res.Outcome, e = Fulfilled, ev(audit.JobFulfilled, audit.Success)
	case genesys.JobFailed:
		res.Outcome, e = Failed, ev(audit.JobFailed, audit.Failure)
		res.Error = cmpOrStr(res.Error, "the job failed without an error message")
	default:
		res.Outcome, e = Cancelled, ev(audit.JobCancelled, audit.Failure)
		res.Error = cmpOrStr(res.Error, "the job was cancelled outside this run")
	}
	e.After, e.LatencyMs, e.Error = totalsOf(res), ms(r.now().Sub(step)), res.Error
	r.fail(r.record(ctx, e))
	return res
}

// cancel cancels the job this run created (it is not terminal) and reports
// it with outcome, or as timed out or interrupted when the run is stopping.
func (r *runState) cancel(ctx context.Context, res Result, outcome Outcome, why string) Result {
	res.Outcome = r.stopped(ctx, outcome)
	if res.Outcome != outcome {
		why = stopReason(ctx)
	}
	cctx, done := context.WithTimeout(context.WithoutCancel(ctx), cleanupTimeout)
	defer done()
	err := r.API.CancelRecordingJob(cctx, res.JobID)
	if err == nil {
		res.State = genesys.JobCancelled
	} else if j, gerr := r.API.GetRecordingJob(cctx, res.JobID); gerr == nil && j.Terminal() {
		take(&res, j) // it ended on its own meanwhile
		err = nil
	}
	o := audit.Failure
	switch {
	case res.Outcome == DryRun && err != nil:
		res.Outcome = Errored // a dry-run job left behind is not a clean dry run
	case res.Outcome == DryRun:
		o = audit.DryRun
	}
	res.Error = joinNonEmpty(why, errText("cancel", err))
	// A cancel that failed leaves the job open, and the log must say so: an
	// error event, not job.cancelled, so that the next run settles the job.
	typ := audit.JobCancelled
	if err != nil {
		typ = audit.Error
	}
	r.fail(r.record(ctx, audit.Event{Type: typ, Policy: res.Policy, JobID: res.JobID, Action: res.Action,
		Outcome: o, After: totalsOf(res), Message: why, Error: errText("cancel", err)}))
	return res
}

// stopped turns outcome into TimedOut or Interrupted when the run is stopping.
func (r *Runner) stopped(ctx context.Context, outcome Outcome) Outcome {
	if ctx.Err() == nil {
		return outcome
	}
	if errors.Is(context.Cause(ctx), errTimeout) {
		return TimedOut
	}
	return Interrupted
}

func stopReason(ctx context.Context) string {
	if errors.Is(context.Cause(ctx), errTimeout) {
		return "the run's --timeout passed"
	}
	return "the run was interrupted"
}

// record sends e to the audit recorder. Once recording has failed, nothing
// more is attempted (the trail would have a hole).
func (r *runState) record(ctx context.Context, e audit.Event) error {
	if r.Audit == nil {
		return nil
	}
	r.mu.Lock()
	failed := r.auditFailed
	r.mu.Unlock()
	if failed {
		return errors.New("audit log unavailable after an earlier failure")
	}
	// Events of a stopping run must still be written: hence WithoutCancel.
	if err := r.Audit.Record(context.WithoutCancel(ctx), e); err != nil {
		r.mu.Lock()
		r.auditFailed = true
		r.mu.Unlock()
		return fmt.Errorf("recording %s: %w", e.Type, err)
	}
	return nil
}

// fail notes a run-level error (nil is ignored).
func (r *runState) fail(err error) {
	if err == nil {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.errs = append(r.errs, err.Error())
}

func (r *Runner) outcome() audit.Outcome {
	if r.DryRun {
		return audit.DryRun
	}
	return audit.Success
}

func (r *runState) outcomeOf(rep Report) audit.Outcome {
	if rep.Totals.Unsuccessful > 0 || len(r.errs) > 0 {
		return audit.Failure
	}
	return r.outcome()
}

func (r *Runner) now() time.Time {
	if r.Clock != nil {
		return r.Clock()
	}
	return time.Now()
}

func totalsOf(r Result) map[string]any {
	return map[string]any{"state": r.State, "conversations": r.Conversations, "recordings": r.Recordings,
		"processed": r.Processed, "failed": r.Failed, "skipped": r.Skipped}
}

func interval(s JobSpec) string {
	if s.Query.ConversationQuery == nil {
		return ""
	}
	return s.Query.ConversationQuery.Interval
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

func errText(what string, err error) string {
	if err == nil {
		return ""
	}
	return what + ": " + err.Error()
}

func joinNonEmpty(a, b string) string {
	switch {
	case a == "":
		return b
	case b == "":
		return a
	}
	return a + "; " + b
}

func cmpOrStr(s, def string) string {
	if s != "" {
		return s
	}
	return def
}
