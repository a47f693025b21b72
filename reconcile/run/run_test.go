package run_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/retainctl/retainctl/reconcile/audit"
	"github.com/retainctl/retainctl/reconcile/audit/audittest"
	"github.com/retainctl/retainctl/reconcile/enforce"
	"github.com/retainctl/retainctl/reconcile/genesys"
	"github.com/retainctl/retainctl/reconcile/genesys/genesystest"
	"github.com/retainctl/retainctl/reconcile/mapping"
	"github.com/retainctl/retainctl/reconcile/plan"
	"github.com/retainctl/retainctl/reconcile/policy"
	"github.com/retainctl/retainctl/reconcile/run"
	"github.com/retainctl/retainctl/reconcile/validate"
)

func repoOf(ps ...policy.Policy) policy.Repo {
	return policy.Repo{Policies: ps, Settings: policy.DefaultSettings()}
}

// live returns ps as the organisation holds them, managed, with ids.
func live(ps ...policy.Policy) []genesys.Policy {
	out := make([]genesys.Policy, len(ps))
	for i, p := range ps {
		out[i] = mapping.ToAPI(p, nil)
		out[i].ID = "id-" + p.Name
	}
	return out
}

func listing(ps []genesys.Policy) func(context.Context) ([]genesys.Policy, error) {
	return func(context.Context) ([]genesys.Policy, error) { return ps, nil }
}

type approverFunc func(context.Context, plan.Plan) error

func (f approverFunc) Approve(ctx context.Context, p plan.Plan) error { return f(ctx, p) }

var calls = policy.Policy{Name: "Calls", ObjectType: "call", RetentionPeriod: 90}

// A plan the organisation no longer produces is refused before any change,
// and the refusal is in the audit trail.
func TestApplyRefusesAStalePlan(t *testing.T) {
	reviewed, err := plan.Build([]policy.Policy{calls}, nil, policy.DefaultSettings())
	if err != nil {
		t.Fatal(err)
	}
	moved := calls
	moved.RetentionPeriod = 30
	org := &genesystest.Fake{ListPoliciesFunc: listing(live(moved))} // no write is expected
	rec := &audittest.Recorder{}
	_, err = run.Apply(context.Background(), org, run.ApplyRequest{Repo: repoOf(calls), File: &reviewed, Audit: rec})
	var refused *run.Refused
	var stale *plan.StaleError
	if !errors.As(err, &refused) || !errors.As(err, &stale) || !strings.Contains(err.Error(), "Calls") {
		t.Fatalf("err = %v, want a stale refusal naming the policy", err)
	}
	if evs := rec.Events(); len(evs) != 1 || evs[0].Message != "apply refused" {
		t.Errorf("events %+v", evs)
	}
}

// A live field retainctl has no model for blocks an apply that would
// overwrite it: planned afresh, or reviewed before the field appeared (the
// fingerprint is unchanged, so only judging the live findings again sees it).
func TestApplyRefusesWhatTheLiveFindingsBlock(t *testing.T) {
	want := calls
	want.RetentionPeriod = 120
	reviewed, err := plan.Build([]policy.Policy{want}, live(calls), policy.DefaultSettings())
	if err != nil {
		t.Fatal(err)
	}
	now := live(calls)
	now[0].Unknown = []string{"mediaPolicies.callPolicy.conditions.futureField"}
	org := &genesystest.Fake{ListPoliciesFunc: listing(now)} // no write is expected
	for name, file := range map[string]*plan.Plan{"fresh plan": nil, "reviewed plan": &reviewed} {
		_, err := run.Apply(context.Background(), org, run.ApplyRequest{Repo: repoOf(want), File: file, Audit: &audittest.Recorder{}})
		var refused *run.Refused
		if !errors.As(err, &refused) || !strings.Contains(err.Error(), "live.unknown-fields") {
			t.Errorf("%s: err = %v, want a refusal naming live.unknown-fields", name, err)
		}
	}
}

