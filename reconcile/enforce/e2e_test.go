package enforce

import (
	"context"
	"errors"
	"github.com/retainctl/retainctl/reconcile/audit/audittest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/retainctl/retainctl/reconcile/audit"
	"github.com/retainctl/retainctl/reconcile/genesys"
	"github.com/retainctl/retainctl/reconcile/policy"
	"github.com/retainctl/retainctl/reconcile/sim"
)

func pol(name string, media policy.ObjectType, ret policy.Retention, archive int, s *policy.Schedule, fs ...policy.Filter) policy.Policy {
	return policy.Policy{Name: name, ObjectType: media, RetentionPeriod: ret, ArchiveAfter: archive, Schedule: s, Filters: fs}
}

func in(attr policy.Attribute, vals ...string) policy.Filter {
	anys := make([]any, len(vals))
	for i, v := range vals {
		anys[i] = v
	}
	return policy.Filter{Attribute: attr, Operator: "IN", Value: anys}
}

// covers is the test's own reading of which recordings a policy covers,
// written independently of the query builder.
func covers(p policy.Policy, r sim.Recording) bool {
	media := map[policy.ObjectType]string{"call": "voice", "chat": "chat", "email": "email", "message": "message"}[p.ObjectType]
	if media != "" && r.MediaType != media {
		return false
	}
	field := map[policy.Attribute]string{"direction": r.Direction, "queue": r.QueueID, "user": r.UserID, "team": r.TeamID,
		"wrapupCode": r.WrapUpCode, "language": r.LanguageID}
	for _, f := range p.Filters {
		if !slices.ContainsFunc(f.Values(), func(v string) bool { return strings.EqualFold(v, field[f.Attribute]) }) {
			return false
		}
	}
	return true
}

// expect returns the ids the due policies must delete and archive.
func expect(due []policy.Policy, recs []sim.Recording, now time.Time) (del, arch map[string]bool) {
	del, arch = map[string]bool{}, map[string]bool{}
	for _, p := range due {
		cut := now.AddDate(0, 0, -int(p.RetentionPeriod))
		for _, r := range recs {
			switch {
			case !covers(p, r):
			case r.CreatedAt.Before(cut):
				del[r.RecordingID] = true
			case p.ArchiveAfter > 0 && r.CreatedAt.Before(now.AddDate(0, 0, -p.ArchiveAfter)):
				arch[r.RecordingID] = true
			}
		}
	}
	return del, arch
}

