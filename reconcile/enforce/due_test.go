package enforce

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/retainctl/retainctl/reconcile/policy"
)

func at(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

func sched(freq policy.Frequency, dow string, dom int, tz string) policy.Policy {
	return policy.Policy{Name: "p", Schedule: &policy.Schedule{Frequency: freq, DayOfWeek: dow, DayOfMonth: dom, Timezone: tz}}
}

func TestDue(t *testing.T) {
	off := false
	disabled := sched(Daily, "", 0, "")
	disabled.Enabled = &off
	tests := []struct {
		name string
		p    policy.Policy
		now  string
		want bool
	}{
		{"no schedule", policy.Policy{Name: "p"}, "2026-11-30T12:00:00Z", false},
		{"disabled", disabled, "2026-11-30T12:00:00Z", false},
		{"daily", sched(Daily, "", 0, ""), "2026-11-30T12:00:00Z", true},
		{"weekly on its day", sched(Weekly, "MONDAY", 0, ""), "2026-11-30T12:00:00Z", true},
		{"weekly other day", sched(Weekly, "TUESDAY", 0, ""), "2026-11-30T12:00:00Z", false},
		// 2026-11-30 23:30 UTC is already Tuesday 1 December in Auckland.
		{"weekly Auckland ahead of UTC", sched(Weekly, "TUESDAY", 0, "Pacific/Auckland"), "2026-11-30T23:30:00Z", true},
		{"weekly Auckland not UTC's day", sched(Weekly, "MONDAY", 0, "Pacific/Auckland"), "2026-11-30T23:30:00Z", false},
		// 2026-12-01 03:00 UTC is still Monday 30 November in Los Angeles.
		{"weekly Los Angeles behind UTC", sched(Weekly, "MONDAY", 0, "America/Los_Angeles"), "2026-12-01T03:00:00Z", true},
		{"monthly on its day", sched(Monthly, "", 15, ""), "2026-11-15T00:00:00Z", true},
		{"monthly other day", sched(Monthly, "", 15, ""), "2026-11-16T00:00:00Z", false},
		{"monthly 31 in February", sched(Monthly, "", 31, ""), "2026-02-28T10:00:00Z", true},
		{"monthly 31 not Feb 27", sched(Monthly, "", 31, ""), "2026-02-27T10:00:00Z", false},
		{"monthly 31 leap February", sched(Monthly, "", 31, ""), "2028-02-29T10:00:00Z", true},
		{"monthly 31 leap Feb 28 is not last", sched(Monthly, "", 31, ""), "2028-02-28T10:00:00Z", false},
		{"monthly 29 in February", sched(Monthly, "", 29, ""), "2027-02-28T10:00:00Z", true},
		{"monthly 31 in April", sched(Monthly, "", 31, ""), "2026-04-30T10:00:00Z", true},
		{"monthly 30 in a 31-day month", sched(Monthly, "", 30, ""), "2026-03-31T10:00:00Z", false},
		{"monthly 31 on the 31st", sched(Monthly, "", 31, ""), "2026-03-31T10:00:00Z", true},
		// 2026-02-28 12:00 UTC is 1 March 01:00 in Auckland: not February's last day there.
		{"monthly Auckland rolled over", sched(Monthly, "", 31, "Pacific/Auckland"), "2026-02-28T12:00:00Z", false},
		{"monthly Auckland first", sched(Monthly, "", 1, "Pacific/Auckland"), "2026-02-28T12:00:00Z", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Due(tt.p, at(tt.now))
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Errorf("Due at %s = %v, want %v", tt.now, got, tt.want)
			}
		})
	}
}

// Due and LastOccurrence read schedules alike: the same ones fail, with
// the same message.
func TestDueRejectsBadSchedules(t *testing.T) {
	for _, p := range []policy.Policy{
		sched(Daily, "", 0, "Mars/Olympus"),
		sched(Daily, "", 0, "Local"),
		sched(Weekly, "someday", 0, ""),
		sched(Monthly, "", 32, ""),
		sched("HOURLY", "", 0, ""),
	} {
		_, err := Due(p, at("2026-11-30T12:00:00Z"))
		if err == nil {
			t.Errorf("Due(%+v) gave no error", *p.Schedule)
			continue
		}
		if _, lerr := LastOccurrence(p, at("2026-11-30T12:00:00Z")); lerr == nil || lerr.Error() != err.Error() {
			t.Errorf("LastOccurrence(%+v) = %v, want Due's error %v", *p.Schedule, lerr, err)
		}
	}
}

func TestSelect(t *testing.T) {
	daily, weekly := sched(Daily, "", 0, ""), sched(Weekly, "FRIDAY", 0, "")
	daily.Name, weekly.Name = "daily", "weekly"
	off := false
	disabled := sched(Daily, "", 0, "")
	disabled.Name, disabled.Enabled = "off", &off
	ps := []policy.Policy{daily, weekly, disabled, {Name: "unscheduled"}}
	now := at("2026-11-30T12:00:00Z") // a Monday

	got, err := Select(ps, now, "")
	if err != nil || len(got) != 1 || got[0].Policy.Name != "daily" || got[0].Forced {
		t.Fatalf("Select = %+v, %v; want daily only", got, err)
	}
	for _, name := range []string{"weekly", "unscheduled"} {
		got, err = Select(ps, now, name)
		if err != nil || len(got) != 1 || got[0].Policy.Name != name || !got[0].Forced {
			t.Errorf("Select(--policy %s) = %+v, %v; want it forced", name, got, err)
		}
	}
	if _, err := Select(ps, now, "off"); err == nil || !strings.Contains(err.Error(), "disabled") {
		t.Errorf("Select(--policy off) error = %v, want disabled", err)
	}
	if _, err := Select(ps, now, "nope"); err == nil || !strings.Contains(err.Error(), "daily, weekly") {
		t.Errorf("Select(--policy nope) error = %v, want the list of names", err)
	}
}

// A run names the policies it leaves alone, with their next date or why
// they never run.
func TestWaiting(t *testing.T) {
	mon := time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC) // a Monday
	weekly := pol("Weekly", policy.Call, 90, 0, &policy.Schedule{Frequency: Weekly, DayOfWeek: "SUNDAY"})
	monthly := pol("Monthly", policy.Call, 90, 0, &policy.Schedule{Frequency: Monthly, DayOfMonth: 31})
	daily := pol("Daily", policy.Call, 90, 0, &policy.Schedule{Frequency: Daily})
	off := pol("Off", policy.Call, 90, 0, &policy.Schedule{Frequency: Daily})
	off.Enabled = new(false)
	none := pol("None", policy.Call, 90, 0, nil)
	got := Waiting([]policy.Policy{weekly, monthly, daily, off, none}, []Selected{{Policy: daily}}, mon)
	want := []NotDue{{Name: "Weekly", Next: "2026-12-06"}, {Name: "Monthly", Next: "2026-12-31"},
		{Name: "Off", Why: "disabled"}, {Name: "None", Why: "no schedule: never enforced on existing recordings"}}
	if !slices.Equal(got, want) {
		t.Errorf("got %+v\nwant %+v", got, want)
	}
}