// The approver has the last word; what it approves is applied, bracketed
// by start and finish events carrying the plan's fingerprint.
func TestApplyAsksTheApprover(t *testing.T) {
	var created []string
	org := &genesystest.Fake{
		ListPoliciesFunc: listing(nil),
		CreatePolicyFunc: func(_ context.Context, p genesys.Policy) (genesys.Policy, error) {
			created = append(created, p.Name)
			p.ID = "new"
			return p, nil
		},
	}
	no := approverFunc(func(context.Context, plan.Plan) error { return errors.New("not the approved plan") })
	rec := &audittest.Recorder{}
	if _, err := run.Apply(context.Background(), org, run.ApplyRequest{Repo: repoOf(calls), Approver: no, Audit: rec}); err == nil || len(created) > 0 {
		t.Fatalf("a rejected plan was applied: %v, created %v", err, created)
	}
	var seen string
	yes := approverFunc(func(_ context.Context, p plan.Plan) error { seen = p.Fingerprint; return nil })
	org.ListPoliciesFunc = func(context.Context) ([]genesys.Policy, error) {
		if len(created) > 0 { // the verification after apply
			return live(calls), nil
		}
		return nil, nil
	}
	rec = &audittest.Recorder{}
	got, err := run.Apply(context.Background(), org, run.ApplyRequest{Repo: repoOf(calls), Approver: yes, Audit: rec})
	if err != nil || !got.Result.OK() || len(created) != 1 || seen != got.Plan.Fingerprint {
		t.Fatalf("apply: %v %+v, created %v", err, got.Result, created)
	}
	started, finished := rec.OfType(audit.ApplyStarted), rec.OfType(audit.ApplyFinished)
	if len(started) != 1 || len(finished) != 1 || started[0].PlanFingerprint != seen || finished[0].Outcome != audit.Success {
		t.Errorf("events %v", rec.Types())
	}
}

// jobs is a fake job API: each job is READY when first read, FULFILLED
// once executed.
type jobs struct {
	mu      sync.Mutex
	queries []genesys.RecordingJobsQuery
	done    map[string]bool
}

func (j *jobs) fake(org *genesystest.Fake) {
	j.done = map[string]bool{}
	org.ListRecordingJobsFunc = func(context.Context, string) ([]genesys.RecordingJob, error) { return nil, nil }
	org.CreateRecordingJobFunc = func(_ context.Context, q genesys.RecordingJobsQuery) (genesys.RecordingJob, error) {
		j.mu.Lock()
		defer j.mu.Unlock()
		j.queries = append(j.queries, q)
		return genesys.RecordingJob{ID: q.Action + "-" + q.ConversationQuery.Interval, State: genesys.JobPending}, nil
	}
	org.GetRecordingJobFunc = func(_ context.Context, id string) (genesys.RecordingJob, error) {
		j.mu.Lock()
		defer j.mu.Unlock()
		if j.done[id] {
			return genesys.RecordingJob{ID: id, State: genesys.JobFulfilled}, nil
		}
		return genesys.RecordingJob{ID: id, State: genesys.JobReady}, nil
	}
	org.ExecuteRecordingJobFunc = func(_ context.Context, id string) (genesys.RecordingJob, error) {
		j.mu.Lock()
		defer j.mu.Unlock()
		j.done[id] = true
		return genesys.RecordingJob{ID: id, State: genesys.JobProcessing}, nil
	}
}

func runner(org *genesystest.Fake) *enforce.Runner {
	return &enforce.Runner{API: org, Sleep: func(ctx context.Context, _ time.Duration) error { return ctx.Err() }, Timeout: time.Minute}
}

var noon = time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC)