// TestEnforceDeletesExactlyWhatIsDue runs due and not-due policies against
// the simulator and compares its recordings before and after, one by one.
func TestEnforceDeletesExactlyWhatIsDue(t *testing.T) {
	q, w, tm, lang := sim.Queues, sim.WrapUpCodes, sim.Teams, sim.Languages
	scenarios := []struct {
		name     string
		now      string
		policies []policy.Policy
		due      []string
	}{
		{
			// 23:30 UTC on Monday 30 November is Tuesday 1 December in Auckland.
			name: "daily and weekly in a timezone ahead of UTC",
			now:  "2026-11-30T23:30:00Z",
			policies: []policy.Policy{
				pol("calls daily", "call", 90, 30, &policy.Schedule{Frequency: Daily},
					policy.Filter{Attribute: "direction", Operator: "EQ", Value: "INBOUND"}, in("queue", q[0], q[1])),
				pol("chat Auckland Tuesday", "chat", 60, 0, &policy.Schedule{Frequency: Weekly, DayOfWeek: "TUESDAY", Timezone: "Pacific/Auckland"},
					in("wrapupCode", w[0]), in("team", tm[0])),
				pol("email Auckland Monday", "email", 1, 0, &policy.Schedule{Frequency: Weekly, DayOfWeek: "MONDAY", Timezone: "Pacific/Auckland"}),
				pol("messages on the 15th", "message", 1, 0, &policy.Schedule{Frequency: Monthly, DayOfMonth: 15}),
				pol("unscheduled voice", "call", 1, 0, nil),
			},
			due: []string{"calls daily", "chat Auckland Tuesday"},
		},
		{
			// 12:00 UTC on 28 February 2026 is 1 March 01:00 in Auckland.
			name: "monthly day 31 in February, and a timezone already in March",
			now:  "2026-02-28T12:00:00Z",
			policies: []policy.Policy{
				pol("email month end", "email", 365, 0, &policy.Schedule{Frequency: Monthly, DayOfMonth: 31}, in("language", lang[0])),
				pol("messages month end Auckland", "message", 1, 0, &policy.Schedule{Frequency: Monthly, DayOfMonth: 31, Timezone: "Pacific/Auckland"}),
				pol("outbound first Auckland", "call", 700, 0, &policy.Schedule{Frequency: Monthly, DayOfMonth: 1, Timezone: "Pacific/Auckland"},
					policy.Filter{Attribute: "direction", Operator: "EQ", Value: "OUTBOUND"}),
				pol("calls weekly Friday", "call", 1, 0, &policy.Schedule{Frequency: Weekly, DayOfWeek: "FRIDAY"}),
			},
			due: []string{"email month end", "outbound first Auckland"},
		},
	}
	for _, sc := range scenarios {
		t.Run(sc.name, func(t *testing.T) {
			f := newFixture(t, at(sc.now))
			before := f.org.Recordings("")
			var due []policy.Policy
			for _, p := range sc.policies {
				if slices.Contains(sc.due, p.Name) {
					due = append(due, p)
				}
			}
			wantDel, wantArch := expect(due, before, f.now)
			if len(wantDel) == 0 {
				t.Fatal("scenario deletes nothing: it would prove nothing")
			}

			rec := &audittest.Recorder{}
			rep := f.enforce(t, runner(f.client, rec), sc.policies)
			if !rep.OK() {
				t.Fatalf("report not OK: %+v", rep)
			}
			var names []string
			for _, p := range rep.Policies {
				names = append(names, p.Name)
			}
			if !slices.Equal(names, sc.due) {
				t.Fatalf("enforced %v, want %v", names, sc.due)
			}

			after := byID(f.org.Recordings(""))
			for _, r := range before {
				_, kept := after[r.RecordingID]
				if kept == wantDel[r.RecordingID] {
					t.Errorf("recording %s (%s %s, created %s, queue %s): kept=%v, want deleted=%v",
						r.RecordingID, r.MediaType, r.Direction, r.CreatedAt.Format(time.RFC3339), r.QueueID, kept, wantDel[r.RecordingID])
				}
				if a, ok := after[r.RecordingID]; ok && a.Archived != wantArch[r.RecordingID] {
					t.Errorf("recording %s: archived=%v, want %v", r.RecordingID, a.Archived, wantArch[r.RecordingID])
				}
			}
			if got := rep.Totals.Processed; got != len(wantDel)+len(wantArch) {
				t.Errorf("processed %d recordings, want %d", got, len(wantDel)+len(wantArch))
			}
			if f.peakActive > MaxActiveJobs || f.slotErrors > 0 || f.org.ActiveJobs() != 0 {
				t.Errorf("peak active jobs %d, slot errors %d, active at end %d", f.peakActive, f.slotErrors, f.org.ActiveJobs())
			}
			checkAudit(t, rec, rep)
		})
	}
}

// checkAudit: the run is bracketed by enforce events and every job has its
// created, ready, executed and fulfilled events with its id.
func checkAudit(t *testing.T, rec *audittest.Recorder, rep Report) {
	t.Helper()
	if all := rec.Events(); all[0].Type != audit.EnforceStarted || all[len(all)-1].Type != audit.EnforceFinished {
		t.Errorf("audit not bracketed by enforce.started/finished: first %s, last %s", all[0].Type, all[len(all)-1].Type)
	}
	for _, typ := range []audit.Type{audit.JobCreated, audit.JobReady, audit.JobExecuted, audit.JobFulfilled} {
		evs := rec.OfType(typ)
		if len(evs) != len(rep.Jobs) {
			t.Errorf("%d %s events for %d jobs", len(evs), typ, len(rep.Jobs))
		}
		for _, e := range evs {
			if e.JobID == "" || e.Policy == "" || e.Action == "" {
				t.Errorf("%s event lacks job id, policy or action: %+v", typ, e)
			}
		}
	}
}

func scenarioA() (string, []policy.Policy) {
	q, w := sim.Queues, sim.WrapUpCodes
	return "2026-11-30T23:30:00Z", []policy.Policy{
		pol("calls daily", "call", 90, 30, &policy.Schedule{Frequency: Daily}, in("queue", q[0], q[1])),
		pol("chat daily", "chat", 60, 0, &policy.Schedule{Frequency: Daily}, in("wrapupCode", w[0])),
		pol("email daily", "email", 30, 0, &policy.Schedule{Frequency: Daily}),
	}
}

