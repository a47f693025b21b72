package enforce

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/retainctl/retainctl/reconcile/audit/audittest"
	"github.com/retainctl/retainctl/reconcile/policy"
)

// heldScenario protects three conversations the first due policy would
// delete, and returns them as a hold.
func heldScenario(t *testing.T, f *fixture, ps []policy.Policy) (policy.Hold, int) {
	t.Helper()
	wantDel, _ := expect(ps[:1], f.org.Recordings(""), f.now)
	var ids []string
	held := 0
	for _, r := range f.org.Recordings("") {
		if wantDel[r.RecordingID] && len(ids) < 3 && !slices.Contains(ids, r.ConversationID) {
			ids = append(ids, r.ConversationID)
		}
	}
	for _, r := range f.org.Recordings("") {
		if wantDel[r.RecordingID] && slices.Contains(ids, r.ConversationID) {
			held++
		}
	}
	if len(ids) < 3 {
		t.Fatal("the scenario has too few recordings due")
	}
	if err := f.client.SetDeletionProtection(context.Background(), true, ids); err != nil {
		t.Fatal(err)
	}
	return policy.Hold{Name: "ACME", Owner: "legal", Conversations: ids}, held
}

// A dry run counts what the hold keeps out of its numbers, and the real
// run then deletes exactly the dry run's number and none of the held.
func TestHeldRecordingsAreCountedOutAndNeverDeleted(t *testing.T) {
	now, ps := scenarioA()
	f := newFixture(t, at(now))
	h, held := heldScenario(t, f, ps)
	wantDel, _ := expect(ps[:1], f.org.Recordings(""), f.now)

	sel, err := Select(ps, f.now, "")
	if err != nil {
		t.Fatal(err)
	}
	dry := runner(f.client, &audittest.Recorder{})
	dry.DryRun = true
	pl := f.plan(t, ps, sel)
	pl.CountHolds([]policy.Hold{h})
	if len(pl.Counts) == 0 {
		t.Fatal("no counting jobs")
	}
	rep := dry.Run(context.Background(), pl)
	if !rep.OK() {
		t.Fatalf("dry run: %+v", rep)
	}
	if got := rep.Jobs[0]; got.Held != held || got.Recordings != len(wantDel)-held {
		t.Fatalf("dry run: %d recordings, %d held; want %d and %d", got.Recordings, got.Held, len(wantDel)-held, held)
	}
	if len(rep.Holds) != 1 || rep.Holds[0].Hold != "ACME" || rep.Holds[0].Recordings < held {
		t.Errorf("per hold: %+v", rep.Holds)
	}

	real := f.enforce(t, runner(f.client, &audittest.Recorder{}), ps)
	if got := real.Jobs[0]; got.Processed != rep.Jobs[0].Recordings {
		t.Errorf("the run deleted %d, the dry run said %d", got.Processed, rep.Jobs[0].Recordings)
	}
	left := map[string]bool{}
	for _, r := range f.org.Recordings("") {
		left[r.ConversationID] = true
	}
	for _, id := range h.Conversations {
		if !left[id] {
			t.Errorf("held conversation %s lost its recordings", id)
		}
	}
}

// Counting jobs only narrow a job: each passes the same safety check, and
// past MaxCountJobs the dry run says it did not count.
func TestCountingJobs(t *testing.T) {
	now := time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC)
	p := pol("Calls", policy.Call, 90, 0, nil, in(policy.Direction, "INBOUND"))
	jobs, err := Jobs(p, now, Horizon(now))
	if err != nil || len(jobs) == 0 {
		t.Fatal(jobs, err)
	}
	var ids []string
	for i := range 120 {
		ids = append(ids, fmt.Sprintf("00000000-0000-4000-8000-%012d", i))
	}
	holds := []policy.Hold{{Name: "A", Conversations: ids[:70]}, {Name: "B", Conversations: ids[60:]}, {Name: "C", Released: true, Conversations: ids}}
	counts, ok := Counting(jobs, holds)
	// A alone 60, A and B 10, B alone 50: ⌈60/50⌉ + 1 + 1 = 4 jobs per job.
	if !ok || len(counts) != 4*len(jobs) {
		t.Fatalf("%d counting jobs, ok %v", len(counts), ok)
	}
	for _, c := range counts {
		if err := CheckCount(c.JobSpec, jobs[c.Job]); err != nil {
			t.Errorf("counting job fails the check: %v", err)
		}
		if err := Check(c.Query, p, int(p.RetentionPeriod), now, Horizon(now)); err == nil {
			t.Error("a counting job passes the check of a job that may run")
		}
		if slices.Contains(c.Holds, "C") {
			t.Errorf("a released hold is counted: %v", c.Holds)
		}
	}
	many := make([]JobSpec, MaxCountJobs)
	for i := range many {
		many[i] = jobs[0]
	}
	if _, ok := Counting(many, holds); ok {
		t.Error("more than MaxCountJobs counting jobs were built")
	}
}

// CheckCount refuses a counting job that differs from its job by more than
// the conversations it names.
func TestCheckCountRefusesWiderCounts(t *testing.T) {
	now := time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC)
	jobs, err := Jobs(pol("Calls", policy.Call, 90, 0, nil, in(policy.Direction, "INBOUND")), now, Horizon(now))
	if err != nil {
		t.Fatal(err)
	}
	good := narrowed(jobs[0], []string{"c1"})
	for name, edit := range map[string]func(*JobSpec){
		"another interval":   func(c *JobSpec) { c.Query.ConversationQuery.Interval = "2020-01-01T00:00:00Z/2026-11-30T00:00:00Z" },
		"no segment filters": func(c *JobSpec) { c.Query.ConversationQuery.SegmentFilters = nil },
		"another dimension": func(c *JobSpec) {
			c.Query.ConversationQuery.ConversationFilters[0].Predicates[0].Dimension = "originatingDirection"
		},
		"two filters": func(c *JobSpec) {
			c.Query.ConversationQuery.ConversationFilters = append(c.Query.ConversationQuery.ConversationFilters, c.Query.ConversationQuery.ConversationFilters[0])
		},
		"another action age": func(c *JobSpec) { c.Query.ActionAge = 1 },
	} {
		c := narrowed(jobs[0], []string{"c1"})
		edit(&c)
		if err := CheckCount(c, jobs[0]); err == nil {
			t.Errorf("%s: passed", name)
		}
	}
	if err := CheckCount(good, jobs[0]); err != nil {
		t.Errorf("a true count: %v", err)
	}
}
