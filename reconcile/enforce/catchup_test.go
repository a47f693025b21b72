package enforce

import (
	"testing"
	"time"

	"github.com/retainctl/retainctl/reconcile/audit"
	"github.com/retainctl/retainctl/reconcile/policy"
)

func scheduled(name string, s policy.Schedule) policy.Policy {
	return policy.Policy{Name: name, ObjectType: "call", RetentionPeriod: 90, Schedule: &s}
}

func TestLastOccurrence(t *testing.T) {
	utc := func(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }
	now := time.Date(2026, 3, 4, 12, 0, 0, 0, time.UTC) // a Wednesday
	for _, tc := range []struct {
		s    policy.Schedule
		want time.Time
	}{
		{policy.Schedule{Frequency: "DAILY"}, utc(2026, 3, 4)},
		{policy.Schedule{Frequency: "WEEKLY", DayOfWeek: "WEDNESDAY"}, utc(2026, 3, 4)},
		{policy.Schedule{Frequency: "WEEKLY", DayOfWeek: "MONDAY"}, utc(2026, 3, 2)},
		{policy.Schedule{Frequency: "WEEKLY", DayOfWeek: "THURSDAY"}, utc(2026, 2, 26)},
		{policy.Schedule{Frequency: "MONTHLY", DayOfMonth: 1}, utc(2026, 3, 1)},
		{policy.Schedule{Frequency: "MONTHLY", DayOfMonth: 31}, utc(2026, 2, 28)}, // clamped in February
		{policy.Schedule{Frequency: "MONTHLY", DayOfMonth: 5}, utc(2026, 2, 5)},
	} {
		got, err := LastOccurrence(scheduled("p", tc.s), now)
		if err != nil || !got.Equal(tc.want) {
			t.Errorf("%+v: %v, %v; want %v", tc.s, got, err, tc.want)
		}
	}
}

// The latest date is counted in the policy's timezone: 2026-11-30 23:30 UTC
// is already Tuesday 1 December in Auckland, so its Monday is the day before.
func TestLastOccurrenceInPolicyTimezone(t *testing.T) {
	auckland, err := policy.LoadZone("Pacific/Auckland")
	if err != nil {
		t.Fatal(err)
	}
	p := scheduled("p", policy.Schedule{Frequency: "WEEKLY", DayOfWeek: "MONDAY", Timezone: "Pacific/Auckland"})
	got, err := LastOccurrence(p, time.Date(2026, 11, 30, 23, 30, 0, 0, time.UTC))
	if want := time.Date(2026, 11, 30, 0, 0, 0, 0, auckland); err != nil || !got.Equal(want) {
		t.Errorf("got %v, %v; want %v", got, err, want)
	}
}

// A missed scheduled run is caught up on the next run; one that completed
// is not repeated, and a policy with no history waits for its schedule.
func TestCatchUp(t *testing.T) {
	now := time.Date(2026, 3, 4, 12, 0, 0, 0, time.UTC) // Wednesday
	monday := scheduled("Monday", policy.Schedule{Frequency: "WEEKLY", DayOfWeek: "MONDAY"})
	done := scheduled("Done", policy.Schedule{Frequency: "WEEKLY", DayOfWeek: "MONDAY"})
	fresh := scheduled("Fresh", policy.Schedule{Frequency: "WEEKLY", DayOfWeek: "MONDAY"})
	log := []audit.Entry{
		{Event: audit.Event{Type: audit.JobFulfilled, Action: "DELETE", Policy: "Monday", Time: time.Date(2026, 2, 23, 6, 0, 0, 0, time.UTC)}},
		{Event: audit.Event{Type: audit.JobFulfilled, Action: "DELETE", Policy: "Done", Time: time.Date(2026, 3, 2, 6, 0, 0, 0, time.UTC)}},
		{Event: audit.Event{Type: audit.JobFulfilled, Action: "ARCHIVE", Policy: "Fresh", Time: time.Date(2026, 3, 2, 6, 0, 0, 0, time.UTC)}},
	}
	sel, err := CatchUp([]policy.Policy{monday, done, fresh}, now, LastRuns(log), nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(sel) != 1 || sel[0].Policy.Name != "Monday" || sel[0].Missed.Format(time.DateOnly) != "2026-03-02" {
		t.Errorf("caught up %+v", sel)
	}
	pl := NewPlan(withLive(sel), now, Horizon(now))
	if pl.Policies[0].Missed != "2026-03-02" || len(pl.Jobs) == 0 {
		t.Errorf("plan %+v", pl.Policies)
	}
}