func TestDryRunDeletesNothingAndCancels(t *testing.T) {
	now, ps := scenarioA()
	f := newFixture(t, at(now))
	before := f.org.Recordings("")
	wantDel, _ := expect(ps[:1], before, f.now)
	r := runner(f.client, &audittest.Recorder{})
	r.DryRun = true
	rep := f.enforce(t, r, ps)
	if !rep.OK() || len(rep.Jobs) != 4 {
		t.Fatalf("report: %+v", rep)
	}
	for _, j := range rep.Jobs {
		if j.Outcome != DryRun || j.State != genesys.JobCancelled || j.Processed != 0 {
			t.Errorf("job %+v: want a cancelled dry run", j)
		}
	}
	if rep.Jobs[0].Recordings != len(wantDel) {
		t.Errorf("dry run reports %d recordings to delete, want %d", rep.Jobs[0].Recordings, len(wantDel))
	}
	after := f.org.Recordings("")
	for i := range after {
		if after[i].Archived {
			t.Fatalf("dry run archived %s", after[i].RecordingID)
		}
	}
	if len(after) != len(before) {
		t.Fatalf("dry run deleted %d recordings", len(before)-len(after))
	}
	cancelled, _ := f.client.ListRecordingJobs(context.Background(), genesys.JobCancelled)
	if len(cancelled) != 4 || f.org.ActiveJobs() != 0 {
		t.Errorf("%d jobs cancelled, %d active; want 4 and 0", len(cancelled), f.org.ActiveJobs())
	}
}

// TestSlotsTakenElsewhere: jobs another tool runs count against the limit.
func TestSlotsTakenElsewhere(t *testing.T) {
	now, ps := scenarioA()
	f := newFixture(t, at(now))
	foreign, err := f.client.CreateRecordingJob(context.Background(), genesys.RecordingJobsQuery{Action: genesys.JobArchive,
		ConversationQuery: &genesys.AsyncConversationQuery{Interval: "2024-01-01T00:00:00Z/2024-01-02T00:00:00Z"}})
	if err != nil {
		t.Fatal(err)
	}
	rep := f.enforce(t, runner(f.client, &audittest.Recorder{}), ps)
	if !rep.OK() || !slices.Equal(rep.ActiveJobs, []string{foreign.ID}) {
		t.Fatalf("report: %+v", rep)
	}
	if f.peakActive > MaxActiveJobs || f.slotErrors > 0 {
		t.Errorf("peak active %d, slot errors %d", f.peakActive, f.slotErrors)
	}

	// With both slots taken, nothing starts and the run fails clearly.
	if _, err := f.client.CreateRecordingJob(context.Background(), foreignQuery()); err != nil {
		t.Fatal(err)
	}
	rep = f.enforce(t, runner(f.client, &audittest.Recorder{}), ps)
	if rep.OK() || len(rep.Errors) == 0 || !strings.Contains(rep.Errors[0], "enforce needs a free slot") || rep.Jobs[0].Outcome != NotStarted {
		t.Fatalf("report: %+v", rep)
	}
}

func foreignQuery() genesys.RecordingJobsQuery {
	return genesys.RecordingJobsQuery{Action: genesys.JobArchive,
		ConversationQuery: &genesys.AsyncConversationQuery{Interval: "2024-01-01T00:00:00Z/2024-01-02T00:00:00Z"}}
}

// failing makes job polls answer FAILED once the job was executed.
type failing struct {
	JobAPI
	mu       sync.Mutex
	executed map[string]bool
}

func (a *failing) ExecuteRecordingJob(ctx context.Context, id string) (genesys.RecordingJob, error) {
	a.mu.Lock()
	a.executed[id] = true
	a.mu.Unlock()
	return a.JobAPI.ExecuteRecordingJob(ctx, id)
}

func (a *failing) GetRecordingJob(ctx context.Context, id string) (genesys.RecordingJob, error) {
	j, err := a.JobAPI.GetRecordingJob(ctx, id)
	a.mu.Lock()
	defer a.mu.Unlock()
	if err == nil && a.executed[id] {
		j.State, j.ErrorMessage = genesys.JobFailed, "recording store unavailable"
	}
	return j, err
}

func TestFailedJobIsReported(t *testing.T) {
	now, ps := scenarioA()
	f := newFixture(t, at(now))
	rec := &audittest.Recorder{}
	rep := f.enforce(t, runner(&failing{JobAPI: f.client, executed: map[string]bool{}}, rec), ps[2:])
	if rep.OK() || rep.Totals.Unsuccessful != 1 {
		t.Fatalf("report: %+v", rep)
	}
	j := rep.Jobs[0]
	if j.Outcome != Failed || j.Error != "recording store unavailable" {
		t.Errorf("job: %+v", j)
	}
	if evs := rec.OfType(audit.JobFailed); len(evs) != 1 || evs[0].Error != "recording store unavailable" {
		t.Errorf("job.failed events: %+v", evs)
	}
}