// Enforce builds each job from the live policy, and a live policy whose
// coverage no job can select gets none: the organisation deletes by what
// it has, never by what the YAML says.
func TestEnforceFollowsTheLivePolicy(t *testing.T) {
	daily := &policy.Schedule{Frequency: enforce.Daily}
	queue := policy.Policy{Name: "Queue", ObjectType: "chat", RetentionPeriod: 30, Schedule: daily,
		Filters: []policy.Filter{{Attribute: "queue", Operator: "EQ", Value: "5b7b5a0e-0d4e-4c2b-9a51-4a1f2c3d4e01"}}}
	slots := policy.Policy{Name: "Slots", ObjectType: "call", RetentionPeriod: 30, Schedule: daily,
		TimeAllowed: &policy.TimeAllowed{Slots: []policy.TimeSlot{{Day: "MONDAY", Start: "08:00", Stop: "09:00"}}}}
	org := &genesystest.Fake{ListPoliciesFunc: listing(live(queue, slots))}
	var j jobs
	j.fake(org)
	repo := repoOf(queue, slots)
	at := run.When{Now: noon, Horizon: enforce.Horizon(noon), Replay: true}
	sel, err := run.Select(repo, at, "", nil)
	if err != nil || len(sel) != 2 {
		t.Fatalf("%v %+v", err, sel)
	}
	rep, err := run.Enforce(context.Background(), org, repo, sel, at, runner(org), nil)
	if err != nil || !rep.OK() {
		t.Fatalf("%v %+v", err, rep)
	}
	if len(j.queries) != 1 || !strings.Contains(string(must(t, j.queries[0])), `"queueId"`) {
		t.Fatalf("jobs %+v", j.queries)
	}
	if rep.Policies[1].Name != "Slots" || !strings.Contains(rep.Policies[1].Refused, "time of day") {
		t.Errorf("policies %+v", rep.Policies)
	}
}

func must(t *testing.T, q genesys.RecordingJobsQuery) []byte {
	t.Helper()
	b, err := json.Marshal(q)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

type history map[string]time.Time

func (h history) LastRuns() (map[string]time.Time, error) { return h, nil }

func (history) OpenJobs() ([]enforce.OpenJob, error) { return nil, nil }

// A scheduled run no enforcement completed is caught up; a replay at an
// explicit --now follows the schedule alone.
func TestSelectCatchesUp(t *testing.T) {
	weekly := policy.Policy{Name: "Weekly", ObjectType: "call", RetentionPeriod: 30,
		Schedule: &policy.Schedule{Frequency: enforce.Weekly, DayOfWeek: "FRIDAY"}}
	repo := repoOf(weekly)
	long := history{"Weekly": noon.AddDate(0, 0, -30)}
	sel, err := run.Select(repo, run.When{Now: noon}, "", long)
	if err != nil || len(sel) != 1 || sel[0].Missed.IsZero() {
		t.Fatalf("%v %+v", err, sel)
	}
	if sel, err := run.Select(repo, run.When{Now: noon, Replay: true}, "", long); err != nil || len(sel) != 0 {
		t.Errorf("a replay caught up: %v %+v", err, sel)
	}
}

// Export leaves out, with the reason, a policy whose YAML the rules refuse.
func TestExportSkipsWhatDoesNotValidate(t *testing.T) {
	v, err := validate.New(context.Background(), "")
	if err != nil {
		t.Fatal(err)
	}
	short := policy.Policy{Name: "Three days", ObjectType: "call", RetentionPeriod: 3}
	org := &genesystest.Fake{ListPoliciesFunc: listing(live(calls, short))}
	dir := filepath.Join(t.TempDir(), "out")
	got, err := run.Export(context.Background(), org, v, dir, noMask)
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Skipped) != 1 || got.Skipped[0].Name != "Three days" || !strings.Contains(got.Skipped[0].Reason, "tier minimum") {
		t.Errorf("skipped %+v", got.Skipped)
	}
	if _, err := os.Stat(filepath.Join(dir, "calls.yaml")); err != nil {
		t.Error(err)
	}
	if _, err := run.Export(context.Background(), org, v, dir, noMask); !errors.Is(err, run.ErrExists) {
		t.Errorf("a second export into the same directory: %v", err)
	}
}