// limited answers the first poll with a 429 asking for 7 s.
type limited struct {
	JobAPI
	once sync.Once
}

func (a *limited) GetRecordingJob(ctx context.Context, id string) (genesys.RecordingJob, error) {
	var err error
	a.once.Do(func() {
		err = &genesys.APIError{Status: 429, Code: "too.many.requests.retry.after", RetryAfter: 7 * time.Second}
	})
	if err != nil {
		return genesys.RecordingJob{}, err
	}
	return a.JobAPI.GetRecordingJob(ctx, id)
}

func TestPollHonoursRetryAfter(t *testing.T) {
	now, ps := scenarioA()
	f := newFixture(t, at(now))
	var mu sync.Mutex
	var waits []time.Duration
	r := runner(&limited{JobAPI: f.client}, &audittest.Recorder{})
	r.Sleep = func(ctx context.Context, d time.Duration) error {
		mu.Lock()
		waits = append(waits, d)
		mu.Unlock()
		return ctx.Err()
	}
	rep := f.enforce(t, r, ps[2:])
	if !rep.OK() {
		t.Fatalf("report: %+v", rep)
	}
	if waits[0] != 7*time.Second || slices.Max(waits[1:]) >= 7*time.Second {
		t.Errorf("waits %v: want 7s after the 429, then the normal backoff", waits)
	}
}

func TestInterruptCancelsRunningJobs(t *testing.T) {
	now, ps := scenarioA()
	f := newFixture(t, at(now))
	before := len(f.org.Recordings(""))
	ctx, stop := context.WithCancel(context.Background())
	defer stop()
	r := runner(f.client, &audittest.Recorder{})
	r.Sleep = func(ctx context.Context, _ time.Duration) error { stop(); return ctx.Err() } // SIGINT at the first wait
	sel, _ := Select(ps, f.now, "")
	rep := r.Run(ctx, f.plan(t, ps, sel))
	if rep.OK() {
		t.Fatal("an interrupted run reported OK")
	}
	for _, j := range rep.Jobs {
		if j.Outcome != Interrupted && j.Outcome != NotStarted {
			t.Errorf("job %+v: want interrupted or not started", j)
		}
	}
	if f.org.ActiveJobs() != 0 || len(f.org.Recordings("")) != before {
		t.Errorf("after interrupt: %d jobs active, %d recordings deleted", f.org.ActiveJobs(), before-len(f.org.Recordings("")))
	}
}

// TestCreateOutcomeUnknownIsNotRetried: a create whose answer is lost may
// have made a job; it is reported, not repeated, and its slot stays taken.
func TestCreateOutcomeUnknownIsNotRetried(t *testing.T) {
	now, ps := scenarioA()
	f := newFixture(t, at(now))
	sel, err := Select(ps[1:], f.now, "")
	if err != nil {
		t.Fatal(err)
	}
	pl := f.plan(t, ps[1:], sel)
	f.org.DropResponse(1)
	rep := runner(f.client, &audittest.Recorder{}).Run(context.Background(), pl)
	posts := f.org.RouteCounts()["POST /api/v2/recording/jobs"]
	if posts != 2 {
		t.Errorf("%d creates for 2 jobs: an unknown outcome was retried", posts)
	}
	var unknown int
	for _, j := range rep.Jobs {
		if j.Outcome == Errored && strings.Contains(j.Error, "may exist") {
			unknown++
		}
	}
	if unknown != 1 || rep.Totals.Succeeded != 1 || rep.OK() {
		t.Errorf("report: %+v", rep)
	}
}

// auditDown fails every Record after the first.
type auditDown struct{ n int }

func (a *auditDown) Record(context.Context, audit.Event) error {
	if a.n++; a.n > 1 {
		return errors.New("disk full")
	}
	return nil
}

func TestAuditFailureStopsBeforeExecuting(t *testing.T) {
	now, ps := scenarioA()
	f := newFixture(t, at(now))
	before := len(f.org.Recordings(""))
	r := runner(f.client, nil)
	r.Audit = &auditDown{}
	rep := f.enforce(t, r, ps)
	if rep.OK() || len(f.org.Recordings("")) != before || f.org.ActiveJobs() != 0 {
		t.Fatalf("audit down: OK=%v, %d deleted, %d active", rep.OK(), before-len(f.org.Recordings("")), f.org.ActiveJobs())
	}
}