// A replay in the future is refused unless it is a dry run; a replay in
// the past keeps the horizon of the platform's clock.
func TestAt(t *testing.T) {
	past, future := noon.AddDate(0, -1, 0), noon.AddDate(0, 1, 0)
	if _, err := run.At(noon, &future, false); !errors.Is(err, run.ErrFutureReplay) {
		t.Errorf("a future replay: %v", err)
	}
	if at, err := run.At(noon, &future, true); err != nil || !at.Replay || !at.Now.Equal(future) || !at.Horizon.Equal(enforce.Horizon(future)) {
		t.Errorf("a future dry run: %+v %v", at, err)
	}
	if at, err := run.At(noon, &past, false); err != nil || !at.Now.Equal(past) || !at.Horizon.Equal(enforce.Horizon(noon)) {
		t.Errorf("a past replay: %+v %v", at, err)
	}
}

func noMask(b []byte) []byte { return b }

// Export does not write a policy whose fields hold a value to mask.
func TestExportLeavesOutSecrets(t *testing.T) {
	v, err := validate.New(context.Background(), "")
	if err != nil {
		t.Fatal(err)
	}
	leaky := calls
	leaky.Description = "ticket hunter2-value"
	org := &genesystest.Fake{ListPoliciesFunc: listing(live(leaky))}
	mask := func(b []byte) []byte { return bytes.ReplaceAll(b, []byte("hunter2-value"), []byte("***")) }
	dir := filepath.Join(t.TempDir(), "out")
	got, err := run.Export(context.Background(), org, v, dir, mask)
	if err != nil || len(got.Skipped) != 1 || !strings.Contains(got.Skipped[0].Reason, "mask") {
		t.Fatalf("%v %+v", err, got.Skipped)
	}
	if _, err := os.Stat(filepath.Join(dir, "calls.yaml")); err == nil {
		t.Error("the file was written")
	}
}

type openJobs []enforce.OpenJob

func (openJobs) LastRuns() (map[string]time.Time, error) { return nil, nil }
func (o openJobs) OpenJobs() ([]enforce.OpenJob, error)  { return o, nil }

// A job an interrupted run left running is cancelled and recorded before
// anything else; one that ended meanwhile is recorded as it ended. No
// other job is touched.
func TestEnforceSettlesJobsLeftOpen(t *testing.T) {
	org := &genesystest.Fake{ListPoliciesFunc: listing(nil)}
	var j jobs
	j.fake(org)
	states := map[string]string{"left-running": genesys.JobProcessing, "ended": genesys.JobFulfilled}
	org.GetRecordingJobFunc = func(_ context.Context, id string) (genesys.RecordingJob, error) {
		return genesys.RecordingJob{ID: id, State: states[id]}, nil
	}
	var cancelled []string
	org.CancelRecordingJobFunc = func(_ context.Context, id string) error { cancelled = append(cancelled, id); return nil }
	rec := &audittest.Recorder{}
	r := runner(org)
	r.Audit = rec
	open := openJobs{{ID: "left-running", Policy: "Calls", Action: "DELETE", RunID: "r1"}, {ID: "ended", Policy: "Chats", Action: "DELETE", RunID: "r1"}}
	rep, err := run.Enforce(context.Background(), org, repoOf(), nil, run.When{Now: noon, Horizon: enforce.Horizon(noon)}, r, open)
	if err != nil || len(rep.Recovered) != 2 {
		t.Fatalf("%v %+v", err, rep)
	}
	if len(cancelled) != 1 || cancelled[0] != "left-running" {
		t.Errorf("cancelled %v", cancelled)
	}
	if c, f := rec.OfType(audit.JobCancelled), rec.OfType(audit.JobFulfilled); len(c) != 1 || c[0].JobID != "left-running" || len(f) != 1 || f[0].JobID != "ended" {
		t.Errorf("events %v", rec.Types())
	}
}
